"""Settings for the Celery worker subprocesses started by ``tests/reminders/test_worker.py``.

The test settings, plus two things only a test wants:

- a Redis visibility timeout of seconds instead of an hour, so that a message left unacknowledged by a worker killed
  with SIGKILL is handed to the next worker while the test waits (production keeps the hour: a sweep or an e-mail
  batch must never be redelivered while it still runs);
- ``REMINDER_TEST_KEYPREFIX``: a key prefix that isolates the test's queues on a shared Redis database.
"""

import os

from tests.settings import *  # noqa: F403
from tests.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
if os.environ.get("REMINDER_TEST_KEYPREFIX"):
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = os.environ["REMINDER_TEST_KEYPREFIX"]

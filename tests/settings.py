"""Test settings: the portal's settings plus a small workflow app that exercises every pattern of the engine."""

import atexit
import os
import shutil
import tempfile

# A development machine, however pytest was started (scripts/test.sh exports it too): the development SECRET_KEY.
os.environ.setdefault("DEBUG", "1")

# Uploads and PDFs of a test run go to a scratch directory, removed at the end, never the checkout's var/media: a file
# left there by one run must not make another pass. Set in the environment so that the Celery workers the tests start
# (which inherit it) write where this process reads.
if "MEDIA_ROOT" not in os.environ:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="haimen-test-media-")
    atexit.register(shutil.rmtree, os.environ["MEDIA_ROOT"], ignore_errors=True)

from haimen_gov.settings import *  # noqa: F403
from haimen_gov.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_app"]

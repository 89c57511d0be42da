"""The monthly 督查通报 under real Celery workers (the reminders' harness, tests/reminders/test_worker.py): beat's
message delivered twice, to two workers at once, issues the bulletin and its notices once, and each e-mail once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from haimen_gov.workflow.models import Notification
from supervision.models import Bulletin
from supervision.tasks import monthly_bulletin
from tests.supervision.test_bulletin import items_with_lights

from .conftest import broker_url_for_tests

# The workers' harness and its fixtures (maildir, workers) are test_worker.py's own.
from .test_worker import assert_each_mail_sent_once, mail_is_settled, maildir, wait_until, workers  # noqa: F401

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ISSUE_DAY = "2026-11-02"


def test_two_workers_given_the_monthly_bulletin_twice_issue_it_once(
    org: Any,
    workers: dict[str, Any],  # noqa: F811
    maildir: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Path,
) -> None:
    # The workers write the PDF under their MEDIA_ROOT; this process reads it back under its own: both the same
    # scratch directory, never the checkout's var/media (where a file left by another run would pass the test).
    media = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = media
    items_with_lights(org)
    logs = workers["logs"]
    first = workers["start"]("bulletin-a", broker_url_for_tests())
    second = workers["start"]("bulletin-b", broker_url_for_tests())

    runs = [monthly_bulletin.delay(ISSUE_DAY) for _ in range(2)]
    wait_until(
        lambda: all(first.succeeded(r.id) or second.succeeded(r.id) for r in runs),
        what="both runs of the monthly bulletin",
        timeout=120,
        logs=logs,
    )

    bulletin = Bulletin.objects.get()
    assert (bulletin.red, bulletin.amber) == (1, 1)
    notices = Notification.objects.filter(url=bulletin.get_absolute_url())
    assert notices.count() == bulletin.recipients == notices.values("user").distinct().count() > 0
    assert Path(bulletin.pdf.path).is_relative_to(media)
    assert Path(bulletin.pdf.path).read_bytes().startswith(b"%PDF-")
    wait_until(lambda: mail_is_settled(maildir), what="the e-mail", logs=logs)
    assert_each_mail_sent_once(maildir)

"""How reminders meet Celery: beat's schedule, no long ETA/countdown tasks, and a broker that is down costing the
user nothing (the approval commits; the e-mail waits in the outbox for the next sweep)."""

from __future__ import annotations

import datetime as dt
import re
import runpy
from pathlib import Path
from typing import Any

import pytest
from kombu.exceptions import OperationalError

from haimen_gov.celery import app as celery_app
from haimen_gov.workflow import tasks
from haimen_gov.workflow.actions import item_fire
from haimen_gov.workflow.models import EmailStatus, Notification, NotificationKind
from tests.workflow_app.models import Memo, MemoState

from .conftest import broker

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "haimen_gov" / "settings.py"
SWEEP_TASK = "haimen_gov.workflow.tasks.sweep"


# --------------------------------------------------------------------------- beat


def test_beat_runs_the_sweep_every_reminder_sweep_seconds_and_each_run_expires_before_the_next(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["workflow-sweep"]
    assert entry["task"] == SWEEP_TASK
    assert SWEEP_TASK in celery_app.tasks
    assert entry["schedule"] == settings.REMINDER_SWEEP_SECONDS
    assert 0 < entry["options"]["expires"] < entry["schedule"]
    # The app reads it from the settings (namespace CELERY).
    assert celery_app.conf.beat_schedule["workflow-sweep"] == entry


@pytest.mark.parametrize("seconds", ["300", "120", "10", "5", "1"])
def test_the_sweep_interval_is_configurable_and_expires_stays_shorter(monkeypatch, seconds):
    monkeypatch.setenv("REMINDER_SWEEP_SECONDS", seconds)
    values = runpy.run_path(str(SETTINGS_FILE))

    entry = values["CELERY_BEAT_SCHEDULE"]["workflow-sweep"]
    assert values["REMINDER_SWEEP_SECONDS"] == entry["schedule"] == int(seconds)
    assert 0 < entry["options"]["expires"] < entry["schedule"]


# --------------------------------------------------------------------------- no long deadlines in the broker


ETA_OR_COUNTDOWN = re.compile(r"\b(countdown|eta)\s*=")
SOURCE_DIRS = ["haimen_gov", "meetings", "documents", "seals", "supervision", "leave"]


def test_no_task_is_scheduled_with_an_eta_or_a_countdown():
    """Long deadlines are rows swept by beat: an ETA or countdown task sits in Redis past its visibility timeout
    and is delivered twice (celery#2599, #9882)."""
    files = [path for name in SOURCE_DIRS for path in (ROOT / name).rglob("*.py") if "migrations" not in path.parts]
    assert len(files) > 20  # the scan sees the code base
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ETA_OR_COUNTDOWN.search(line)
    ]
    assert offending == []


def test_the_eta_scan_would_catch_one():
    assert ETA_OR_COUNTDOWN.search("remind.apply_async(args=[task.pk], countdown=86400)")
    assert ETA_OR_COUNTDOWN.search("remind.apply_async((pk,), eta = due_at)")
    assert not ETA_OR_COUNTDOWN.search("# never ETA/countdown tasks in the broker")


# --------------------------------------------------------------------------- the broker is down


def test_a_publish_to_a_dead_broker_is_configured_to_give_up_quickly():
    """What a web request waits, at most, when the broker is down: one connection attempt bounded by
    socket_connect_timeout, retried within broker_connection_timeout (Celery's default is 4 s, ~6 s with the
    retry), and no publish retry (``apply_async(retry=False)``)."""
    assert celery_app.conf.broker_connection_timeout <= 2
    options = celery_app.conf.broker_transport_options
    if not celery_app.conf.broker_url.startswith("filesystem"):
        assert 0 < options["socket_connect_timeout"] <= 2
    # Long enough that a running sweep is never redelivered to a second worker; a killed worker's is, later.
    assert options.get("visibility_timeout", 3600) > 10 * 60
    assert celery_app.conf.task_acks_late and celery_app.conf.task_reject_on_worker_lost


@pytest.mark.django_db
def test_with_the_broker_down_approving_works_and_the_sweep_sends_the_mail(
    org, submit_memo, monkeypatch, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    memo = submit_memo(dt.date(2026, 9, 3))
    Notification.objects.update(email_status=EmailStatus.SENT)  # the submission's notices went out earlier

    publishes: list[dict[str, Any]] = []
    real_apply_async = tasks.deliver_emails.apply_async

    def spy(*args: Any, **kwargs: Any) -> Any:
        publishes.append(kwargs)
        try:
            return real_apply_async(*args, **kwargs)
        except Exception as exc:
            publishes[-1]["raised"] = exc
            raise

    monkeypatch.setattr(tasks.deliver_emails, "apply_async", spy)

    with broker(monkeypatch, "redis://127.0.0.1:1/0"), django_capture_on_commit_callbacks(execute=True):
        item_fire(Memo, memo.pk, verb="approve", actor=org.director, comment="同意。")

    # The approval committed; the publish was tried once, without retrying, failed, and was logged.
    assert Memo.objects.get(pk=memo.pk).state == MemoState.JOINT_REVIEW
    assert len(publishes) == 1
    assert publishes[0]["retry"] is False
    assert isinstance(publishes[0]["raised"], OperationalError)
    assert "broker unavailable" in caplog.text
    pending = Notification.objects.filter(email_status=EmailStatus.PENDING)
    assert sorted(pending.values_list("kind", "user__username")) == [
        (NotificationKind.NEW_TASK, "director"),
        (NotificationKind.NEW_TASK, "justice"),
    ]
    assert mailoutbox == []

    # Beat's next sweep (run here as the worker would run it) sends them.
    tasks.sweep()

    assert sorted(m.to[0] for m in mailoutbox) == sorted([org.director.email, org.justice.email])
    assert not Notification.objects.filter(email_status=EmailStatus.PENDING).exists()

"""Builders of the leave tests: absences reported, approved and recorded as the named cast (tests/factories.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from haimen_gov.org.models import Post, User
from leave import actions
from leave.models import Absence, AbsenceKind


@pytest.fixture(autouse=True)
def _no_email_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    # Notices are written in the test's transaction; nothing needs the broker here.
    from haimen_gov.workflow.actions import notifications

    monkeypatch.setattr(notifications, "queue_email_delivery", lambda: None)


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


@contextmanager
def on(day: dt.date) -> Iterator[None]:
    """Run the block at 10:00 on ``day`` (Haimen time)."""
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def post_of(user: User) -> Post:
    post = user.posts.order_by("id").first()
    assert post is not None, f"{user} holds no post"
    return post


def report(
    leader: User,
    *,
    by: User | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    acting: User | None = None,
    submit: bool = True,
    **extra: Any,
) -> Absence:
    """``leader`` (or ``by`` for them) reports a business trip to Nanjing, by default from in a week for 3 days."""
    start = start or days(7)
    fields: dict[str, Any] = {
        "category": AbsenceKind.TRIP,
        "destination": "江苏省南京市",
        "reason": "参加全省发展改革工作会议",
        "contact": "13800000000",
    }
    fields.update(extra)
    return actions.absence_create(
        actor=by or leader,
        leader_post=post_of(leader),
        start=start,
        end=end or start + dt.timedelta(days=2),
        acting=acting,
        submit=submit,
        **fields,
    )


def approved(leader: User, org: Any, **kwargs: Any) -> Absence:
    absence = report(leader, **kwargs)
    return actions.absence_approve(absence.pk, actor=org.head, comment="同意。")


def fresh(absence: Absence) -> Absence:
    return Absence.objects.select_related("delegation").get(pk=absence.pk)

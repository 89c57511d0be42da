"""Deadline reminders of a seal request's review step, counted in working days over the 2026 National Day holiday.

The review step has 1 working day. Submitted on Tuesday 29 September 2026, it is due on Wednesday 30 September;
1–7 October are holidays (no overdue reminders go out), 8 October is the 1st overdue working day, 9 October the
2nd, and Saturday 10 October — a 调休 working day — the 3rd, when the vice head's superior (the head) is told.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from haimen_gov.org.models import Delegation
from haimen_gov.workflow.models import Notification, NotificationKind, Task, TaskStatus
from haimen_gov.workflow.sweep import sweep
from seals import actions

from .helpers import apply

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
D = dt.date


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def sweep_on(day: dt.date) -> None:
    with time_machine.travel(at(day, 8), tick=False):
        sweep()


def reminders(**filters) -> list[tuple[str, str, dt.date | None]]:  # type: ignore[no-untyped-def]
    rows = Notification.objects.filter(
        kind__in=[NotificationKind.DUE_TODAY, NotificationKind.OVERDUE, NotificationKind.ESCALATED], **filters
    )
    return sorted((n.user.username, n.kind, n.day) for n in rows.select_related("user"))


@pytest.fixture
def submitted_before_national_day(org, seals):  # type: ignore[no-untyped-def]
    with time_machine.travel(at(D(2026, 9, 29), 10), tick=False):
        request = apply(org.dept1_clerk, seals.gov)
    return request


def test_the_review_deadline_counts_working_days(submitted_before_national_day, org):
    task = Task.objects.get(item=submitted_before_national_day, status=TaskStatus.OPEN)
    assert task.post == org.posts.vice1
    assert task.due_date == D(2026, 9, 30)
    assert task.due_estimated is False
    # Escalation from the 3rd working day after the due date: 8, 9 and (调休) Saturday 10 October.
    assert task.escalate_on == D(2026, 10, 10)


def test_overdue_on_working_days_only_and_escalated_to_the_head_on_the_third(submitted_before_national_day, org):
    request = submitted_before_national_day

    sweep_on(D(2026, 9, 30))
    assert reminders(item=request) == [("vice1", NotificationKind.DUE_TODAY, D(2026, 9, 30))]

    for day in range(1, 8):  # the holiday: nobody is chased
        sweep_on(D(2026, 10, day))
    assert reminders(item=request, kind=NotificationKind.OVERDUE) == []

    sweep_on(D(2026, 10, 8))
    assert reminders(item=request, day=D(2026, 10, 8)) == [("vice1", NotificationKind.OVERDUE, D(2026, 10, 8))]
    sweep_on(D(2026, 10, 9))
    assert reminders(item=request, day=D(2026, 10, 9)) == [("vice1", NotificationKind.OVERDUE, D(2026, 10, 9))]
    assert not Notification.objects.filter(kind=NotificationKind.ESCALATED).exists()

    sweep_on(D(2026, 10, 10))  # a Saturday, but a working day (调休)
    assert reminders(item=request, day=D(2026, 10, 10)) == [
        ("head", NotificationKind.ESCALATED, D(2026, 10, 10)),
        ("vice1", NotificationKind.OVERDUE, D(2026, 10, 10)),
    ]
    escalated = Notification.objects.get(kind=NotificationKind.ESCALATED)
    assert escalated.title == f"【逾期督办】{request.title}"
    assert escalated.url == f"/items/{request.pk}/"

    # Each reminder exactly once: sweeping the same day again adds nothing; a Sunday adds nothing.
    count = Notification.objects.count()
    sweep_on(D(2026, 10, 10))
    sweep_on(D(2026, 10, 11))
    assert Notification.objects.count() == count


def test_a_finished_review_is_no_longer_chased(submitted_before_national_day, org):
    request = submitted_before_national_day
    with time_machine.travel(at(D(2026, 10, 8), 9), tick=False):
        actions.seal_request_approve(request.pk, actor=org.vice1, comment="同意。")
    sweep_on(D(2026, 10, 9))
    sweep_on(D(2026, 10, 10))
    assert reminders(item=request, user=org.vice1, kind=NotificationKind.OVERDUE) == []
    assert not Notification.objects.filter(kind=NotificationKind.ESCALATED).exists()
    approval = Task.objects.get(item=request, status=TaskStatus.OPEN)
    assert (approval.post, approval.due_date) == (org.posts.head, D(2026, 10, 10))


def test_the_escalation_goes_to_whoever_acts_for_the_head(submitted_before_national_day, org):
    Delegation.objects.create(
        post=org.posts.head, delegate=org.exec_vice, start=D(2026, 10, 9), end=D(2026, 10, 16), reason="出访"
    )
    sweep_on(D(2026, 10, 10))
    assert [n.user for n in Notification.objects.filter(kind=NotificationKind.ESCALATED)] == [org.exec_vice]

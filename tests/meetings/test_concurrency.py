"""第二十一条 under concurrency: a department's clerk and head each submit the year's system-wide meeting at the same
moment — real PostgreSQL, two connections, two threads. The database's conditional unique constraint lets one
through; the other is refused with the first's date."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from haimen_gov.workflow.actions import notifications
from meetings import actions
from meetings.models import DeptMeeting

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_email_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notifications, "queue_email_delivery", lambda: None)


def test_two_submissions_at_once_one_a_year_still_holds(org):
    assert connection.vendor == "postgresql"
    day = timezone.localdate() + dt.timedelta(days=30)
    users = [org.dept1_clerk, org.dept1_head]
    barrier = threading.Barrier(len(users))
    results: list = [None] * len(users)

    def run(index: int, user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            try:
                meeting = actions.dept_meeting_create(
                    actor=user, title=f"全区发改系统工作会议（{user.username}）", date=day, place="区发改委", scale=50
                )
                results[index] = ("ok", meeting.pk)
            except ValidationError as exc:
                results[index] = ("refused", " ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    refusal = next(r[1] for r in results if r[0] == "refused")
    assert f"{day:%Y年%m月%d日}" in refusal and "每年不超过1次" in refusal
    assert DeptMeeting.objects.filter(dept=org.units.dept1, year=day.year).count() == 1


def test_two_reminder_runs_at_once_remind_each_sponsor_once(org):
    """第十六条: two workers run the cut-off reminders at the same moment (beat fired twice): each topic is claimed by
    one of them, every sponsor is told once."""
    from haimen_gov import workdays
    from haimen_gov.workflow.models import Notification
    from tests.meetings.helpers import meeting, propose

    today = timezone.localdate()
    # The first 常务会议 date whose cut-off is not past: today lies in its reminder window.
    day = today + dt.timedelta(days=1)
    while workdays.workdays_before(day, 5) < today:
        day += dt.timedelta(days=1)
    assert actions.remind_day(workdays.workdays_before(day, 5)) <= today
    target = meeting(org, day)
    topics = [propose(org, target, title=f"议题{n}") for n in range(3)]
    barrier = threading.Barrier(2)
    counts: list[int] = [0, 0]

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            counts[index] = actions.cutoff_reminders(today)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(counts) == 3, counts
    for topic in topics:
        reminded = Notification.objects.filter(item=topic, title__startswith="【议题申报截止提醒】")
        assert sorted(reminded.values_list("user__username", flat=True)) == ["dept1_clerk", "dept1_head"]

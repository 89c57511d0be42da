"""The reminder sweep, day by day (issue 3; SPEC §7): "due soon" once, "due today" once, "overdue" on every working
day after the deadline, escalated from the third overdue working day to whoever acts for the post above.

Time travels with time_machine, and the sweep is called as beat calls it (no date: today in Haimen), twice a day, to
show that a second sweep on the same day adds nothing. The calendar is the official 2026 one (seeded by migration):
5–6 Sep is a weekend, 1–7 Oct the National Day holidays, Sun 20 Sep and Sat 10 Oct are 调休 working days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
import time_machine

from haimen_gov.org.models import Delegation
from haimen_gov.workflow import sweep as sweep_module
from haimen_gov.workflow.actions import item_fire
from haimen_gov.workflow.models import EmailStatus, Notification, NotificationKind, Reminder, Task, TaskStatus
from tests.factories import Org
from tests.workflow_app.flow import FLOW
from tests.workflow_app.models import Memo, MemoState

from .conftest import at, days, reminder_rows, tasks_by_post

pytestmark = pytest.mark.django_db

SOON: str = NotificationKind.DUE_SOON
TODAY: str = NotificationKind.DUE_TODAY
OVERDUE: str = NotificationKind.OVERDUE
ESCALATED: str = NotificationKind.ESCALATED


def run_days(
    first: dt.date, last: dt.date, org: Org, tasks: dict[str, Task]
) -> dict[dt.date, set[tuple[str, str, str]]]:
    """Sweep every day from ``first`` to ``last`` (at 08:00 and again at 17:30) and return what each day added, as
    {day: {(task's post, kind, recipient)}}. Also checks that the second sweep of a day adds nothing."""
    names = {t.pk: name for name, t in tasks.items()}
    added: dict[dt.date, set[tuple[str, str, str]]] = defaultdict(set)
    for day in days(first, last):
        before = set(reminder_rows())
        with time_machine.travel(at(day, 8), tick=False):
            morning = sweep_module.sweep()
        with time_machine.travel(at(day, 17, 30), tick=False):
            evening = sweep_module.sweep()
        assert evening.total == 0, f"{day}: the second sweep of the day added {evening}"
        rows = [row for row in reminder_rows() if row not in before]
        assert len(rows) == morning.total
        for task_id, kind, _day, username in rows:
            added[day].add((names[task_id], kind, username))
    return {day: added.get(day, set()) for day in days(first, last)}


def test_across_a_weekend_each_reminder_once_and_overdue_only_on_working_days(org, submit_memo):
    # Submitted Thu 3 Sep; two working days: due Mon 7 Sep. "Due soon" on Fri 4 Sep, the working day before; the
    # third overdue working day is Thu 10 Sep.
    memo = submit_memo(dt.date(2026, 9, 3))
    tasks = tasks_by_post(memo, org)
    assert {t.due_date for t in tasks.values()} == {dt.date(2026, 9, 7)}
    assert {t.remind_on for t in tasks.values()} == {dt.date(2026, 9, 4)}

    added = run_days(dt.date(2026, 9, 3), dt.date(2026, 9, 15), org, tasks)

    def both(kind: str) -> set[tuple[str, str, str]]:
        return {("director", kind, "director"), ("deputy1", kind, "deputy1")}

    escalated = {("director", ESCALATED, "exec_vice"), ("deputy1", ESCALATED, "director")}
    assert added == {
        dt.date(2026, 9, 3): set(),  # submitted today: the new-task notice is all
        dt.date(2026, 9, 4): both(SOON),
        dt.date(2026, 9, 5): set(),  # Saturday: "due soon" is not repeated, nothing is overdue yet
        dt.date(2026, 9, 6): set(),
        dt.date(2026, 9, 7): both(TODAY),
        dt.date(2026, 9, 8): both(OVERDUE),  # first overdue working day
        dt.date(2026, 9, 9): both(OVERDUE),
        dt.date(2026, 9, 10): both(OVERDUE) | escalated,  # third overdue working day: to the post above
        dt.date(2026, 9, 11): both(OVERDUE) | escalated,
        dt.date(2026, 9, 12): set(),  # weekend: no overdue reminders
        dt.date(2026, 9, 13): set(),
        dt.date(2026, 9, 14): both(OVERDUE) | escalated,
        dt.date(2026, 9, 15): both(OVERDUE) | escalated,
    }
    # Each reminder row names the day it is about: "due soon" the reminder day, the others the day of the sweep.
    soon_days = {day for _t, kind, day, _u in reminder_rows() if kind == SOON}
    assert soon_days == {dt.date(2026, 9, 4)}


def test_across_the_2026_national_day_holidays(org, submit_memo):
    # Submitted Mon 28 Sep: due Wed 30 Sep. 1–7 Oct are holidays; Thu 8, Fri 9 and Sat 10 Oct (调休) are the
    # first three overdue working days, so escalation starts on the Saturday; Sun 11 Oct is a day off.
    memo = submit_memo(dt.date(2026, 9, 28))
    tasks = tasks_by_post(memo, org)
    assert {t.due_date for t in tasks.values()} == {dt.date(2026, 9, 30)}
    assert {t.escalate_on for t in tasks.values()} == {dt.date(2026, 10, 10)}

    added = run_days(dt.date(2026, 9, 28), dt.date(2026, 10, 13), org, tasks)

    overdue = {("director", OVERDUE, "director"), ("deputy1", OVERDUE, "deputy1")}
    escalated = {("director", ESCALATED, "exec_vice"), ("deputy1", ESCALATED, "director")}
    expected: dict[dt.date, set[tuple[str, str, str]]] = {
        day: set() for day in days(dt.date(2026, 9, 28), dt.date(2026, 10, 13))
    }
    expected[dt.date(2026, 9, 29)] = {("director", SOON, "director"), ("deputy1", SOON, "deputy1")}
    expected[dt.date(2026, 9, 30)] = {("director", TODAY, "director"), ("deputy1", TODAY, "deputy1")}
    expected[dt.date(2026, 10, 8)] = overdue
    expected[dt.date(2026, 10, 9)] = overdue
    expected[dt.date(2026, 10, 10)] = overdue | escalated  # Saturday, but a working day (调休)
    expected[dt.date(2026, 10, 12)] = overdue | escalated
    expected[dt.date(2026, 10, 13)] = overdue | escalated
    assert added == expected


def test_escalation_and_reminders_go_to_whoever_acts_for_the_post_that_day(org, submit_memo):
    memo = submit_memo(dt.date(2026, 9, 3))  # due Mon 7 Sep; escalation from Thu 10 Sep
    tasks = tasks_by_post(memo, org)
    # The executive vice head (above the director) is away on the 10th: vice2 acts for the post.
    Delegation.objects.create(
        post=org.posts.exec_vice,
        delegate=org.vice2,
        start=dt.date(2026, 9, 10),
        end=dt.date(2026, 9, 10),
        reason="出差",
    )
    # The director (an assignee, and the post above deputy1) is away on the 11th: deputy2 acts for the post.
    Delegation.objects.create(
        post=org.posts.director,
        delegate=org.deputy2,
        start=dt.date(2026, 9, 11),
        end=dt.date(2026, 9, 11),
        reason="学习",
    )
    # A revoked delegation counts for nothing.
    Delegation.objects.create(
        post=org.posts.exec_vice,
        delegate=org.justice,
        start=dt.date(2026, 9, 14),
        end=dt.date(2026, 9, 14),
        reason="出差",
        revoked_at=at(dt.date(2026, 9, 1)),
    )

    added = run_days(dt.date(2026, 9, 10), dt.date(2026, 9, 14), org, tasks)

    assert added[dt.date(2026, 9, 10)] == {
        ("director", OVERDUE, "director"),
        ("director", ESCALATED, "vice2"),
        ("deputy1", OVERDUE, "deputy1"),
        ("deputy1", ESCALATED, "director"),
    }
    assert added[dt.date(2026, 9, 11)] == {
        ("director", OVERDUE, "deputy2"),
        ("director", ESCALATED, "exec_vice"),
        ("deputy1", OVERDUE, "deputy1"),
        ("deputy1", ESCALATED, "deputy2"),
    }
    assert added[dt.date(2026, 9, 14)] == {
        ("director", OVERDUE, "director"),
        ("director", ESCALATED, "exec_vice"),
        ("deputy1", OVERDUE, "deputy1"),
        ("deputy1", ESCALATED, "director"),
    }


@pytest.mark.parametrize("how", ["settings", "flow"])
def test_reminder_days_are_configurable_per_workflow(org, submit_memo, settings, monkeypatch, how):
    # Two working days' notice, escalation from the first overdue working day.
    if how == "settings":
        settings.WORKFLOW_REMINDERS = {"tests.memo": {"before": 2, "escalate": 1}}
    else:
        monkeypatch.setattr(FLOW, "remind_before_days", 2)
        monkeypatch.setattr(FLOW, "escalate_after_days", 1)
    settings.WORKFLOW_DUE_DAYS = {"tests.memo.office_review": 3}
    memo = submit_memo(dt.date(2026, 9, 7))  # Mon: due Thu 10 Sep
    tasks = tasks_by_post(memo, org)
    assert {(t.due_date, t.remind_on, t.escalate_on) for t in tasks.values()} == {
        (dt.date(2026, 9, 10), dt.date(2026, 9, 8), dt.date(2026, 9, 11))
    }

    added = run_days(dt.date(2026, 9, 7), dt.date(2026, 9, 14), org, tasks)

    kinds = {day: {kind for _post, kind, _user in rows} for day, rows in added.items()}
    assert kinds == {
        dt.date(2026, 9, 7): set(),
        dt.date(2026, 9, 8): {SOON},
        dt.date(2026, 9, 9): set(),
        dt.date(2026, 9, 10): {TODAY},
        dt.date(2026, 9, 11): {OVERDUE, ESCALATED},
        dt.date(2026, 9, 12): set(),
        dt.date(2026, 9, 13): set(),
        dt.date(2026, 9, 14): {OVERDUE, ESCALATED},
    }


def test_no_due_soon_and_no_escalation_when_a_workflow_turns_them_off(org, submit_memo, settings):
    settings.WORKFLOW_REMINDERS = {"tests.memo": {"before": 0, "escalate": 0}}
    memo = submit_memo(dt.date(2026, 9, 3))
    tasks = tasks_by_post(memo, org)

    added = run_days(dt.date(2026, 9, 3), dt.date(2026, 9, 15), org, tasks)

    kinds = {kind for rows in added.values() for _post, kind, _user in rows}
    assert kinds == {TODAY, OVERDUE}


def test_sweeping_the_same_day_again_adds_nothing(org, submit_memo):
    submit_memo(dt.date(2026, 9, 3))
    submit_memo(dt.date(2026, 9, 9), title="第二份纪要")  # due Fri 11 Sep: due soon on the 10th
    day = dt.date(2026, 9, 10)

    first = sweep_module.sweep(day)
    rows = reminder_rows()
    again = [sweep_module.sweep(day) for _ in range(3)]

    assert (first.due_soon, first.due_today, first.overdue, first.escalated) == (2, 0, 2, 2)
    assert [r.total for r in again] == [0, 0, 0]
    assert reminder_rows() == rows


def test_only_open_tasks_are_reminded(org, submit_memo):
    memo = submit_memo(dt.date(2026, 9, 3))
    with time_machine.travel(at(dt.date(2026, 9, 8)), tick=False):
        item_fire(Memo, memo.pk, verb="approve", actor=org.director, comment="同意。")  # 或签: both tasks close
    assert not Task.objects.filter(item=memo, step="office_review", status=TaskStatus.OPEN).exists()
    joint = Task.objects.filter(item=memo, step="joint_review", status=TaskStatus.OPEN)
    assert memo.__class__.objects.get(pk=memo.pk).state == MemoState.JOINT_REVIEW

    result = sweep_module.sweep(dt.date(2026, 9, 10))

    # The office review is overdue but done: nothing for it. The joint review (due 10 Sep) is due today.
    assert {(task_id, kind) for task_id, kind, _d, _u in reminder_rows()} == {(t.pk, TODAY) for t in joint}
    assert result.total == joint.count() == 2


def test_reminders_skip_inactive_people_and_send_no_mail_to_those_without_an_address(org, submit_memo):
    submit_memo(dt.date(2026, 9, 3))
    org.deputy1.email = ""
    org.deputy1.save(update_fields=["email"])
    org.exec_vice.is_active = False
    org.exec_vice.save(update_fields=["is_active"])

    sweep_module.sweep(dt.date(2026, 9, 10))

    rows = Notification.objects.filter(day=dt.date(2026, 9, 10))
    status: dict[tuple[str, str], Any] = {(n.kind, n.user.username): n.email_status for n in rows}
    assert status == {
        (OVERDUE, "director"): EmailStatus.PENDING,
        (OVERDUE, "deputy1"): EmailStatus.NONE,  # in the bell only
        (ESCALATED, "director"): EmailStatus.PENDING,  # deputy1's task, escalated to the director
        # The director's task would escalate to the (inactive) executive vice head: no row.
    }


def test_later_sweeps_of_a_day_look_only_at_tasks_created_since_the_first(org, submit_memo):
    """Beat sweeps every few minutes: after the day's first complete sweep, only new tasks (a 流程干预 reassignment
    of an overdue task, say) can need a reminder today, and only they are looked at."""
    from haimen_gov.workflow.actions import task_reassign
    from haimen_gov.workflow.models import SweepMark

    memo = submit_memo(dt.date(2026, 9, 3))  # due Mon 7 Sep
    overdue_day = dt.date(2026, 9, 9)
    with time_machine.travel(at(overdue_day, 8), tick=False):
        first = sweep_module.sweep()
    assert first.overdue >= 1
    mark = SweepMark.objects.get(day=overdue_day)

    with time_machine.travel(at(overdue_day, 10), tick=False):
        old = Task.objects.filter(item=memo, status=TaskStatus.OPEN).order_by("id").first()
        assert old is not None
        new = task_reassign(old.pk, actor=org.director, post=org.posts.vice2, reason="原承办人出差")
        # The reassigned task is due again from today, so not overdue; make it so, as a stuck task moved late.
        Task.objects.filter(pk=new.pk).update(due_date=dt.date(2026, 9, 7))
        # A task that (impossibly) appeared before the first sweep without a reminder is not looked at again:
        # proof that the later sweep reads only tasks created since.
        hidden = Task.objects.filter(item=memo, status=TaskStatus.OPEN).exclude(pk=new.pk).first()
    with time_machine.travel(at(overdue_day, 11), tick=False):
        second = sweep_module.sweep()

    assert second.overdue == 1
    assert Reminder.objects.filter(task=new, kind=OVERDUE, day=overdue_day).count() == 1
    assert SweepMark.objects.get(day=overdue_day).started_at == mark.started_at
    assert hidden is not None  # office_review is a 或签 step: the deputy's task is still open
    Reminder.objects.filter(task=hidden, kind=OVERDUE, day=overdue_day).delete()
    with time_machine.travel(at(overdue_day, 12), tick=False):
        assert sweep_module.sweep().overdue == 0

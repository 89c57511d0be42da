"""The office is warned when the head and the executive vice head would both be away, and when a leader's absence
leaves a step of theirs due inside it with nobody acting (第六条, 第四十四条)."""

from __future__ import annotations

import datetime as dt

import pytest

from haimen_gov.workflow.models import Notification, Task, TaskStatus
from leave import actions
from leave.selectors import warnings_for
from seals.demo import seed_seals
from seals.models import SealKind
from tests.factories import DelegationFactory
from tests.seals.helpers import apply

from .conftest import approved, days, report

pytestmark = pytest.mark.django_db


def test_head_and_exec_vice_away_on_the_same_day(org):
    # The head's trip, entered by the office as a delegation to a vice head.
    DelegationFactory(post=org.posts.head, delegate=org.vice1, start=days(4), end=days(8))
    absence = report(org.exec_vice, acting=org.vice2, start=days(2), end=days(5))

    found = warnings_for([absence])[absence.pk]
    assert found.both_away == [days(4), days(5)]
    assert "区长与常务副区长同时不在海门" in found.messages[0]
    assert absence.office_warnings == found.messages

    approved_absence = actions.absence_approve(absence.pk, actor=org.head)
    notice = Notification.objects.get(user=org.director, item=approved_absence, title__startswith="【外出提醒】")
    assert "同时不在海门" in notice.body


def test_no_warning_when_they_are_away_on_different_days(org):
    DelegationFactory(post=org.posts.head, delegate=org.vice1, start=days(6), end=days(8))
    absence = approved(org.exec_vice, org, acting=org.vice2, start=days(2), end=days(5))
    assert not warnings_for([absence])[absence.pk]
    assert not Notification.objects.filter(user=org.director, title__startswith="【外出提醒】").exists()


def test_a_vice_heads_absence_does_not_count_as_the_exec_vice_heads(org):
    DelegationFactory(post=org.posts.head, delegate=org.exec_vice, start=days(0), end=days(8))
    absence = report(org.vice1, acting=org.vice2, start=days(2), end=days(5))
    assert warnings_for([absence])[absence.pk].both_away == []


def test_an_open_step_due_inside_the_absence_with_nobody_acting(org):
    seals = {s.kind: s for s in seed_seals()}
    request = apply(org.dept1_clerk, seals[SealKind.GOVERNMENT])  # vice1 reviews, due in one working day
    task = Task.objects.get(item=request, status=TaskStatus.OPEN)
    assert task.post == org.posts.vice1

    absence = report(org.vice1, start=days(0), end=task.due_date)
    found = warnings_for([absence])[absence.pk]
    assert [step.task_id for step in found.unattended] == [task.pk]
    assert "无人代行" in found.messages[0]

    approved_absence = actions.absence_approve(absence.pk, actor=org.head)
    assert Notification.objects.filter(user=org.director, item=approved_absence, body__contains="无人代行").exists()


def test_no_unattended_warning_when_someone_acts_or_the_step_falls_outside(org):
    seals = {s.kind: s for s in seed_seals()}
    request = apply(org.dept1_clerk, seals[SealKind.GOVERNMENT])
    due = Task.objects.get(item=request, status=TaskStatus.OPEN).due_date

    covered = report(org.vice1, start=days(0), end=due, acting=org.vice2)
    later = report(org.vice1, start=due + dt.timedelta(days=1), end=due + dt.timedelta(days=3))
    found = warnings_for([covered, later])
    assert not found[covered.pk]
    assert not found[later.pk]


def test_a_long_list_of_unattended_steps_names_ten_and_counts_the_rest(org):
    from leave.selectors import UNATTENDED_LISTED

    seals = {s.kind: s for s in seed_seals()}
    requests = [apply(org.dept1_clerk, seals[SealKind.GOVERNMENT]) for _ in range(UNATTENDED_LISTED + 2)]
    tasks = Task.objects.filter(item__in=requests, status=TaskStatus.OPEN)
    assert {t.post_id for t in tasks} == {org.posts.vice1.pk}
    absence = report(org.vice1, start=days(0), end=max(t.due_date for t in tasks))

    found = warnings_for([absence])[absence.pk]
    assert len(found.unattended) == UNATTENDED_LISTED + 2
    assert len(found.messages) == UNATTENDED_LISTED + 1
    assert all("无人代行：“" in m for m in found.messages[:UNATTENDED_LISTED])
    assert found.messages[-1] == "另有2项待办在外出期间到期且无人代行，请在待办中查看并安排代行。"

"""A new task notifies whoever acts for its post at once: a NEW_TASK row written in the transaction that opens the
task, and an e-mail asked for on commit (not at the next sweep)."""

from __future__ import annotations

import datetime as dt

import pytest

from haimen_gov.celery import app as celery_app
from haimen_gov.org.models import Delegation
from haimen_gov.workflow import actions
from haimen_gov.workflow.actions import engine, item_create, item_fire
from haimen_gov.workflow.models import EmailStatus, HistoryEntry, Notification, NotificationKind, Task
from tests.workflow_app.models import Memo, MemoState

pytestmark = pytest.mark.django_db

SUBMITTED = dt.date(2026, 9, 3)


def test_each_new_task_notifies_its_assignee_in_the_same_transaction(
    org, submit_memo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        memo = submit_memo(SUBMITTED)

    tasks = Task.objects.filter(item=memo)
    notices = Notification.objects.filter(item=memo, kind=NotificationKind.NEW_TASK)
    assert sorted(notices.values_list("task__post__title", "user__username", "email_status")) == [
        ("区政府办公室主任", "director", EmailStatus.PENDING),
        ("区政府办公室副主任", "deputy1", EmailStatus.PENDING),
    ]
    assert {n.task_id for n in notices} == set(tasks.values_list("id", flat=True))
    assert all("办理期限：2026年09月07日" in n.body for n in notices)
    # The e-mail is asked for once the transaction commits.
    assert actions.queue_email_delivery in callbacks


def test_if_the_notice_cannot_be_written_the_transition_does_not_happen(org, monkeypatch):
    memo = item_create(Memo, actor=org.dept1_clerk, title="关于调整工作分工的纪要", unit=org.units.dept1)
    real_notify = engine.notify

    def failing_notify(users, *, kind, **kwargs):  # type: ignore[no-untyped-def]
        if kind == NotificationKind.NEW_TASK:
            raise RuntimeError("database went away")
        return real_notify(users, kind=kind, **kwargs)

    monkeypatch.setattr(engine, "notify", failing_notify)  # the notice of a newly opened task

    with pytest.raises(RuntimeError):
        item_fire(Memo, memo.pk, verb="submit", actor=org.dept1_clerk)

    assert Memo.objects.get(pk=memo.pk).state == MemoState.DRAFT
    assert not Task.objects.filter(item=memo).exists()
    assert not HistoryEntry.objects.filter(item=memo, verb="submit").exists()


def test_a_new_task_notifies_the_delegate_acting_for_the_post_that_day(org, submit_memo):
    Delegation.objects.create(
        post=org.posts.director, delegate=org.deputy2, start=SUBMITTED, end=SUBMITTED, reason="出差"
    )
    memo = submit_memo(SUBMITTED)

    notices = Notification.objects.filter(item=memo, kind=NotificationKind.NEW_TASK)
    assert sorted(notices.values_list("user__username", flat=True)) == ["deputy1", "deputy2"]


def test_the_new_task_mail_goes_out_on_commit(
    org, submit_memo, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    # Run what the on-commit hook publishes in this process, as a worker would run it.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True):
        memo = submit_memo(SUBMITTED)

    notices = Notification.objects.filter(item=memo, kind=NotificationKind.NEW_TASK)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(notices.values_list("user__email", flat=True))
    assert {m.subject for m in mailoutbox} == {f"【待办】{memo.title}"}
    assert set(notices.values_list("email_status", flat=True)) == {EmailStatus.SENT}

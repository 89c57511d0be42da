"""Reminders reach people once per kind and sweep, not once per task (SPEC §7): each task's reminder is claimed on its
own (workflow.Reminder, exactly once), and everything one sweep claimed for one person is gathered into one notice
and one e-mail. A notice about a single task reads as before (its title, its step, a link to it); a gathered one says
how many and leads to a page listing them.

The memos (tests/workflow_app) are submitted on Thu 3 Sep 2026 and due Mon 7 Sep: Thu 10 Sep is their third overdue
working day, when the director's and deputy1's tasks are overdue and escalate to the executive vice head and the
director respectively.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from haimen_gov.workflow import sweep as sweep_module
from haimen_gov.workflow.models import (
    EmailStatus,
    Notification,
    NotificationKind,
    Reminder,
    SweepMark,
    Task,
    TaskStatus,
)

pytestmark = pytest.mark.django_db

SUBMITTED = dt.date(2026, 9, 3)
DAY = dt.date(2026, 9, 10)
OVERDUE: str = NotificationKind.OVERDUE
ESCALATED: str = NotificationKind.ESCALATED


def submit(submit_memo, count: int) -> list:
    return [submit_memo(SUBMITTED, title=f"关于第{n + 1}批重点项目的会议纪要") for n in range(count)]


def notices(kind: str | None = None) -> dict[tuple[str, str], Notification]:
    rows = Notification.objects.filter(day=DAY).select_related("user")
    if kind:
        rows = rows.filter(kind=kind)
    return {(n.kind, n.user.username): n for n in rows}


def test_several_tasks_of_a_kind_make_one_notice_per_person_that_lists_them(org, submit_memo):
    memos = submit(submit_memo, 3)

    result = sweep_module.sweep(DAY)

    assert (result.overdue, result.escalated) == (6, 6)  # a claim per task: 3 memos × 2 tasks, each escalated
    assert Reminder.objects.filter(day=DAY).count() == 12
    got = notices()
    assert set(got) == {
        (OVERDUE, "director"),
        (OVERDUE, "deputy1"),
        (ESCALATED, "exec_vice"),  # the director's tasks, to the post above
        (ESCALATED, "director"),  # deputy1's tasks, to the post above
    }
    open_tasks = Task.objects.filter(item__in=memos, status=TaskStatus.OPEN)
    director_tasks = set(open_tasks.filter(post=org.posts.director).values_list("id", flat=True))
    overdue = got[(OVERDUE, "director")]
    assert overdue.count == 3 and set(overdue.task_ids or []) == director_tasks
    assert overdue.title == "【已逾期】您有 3 件待办已超过办理期限"
    assert overdue.task_id is None and overdue.url == ""
    assert overdue.link == reverse("workflow:notification_tasks", args=[overdue.pk])
    assert got[(ESCALATED, "exec_vice")].title == "【逾期督办】下级承办的 3 件待办已逾期多日"
    assert set(got[(ESCALATED, "exec_vice")].task_ids or []) == director_tasks


def test_one_task_makes_a_notice_about_that_task(org, submit_memo):
    (memo,) = submit(submit_memo, 1)

    sweep_module.sweep(DAY)

    overdue = notices(OVERDUE)[(OVERDUE, "director")]
    task = Task.objects.get(item=memo, post=org.posts.director, status=TaskStatus.OPEN)
    assert overdue.count == 1 and not overdue.is_digest
    assert overdue.title == f"【已逾期】{memo.title}"
    assert overdue.body == f"{task.step_label}，已超过办理期限，请尽快办理。"
    assert (overdue.task_id, overdue.item_id, overdue.url) == (task.pk, memo.pk, f"/items/{memo.pk}/")


def test_a_later_sweep_the_same_day_gathers_only_what_it_claimed(org, submit_memo):
    submit(submit_memo, 2)
    sweep_module.sweep(DAY)
    claimed = set(Reminder.objects.values_list("day", "kind", "task_id"))
    # A reminder claimed by nobody yet (as if its task had arrived after the first sweep): the next sweep claims it,
    # and notifies about that one task only.
    forgotten = Reminder.objects.filter(day=DAY, kind=OVERDUE, user=org.director).order_by("task_id").first()
    assert forgotten is not None
    forgotten.delete()
    SweepMark.objects.filter(day=DAY).delete()  # look at every task again, not only the ones created since

    again = sweep_module.sweep(DAY)

    assert again.total == 1
    assert set(Reminder.objects.values_list("day", "kind", "task_id")) == claimed
    latest = Notification.objects.filter(day=DAY, kind=OVERDUE, user=org.director).order_by("-id")
    assert [n.count for n in latest] == [1, 2]


def test_the_page_of_a_gathered_notice_lists_its_tasks_with_where_they_stand(
    org, submit_memo, client_for, django_assert_max_num_queries
):
    memos = submit(submit_memo, 4)
    sweep_module.sweep(DAY)
    overdue = notices(OVERDUE)[(OVERDUE, "director")]
    client = client_for(org.director)

    opened = client.get(reverse("workflow:notification_open", args=[overdue.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("workflow:notification_tasks", args=[overdue.pk])
    with django_assert_max_num_queries(9):
        page = client.get(opened["Location"])

    assert page.status_code == 200
    html = page.content.decode()
    assert all(memo.title in html for memo in memos)
    assert "已逾期" in html
    assert Notification.objects.get(pk=overdue.pk).read_at is not None


def test_the_page_runs_as_many_queries_for_thirty_tasks_as_for_three(
    org, submit_memo, client_for, django_assert_max_num_queries
):
    submit(submit_memo, 3)
    sweep_module.sweep(DAY)
    small = notices(OVERDUE)[(OVERDUE, "director")]
    ids = list(Task.objects.values_list("id", flat=True)[:30])
    big = Notification.objects.create(
        user=org.director, kind=OVERDUE, day=DAY, title="【已逾期】您有 30 件待办", count=len(ids), task_ids=ids
    )
    client = client_for(org.director)
    client.get(reverse("workflow:notification_tasks", args=[small.pk]))
    client.get(reverse("workflow:notification_tasks", args=[big.pk]))

    with django_assert_max_num_queries(7) as few:
        client.get(reverse("workflow:notification_tasks", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("workflow:notification_tasks", args=[big.pk])).status_code == 200


def test_someone_elses_notice_is_not_found(org, submit_memo, client_for):
    submit(submit_memo, 2)
    sweep_module.sweep(DAY)
    overdue = notices(OVERDUE)[(OVERDUE, "director")]

    response = client_for(org.deputy1).get(reverse("workflow:notification_tasks", args=[overdue.pk]))

    assert response.status_code == 404
    assert Notification.objects.get(pk=overdue.pk).read_at is None


def test_the_mail_of_a_gathered_notice_names_the_first_tasks_and_links_the_list(org, submit_memo, mailoutbox, settings):
    settings.PORTAL_BASE_URL = "https://oa.haimen.example"
    memos = submit(submit_memo, 3)
    Notification.objects.update(email_status=EmailStatus.NONE)  # the new-task notices went out on submission
    sweep_module.sweep(DAY)
    overdue = notices(OVERDUE)[(OVERDUE, "director")]

    sweep_module.deliver_emails()

    (mail,) = [m for m in mailoutbox if m.extra_headers["Message-ID"] == f"<notification-{overdue.pk}@haimen-portal>"]
    assert mail.subject == "【已逾期】您有 3 件待办已超过办理期限"
    assert all(memo.title in mail.body for memo in memos)
    assert f"https://oa.haimen.example/notifications/{overdue.pk}/tasks/" in mail.body
    # One mail per person and kind (not twelve): the director's overdue and escalation notices, deputy1's overdue
    # one, the executive vice head's escalation.
    assert len(mailoutbox) == len(Notification.objects.filter(day=DAY, email_status=EmailStatus.SENT)) == 4


def test_the_api_gives_the_count_and_the_link(org, submit_memo, client_for):
    submit(submit_memo, 2)
    sweep_module.sweep(DAY)
    overdue = notices(OVERDUE)[(OVERDUE, "director")]

    data = client_for(org.director).get("/api/v1/notifications/").json()

    row = next(r for r in data["results"] if r["id"] == overdue.pk)
    assert row["count"] == 2
    assert row["url"] == f"/notifications/{overdue.pk}/tasks/"
    assert "task_ids" not in row


def test_old_claims_are_pruned_and_recent_ones_kept(org, submit_memo, settings):
    settings.REMINDER_CLAIM_DAYS = 60
    submit(submit_memo, 1)
    sweep_module.sweep(DAY)
    kept = Reminder.objects.count()
    assert kept == 4
    task = Task.objects.filter(status=TaskStatus.OPEN).first()
    assert task is not None
    old = DAY - dt.timedelta(days=61)
    Reminder.objects.create(day=old, kind=OVERDUE, task=task, user=org.director)
    Reminder.objects.create(day=old - dt.timedelta(days=1), kind=OVERDUE, task=task, user=org.director)
    Reminder.objects.create(day=DAY - dt.timedelta(days=60), kind=OVERDUE, task=task, user=org.director)

    assert sweep_module.prune_reminders(DAY) == 2

    assert Reminder.objects.count() == kept + 1
    assert not Reminder.objects.filter(day__lt=DAY - dt.timedelta(days=60)).exists()


def test_a_due_soon_claim_older_than_the_kept_days_is_not_made_again(org, submit_memo, settings):
    """A "due soon" lead time longer than REMINDER_CLAIM_DAYS: once its claim is pruned, the task is not reminded
    "due soon" a second time."""
    settings.REMINDER_CLAIM_DAYS = 60
    submit(submit_memo, 1)
    task = Task.objects.filter(status=TaskStatus.OPEN).order_by("id").first()
    assert task is not None
    long_ago = DAY - dt.timedelta(days=61)
    Task.objects.filter(pk=task.pk).update(remind_on=long_ago, due_date=DAY + dt.timedelta(days=30))

    assert sweep_module.sweep(DAY).due_soon == 0
    assert not Reminder.objects.filter(kind=NotificationKind.DUE_SOON).exists()

    Task.objects.filter(pk=task.pk).update(remind_on=DAY - dt.timedelta(days=59))
    SweepMark.objects.all().delete()
    assert sweep_module.sweep(DAY).due_soon == 1

"""催办: the applicant, or the government office, reminds whoever holds an overdue or due-today step. Recorded in the
history, delivered as a notice (and e-mail), at most once a working day per task (a database constraint)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from haimen_gov import workdays
from haimen_gov.org.models import PostKind, User
from haimen_gov.org.routing import acting_posts, who_acts_for

from ..flows import flow_for
from ..models import NotificationKind, Nudge, Task, TaskStatus
from .engine import lock_item
from .errors import Conflict, Forbidden, WorkflowError
from .history import history_append
from .notifications import deliver_emails_on_commit, notify
from .permissions import TaskFacts

# The office watches every deadline of the government's work (第二十九条 督促检查): its director and deputies may nudge.
OFFICE_KINDS = (PostKind.OFFICE_DIRECTOR, PostKind.OFFICE_DEPUTY_DIRECTOR)


def may_nudge(user: User, *, submitter_id: int, post_kinds: list[str] | None = None) -> bool:
    """Whether ``user`` may nudge the steps of an item submitted by ``submitter_id``: its applicant or the office.
    ``post_kinds``: the kinds of the posts the user acts for, when the caller has them (no query)."""
    if user.pk == submitter_id:
        return True
    kinds = [kind for _pk, kind in acting_posts(user)] if post_kinds is None else post_kinds
    return any(kind in OFFICE_KINDS for kind in kinds)


def nudgeable(task: TaskFacts, today: dt.date) -> bool:
    """An open step that is due today or overdue."""
    return task.status == TaskStatus.OPEN and task.due_date <= today


def task_nudge(task_id: int, *, actor: User, ip: str | None = None) -> Nudge:
    """催办 one task. Raises Forbidden (not the applicant or the office), WorkflowError (not yet due, or not a working
    day) or Conflict (already nudged today, or the step is done)."""
    today = timezone.localdate()
    with transaction.atomic():
        task = Task.objects.select_related("item", "post").filter(pk=task_id).first()
        if task is None:
            raise Conflict("该待办不存在。")
        item = lock_item(type(task.item.concrete()), task.item_id)
        task.refresh_from_db()
        if not may_nudge(actor, submitter_id=item.submitter_id):
            raise Forbidden("只有申请人或区政府办公室可以催办。")
        if task.status != TaskStatus.OPEN:
            raise Conflict("该环节已办理，无需催办。")
        if not nudgeable(task, today):
            raise WorkflowError("尚未到办理期限，到期当日起方可催办。")
        if not workdays.is_workday(today).workday:
            raise WorkflowError("今天不是工作日，请在工作日催办。")
        try:
            with transaction.atomic():
                nudge = Nudge.objects.create(task=task, day=today, by=actor)
        except IntegrityError:
            raise Conflict("今天已催办过该环节，每个工作日最多催办一次。") from None
        flow = flow_for(item)
        assignee = who_acts_for(task.post, today)
        history_append(
            item,
            actor=actor,
            verb="nudge",
            verb_label="催办",
            step_label=task.step_label,
            comment=f"催办{task.post.title}" + (f"（{assignee.display_name}）" if assignee else ""),
            ip=ip,
            flow=flow,
        )
        if assignee is not None:
            late = "已逾期" if task.due_date < today else "今日到期"
            notify(
                [assignee],
                kind=NotificationKind.NUDGE,
                item=item,
                task=task,
                title=f"【催办】{item.title}",
                body=f"{actor.display_name}催办：{task.step_label}（{task.post.title}）{late}，"
                f"办理期限 {task.due_date:%Y年%m月%d日}。",
                actor=actor,
            )
            deliver_emails_on_commit()
        return nudge

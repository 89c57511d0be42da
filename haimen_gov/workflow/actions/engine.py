"""The engine's moving parts, shared by the actions: the item's row lock, closing a task, what follows every
transition, and opening the tasks of the step an item now waits on (with their deadlines and notices).

None of these opens a transaction: the calling action holds one and the item's row lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from django.utils import timezone

from haimen_gov import workdays
from haimen_gov.org.models import Post, User
from haimen_gov.org.routing import who_acts_for

from ..deadlines import task_dates
from ..flows import Flow, Step, flow_for
from ..models import Decision, Item, NotificationKind, Task, TaskStatus
from .errors import Conflict, WorkflowError
from .history import history_append
from .notifications import deliver_emails_on_commit, notify

ItemT = TypeVar("ItemT", bound=Item)


def lock_item(model: type[ItemT], pk: int) -> ItemT:
    """The item's row, locked until the transaction ends: every action on an item starts here."""
    try:
        return model._default_manager.select_for_update().get(pk=pk)  # type: ignore[return-value]
    except model.DoesNotExist as exc:
        raise Conflict("该事项不存在或已被删除。") from exc


def finish_task(task: Task, *, actor: User, acting_label: str, decision: str, comment: str, now: dt.datetime) -> None:
    task.status = TaskStatus.DONE
    task.finished_at = now
    task.finished_by = actor
    task.acting_label = acting_label
    task.decision = decision if decision in Decision.values else Decision.DONE
    task.comment = comment
    task.save(update_fields=["status", "finished_at", "finished_by", "acting_label", "decision", "comment"])


def after_transition(
    item: Item,
    flow: Flow,
    *,
    actor: User,
    verb: str,
    verb_label: str,
    from_state: str,
    comment: str,
    ip: str | None,
    post: Post | None,
    acting_label: str,
    step_label: str,
    now: dt.datetime,
) -> None:
    """Everything that follows a fired transition: the item's stage, the old step's tasks cancelled, history, the
    state's hook, the new step's tasks, the submitter told of a result."""
    to_state: str = item.state  # type: ignore[attr-defined]
    item.stage = to_state
    item.stage_label = flow.state_labels.get(to_state, to_state)
    if verb == "submit":
        item.round += 1
        item.submitted_at = now
    item.closed_at = now if to_state in flow.closed_states else None
    item.save()
    # Whatever else was open in the old step is now moot: 或签 siblings, or everything on return/reject/withdraw.
    reason = Decision.WITHDRAWN if verb == "withdraw" else Decision.SUPERSEDED
    Task.objects.filter(item=item, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, decision=reason, finished_at=now
    )
    history_append(
        item,
        actor=actor,
        post=post,
        acting_label=acting_label,
        verb=verb,
        verb_label=verb_label,
        step_label=step_label,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        ip=ip,
        flow=flow,
    )
    hook = flow.on_enter.get(to_state)
    if hook is not None:
        hook(item)
    open_step_tasks(item, flow)
    if to_state in flow.closed_states or verb in ("return", "reject"):
        notify(
            [item.submitter],
            kind=NotificationKind.RESULT,
            item=item,
            title=f"【{flow.state_labels.get(to_state, to_state)}】{item.title}",
            body=f"{actor.display_name}{('（' + acting_label + '）') if acting_label else ''}：{verb_label}"
            + (f"。意见：{comment}" if comment else ""),
        )
    deliver_emails_on_commit()


def open_step_tasks(item: Item, flow: Flow | None = None) -> list[Task]:
    """Open the tasks of the step the item's state waits on (none for states that wait on nobody)."""
    flow = flow or flow_for(item)
    step = flow.step_for(item.state)  # type: ignore[attr-defined]
    if step is None:
        return []
    posts = unique_posts(step.posts(item))
    if not posts:
        raise WorkflowError(f"“{step.label}”环节找不到承办职务，请区政府办公室在组织机构中维护分管关系。")
    return [open_task(item, flow, step, post, group=step.mode) for post in posts]


def unique_posts(posts: Iterable[Post | None]) -> list[Post]:
    seen: dict[int, Post] = {}
    for post in posts:
        if post is not None and post.pk not in seen:
            seen[post.pk] = post
    return list(seen.values())


def open_task(item: Item, flow: Flow, step: Step, post: Post, *, group: str, extra: bool = False) -> Task:
    """One task of ``step`` for ``post``, due in the step's working days, and a notice to whoever acts for the post
    today."""
    today = timezone.localdate()
    days = flow.due_days(step)
    due, remind_on, escalate_on = task_dates(workdays.current(), today, days, *flow.reminder_settings())
    task = Task.objects.create(
        item=item,
        step=step.code,
        step_label=step.label,
        round=item.round,
        post=post,
        group=group,
        extra=extra,
        due_date=due.date,
        due_estimated=due.estimated,
        due_days=days,
        remind_on=remind_on,
        escalate_on=escalate_on,
    )
    assignee = who_acts_for(post, today)
    if assignee is not None:
        notify(
            [assignee],
            kind=NotificationKind.NEW_TASK,
            item=item,
            task=task,
            title=f"【待办】{item.title}",
            body=f"{step.label}（{post.title}），办理期限：{due.date:%Y年%m月%d日}"
            + ("（暂定）" if due.estimated else ""),
        )
    return task

"""The engine's moving parts, shared by the actions: the item's row lock, closing a task, what follows every
transition, and opening the tasks of the step an item now waits on (with their deadlines and notices).

None of these opens a transaction: the calling action holds one and the item's row lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from django.utils import timezone

from haimen_gov import workdays
from haimen_gov.org.models import Post, PostKind, User
from haimen_gov.org.routing import post_of_kind, who_acts_for

from ..deadlines import task_dates
from ..flows import RESUBMIT_LABEL, RESUBMIT_STEP, Flow, Step, flow_for
from ..models import Decision, Item, NotificationKind, Task, TaskStatus
from .errors import Conflict, WorkflowError
from .history import history_append
from .notifications import deliver_emails_on_commit, notifications_settle, notify
from .permissions import state_transitions

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
    notifications_settle([task])  # its 待办 notices (new task, reminders) are handled now


def after_transition(
    item: Item,
    flow: Flow,
    *,
    actor: User | None,
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
    if verb in ("submit", "withdraw") and actor is not None:
        # The submitter's 待办 "修改后重新提交" is done by resubmitting or withdrawing.
        Task.objects.filter(item=item, step=RESUBMIT_STEP, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE,
            decision=Decision.RESUBMITTED if verb == "submit" else Decision.WITHDRAWN,
            finished_at=now,
            finished_by=actor,
            acting_label=acting_label,
        )
    # Whatever else was open in the old step is now moot: 或签 siblings, or everything on return/reject/withdraw
    # (the applicant's withdrawal shows on the leader's task as 申请人撤回).
    reason = Decision.WITHDRAWN if verb == "withdraw" else Decision.SUPERSEDED
    Task.objects.filter(item=item, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, decision=reason, finished_at=now
    )
    notifications_settle(item=item)  # the siblings' notices: another person handled the step
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
    if verb == "return":
        open_resubmit_task(item, flow)
    if to_state in flow.closed_states or verb in ("return", "reject"):
        who = actor.display_name if actor is not None else "系统"
        notify(
            [item.submitter],
            kind=NotificationKind.RESULT,
            item=item,
            title=f"【{flow.state_labels.get(to_state, to_state)}】{item.title}",
            body=f"{who}{('（' + acting_label + '）') if acting_label else ''}：{verb_label}"
            + (f"。意见：{comment}" if comment else ""),
            actor=actor,
        )
    deliver_emails_on_commit()


def advance(
    item: Item,
    flow: Flow,
    step: Step,
    *,
    actor: User | None,
    verb: str,
    verb_label: str,
    comment: str,
    ip: str | None = None,
    post: Post | None = None,
    acting_label: str = "",
    now: dt.datetime | None = None,
) -> None:
    """Move the item on from ``step`` by the step's ``advance_verb`` transition, fired by the engine (the last 会签
    opinion is in, or nobody is to sign); history records ``verb``."""
    info = next((i for i in state_transitions(item) if i.verb == step.advance_verb), None)
    if info is None:
        raise WorkflowError(f"“{step.label}”环节无法继续流转，请联系系统管理员。")
    from_state = item.state  # type: ignore[attr-defined]
    getattr(item, info.name)()
    after_transition(
        item,
        flow,
        actor=actor,
        verb=verb,
        verb_label=verb_label,
        from_state=from_state,
        comment=comment,
        ip=ip,
        post=post,
        acting_label=acting_label,
        step_label=step.label,
        now=now or timezone.now(),
    )


def open_step_tasks(item: Item, flow: Flow | None = None) -> list[Task]:
    """Open the tasks of the step the item's state waits on (none for states that wait on nobody)."""
    flow = flow or flow_for(item)
    step = flow.step_for(item.state)  # type: ignore[attr-defined]
    if step is None:
        return []
    posts = unique_posts(step.posts(item))
    if not posts and step.mode == "all":
        # 会签 of nobody: nothing to countersign. The item moves on, and the history says why.
        advance(item, flow, step, actor=None, verb="skip", verb_label="自动跳过", comment="无需会签，自动跳过。")
        return []
    if not posts:
        raise WorkflowError(f"“{step.label}”环节找不到承办职务，请区政府办公室在组织机构中维护分管关系。")
    if step.mode == "sequence":
        posts = posts[:1]  # 呈阅: the first reader now, the next when they have read it
    return [open_task(item, flow, step, post, group=step.mode) for post in posts]


def next_reader(item: Item, step: Step) -> Post | None:
    """The reader of a reading step (``sequence``) whose turn comes next: the first, in the item's order, without a
    task of this round yet."""
    had = set(
        Task.objects.filter(item=item, step=step.code, round=item.round)
        .exclude(status=TaskStatus.CANCELLED)
        .values_list("post_id", flat=True)
    )
    return next((post for post in unique_posts(step.posts(item)) if post.pk not in had), None)


def open_resubmit_task(item: Item, flow: Flow) -> Task | None:
    """A returned item is a task in its submitter's 待办 (SPEC §8), addressed to the post they hold in the item's
    unit (tasks are addressed to posts: the inbox reads one index). A submitter without a post there keeps the
    notice alone."""
    post = Post.objects.filter(holder_id=item.submitter_id, unit_id=item.unit_id).order_by("order", "id").first()
    if post is None:
        return None
    step = Step(RESUBMIT_STEP, RESUBMIT_LABEL, lambda _item: [], "one", flow.resubmit_days, ("submit",))
    return open_task(item, flow, step, post, group="one", remind=False)


def unique_posts(posts: Iterable[Post | None]) -> list[Post]:
    seen: dict[int, Post] = {}
    for post in posts:
        if post is not None and post.pk not in seen:
            seen[post.pk] = post
    return list(seen.values())


def open_task(
    item: Item,
    flow: Flow,
    step: Step,
    post: Post,
    *,
    group: str,
    extra: bool = False,
    remind: bool = True,
) -> Task:
    """One task of ``step`` for ``post``, due by the step's deadline (``Flow.step_due``), and a notice to whoever
    acts for the post today — or, when nobody does (a vacant post), to the office director. ``remind=False``: the
    caller already tells the person (a returned item's result notice)."""
    today = timezone.localdate()
    # Working days (recounted when the calendar changes) or a date the item fixes (kept as it is).
    deadline = flow.step_due(step, item)
    days = None if isinstance(deadline, dt.date) else deadline
    due, remind_on, escalate_on = task_dates(workdays.current(), today, deadline, *flow.reminder_settings())
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
    if assignee is None:
        notify_vacancy(item, task, step_label=step.label, on=today)
    elif remind:
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


def notify_vacancy(item: Item, task: Task, *, step_label: str, on: dt.date) -> None:
    """A task for a post nobody holds (and nobody acts for by delegation) would reach nobody: the office director
    (or whoever acts for that post today) is told, once, with the task, to re-assign it (流程干预)."""
    director_post = post_of_kind(PostKind.OFFICE_DIRECTOR)
    director = who_acts_for(director_post, on) if director_post is not None else None
    if director is None or director_post is None or director_post.pk == task.post_id:
        return
    notify(
        [director],
        kind=NotificationKind.VACANT,
        item=item,
        task=task,
        title=f"【职务空缺】{item.title}",
        body=f"“{step_label}”的承办职务“{task.post.title}”目前无人任职，待办无人办理，请改派。",
    )

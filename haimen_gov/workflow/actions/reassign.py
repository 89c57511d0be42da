"""Moving an open task to another post: 流程干预 by the office director (:func:`task_reassign`), and the re-routing
that follows a portfolio reshuffle (:func:`reroute_open_tasks`)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haimen_gov.org.models import Post, User
from haimen_gov.org.routing import who_acts_for

from ..flows import Step, all_flows, flow_for
from ..models import Decision, NotificationKind, Task, TaskStatus
from .engine import finish_task, lock_item, notify_vacancy, open_task, unique_posts
from .errors import CommentRequired, Conflict, Forbidden, WorkflowError
from .history import history_append
from .notifications import deliver_emails_on_commit, notify
from .permissions import may_intervene


def task_reassign(task_id: int, *, actor: User, post: Post, reason: str, ip: str | None = None) -> Task:
    """流程干预: the office director moves a stuck task to another post, with a reason."""
    if not reason.strip():
        raise CommentRequired("改派须填写理由。")
    with transaction.atomic():
        task = Task.objects.select_related("item").get(pk=task_id)
        item = lock_item(type(task.item.concrete()), task.item_id)
        task.refresh_from_db()
        if not may_intervene(actor):
            raise Forbidden("只有区政府办公室主任可以进行流程干预。")
        if task.status != TaskStatus.OPEN:
            raise Conflict("该待办已办理，不能改派。")
        if post.pk == task.post_id:
            raise WorkflowError("改派对象与原承办职务相同。")
        if Task.objects.filter(item=item, step=task.step, post=post, status=TaskStatus.OPEN).exists():
            raise Conflict("该职务在本环节已有待办，不能改派。")  # one open task per (step, post): a constraint
        flow = flow_for(item)
        now = timezone.now()
        finish_task(task, actor=actor, acting_label="流程干预", decision=Decision.REASSIGNED, comment=reason, now=now)
        current = flow.step_for(item.state)  # type: ignore[attr-defined]
        # The new task's deadline as the step gives it: its working days, or the item's own (Step.due).
        step = Step(
            task.step,
            task.step_label,
            lambda _item: [],
            "one",
            flow.due_days(current) if current is not None else 2,
            due=current.due if current is not None else None,
        )
        new = open_task(item, flow, step, post, group=task.group, extra=task.extra)
        history_append(
            item,
            actor=actor,
            acting_label="流程干预",
            verb="reassign",
            verb_label="改派",
            step_label=task.step_label,
            comment=f"由{task.post.title}改派至{post.title}：{reason}",
            ip=ip,
            flow=flow,
        )
        deliver_emails_on_commit()
        return new


def items_depending_on(unit_id: int) -> Q:
    """The items whose steps read ``unit_id``'s portfolios, as a filter on Task: the item's own unit, and every unit
    a flow declares in ``unit_fields`` (e.g. a step resolved from a second unit's vice head)."""
    q = Q(item__unit_id=unit_id)
    for flow in all_flows():
        for name in flow.unit_fields:
            if name != "unit":
                q |= Q(item_id__in=flow.model._default_manager.filter(**{name: unit_id}).values("pk"))
    return q


def reroute_open_tasks(unit_id: int) -> int:
    """After a portfolio reshuffle of a unit: move the open tasks of the items depending on it
    (:func:`items_depending_on`) that sit with a post their step no longer resolves to onto a post it now resolves
    to and that has no open task in the step yet — for single, 会签, 或签 and reading steps alike (SPEC §1: a
    reshuffle re-routes every open item) — and tell the new assignee. Returns how many moved."""
    moved = 0
    depending = items_depending_on(unit_id)
    with transaction.atomic():
        tasks = Task.objects.filter(depending, status=TaskStatus.OPEN, extra=False)
        # Steps the office director re-assigned by 流程干预 stay where the director put them.
        intervened = set(
            Task.objects.filter(depending, decision=Decision.REASSIGNED).values_list("item_id", "step", "round")
        )
        for task in tasks.select_related("item", "post").select_for_update(of=("self",)).order_by("id"):
            if (task.item_id, task.step, task.round) in intervened:
                continue
            item = task.item.concrete()
            flow = flow_for(item)
            step = flow.step_for(item.state)  # type: ignore[attr-defined]
            if step is None or step.code != task.step:
                continue
            posts = unique_posts(step.posts(item))
            if task.post_id in {post.pk for post in posts}:
                continue
            # A reading step's readers who already read it are not asked again.
            busy = Task.objects.filter(item=item, step=step.code)
            if step.mode == "sequence":
                busy = busy.filter(round=task.round).exclude(status=TaskStatus.CANCELLED)
            else:
                busy = busy.filter(status=TaskStatus.OPEN)
            waiting = set(busy.values_list("post_id", flat=True))
            free = [post for post in posts if post.pk not in waiting]
            if not free:
                continue
            Task.objects.filter(pk=task.pk).update(post=free[0])
            moved += 1
            history_append(
                item,
                flow=flow,
                actor=None,
                verb="reroute",
                verb_label="分管调整转办",
                step_label=task.step_label,
                comment=f"分管领导调整，由{task.post.title}转至{free[0].title}",
            )
            assignee = who_acts_for(free[0])
            if assignee is None:
                task.post = free[0]
                notify_vacancy(item, task, step_label=task.step_label, on=timezone.localdate())
            else:
                notify(
                    [assignee],
                    kind=NotificationKind.NEW_TASK,
                    item=item,
                    task=task,
                    title=f"【待办】{item.title}",
                    body=f"{step.label}（{free[0].title}，分管调整后转来），办理期限：{task.due_date:%Y年%m月%d日}",
                )
        if moved:
            deliver_emails_on_commit()
    return moved

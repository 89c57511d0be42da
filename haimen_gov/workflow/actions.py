"""The workflow engine's actions. Every change of state of every item goes through :func:`item_fire`.

Each action runs in one transaction: it locks the item row (``select_for_update``), checks that the actor may fire
the transition now, fires it, saves, closes and opens tasks, writes history and notifications, and queues side
effects on commit. Two people pressing "approve" at once: the second waits for the lock, then finds the state moved
on and gets :class:`Conflict` (HTTP 409).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import EllipsisType
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from haimen_gov import workdays
from haimen_gov.org.models import Post, PostKind, User
from haimen_gov.org.routing import acting_post_ids, capacity, who_acts_for

from .flows import COMMENT_REQUIRED_VERBS, VERB_LABELS, Flow, Step, flow_for
from .models import (
    CarbonCopy,
    Decision,
    EmailStatus,
    HistoryEntry,
    Item,
    Notification,
    NotificationKind,
    Task,
    TaskStatus,
)

log = logging.getLogger(__name__)

I = TypeVar("I", bound=Item)  # noqa: E741


class WorkflowError(Exception):
    """Base of the engine's refusals; ``message`` is shown to the user as it is."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(WorkflowError):
    """The item moved on (someone else acted first) or the transition is not valid from its state: HTTP 409."""

    status = 409


class Forbidden(WorkflowError, PermissionDenied):
    """This user may not fire this transition: HTTP 403."""

    status = 403


class CommentRequired(WorkflowError):
    status = 400


# --------------------------------------------------------------------------- transitions


@dataclass(frozen=True)
class TransitionInfo:
    name: str  # method name on the model
    verb: str
    label: str
    by: str
    comment_required: bool
    style: str


def _transition_info(t: Any) -> TransitionInfo:
    custom = t.custom or {}
    verb = custom.get("verb", t.name.rstrip("_"))
    return TransitionInfo(
        name=t.name,
        verb=verb,
        label=custom.get("label", VERB_LABELS.get(verb, verb)),
        by=custom.get("by", "assignee"),
        comment_required=custom.get("comment_required", verb in COMMENT_REQUIRED_VERBS),
        style=custom.get("style", "danger" if verb in ("return", "reject") else "primary"),
    )


def _available(item: Item) -> list[TransitionInfo]:
    return [_transition_info(t) for t in item.get_available_state_transitions()]  # type: ignore[attr-defined]


def current_round_tasks(item: Item) -> Any:
    return Task.objects.filter(item=item, round=item.round)


def _actor_open_task(item: Item, actor: User, step: Step | None, *, extra_first: bool = False) -> Task | None:
    if step is None:
        return None
    ids = acting_post_ids(actor)
    return (
        Task.objects.filter(item=item, step=step.code, status=TaskStatus.OPEN, post_id__in=ids)
        .select_related("post", "post__unit")
        # a main task before an extra (加签) one, unless the extra one is asked for (an opinion)
        .order_by("-extra" if extra_first else "extra", "id")
        .first()
    )


def _is_submitter(item: Item, actor: User) -> bool:
    return item.submitter_id == actor.pk


def _may_fire(
    item: Item,
    flow: Flow,
    info: TransitionInfo,
    actor: User,
    *,
    open_task: Task | EllipsisType | None = ...,
    someone_acted: bool | None = None,
) -> tuple[bool, Task | None]:
    """Whether ``actor`` may fire ``info`` now, and the task it completes (for assignee transitions).
    ``open_task``: the actor's open task in the current step when the caller already looked it up."""
    if info.by == "submitter":
        if not _is_submitter(item, actor):
            return False, None
        if info.verb == "withdraw" and (_someone_acted(item) if someone_acted is None else someone_acted):
            return False, None
        return True, None
    if info.by == "assignee":
        step = flow.step_for(item.state)  # type: ignore[attr-defined]
        if step is None or info.verb not in step.verbs:
            return False, None
        if _is_submitter(item, actor) and not flow.allow_self_approval:
            return False, None
        task = _actor_open_task(item, actor, step) if open_task is ... else open_task
        if task is None or task.extra:
            return False, None
        return True, task
    return False, None


def _someone_acted(item: Item) -> bool:
    # 撤回 only before anyone acted in this round (a returned-and-resubmitted item starts a new round).
    return (
        current_round_tasks(item)
        .filter(status=TaskStatus.DONE)
        .exclude(decision__in=[Decision.WITHDRAWN, Decision.SUPERSEDED])
        .exists()
    )


def available_transitions(
    item: Item, actor: User, *, post_ids: Iterable[int] | None = None, tasks: list[Task] | None = None
) -> list[TransitionInfo]:
    """The transitions ``actor`` may fire on ``item`` now (what the page shows as buttons, the API lists).
    ``tasks`` (all of the item's tasks) and ``post_ids`` (the actor's posts), when the caller has them, spare the
    queries: the item page loads both once for everything it shows."""
    flow = flow_for(item)
    step = flow.step_for(item.state)  # type: ignore[attr-defined]
    someone_acted: bool | None = None
    if tasks is None:
        # One lookup of the actor's task serves every transition.
        task = _actor_open_task(item, actor, step)
    else:
        ids = set(acting_post_ids(actor) if post_ids is None else post_ids)
        mine = sorted(
            (
                t
                for t in tasks
                if step is not None and t.status == TaskStatus.OPEN and t.step == step.code and t.post_id in ids
            ),
            key=lambda t: (t.extra, t.pk),
        )
        task = mine[0] if mine else None
        someone_acted = any(
            t.round == item.round
            and t.status == TaskStatus.DONE
            and t.decision not in (Decision.WITHDRAWN, Decision.SUPERSEDED)
            for t in tasks
        )
    result = [
        info
        for info in _available(item)
        if _may_fire(item, flow, info, actor, open_task=task, someone_acted=someone_acted)[0]
    ]
    if task is not None and task.extra:
        # 加签: the one asked answers with an opinion; the step's own signer then decides.
        result.append(TransitionInfo("opinion", "opinion", "提出意见", "assignee", True, "primary"))
    return result


# --------------------------------------------------------------------------- the engine


def _lock(model: type[I], pk: int) -> I:
    try:
        return model._default_manager.select_for_update().get(pk=pk)  # type: ignore[return-value]
    except model.DoesNotExist as exc:
        raise Conflict("该事项不存在或已被删除。") from exc


def _today() -> dt.date:
    return timezone.localdate()


def item_fire(
    model: type[I],
    pk: int,
    *,
    verb: str,
    actor: User,
    comment: str = "",
    ip: str | None = None,
    expected_state: str | None = None,
    apply: Callable[[I], None] | None = None,
) -> I:
    """Fire ``verb`` on item ``pk`` as ``actor``. Raises Conflict (409), Forbidden (403), CommentRequired or
    ValidationError (400). ``apply`` sets the transition's own fields (e.g. copies stamped) inside the lock."""
    comment = (comment or "").strip()
    with transaction.atomic():
        item = _lock(model, pk)
        flow = flow_for(item)
        state = item.state  # type: ignore[attr-defined]
        if expected_state is not None and expected_state != state:
            raise Conflict("该事项已被他人处理，状态已变化，请刷新后查看。")
        if verb == "opinion":
            return _give_opinion(item, flow, actor=actor, comment=comment, ip=ip)  # type: ignore[return-value]
        candidates = [i for i in _available(item) if i.verb == verb]
        if not candidates:
            if _had_task(item, actor):
                raise Conflict("该事项已被他人处理，请刷新后查看。")
            if verb == "withdraw" and _is_submitter(item, actor) and _someone_acted(item):
                # The first approval usually moves the state past the withdrawable one: still a refusal, not a race.
                raise Forbidden("已有领导办理，不能撤回；如需修改请联系办理人退回。")
            raise Conflict("当前状态下不能执行此操作。")
        info, task = None, None
        for candidate in candidates:
            allowed, task = _may_fire(item, flow, candidate, actor)
            if allowed:
                info = candidate
                break
        if info is None:
            # A client that names the state it saw (the page always does) and still sees it was not late for an
            # earlier step it handled: only a closed task of this very step makes the refusal a race (409).
            seen = flow.step_for(state) if expected_state is not None else None
            if _had_task(item, actor, step_code=seen.code if seen else None):
                raise Conflict("该事项已被他人处理，请刷新后查看。")
            if _is_submitter(item, actor) and candidates[0].by == "assignee":
                raise Forbidden("不能审批本人提交的申请。")
            if verb == "withdraw" and _is_submitter(item, actor):
                raise Forbidden("已有领导办理，不能撤回；如需修改请联系办理人退回。")
            raise Forbidden("您无权执行此操作。")
        if info.comment_required and not comment:
            raise CommentRequired(f"“{info.label}”须填写意见或理由。")
        step = flow.step_for(state)
        if task is not None and step is not None:
            open_extra = Task.objects.filter(item=item, step=step.code, status=TaskStatus.OPEN, extra=True)
            if info.verb == "approve" and open_extra.exists():
                raise WorkflowError("尚有加签人未提出意见，暂不能同意。")
        if apply is not None:
            apply(item)
        acting = capacity(actor, task.post) if task is not None else None
        now = timezone.now()
        if task is not None:
            _finish_task(
                task,
                actor=actor,
                acting_label=acting.label if acting else "",
                decision=info.verb,
                comment=comment,
                now=now,
            )
            if step is not None and step.mode == "all" and info.verb == "approve":
                remaining = Task.objects.filter(item=item, step=step.code, status=TaskStatus.OPEN)
                if remaining.exists():
                    _history(
                        item,
                        actor=actor,
                        post=task.post,
                        acting_label=acting.label if acting else "",
                        verb="opinion",
                        verb_label="会签同意",
                        step_label=step.label,
                        from_state=state,
                        to_state=state,
                        comment=comment,
                        ip=ip,
                        flow=flow,
                    )
                    item.save(update_fields=["updated_at"])
                    return item
        getattr(item, info.name)()
        _after_transition(
            item,
            flow,
            actor=actor,
            verb=info.verb,
            verb_label=info.label,
            from_state=state,
            comment=comment,
            ip=ip,
            post=task.post if task else None,
            acting_label=acting.label if acting else "",
            step_label=step.label if step else "",
            now=now,
        )
        return item


def _had_task(item: Item, actor: User, step_code: str | None = None) -> bool:
    """True when ``actor`` had a task in this round (in step ``step_code`` when given) that is closed now: they (or
    someone for them) were too late."""
    ids = acting_post_ids(actor)
    tasks = current_round_tasks(item)
    if step_code is not None:
        tasks = tasks.filter(step=step_code)
    return (
        tasks.filter(post_id__in=ids, status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .exclude(decision=Decision.REASSIGNED)
        .exists()
    )


def _finish_task(task: Task, *, actor: User, acting_label: str, decision: str, comment: str, now: dt.datetime) -> None:
    task.status = TaskStatus.DONE
    task.finished_at = now
    task.finished_by = actor
    task.acting_label = acting_label
    task.decision = decision if decision in Decision.values else Decision.DONE
    task.comment = comment
    task.save(update_fields=["status", "finished_at", "finished_by", "acting_label", "decision", "comment"])


def _after_transition(
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
    _history(
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
        _notify(
            [item.submitter],
            kind=NotificationKind.RESULT,
            item=item,
            title=f"【{flow.state_labels.get(to_state, to_state)}】{item.title}",
            body=f"{actor.display_name}{('（' + acting_label + '）') if acting_label else ''}：{verb_label}"
            + (f"。意见：{comment}" if comment else ""),
        )
    transaction.on_commit(queue_email_delivery)


def open_step_tasks(item: Item, flow: Flow | None = None) -> list[Task]:
    """Open the tasks of the step the item's state waits on (none for states that wait on nobody)."""
    flow = flow or flow_for(item)
    step = flow.step_for(item.state)  # type: ignore[attr-defined]
    if step is None:
        return []
    posts = _unique_posts(step.posts(item))
    if not posts:
        raise WorkflowError(f"“{step.label}”环节找不到承办职务，请区政府办公室在组织机构中维护分管关系。")
    return [_open_task(item, flow, step, post, group=step.mode) for post in posts]


def _unique_posts(posts: Iterable[Post | None]) -> list[Post]:
    seen: dict[int, Post] = {}
    for post in posts:
        if post is not None and post.pk not in seen:
            seen[post.pk] = post
    return list(seen.values())


def _open_task(item: Item, flow: Flow, step: Step, post: Post, *, group: str, extra: bool = False) -> Task:
    today = _today()
    due = workdays.add_workdays(today, flow.due_days(step))
    before, escalate = flow.reminder_settings()
    remind_on = None
    if before > 0:
        remind_on = _workdays_before(due.date, before)
        if remind_on <= today:
            remind_on = None  # the new-task notice is the reminder
    escalate_on = workdays.add_workdays(due.date, escalate).date if escalate > 0 else None
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
        remind_on=remind_on,
        escalate_on=escalate_on,
    )
    assignee = who_acts_for(post, today)
    if assignee is not None:
        _notify(
            [assignee],
            kind=NotificationKind.NEW_TASK,
            item=item,
            task=task,
            title=f"【待办】{item.title}",
            body=f"{step.label}（{post.title}），办理期限：{due.date:%Y年%m月%d日}"
            + ("（暂定）" if due.estimated else ""),
        )
    return task


def _workdays_before(day: dt.date, n: int) -> dt.date:
    d, left = day, n
    while left:
        d -= dt.timedelta(days=1)
        if workdays.is_workday(d).workday:
            left -= 1
    return d


def _history(
    item: Item,
    *,
    flow: Flow,
    actor: User | None,
    verb: str,
    verb_label: str,
    post: Post | None = None,
    acting_label: str = "",
    step_label: str = "",
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    ip: str | None = None,
) -> HistoryEntry:
    """One append-only history row. ``from_state``/``to_state`` default to the item's state (an entry that records
    an opinion, a 加签, a 传阅 … without a transition)."""
    from_state = item.state if from_state is None else from_state
    to_state = item.state if to_state is None else to_state
    return HistoryEntry.objects.create(
        item=item,
        actor=actor,
        post=post,
        acting_label=acting_label,
        verb=verb,
        verb_label=verb_label,
        step_label=step_label,
        from_state=from_state,
        to_state=to_state,
        to_state_label=flow.state_labels.get(to_state, to_state),
        comment=comment,
        ip=ip,
    )


def _notify(
    users: Iterable[User],
    *,
    kind: str,
    item: Item | None,
    title: str,
    body: str = "",
    task: Task | None = None,
) -> None:
    url = item.get_absolute_url() if item is not None else ""
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind=kind,
                item=item,
                task=task,
                title=title[:250],
                body=body,
                url=url,
                email_status=EmailStatus.PENDING if user.email else EmailStatus.NONE,
            )
            for user in users
        ]
    )


def queue_email_delivery() -> None:
    """Ask a worker to send pending e-mails now. If the broker is down, the next sweep sends them."""
    from .tasks import deliver_emails

    try:
        deliver_emails.apply_async(retry=False, expires=600)
    except Exception as exc:
        log.warning("broker unavailable (%s); pending e-mails wait for the next sweep", exc)


# --------------------------------------------------------------------------- opinions, 加签, 改派, 传阅


def _give_opinion(item: Item, flow: Flow, *, actor: User, comment: str, ip: str | None) -> Item:
    step = flow.step_for(item.state)  # type: ignore[attr-defined]
    task = _actor_open_task(item, actor, step, extra_first=True)
    if task is None or step is None:
        if _had_task(item, actor):
            raise Conflict("该事项已被他人处理，请刷新后查看。")
        raise Forbidden("您无权执行此操作。")
    if not task.extra and "opinion" not in step.verbs:
        # An opinion answers a 加签. From the step's own signer it would close their task without a decision and
        # leave the item with nobody to decide it.
        raise Forbidden("本环节须作出决定（同意、退回或不同意），不能仅提出意见。")
    if not comment:
        raise CommentRequired("请填写意见。")
    acting = capacity(actor, task.post)
    _finish_task(
        task,
        actor=actor,
        acting_label=acting.label if acting else "",
        decision=Decision.OPINION,
        comment=comment,
        now=timezone.now(),
    )
    _history(
        item,
        actor=actor,
        post=task.post,
        acting_label=acting.label if acting else "",
        verb="opinion",
        verb_label="加签意见" if task.extra else "提出意见",
        step_label=step.label,
        comment=comment,
        ip=ip,
        flow=flow,
    )
    item.save(update_fields=["updated_at"])
    return item


def item_add_signer(model: type[I], pk: int, *, actor: User, post: Post, comment: str, ip: str | None = None) -> Task:
    """加签: the assignee of the current step asks ``post`` for an opinion before deciding."""
    with transaction.atomic():
        item = _lock(model, pk)
        flow = flow_for(item)
        step = flow.step_for(item.state)  # type: ignore[attr-defined]
        task = _actor_open_task(item, actor, step)
        if step is None or task is None or task.extra:
            raise Forbidden("只有当前环节的办理人可以加签。")
        if Task.objects.filter(item=item, step=step.code, post=post, status=TaskStatus.OPEN).exists():
            raise Conflict("该职务在本环节已有待办。")
        if who_acts_for(post) is None:
            raise WorkflowError("该职务目前无人任职，不能加签。")
        extra_step = Step(step.code, f"{step.label}（加签）", step.posts, "one", step.due_days, ("opinion",))
        new = _open_task(item, flow, extra_step, post, group="one", extra=True)
        acting = capacity(actor, task.post)
        _history(
            item,
            actor=actor,
            post=task.post,
            acting_label=acting.label if acting else "",
            verb="add_signer",
            verb_label="加签",
            step_label=step.label,
            comment=f"请{post.title}提出意见。{comment}".strip(),
            ip=ip,
            flow=flow,
        )
        transaction.on_commit(queue_email_delivery)
        return new


def may_intervene(user: User, *, post_ids: Iterable[int] | None = None, kinds: Iterable[str] | None = None) -> bool:
    """流程干预 belongs to the office director (or whoever acts for that post today). ``post_ids`` or ``kinds``:
    the user's acting posts (or their kinds), when the caller already has them."""
    if user.is_superuser:
        return True
    if kinds is not None:
        return PostKind.OFFICE_DIRECTOR in set(kinds)
    ids = acting_post_ids(user) if post_ids is None else list(post_ids)
    return Post.objects.filter(pk__in=ids, kind=PostKind.OFFICE_DIRECTOR).exists()


def task_reassign(task_id: int, *, actor: User, post: Post, reason: str, ip: str | None = None) -> Task:
    """流程干预: the office director moves a stuck task to another post, with a reason."""
    if not reason.strip():
        raise CommentRequired("改派须填写理由。")
    with transaction.atomic():
        task = Task.objects.select_related("item").get(pk=task_id)
        item = _lock(type(task.item.concrete()), task.item_id)
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
        _finish_task(task, actor=actor, acting_label="流程干预", decision=Decision.REASSIGNED, comment=reason, now=now)
        step = Step(
            task.step,
            task.step_label,
            lambda _item: [],
            "one",
            flow.due_days(flow.steps[item.state])  # type: ignore[attr-defined]
            if item.state in flow.steps
            else 2,
        )  # type: ignore[attr-defined]
        new = _open_task(item, flow, step, post, group=task.group, extra=task.extra)
        _history(
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
        transaction.on_commit(queue_email_delivery)
        return new


def item_copy(
    model: type[I], pk: int, *, actor: User, users: Iterable[User], note: str = "", ip: str | None = None
) -> list[CarbonCopy]:
    """抄送/传阅: send the item to people for reading; each gets a notice and a read receipt."""
    with transaction.atomic():
        item = _lock(model, pk)
        flow = flow_for(item)
        existing = set(CarbonCopy.objects.filter(item=item).values_list("user_id", flat=True))
        recipients = [u for u in users if u.pk not in existing and u.pk != actor.pk]
        copies = CarbonCopy.objects.bulk_create(
            [CarbonCopy(item=item, user=u, sent_by=actor, note=note) for u in recipients]
        )
        if recipients:
            _notify(
                recipients,
                kind=NotificationKind.COPY,
                item=item,
                title=f"【传阅】{item.title}",
                body=f"{actor.display_name}传阅。{note}".strip(),
            )
            _history(
                item,
                actor=actor,
                verb="copy",
                verb_label="传阅",
                comment="传阅：" + "、".join(u.display_name for u in recipients) + (f"。{note}" if note else ""),
                ip=ip,
                flow=flow,
            )
            transaction.on_commit(queue_email_delivery)
        return copies


def copy_mark_read(item: Item, user: User) -> None:
    CarbonCopy.objects.filter(item=item, user=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def item_create(model: type[I], *, actor: User, **fields: Any) -> I:
    """Create a draft item. The state machine starts in the model's default state; history records the creation."""
    with transaction.atomic():
        item = model(submitter=actor, **fields)
        flow = flow_for(model)
        item.stage = item.state  # type: ignore[attr-defined]
        item.stage_label = flow.state_labels.get(item.stage, item.stage)
        item.full_clean(exclude=["kind", "stage", "stage_label", "state"])
        item.save()
        _history(
            item,
            actor=actor,
            verb="create",
            verb_label="起草",
            from_state="",
            to_state=item.stage,
            flow=flow,
        )
        return item


def reroute_open_tasks(unit_id: int) -> int:
    """After a portfolio reshuffle of a unit: move its items' open tasks that sit with a post their step no longer
    resolves to onto a post it now resolves to and that has no open task in the step yet — for single, 会签 and 或签
    steps alike (SPEC §1: a reshuffle re-routes every open item) — and tell the new assignee. Returns how many
    moved."""
    moved = 0
    with transaction.atomic():
        tasks = Task.objects.filter(status=TaskStatus.OPEN, item__unit_id=unit_id, extra=False)
        # Steps the office director re-assigned by 流程干预 stay where the director put them.
        intervened = set(
            Task.objects.filter(item__unit_id=unit_id, decision=Decision.REASSIGNED).values_list(
                "item_id", "step", "round"
            )
        )
        for task in tasks.select_related("item", "post").select_for_update(of=("self",)).order_by("id"):
            if (task.item_id, task.step, task.round) in intervened:
                continue
            item = task.item.concrete()
            flow = flow_for(item)
            step = flow.step_for(item.state)  # type: ignore[attr-defined]
            if step is None or step.code != task.step:
                continue
            posts = _unique_posts(step.posts(item))
            if task.post_id in {post.pk for post in posts}:
                continue
            waiting = set(
                Task.objects.filter(item=item, step=step.code, status=TaskStatus.OPEN).values_list("post_id", flat=True)
            )
            free = [post for post in posts if post.pk not in waiting]
            if not free:
                continue
            Task.objects.filter(pk=task.pk).update(post=free[0])
            moved += 1
            _history(
                item,
                flow=flow,
                actor=None,
                verb="reroute",
                verb_label="分管调整转办",
                step_label=task.step_label,
                comment=f"分管领导调整，由{task.post.title}转至{free[0].title}",
            )
            assignee = who_acts_for(free[0])
            if assignee is not None:
                _notify(
                    [assignee],
                    kind=NotificationKind.NEW_TASK,
                    item=item,
                    task=task,
                    title=f"【待办】{item.title}",
                    body=f"{step.label}（{free[0].title}，分管调整后转来），办理期限：{task.due_date:%Y年%m月%d日}",
                )
        if moved:
            transaction.on_commit(queue_email_delivery)
    return moved


__all__ = [
    "CommentRequired",
    "Conflict",
    "Forbidden",
    "ValidationError",
    "WorkflowError",
    "available_transitions",
    "copy_mark_read",
    "item_add_signer",
    "item_copy",
    "item_create",
    "item_fire",
    "may_intervene",
    "notification_mark_read",
    "open_step_tasks",
    "queue_email_delivery",
    "reroute_open_tasks",
    "task_reassign",
]

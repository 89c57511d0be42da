"""Who may do what on an item now. Pure reads: nothing here writes.

Each rule has one definition. The item page already holds all of the item's tasks and the viewer's posts; it passes
them in (``tasks``, ``post_ids``) and the same function answers from them without a query, where an action asks the
database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import EllipsisType
from typing import Any, Protocol, TypeVar

from haimen_gov.org.models import Post, PostKind, User
from haimen_gov.org.routing import acting_post_ids, acting_posts

from ..flows import COMMENT_REQUIRED_VERBS, RESUBMIT_STEP, VERB_LABELS, Flow, Step, flow_for
from ..models import Decision, HistoryEntry, Item, Task, TaskStatus
from .errors import Conflict, Forbidden

# A done task with one of these decisions was closed by the engine, not acted on by its assignee.
NOT_ACTED = (Decision.WITHDRAWN, Decision.SUPERSEDED)


class TaskFacts(Protocol):
    """What the rules read of a task: a :class:`Task`, or a row of the item page (``selectors.TaskRow``)."""

    @property
    def pk(self) -> Any: ...
    @property
    def step(self) -> str: ...
    @property
    def round(self) -> int: ...
    @property
    def post_id(self) -> int: ...
    @property
    def extra(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def due_date(self) -> dt.date: ...


TaskT = TypeVar("TaskT", bound=TaskFacts)


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


def state_transitions(item: Item) -> list[TransitionInfo]:
    """The transitions the item's state machine allows from its state, whoever asks."""
    return [_transition_info(t) for t in item.get_available_state_transitions()]  # type: ignore[attr-defined]


def current_round_tasks(item: Item) -> Any:
    return Task.objects.filter(item=item, round=item.round)


def actor_open_task(
    item: Item,
    actor: User,
    step: Step | None,
    *,
    extra_first: bool = False,
    tasks: Iterable[TaskT] | None = None,
    post_ids: Iterable[int] | None = None,
) -> TaskT | Task | None:
    """The open task of ``step`` that ``actor`` may act on: a main task before an extra (加签) one, unless the extra
    one is asked for (an opinion). ``tasks`` (all of the item's tasks) and ``post_ids`` (the actor's posts) spare the
    queries."""
    if step is None:
        return None
    ids = set(acting_post_ids(actor) if post_ids is None else post_ids)
    if tasks is None:
        return (
            Task.objects.filter(item=item, step=step.code, status=TaskStatus.OPEN, post_id__in=ids)
            .select_related("post", "post__unit")
            .order_by("-extra" if extra_first else "extra", "id")
            .first()
        )
    mine = [t for t in tasks if t.step == step.code and t.status == TaskStatus.OPEN and t.post_id in ids]
    # the same order as the query's: the wanted kind (main or extra) first, then the oldest
    return min(mine, key=lambda t: (t.extra != extra_first, t.pk), default=None)


def someone_acted(item: Item, *, tasks: Iterable[TaskFacts] | None = None) -> bool:
    """Whether anyone acted in the item's current round. 撤回 is allowed only before (a returned-and-resubmitted
    item starts a new round). ``tasks``: all of the item's tasks, when the caller has them."""
    if tasks is None:
        return current_round_tasks(item).filter(status=TaskStatus.DONE).exclude(decision__in=NOT_ACTED).exists()
    return any(t.round == item.round and t.status == TaskStatus.DONE and t.decision not in NOT_ACTED for t in tasks)


def awaiting_resubmission(item: Item, *, tasks: Iterable[TaskFacts] | None = None) -> bool:
    """Whether the item was returned and waits on its submitter (their open 修改后重新提交 task)."""
    if tasks is None:
        return Task.objects.filter(item=item, step=RESUBMIT_STEP, status=TaskStatus.OPEN).exists()
    return any(t.step == RESUBMIT_STEP and t.status == TaskStatus.OPEN for t in tasks)


def had_task(item: Item, actor: User, step_code: str | None = None) -> bool:
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


def is_submitter(item: Item, actor: User) -> bool:
    """The applicant: who filed the item, or whom it was filed for (``Flow.filed_for``)."""
    if item.submitter_id == actor.pk:
        return True
    filed_for = flow_for(item).filed_for
    return filed_for is not None and filed_for(item) == actor.pk


def may_fire(
    item: Item,
    flow: Flow,
    info: TransitionInfo,
    actor: User,
    *,
    open_task: TaskT | Task | EllipsisType | None = ...,
    tasks: Sequence[TaskT] | None = None,
) -> tuple[bool, TaskT | Task | None]:
    """Whether ``actor`` may fire ``info`` now, and the task it completes (for assignee transitions).
    ``open_task``: the actor's open task in the current step when the caller already looked it up; ``tasks``: all of
    the item's tasks, when the caller has them."""
    if info.by == "submitter":
        if not is_submitter(item, actor):
            return False, None
        if (
            info.verb == "withdraw"
            and someone_acted(item, tasks=tasks)
            and not awaiting_resubmission(item, tasks=tasks)
        ):
            # 撤回 before anyone acted — or of a returned item, which waits on its submitter again.
            return False, None
        return True, None
    if info.by == "assignee":
        step = flow.step_for(item.state)  # type: ignore[attr-defined]
        if step is None or info.verb not in step.verbs:
            return False, None
        if is_submitter(item, actor) and not flow.allow_self_approval:
            return False, None
        task = actor_open_task(item, actor, step, tasks=tasks) if open_task is ... else open_task
        if task is None or task.extra:
            return False, None
        return True, task
    return False, None


def available_transitions(
    item: Item, actor: User, *, post_ids: Iterable[int] | None = None, tasks: Sequence[TaskFacts] | None = None
) -> list[TransitionInfo]:
    """The transitions ``actor`` may fire on ``item`` now (what the page shows as buttons, the API lists).
    ``tasks`` (all of the item's tasks) and ``post_ids`` (the actor's posts), when the caller has them, spare the
    queries: the item page loads both once for everything it shows."""
    flow = flow_for(item)
    step = flow.step_for(item.state)  # type: ignore[attr-defined]
    # One lookup of the actor's task serves every transition.
    task = actor_open_task(item, actor, step, tasks=tasks, post_ids=post_ids)
    result = [
        info for info in state_transitions(item) if may_fire(item, flow, info, actor, open_task=task, tasks=tasks)[0]
    ]
    if task is not None and step is not None and (task.extra or "opinion" in step.verbs):
        # 加签: the one asked answers with an opinion; the step's own signer then decides. In a step that takes
        # opinions (会签 by opinions), its signers answer so too.
        result.append(TransitionInfo("opinion", "opinion", "提出意见", "assignee", True, "primary"))
    if task is not None and step is not None and step.recurring and not task.extra:
        # A recurring step's report: not a transition, the item stays in its state.
        result.append(TransitionInfo("feedback", "feedback", VERB_LABELS["feedback"], "assignee", True, "primary"))
    return result


def may_intervene(user: User, *, post_ids: Iterable[int] | None = None, kinds: Iterable[str] | None = None) -> bool:
    """流程干预 belongs to the office director (or whoever acts for that post today). ``post_ids`` or ``kinds``:
    the user's acting posts (or their kinds), when the caller already has them."""
    if user.is_superuser:
        return True
    if kinds is not None:
        return PostKind.OFFICE_DIRECTOR in set(kinds)
    ids = acting_post_ids(user) if post_ids is None else list(post_ids)
    return Post.objects.filter(pk__in=ids, kind=PostKind.OFFICE_DIRECTOR).exists()


# 传阅 may be started by the office's director and deputies on any item they can see, besides the item's participants.
COPY_OFFICE_KINDS = frozenset({PostKind.OFFICE_DIRECTOR, PostKind.OFFICE_DEPUTY_DIRECTOR})
# History verbs of a 传阅 recipient: reading and commenting (阅示) make nobody a participant who may pass it on.
RECIPIENT_VERBS = ("copy_comment",)


def may_copy(
    item: Item,
    user: User,
    *,
    posts: Iterable[tuple[int, str]] | None = None,
    tasks: Iterable[TaskFacts] | None = None,
    history: Iterable[Any] | None = None,
) -> bool:
    """Whether ``user`` may 传阅 ``item``: its applicant, anyone who acted on it or holds (held) one of its tasks, and
    the office's director and deputies. A recipient of a 传阅 reads and comments but does not pass it on.
    ``posts`` ((id, kind) the user acts for), ``tasks`` and ``history`` (all of the item's), when the caller has them,
    spare the queries."""
    if is_submitter(item, user):
        return True
    acting = list(acting_posts(user) if posts is None else posts)
    if any(kind in COPY_OFFICE_KINDS for _pk, kind in acting):
        return True
    ids = {pk for pk, _kind in acting}
    if tasks is None:
        if Task.objects.filter(item=item, post_id__in=ids).exists():
            return True
    elif any(t.post_id in ids for t in tasks):
        return True
    if history is None:
        return HistoryEntry.objects.filter(item=item, actor=user).exclude(verb__in=RECIPIENT_VERBS).exists()
    return any(h.actor_id == user.pk and h.verb not in RECIPIENT_VERBS for h in history)


def require_amendable(item: Item, *, actor: User, states: Iterable[str], forbidden: str, conflict: str) -> None:
    """Only the applicant amends their item (its fields, its files), and only in ``states`` (a draft, or returned to
    them): raises Forbidden (403) with ``forbidden`` or Conflict (409) with ``conflict``. Call it on the locked row."""
    if item.submitter_id != actor.pk:
        raise Forbidden(forbidden)
    if item.state not in set(states):  # type: ignore[attr-defined]
        raise Conflict(conflict)

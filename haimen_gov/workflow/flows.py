"""How an app declares its chain: which state is which step, who signs it, how, and in how many working days.

An app writes its states and ``@transition`` methods on its model (pure: check and set state only) and a
:class:`Flow` naming, for each state that waits on somebody, a :class:`Step`. The engine (``actions/``) does the
rest: opening tasks when a state is entered, closing them, deadlines, history and notifications.

Transition metadata goes in django-fsm's ``custom`` dict:

- ``verb``: the uniform name used by pages and the API (submit, approve, return, reject, withdraw, or a domain verb)
- ``by``: ``"submitter"`` (the applicant) or ``"assignee"`` (whoever acts for a post with an open task in the step)
- ``label``: the button text (同意, 退回 …)
- ``comment_required``: ``return`` and ``reject`` always require one
- ``style``: the Bootstrap colour of the button

Besides ``one``/``all``/``any``, a step may be a reading step (``mode="sequence"``: 呈阅, one reader after another in
the order the item gives, each marking 已阅), a recurring one (``recurring=True``: each post reports every
``due_days`` working days until the item leaves the state), or one where an office post records a decision taken
outside the portal (``records_for="市政府"``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings

if TYPE_CHECKING:
    from haimen_gov.org.models import Post

    from .models import Item

Mode = Literal["one", "all", "any", "sequence"]

COMMENT_REQUIRED_VERBS = frozenset({"return", "reject"})

VERB_LABELS = {
    "submit": "提交",
    "approve": "同意",
    "return": "退回",
    "reject": "不同意",
    "withdraw": "撤回",
    "opinion": "提出意见",
    "reassign": "改派",
    "add_signer": "加签",
    "copy": "传阅",
    "copy_comment": "阅示",
    "read": "已阅",
    "feedback": "报送反馈",
    "record": "登记决定",
}

# The task a returned item puts in its submitter's 待办 (SPEC §8): not a step of any flow.
RESUBMIT_STEP = "resubmit"
RESUBMIT_LABEL = "修改后重新提交"

# What the item page calls the item's unit, its submitter and the act of submitting, unless the flow says otherwise
# (来文单位, 主办单位, 登记人 …).
DEFAULT_LABELS = {"unit": "申请单位", "submitter": "申请人", "submit": "提交申请"}


def choice_labels(choices: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """Each choice's label by its value, as text (what ``get_FOO_display()`` shows): a flow's ``state_labels``, a
    list row's kind or category read from a dict rather than through the model and a lazy translation each time."""
    return {str(value): str(label) for value, label in choices}


@dataclass(frozen=True)
class Step:
    """A state that waits on people.

    ``mode``: ``one`` — a single post; ``all`` — 会签, every post must answer before the chain moves on;
    ``any`` — 或签, the first of the posts to act completes the step and the others' tasks are withdrawn;
    ``sequence`` — 呈阅, the posts in the order ``posts`` gives them, one task at a time: each reader's 已阅 opens the
    next reader's task, the last one's moves the item on.
    ``posts`` resolves the posts from the item at the moment the step is entered (so a portfolio reshuffle routes
    new steps to the new leader; ``reroute_open_tasks`` moves the ones already open). A 会签 (``all``) whose posts
    resolve to nobody is skipped (the item moves on by ``advance_verb``); any other step refuses to open.

    ``due``: the deadline taken from the item — working days (a matter type's 5/7/30) or an explicit date (set by the
    district) — or None for the step's own ``due_days`` (which ``WORKFLOW_DUE_DAYS`` overrides).
    ``recurring``: each post's task reopens, due ``due_days`` working days later, when the post reports
    (``feedback``), until the item leaves the state; one post's report leaves the others' tasks alone.
    ``records_for``: the outside body (市政府, 区委办 …) whose decision the step's post records (``record``).
    """

    code: str
    label: str
    posts: Callable[[Any], Iterable[Post | None]]  # called with the app's own item (e.g. a SealRequest)
    mode: Mode = "one"
    due_days: int = 2
    verbs: tuple[str, ...] = ("approve", "return", "reject")
    due: Callable[[Any], int | dt.date | None] | None = None
    recurring: bool = False
    records_for: str = ""
    # The verb of the transition the engine fires itself: when the last 会签 opinion is in, or nobody is to sign.
    advance_verb: str = "approve"
    # What a task of this step is in 待办: "阅件" (to read: 呈阅) or "办件" (to handle); empty shows no mark.
    mark: str = ""


@dataclass(frozen=True)
class Attachments:
    """What files an app's items carry (the engine's :class:`~haimen_gov.workflow.models.Attachment`).

    ``roles``: category → label (``{"document": "用印文件", "scan": "用印后扫描件"}``); ``upload_role``: the category
    of what the applicant uploads (pages and ``POST …/attachments/``); ``types``: the accepted file types (keys of
    ``uploads.FILE_TYPES``), checked by content; ``editable_states``: where the applicant may add and remove files;
    ``required_at_submit``: when set, the message refusing a submit without a file of ``upload_role`` (a draft may be
    saved without one).
    """

    roles: dict[str, str]
    upload_role: str
    types: tuple[str, ...] = ("pdf", "ofd", "docx", "jpg", "png")
    editable_states: frozenset[str] = frozenset()
    required_at_submit: str = ""


@dataclass
class Flow:
    key: str  # "seals.request": the prefix for settings overrides
    model: type[Item]
    steps: dict[str, Step]
    closed_states: frozenset[str]
    state_labels: dict[str, str]
    remind_before_days: int = 1
    escalate_after_days: int = 3
    allow_self_approval: bool = False
    on_enter: dict[str, Callable[[Any], None]] = field(default_factory=dict)
    # The states an item is expected to pass through, in order (for the timeline's "steps ahead").
    path: Callable[[Any], list[str]] | None = None
    # A transition's own fields (e.g. the custodian's register: when, how many copies, scans), declared once as a
    # ``forms.TransitionForm`` subclass: the item page renders it, the page, the API and the app's action all validate
    # through it, and its ``apply`` sets the fields inside the engine's lock (``item_fire(..., data=, files=)``).
    action_forms: dict[str, type] = field(default_factory=dict)
    attachments: Attachments | None = None
    detail_template: str = ""
    # What the item page reads of the app's own model: relations joined into the query that loads it (e.g. "seal")
    # and collections fetched alongside (e.g. "attachments"). The page loads the item's own row through its flow
    # only, so no page joins the tables of every app.
    page_related: tuple[str, ...] = ()
    page_prefetch: tuple[str, ...] = ()
    # 缓急: the name of the app model's field (with choices) the inbox filters on, when its items have one.
    urgency_field: str = ""
    # The item page's words for its unit, its submitter and submitting (keys of DEFAULT_LABELS).
    labels: dict[str, str] = field(default_factory=dict)
    # The fields of the app's model naming units whose portfolios the steps read (a foreign key or a many-to-many
    # to org.Unit): a reshuffle of any of them re-routes the item's open tasks.
    unit_fields: tuple[str, ...] = ("unit",)
    # Working days the submitter has to resubmit a returned item (their 待办 "修改后重新提交").
    resubmit_days: int = 5
    # Whom an item is filed for when someone else files it (the office reports a leader's absence): that user counts
    # as its applicant too — may withdraw or cancel it, and may not approve it themselves, even by delegation.
    filed_for: Callable[[Any], int | None] | None = None

    def step_for(self, state: str) -> Step | None:
        return self.steps.get(state)

    def due_days(self, step: Step) -> int:
        """Working days for ``step``; ``WORKFLOW_DUE_DAYS = {"seals.request.review": 1}`` in settings overrides."""
        overrides: dict[str, int] = settings.WORKFLOW_DUE_DAYS
        return int(overrides.get(f"{self.key}.{step.code}", step.due_days))

    def step_due(self, step: Step, item: Any) -> int | dt.date:
        """The deadline of a task of ``step``: the item's own (``step.due``: working days, or a fixed date) when it
        gives one, else the step's working days (``due_days``, which ``WORKFLOW_DUE_DAYS`` overrides)."""
        value = step.due(item) if step.due is not None else None
        if isinstance(value, dt.date):
            return value
        return self.due_days(step) if value is None else int(value)

    def label(self, key: str) -> str:
        return self.labels.get(key, DEFAULT_LABELS[key])

    @property
    def all_labels(self) -> dict[str, str]:
        return {**DEFAULT_LABELS, **self.labels}

    def reminder_settings(self) -> tuple[int, int]:
        overrides: dict[str, dict[str, Any]] = settings.WORKFLOW_REMINDERS
        conf = overrides.get(self.key, {})
        return int(conf.get("before", self.remind_before_days)), int(conf.get("escalate", self.escalate_after_days))


_registry: dict[type, Flow] = {}


def register(flow: Flow) -> Flow:
    _registry[flow.model] = flow
    return flow


def flow_for(model_or_item: type | object) -> Flow:
    model = model_or_item if isinstance(model_or_item, type) else type(model_or_item)
    for cls in model.__mro__:
        if cls in _registry:
            return _registry[cls]
    raise LookupError(f"no workflow registered for {model!r}")


def all_flows() -> list[Flow]:
    return list(_registry.values())

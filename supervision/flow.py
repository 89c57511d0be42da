"""The supervision loop (第三十八条: 督查、交办、反馈、回访) declared for the workflow engine."""

from __future__ import annotations

from haimen_gov.org.models import Post, PostKind
from haimen_gov.org.routing import post_of_kind
from haimen_gov.workflow.flows import Attachments, Flow, Step, choice_labels, register

from .forms import (
    FEEDBACK_FILE_TYPES,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FeedbackForm,
    FinishForm,
    SendBackForm,
    VerifyForm,
)
from .models import CLOSED_STATES, State, SupervisionItem


def unit_posts(item: SupervisionItem) -> list[Post | None]:
    """The heads of the lead unit, then of each co-unit (their clerks act for them by delegation)."""
    units = [item.lead_unit, *item.co_units.order_by("order", "id")]
    return [post_of_kind(PostKind.UNIT_HEAD, unit) for unit in units]


def _deciders(item: SupervisionItem) -> list[Post | None]:
    # 第三十八条 延期: the office director, or the leader who assigned it — either one.
    return [post_of_kind(PostKind.OFFICE_DIRECTOR), item.leader]


def _extension_asked(item: SupervisionItem) -> None:
    # 第三十八条: an extension is asked once; the transition's condition reads this flag.
    item.extension_used = True
    item.save(update_fields=["extension_used"])


def _path(item: SupervisionItem) -> list[str]:
    return [State.SIGNING, State.IN_PROGRESS, State.VERIFYING, State.CLOSED]


FLOW = register(
    Flow(
        key="supervision.item",
        model=SupervisionItem,
        steps={
            State.SIGNING: Step("signing", "签收", unit_posts, mode="all", due_days=1, verbs=("approve",)),
            # 第三十八条 反馈: each unit reports every cadence_days working days until the item leaves the state.
            State.IN_PROGRESS: Step(
                "feedback",
                "督办反馈",
                unit_posts,
                mode="all",
                verbs=("extend", "finish"),
                due=lambda item: item.cadence_days,
                recurring=True,
            ),
            State.EXTENSION: Step("extension", "延期审批", _deciders, mode="any", due_days=2),
            State.VERIFYING: Step(
                "verifying", "回访核验", lambda item: [item.opener_post], due_days=5, verbs=("close", "send_back")
            ),
        },
        closed_states=frozenset(CLOSED_STATES),
        state_labels=choice_labels(State.choices),
        path=_path,
        on_enter={State.EXTENSION: _extension_asked},
        detail_template="supervision/_detail.html",
        action_forms={
            "feedback": FeedbackForm,
            "extend": ExtensionRequestForm,
            "approve": ExtensionDecisionForm,
            "finish": FinishForm,
            "close": VerifyForm,
            "send_back": SendBackForm,
        },
        page_related=("lead_unit", "leader", "opener_post"),
        page_prefetch=("co_units", "feedbacks__unit", "feedbacks__author", "feedbacks__attachments"),
        # 第三十八条 反馈: a report may carry files (photos, minutes, documents). They come only with a report (no
        # editable state: nobody adds or removes them afterwards, the record of what was reported stays as it was).
        attachments=Attachments(roles={"feedback": "反馈附件"}, upload_role="feedback", types=FEEDBACK_FILE_TYPES),
        labels={"unit": "督查单位", "submitter": "督查人", "submit": "交办"},
        unit_fields=("lead_unit", "co_units"),
        # The supervisor verifies what they opened (回访).
        allow_self_approval=True,
    )
)

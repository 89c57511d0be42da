"""The seal-use chain (第三十一条, 第三十三条) declared for the workflow engine."""

from __future__ import annotations

from haimen_gov.org.models import PortfolioRole, Post, PostKind
from haimen_gov.org.routing import in_charge, post_of_kind
from haimen_gov.workflow.flows import Attachments, Flow, Step, choice_labels, register

from .forms import TYPES, RegisterForm
from .models import EDITABLE, AttachmentKind, SealKind, SealRequest, State


def _reviewer(request: SealRequest) -> list[Post | None]:
    # 第三十一条: government seal — the vice head in charge of the applicant's unit; office seal — the office deputy
    # director in charge of it.
    role = PortfolioRole.VICE_HEAD if request.seal.kind == SealKind.GOVERNMENT else PortfolioRole.OFFICE_DEPUTY
    return [in_charge(request.unit, role)]


def _approver(request: SealRequest) -> list[Post | None]:
    # 第三十一条: government seal — the district head signs; office seal — the office director signs.
    kind = PostKind.DISTRICT_HEAD if request.seal.kind == SealKind.GOVERNMENT else PostKind.OFFICE_DIRECTOR
    return [post_of_kind(kind)]


def _offsite_approvers(request: SealRequest) -> list[Post | None]:
    # 第三十三条: 须经区长或区政府办公室主任批准 — either one (或签).
    return [post_of_kind(PostKind.DISTRICT_HEAD), post_of_kind(PostKind.OFFICE_DIRECTOR)]


def _custodian(request: SealRequest) -> list[Post | None]:
    # 第三十条: the seal's own custodian, never a delegate.
    return [request.seal.custodian]


def _path(request: SealRequest) -> list[str]:
    path = [State.REVIEW, State.APPROVAL]
    if request.offsite:
        path.append(State.OFFSITE_APPROVAL)
    return [*path, State.STAMPING, State.ARCHIVED]


FLOW = register(
    Flow(
        key="seals.request",
        model=SealRequest,
        steps={
            State.REVIEW: Step("review", "分管领导审核", _reviewer, due_days=1),
            State.APPROVAL: Step("approval", "主要领导审签", _approver, due_days=2),
            State.OFFSITE_APPROVAL: Step("offsite", "异地用印审批", _offsite_approvers, mode="any", due_days=2),
            State.STAMPING: Step("stamping", "用印登记", _custodian, due_days=2, verbs=("register", "return")),
        },
        closed_states=frozenset({State.ARCHIVED, State.WITHDRAWN, State.REJECTED}),
        state_labels=choice_labels(State.choices),
        path=_path,
        detail_template="seals/_detail.html",
        action_forms={"register": RegisterForm},
        attachments=Attachments(
            roles=choice_labels(AttachmentKind.choices),
            upload_role=AttachmentKind.DOCUMENT,
            types=TYPES,
            editable_states=EDITABLE,
            required_at_submit="请上传用印文件。",
        ),
        page_related=("seal",),
        page_prefetch=("attachments",),
    )
)

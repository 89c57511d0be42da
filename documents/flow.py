"""The outgoing and incoming chains (第二十四、二十六—二十八条) declared for the workflow engine."""

from __future__ import annotations

from django.utils import timezone

from haimen_gov.org.models import PortfolioRole, Post, PostKind, Unit, UnitKind
from haimen_gov.org.routing import in_charge, post_of_kind
from haimen_gov.workflow.flows import Flow, Step, register
from haimen_gov.workflow.models import Task, TaskStatus
from haimen_gov.workflow.numbering import take_number

from .forms import AcceptForm, EmergencySignForm, IssueForm
from .models import (
    DIRECTOR_THEN_HEAD,
    Category,
    IncomingDocument,
    InState,
    OutgoingDocument,
    OutState,
)


def office_unit() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.GOV_OFFICE).order_by("order", "id").first()


def _office_clerk(item: object = None) -> list[Post | None]:
    # 第二十四条: 区政府办公室统一扎口 — the office's clerk registers, checks and numbers documents.
    office = office_unit()
    return [post_of_kind(PostKind.UNIT_CLERK, office) if office else None]


def _checker(doc: OutgoingDocument) -> list[Post | None]:
    # 第二十六条: 区政府办公室核稿 — the office's deputy director in charge of the drafting unit.
    return [in_charge(doc.unit, PortfolioRole.OFFICE_DEPUTY)]


def _justice(doc: OutgoingDocument) -> list[Post | None]:
    # 第二十八条: 区司法局进行合法性审查.
    return [post_of_kind(PostKind.JUSTICE_HEAD)]


def _head(doc: OutgoingDocument) -> list[Post | None]:
    return [post_of_kind(PostKind.DISTRICT_HEAD)]


def _reviewers(doc: OutgoingDocument) -> list[Post | None]:
    # 第二十六条 (规范性文件、决定、议案): 办公室主任审核; (请示报告、区政府名义、突发事件): 办公室主任、分管副区长审核;
    # 第二十七条 (部门向区镇发指示性公文): 分管副区长审核.
    director = post_of_kind(PostKind.OFFICE_DIRECTOR)
    vice = in_charge(doc.unit, PortfolioRole.VICE_HEAD)
    if doc.category in DIRECTOR_THEN_HEAD:
        return [director]
    if doc.category == Category.UNIT_DIRECTIVE:
        return [vice]
    return [director, vice]


def _signer(doc: OutgoingDocument) -> list[Post | None]:
    # 第二十六条: 以办公室名义发文和特殊紧急情况由办公室主任签发，其余报区长签发.
    if doc.category == Category.OFFICE_NAME or doc.special_emergency:
        return [post_of_kind(PostKind.OFFICE_DIRECTOR)]
    return [post_of_kind(PostKind.DISTRICT_HEAD)]


def _issuer_clerk(doc: OutgoingDocument) -> list[Post | None]:
    if doc.category == Category.UNIT_DIRECTIVE:
        return [post_of_kind(PostKind.UNIT_CLERK, doc.unit)]
    return _office_clerk()


def _path(doc: OutgoingDocument) -> list[str]:
    return doc.path()


def _signed(doc: OutgoingDocument) -> None:
    """Entering 待印发: whoever signed is the document's 签发人."""
    task = (
        Task.objects.filter(item=doc, step="sign", status=TaskStatus.DONE, round=doc.round)
        .select_related("finished_by")
        .order_by("-finished_at", "-id")
        .first()
    )
    doc.signed_by = task.finished_by if task else None
    doc.signed_at = timezone.now()
    doc.save(update_fields=["signed_by", "signed_at"])


def _issued(doc: OutgoingDocument) -> None:
    """Entering 已印发: the 发文字号 is taken now, in this transaction (a rollback gives it back; no gap)."""
    today = timezone.localdate()
    doc.written_on = doc.written_on or (timezone.localtime(doc.signed_at).date() if doc.signed_at else today)
    doc.issued_on = today
    doc.save(update_fields=["written_on", "issued_on"])
    if doc.series is not None:
        take_number(doc.series.code, year=today.year, item=doc)


OUTGOING = register(
    Flow(
        key="documents.outgoing",
        model=OutgoingDocument,
        steps={
            OutState.OFFICE_CHECK: Step("check", "办公室核稿", _checker, due_days=2, verbs=("approve", "return")),
            OutState.LEGALITY: Step(
                "legality", "合法性审查", _justice, due_days=5, verbs=("pass_review", "fail_review")
            ),
            OutState.HEAD_AGREE: Step("head_agree", "区长同意", _head, due_days=2, verbs=("approve", "return")),
            OutState.REVIEW: Step("review", "审核", _reviewers, mode="all", due_days=2, verbs=("approve", "return")),
            OutState.SIGN: Step(
                "sign", "签发", _signer, due_days=2, verbs=("sign", "sign_emergency", "return", "reject")
            ),
            OutState.TO_ISSUE: Step("issue", "编号印发", _issuer_clerk, due_days=1, verbs=("issue", "return")),
        },
        closed_states=frozenset({OutState.ISSUED, OutState.REJECTED, OutState.CANCELLED}),
        state_labels={str(value): str(label) for value, label in OutState.choices},
        path=_path,
        # The office drafts its own documents and its director signs them (第二十六条); its clerk numbers what the
        # clerk drafted. Every step's post is fixed by the rules, so drafting never lets anyone skip one.
        allow_self_approval=True,
        on_enter={OutState.TO_ISSUE: _signed, OutState.ISSUED: _issued},
        detail_template="documents/_outgoing_detail.html",
        action_forms={"issue": IssueForm, "sign_emergency": EmergencySignForm},
        page_related=("series",),
        page_prefetch=("distributions__unit",),
    )
)


def _incoming_path(doc: IncomingDocument) -> list[str]:
    return [InState.CHECK, InState.PROPOSAL, InState.FILED]


INCOMING = register(
    Flow(
        key="documents.incoming",
        model=IncomingDocument,
        steps={
            InState.CHECK: Step("check", "审核登记", _office_clerk, due_days=1, verbs=("accept", "return")),
            InState.PROPOSAL: Step("proposal", "拟办", _office_clerk, due_days=1, verbs=("file", "return")),
        },
        closed_states=frozenset({InState.FILED, InState.RETURNED, InState.WITHDRAWN}),
        state_labels={str(value): str(label) for value, label in InState.choices},
        path=_incoming_path,
        # The office clerk registers a paper arrival and then proposes (拟办) on it: the same office, not self-approval.
        allow_self_approval=True,
        detail_template="documents/_incoming_detail.html",
        action_forms={"accept": AcceptForm},
    )
)

"""The outgoing and incoming chains (第二十四、二十六—二十八条) declared for the workflow engine."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haimen_gov.org.models import PortfolioRole, Post, PostKind, Unit, UnitKind
from haimen_gov.org.routing import in_charge, post_of_kind
from haimen_gov.workflow.flows import Attachments, Flow, Step, choice_labels, register
from haimen_gov.workflow.models import Task, TaskStatus
from haimen_gov.workflow.numbering import take_number

from .actions import co_opinion_tasks_open
from .forms import AcceptForm, AnswerForm, AssignForm, EmergencySignForm, IssueForm, ProposalForm
from .models import (
    DIRECTOR_THEN_HEAD,
    MATERIALS,
    MATTER_DAYS,
    Category,
    IncomingDocument,
    InState,
    MatterType,
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
            OutState.OFFICE_CHECK: Step(
                "check", "办公室核稿", _checker, due_days=2, verbs=("approve", "return"), mark="办件"
            ),
            OutState.LEGALITY: Step(
                "legality", "合法性审查", _justice, due_days=5, verbs=("pass_review", "fail_review"), mark="办件"
            ),
            OutState.HEAD_AGREE: Step(
                "head_agree", "区长同意", _head, due_days=2, verbs=("approve", "return"), mark="办件"
            ),
            OutState.REVIEW: Step(
                "review", "审核", _reviewers, mode="all", due_days=2, verbs=("approve", "return"), mark="办件"
            ),
            OutState.SIGN: Step(
                "sign", "签发", _signer, due_days=2, verbs=("sign", "sign_emergency", "return", "reject"), mark="办件"
            ),
            OutState.TO_ISSUE: Step(
                "issue", "编号印发", _issuer_clerk, due_days=1, verbs=("issue", "return"), mark="办件"
            ),
        },
        closed_states=frozenset({OutState.ISSUED, OutState.REJECTED, OutState.CANCELLED}),
        state_labels=choice_labels(OutState.choices),
        path=_path,
        # The office drafts its own documents and its director signs them (第二十六条); its clerk numbers what the
        # clerk drafted. Every step's post is fixed by the rules, so drafting never lets anyone skip one.
        allow_self_approval=True,
        on_enter={OutState.TO_ISSUE: _signed, OutState.ISSUED: _issued},
        detail_template="documents/_outgoing_detail.html",
        action_forms={"issue": IssueForm, "sign_emergency": EmergencySignForm},
        # The signed file, its attachments and a unit's 第二十八条 materials, uploaded while drafting.
        attachments=Attachments(
            roles={"attachment": "附件及起草材料", **MATERIALS},
            upload_role="attachment",
            types=("pdf", "ofd", "docx"),
            editable_states=frozenset({OutState.DRAFT, OutState.RETURNED}),
        ),
        page_related=("series",),
        page_prefetch=("distributions__unit", "attachments"),
    )
)


def _incoming_path(doc: IncomingDocument) -> list[str]:
    start = [InState.CHECK] if doc.channel == "portal" else []
    end = [InState.HANDLING, InState.ANSWERED, InState.CLOSED] if doc.handling_unit_id else [InState.FILED]
    return [*start, InState.PROPOSAL, InState.REVIEW, InState.READING, *end]


def _deputy_in_charge(doc: IncomingDocument) -> list[Post | None]:
    # 第二十五条: 分管副主任阅批 — the deputy in charge of the sending unit; for documents from outside the district,
    # the deputy in charge of the office's own work, else the director.
    unit = doc.unit if doc.sender_level == "unit" else office_unit()
    deputy = in_charge(unit, PortfolioRole.OFFICE_DEPUTY) if unit else None
    return [deputy or post_of_kind(PostKind.OFFICE_DIRECTOR)]


def _readers(doc: IncomingDocument) -> list[Post | None]:
    # 第二十五条: 上级来文自上而下 — the head first (党中央、国务院、省、市的文件第一时间呈报区长), then the exec vice
    # head, then the vice heads concerned; 单位请示报告自下而上 — the vice head in charge of the unit first, up to the
    # head.
    head = post_of_kind(PostKind.DISTRICT_HEAD)
    if doc.from_above or doc.sender_level != "unit":
        vices = list(doc.concerned_vices.order_by("order", "id"))
        return [head, post_of_kind(PostKind.EXEC_VICE_HEAD), *vices]
    return [in_charge(doc.unit, PortfolioRole.VICE_HEAD), head]


def _handler(doc: IncomingDocument) -> list[Post | None]:
    # 第二十九条: the unit the 批示 assigned the matter to; its head answers for it.
    return [post_of_kind(PostKind.UNIT_HEAD, doc.handling_unit) if doc.handling_unit else None]


def _handling_due(doc: IncomingDocument) -> int | dt.date | None:
    # 第二十九条: 5 / 5 / 7 / 30 working days by matter type; 特急、紧急 — the date the district sets.
    if doc.matter_type == MatterType.URGENT or (doc.due_on and not doc.matter_type):
        return doc.due_on
    return MATTER_DAYS.get(MatterType(doc.matter_type)) if doc.matter_type else None


INCOMING = register(
    Flow(
        key="documents.incoming",
        model=IncomingDocument,
        steps={
            InState.CHECK: Step(
                "check", "审核登记", _office_clerk, due_days=1, verbs=("accept", "return"), mark="办件"
            ),
            InState.PROPOSAL: Step(
                "proposal", "拟办", _office_clerk, due_days=1, verbs=("propose", "file", "return"), mark="办件"
            ),
            InState.REVIEW: Step(
                "review", "分管副主任阅批", _deputy_in_charge, due_days=1, verbs=("approve",), mark="办件"
            ),
            InState.READING: Step(
                "reading", "呈阅", _readers, mode="sequence", due_days=2, verbs=("read",), mark="阅件"
            ),
            InState.HANDLING: Step(
                "handling", "承办", _handler, due=_handling_due, due_days=5, verbs=("answer",), mark="办件"
            ),
            InState.ANSWERED: Step(
                "answered", "审核办理结果", _office_clerk, due_days=2, verbs=("close", "send_back"), mark="办件"
            ),
        },
        closed_states=frozenset({InState.FILED, InState.CLOSED, InState.RETURNED, InState.WITHDRAWN}),
        state_labels=choice_labels(InState.choices),
        path=_incoming_path,
        # The office clerk registers a paper arrival and then proposes (拟办) on it: the same office, not self-approval.
        allow_self_approval=True,
        detail_template="documents/_incoming_detail.html",
        action_forms={"accept": AcceptForm, "propose": ProposalForm, "read": AssignForm, "answer": AnswerForm},
        # 第二十九条: a matter handled with other units asks each co-unit for its opinion as the lead unit starts.
        on_enter={InState.HANDLING: co_opinion_tasks_open},
        # 第二十四条: the document itself, PDF or OFD, checked by content.
        attachments=Attachments(
            roles={"document": "来文文件"}, upload_role="document", types=("pdf", "ofd"), editable_states=frozenset()
        ),
        page_prefetch=("attachments",),
        labels={"unit": "来文单位", "submitter": "报送（登记）人", "submit": "报送"},
        unit_fields=("unit", "handling_unit"),
    )
)

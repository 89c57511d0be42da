"""Documents actions: every write goes through the workflow engine (locks, checks, history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from haimen_gov.org.models import Post, PostKind, Unit, UnitKind, User
from haimen_gov.org.routing import acting_posts, units_of
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.actions.history import history_append
from haimen_gov.workflow.flows import flow_for
from haimen_gov.workflow.models import LinkKind, NumberSeries

from . import rules
from .models import (
    MATERIAL_TYPES,
    MATERIALS,
    Category,
    Channel,
    ConsentWay,
    Distribution,
    IncomingDocument,
    InState,
    OutgoingDocument,
    OutState,
    SenderLevel,
)

OUT_FIELDS = (
    "recipients",
    "cc",
    "body",
    "attachment_names",
    "note",
    "urgency",
    "important",
    "special_emergency",
    "directive",
    "unit_legality_opinion",
    "fair_competition_review",
    "consultation_record",
)


def _office_member(actor: User) -> bool:
    return any(unit.kind == UnitKind.GOV_OFFICE for unit in units_of(actor))


def outgoing_create(
    *,
    actor: User,
    unit: Unit,
    category: str,
    title: str,
    series: NumberSeries | None = None,
    submit: bool = True,
    files: Iterable[UploadedFile] = (),
    materials: Mapping[str, UploadedFile | None] | None = None,
    ip: str | None = None,
    **fields: Any,
) -> OutgoingDocument:
    """拟稿 (第二十六条): a unit or the office drafts a document; submitted to 核稿 unless ``submit`` is False.
    ``materials``: the 第二十八条 materials, one file per slot (``MATERIALS`` role → upload)."""
    unknown = set(fields) - set(OUT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    if unit.pk not in {u.pk for u in units_of(actor)}:
        errors["unit"] = "只能以本人任职的单位拟稿。"
    if category not in Category.values:
        errors["category"] = "发文类别无效。"
    if fields.get("special_emergency") and category != Category.EMERGENCY:
        errors["special_emergency"] = "只有突发事件、重要紧急信息可按特殊紧急情况办理（第二十六条）。"
    if category == Category.OFFICE_NAME and unit.kind != UnitKind.GOV_OFFICE:
        errors["category"] = "以区政府办公室名义发文须由办公室拟稿。"
    # 第二十七条: 部门向区镇（街道）发布指示性公文 — only a department's own document takes this chain.
    if category == Category.UNIT_DIRECTIVE and (unit.kind in (UnitKind.GOV_OFFICE, UnitKind.DISTRICT_GOV)):
        errors["category"] = "该类别仅适用于部门向区镇（街道）发指示性公文（第二十七条）。"
    if category == Category.UNIT_DIRECTIVE and not fields.get("directive"):
        fields["directive"] = True
    if errors:
        raise ValidationError(errors)
    checked = engine.attachments_check(OutgoingDocument, files)
    slots = _materials_check(materials or {})
    with transaction.atomic():
        doc = engine.item_create(
            OutgoingDocument, actor=actor, unit=unit, category=category, title=title, series=series, **fields
        )
        engine.attachments_store(doc, actor=actor, uploads=checked, role="attachment")
        for role, upload in slots.items():
            engine.attachments_store(doc, actor=actor, uploads=upload, role=role)
        if submit:
            doc = outgoing_submit(doc.pk, actor=actor, ip=ip)
        return doc


def _materials_check(materials: Mapping[str, UploadedFile | None]) -> dict[str, Any]:
    """Each 第二十八条 slot's file checked by content (PDF, OFD or DOCX, within the upload size limit), before any
    transaction; a bad file is refused on its own slot's field."""
    from haimen_gov.workflow.uploads import check_upload

    unknown = set(materials) - set(MATERIALS)
    if unknown:
        raise ValidationError({"materials": f"未知的材料类别：{'、'.join(sorted(unknown))}。"})
    checked: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for role, upload in materials.items():
        if upload is None:
            continue
        try:
            checked[role] = [(upload, check_upload(upload, allowed=MATERIAL_TYPES))]
        except ValidationError as exc:
            errors[f"material_{role}"] = [f"{MATERIALS[role]}：{m}" for m in exc.messages]
    if errors:
        raise ValidationError(errors)
    return checked


def outgoing_material_upload(
    pk: int, *, actor: User, role: str, upload: UploadedFile, ip: str | None = None
) -> OutgoingDocument:
    """第二十八条: the drafter puts a material in its slot (replacing the slot's earlier file) while the draft is theirs
    to amend (a draft, or returned to them)."""
    from haimen_gov.workflow.actions.engine import lock_item
    from haimen_gov.workflow.models import Attachment

    if role not in MATERIALS:
        raise ValidationError({"role": "材料类别无效。"})
    checked = _materials_check({role: upload})[role]
    with transaction.atomic():
        doc = lock_item(OutgoingDocument, pk)
        engine.require_amendable(
            doc,
            actor=actor,
            states=(OutState.DRAFT, OutState.RETURNED),
            forbidden="只有拟稿人可以上传起草材料。",
            conflict="公文已在办理中，不能再更换起草材料。",
        )
        old = list(Attachment.objects.filter(item=doc, role=role))
        gone = [(row.file.storage, row.file.name) for row in old if row.file.name]
        Attachment.objects.filter(pk__in=[row.pk for row in old]).delete()
        # The stored files go once the transaction commits (a rollback keeps them with their rows).
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in gone])
        engine.attachments_store(doc, actor=actor, uploads=checked, role=role)
        history_append(
            doc,
            flow=flow_for(doc),
            actor=actor,
            verb="material",
            verb_label="上传起草材料",
            comment=f"{MATERIALS[role]}：{checked[0][1].name}" + ("（替换原文件）" if old else ""),
            ip=ip,
        )
        return doc


def outgoing_submit(pk: int, *, actor: User, ip: str | None = None) -> OutgoingDocument:
    return engine.item_fire(OutgoingDocument, pk, verb="submit", actor=actor, ip=ip)


def outgoing_approve(pk: int, *, actor: User, comment: str = "", ip: str | None = None) -> OutgoingDocument:
    return engine.item_fire(OutgoingDocument, pk, verb="approve", actor=actor, comment=comment, ip=ip)


def outgoing_legality_review(
    pk: int, *, actor: User, passed: bool, opinion: str, ip: str | None = None
) -> OutgoingDocument:
    """第二十八条: the justice head's legality review, with its opinion (required either way)."""
    verb = "pass_review" if passed else "fail_review"
    return engine.item_fire(OutgoingDocument, pk, verb=verb, actor=actor, comment=opinion, ip=ip)


def outgoing_sign(pk: int, *, actor: User, comment: str = "", ip: str | None = None) -> OutgoingDocument:
    return engine.item_fire(OutgoingDocument, pk, verb="sign", actor=actor, comment=comment, ip=ip)


def record_consent(
    doc: OutgoingDocument,
    *,
    head_consent_at: dt.datetime | None,
    head_consent_way: str,
    vice_consent_at: dt.datetime | None,
    vice_consent_way: str,
) -> None:
    """Runs inside the engine's lock, before the director's 签发 (第二十六条)."""
    doc.head_consent_at, doc.head_consent_way = head_consent_at, head_consent_way
    doc.vice_consent_at, doc.vice_consent_way = vice_consent_at, vice_consent_way
    doc.save(update_fields=["head_consent_at", "head_consent_way", "vice_consent_at", "vice_consent_way"])


def outgoing_sign_emergency(
    pk: int,
    *,
    actor: User,
    head_consent_at: dt.datetime | None,
    head_consent_way: str,
    vice_consent_at: dt.datetime | None,
    vice_consent_way: str,
    comment: str = "",
    ip: str | None = None,
) -> OutgoingDocument:
    """第二十六条: in a special emergency the office director signs, recording the head's and the vice head's consent
    (when and how: the flow's EmergencySignForm). Refused (400) without it."""
    data = {
        "head_consent_at": head_consent_at,
        "head_consent_way": head_consent_way,
        "vice_consent_at": vice_consent_at,
        "vice_consent_way": vice_consent_way,
    }
    return engine.item_fire(
        OutgoingDocument,
        pk,
        verb="sign_emergency",
        actor=actor,
        comment=(comment or _consent_summary(head_consent_at, head_consent_way, vice_consent_at, vice_consent_way)),
        ip=ip,
        data=data,
    )


def _consent_summary(head_at: dt.datetime | None, head_way: str, vice_at: dt.datetime | None, vice_way: str) -> str:
    """The history's note of the recorded consent: "区长 11-30 08:00 电话同意；分管副区长 11-30 08:05 当面同意"."""
    ways = dict(ConsentWay.choices)
    parts = [
        f"{who} {timezone.localtime(at):%m-%d %H:%M} {ways.get(way, '')}同意"
        for who, at, way in (("区长", head_at, head_way), ("分管副区长", vice_at, vice_way))
        if at is not None
    ]
    return "；".join(parts)


def outgoing_issue(
    pk: int,
    *,
    actor: User,
    series: NumberSeries | None = None,
    written_on: dt.date | None = None,
    ip: str | None = None,
) -> OutgoingDocument:
    """编号印发: the 发文字号 is taken from the series in this transaction (workflow.numbering)."""
    data = {"series": series.pk if series else "", "written_on": written_on or ""}
    return engine.item_fire(OutgoingDocument, pk, verb="issue", actor=actor, ip=ip, data=data)


def outgoing_distribute(pk: int, *, actor: User, units: Iterable[Unit]) -> list[Distribution]:
    """分发: the office sends an issued document to units; each unit signs for it (read receipt)."""
    with transaction.atomic():
        doc = OutgoingDocument.objects.select_for_update().get(pk=pk)
        if doc.state != OutState.ISSUED:
            raise engine.Conflict("公文印发后才能分发。")
        if not _office_member(actor) and not (doc.category == Category.UNIT_DIRECTIVE and doc.submitter_id == actor.pk):
            raise engine.Forbidden("只有区政府办公室可以分发公文。")
        targets = {u.pk: u for u in units}
        if not targets:
            raise ValidationError({"units": "请选择分发单位。"})
        if len(targets) > 500:
            raise ValidationError({"units": "一次最多分发 500 个单位。"})
        have = set(Distribution.objects.filter(document=doc).values_list("unit_id", flat=True))
        rows = Distribution.objects.bulk_create(
            [Distribution(document=doc, unit=u, sent_by=actor) for pk_, u in targets.items() if pk_ not in have]
        )
        if rows:
            history_append(
                doc,
                flow=flow_for(doc),
                actor=actor,
                verb="distribute",
                verb_label="分发",
                comment="分发至：" + "、".join(row.unit.name for row in rows),
            )
        return rows


def distribution_mark_read(pk: int, *, actor: User) -> Distribution:
    """签收: someone of the receiving unit confirms receipt."""
    with transaction.atomic():
        row = Distribution.objects.select_for_update().select_related("unit").get(pk=pk)
        if row.unit_id not in {u.pk for u in units_of(actor)}:
            raise engine.Forbidden("只有收文单位的人员可以签收。")
        if row.read_at is None:
            row.read_at = timezone.now()
            row.read_by = actor
            row.save(update_fields=["read_at", "read_by"])
        return row


# ------------------------------------------------------------------------------------------------------ incoming


def incoming_submit(
    *,
    actor: User,
    unit: Unit,
    doc_type: str,
    title: str,
    main_recipient: str = "海门区人民政府",
    ref_number: str = "",
    urgency: str = "平件",
    cc: str = "",
    pages: int = 1,
    summary: str = "",
    leader_assignment: str = "",
    supersedes: IncomingDocument | None = None,
    files: Iterable[UploadedFile] = (),
    ip: str | None = None,
) -> IncomingDocument:
    """第二十四条: a unit's 请示/报告 to the district government, through the office (统一扎口), with its file
    (PDF or OFD, checked by content)."""
    if unit.pk not in {u.pk for u in units_of(actor)}:
        raise ValidationError({"unit": "只能以本人任职的单位报送。"})
    if doc_type not in ("请示", "报告"):
        raise ValidationError({"doc_type": "单位通过平台报送的文种为请示或报告。"})
    errors = rules.hard_errors(
        doc_type=doc_type, main_recipient=main_recipient, leader_assignment=leader_assignment, from_unit=True
    )
    if errors:
        raise ValidationError(errors)
    checked = engine.attachments_check(IncomingDocument, files)
    with transaction.atomic():
        if supersedes is not None:
            supersedes = IncomingDocument.objects.select_for_update().get(pk=supersedes.pk)
            if supersedes.unit_id != unit.pk or supersedes.state != InState.RETURNED:
                raise ValidationError({"supersedes": "只能重新报送本单位已退文的公文。"})
        doc = engine.item_create(
            IncomingDocument,
            actor=actor,
            unit=unit,
            title=title,
            channel=Channel.PORTAL,
            sender=unit.name,
            sender_level=SenderLevel.UNIT,
            doc_type=doc_type,
            ref_number=ref_number,
            urgency=urgency,
            main_recipient=main_recipient,
            cc=cc,
            pages=pages,
            summary=summary,
            leader_assignment=leader_assignment,
            flags=rules.flags(doc_type=doc_type, title=title, summary=summary, main_recipient=main_recipient),
        )
        engine.attachments_store(doc, actor=actor, uploads=checked, role="document")
        doc = engine.item_fire(IncomingDocument, doc.pk, verb="submit", actor=actor, ip=ip)
        if supersedes is not None:
            # 退文 corrected and resubmitted: a new version that supersedes the old (ItemLink 取代); the old one's
            # 修改后重新提交 task is done.
            engine.item_link(doc, supersedes, kind=LinkKind.SUPERSEDES, actor=actor, ip=ip)
            engine.resubmit_task_finish(supersedes, actor=actor)
        return doc


def incoming_register(
    *,
    actor: User,
    sender: str,
    sender_level: str,
    channel: str,
    doc_type: str,
    title: str,
    main_recipient: str,
    received_on: dt.date | None = None,
    ref_number: str = "",
    urgency: str = "平件",
    cc: str = "",
    pages: int = 1,
    summary: str = "",
    leader_assignment: str = "",
    files: Iterable[UploadedFile] = (),
    ip: str | None = None,
) -> IncomingDocument:
    """The office registers a paper or e-mail arrival or a document from above; it waits for 拟办 at once."""
    office = next((u for u in units_of(actor) if u.kind == UnitKind.GOV_OFFICE), None)
    kinds = {kind for _pk, kind in acting_posts(actor)}
    if office is None or not kinds & {PostKind.UNIT_CLERK, PostKind.OFFICE_DIRECTOR}:
        raise engine.Forbidden("只有区政府办公室文书可以登记来文。")
    if channel not in (Channel.PAPER, Channel.EMAIL, Channel.TELEGRAM):
        raise ValidationError({"channel": "来文方式无效。"})
    if received_on and received_on > timezone.localdate():
        raise ValidationError({"received_on": "收文日期不能晚于今天。"})
    checked = engine.attachments_check(IncomingDocument, files)
    with transaction.atomic():
        doc = engine.item_create(
            IncomingDocument,
            actor=actor,
            unit=office,
            title=title,
            channel=channel,
            sender=sender,
            sender_level=sender_level,
            doc_type=doc_type,
            ref_number=ref_number,
            urgency=urgency,
            main_recipient=main_recipient,
            cc=cc,
            pages=pages,
            summary=summary,
            leader_assignment=leader_assignment,
            received_on=received_on or timezone.localdate(),
            flags=rules.flags(doc_type=doc_type, title=title, summary=summary, main_recipient=main_recipient),
            one_matter_confirmed=True,
        )
        engine.attachments_store(doc, actor=actor, uploads=checked, role="document")
        # Registered by the office itself: no 审核登记 step, it waits for 拟办 at once.
        return engine.item_fire(IncomingDocument, doc.pk, verb="register", actor=actor, ip=ip)


def incoming_accept(
    pk: int, *, actor: User, one_matter_confirmed: bool = False, comment: str = "", ip: str | None = None
) -> IncomingDocument:
    """The office accepts a unit's submission; a 请示 needs the clerk's confirmation of 一事一请 (第二十四条)."""
    data = {"one_matter_confirmed": "on" if one_matter_confirmed else ""}
    return engine.item_fire(IncomingDocument, pk, verb="accept", actor=actor, comment=comment, ip=ip, data=data)


def incoming_return(pk: int, *, actor: User, reason: str, ip: str | None = None) -> IncomingDocument:
    """退文 to the sending unit with the reason (第二十四条)."""
    return engine.item_fire(IncomingDocument, pk, verb="return", actor=actor, comment=reason, ip=ip)


# ----------------------------------------------------------------------- 拟办, 呈阅, 批办 (第二十五、二十九条)


def assign_matter(
    doc: IncomingDocument,
    *,
    unit: Unit,
    matter_type: str,
    due_on: dt.date | None = None,
    co_units: Iterable[Unit] = (),
) -> None:
    """批办、转办: the matter goes to ``unit`` with the 第二十九条 deadline of ``matter_type`` (or ``due_on`` for 特急、
    紧急), and to its ``co_units`` (会办) when it is handled with other units. Runs inside the engine's lock (an
    ``apply`` of 拟办 or of a reader's 已阅)."""
    from .forms import check_assignment

    co = list(co_units)
    try:
        check_assignment(unit=unit, matter_type=matter_type, due_on=due_on, co_units=co)
    except Exception as exc:  # forms.ValidationError → the model's kind, 400 either way
        raise ValidationError({"handling_unit": list(getattr(exc, "messages", [str(exc)]))}) from exc
    doc.handling_unit = unit
    doc.matter_type = matter_type
    doc.due_on = due_on
    doc.assigned_at = timezone.now()
    doc.save(update_fields=["handling_unit", "matter_type", "due_on", "assigned_at"])
    doc.co_units.set(co)


def _assignment(
    unit: Unit | None, matter_type: str, due_on: dt.date | None, co_units: Iterable[Unit] = ()
) -> QueryDict:
    data = QueryDict(mutable=True)
    data["handling_unit"] = str(unit.pk) if unit else ""
    data["matter_type"] = matter_type
    data["due_on"] = due_on.isoformat() if due_on else ""
    data.setlist("co_units", [str(u.pk) for u in co_units])
    return data


def _no_posts(_doc: object) -> list[Post | None]:
    return []  # the co-units' tasks are opened by name, never resolved by the engine


# A unit's 主要负责同志: the head of a department or town, and of the justice and finance bureaus.
UNIT_HEAD_KINDS = (PostKind.UNIT_HEAD, PostKind.JUSTICE_HEAD, PostKind.FINANCE_HEAD)


def co_opinion_tasks_open(doc: IncomingDocument) -> None:
    """Entering 承办 (第二十九条): each co-unit's head is asked for the unit's 会办意见 to the lead unit, due in
    ``CO_OPINION_DAYS`` working days — once per round (a matter sent back to the lead unit does not ask again)."""
    from haimen_gov.workflow.actions.engine import open_task
    from haimen_gov.workflow.flows import Step
    from haimen_gov.workflow.models import Task

    from .models import CO_OPINION_DAYS, CO_OPINION_LABEL, MatterType

    if doc.matter_type != MatterType.JOINT:
        return
    if Task.objects.filter(item=doc, step="handling", extra=True, round=doc.round).exists():
        return
    flow = flow_for(doc)
    step = Step("handling", CO_OPINION_LABEL, _no_posts, "one", CO_OPINION_DAYS, ("opinion",), mark="办件")
    heads: dict[int, Post] = {}
    for post in Post.objects.filter(unit__in=doc.co_units.all(), kind__in=UNIT_HEAD_KINDS).order_by(
        "unit__order", "unit_id", "order", "id"
    ):
        heads.setdefault(post.unit_id, post)  # each co-unit's own head (主要负责同志), once
    for post in heads.values():
        open_task(doc, flow, step, post, group="one", extra=True)


def incoming_propose(
    pk: int,
    *,
    actor: User,
    proposal: str,
    concerned_vices: Iterable[Any] = (),
    handling_unit: Unit | None = None,
    matter_type: str = "",
    due_on: dt.date | None = None,
    co_units: Iterable[Unit] = (),
    ip: str | None = None,
) -> IncomingDocument:
    """拟办 (第二十五条): the office's proposal (the flow's ProposalForm), then the deputy director in charge 阅批."""
    data = _assignment(handling_unit, matter_type, due_on, co_units)
    data["proposal"] = proposal
    data.setlist("concerned_vices", [str(post.pk) for post in concerned_vices])
    return engine.item_fire(IncomingDocument, pk, verb="propose", actor=actor, ip=ip, data=data)


def incoming_read(
    pk: int,
    *,
    actor: User,
    instruction: str = "",
    handling_unit: Unit | None = None,
    matter_type: str = "",
    due_on: dt.date | None = None,
    co_units: Iterable[Unit] = (),
    ip: str | None = None,
) -> IncomingDocument:
    """呈阅: the reader marks 已阅 with an optional 批示, which may assign the matter to a unit (批办、转办)."""
    data = _assignment(handling_unit, matter_type, due_on, co_units)
    return engine.item_fire(IncomingDocument, pk, verb="read", actor=actor, comment=instruction, ip=ip, data=data)


def incoming_answer(pk: int, *, actor: User, answer: str, ip: str | None = None) -> IncomingDocument:
    """第二十九条: the handling unit's answer back to the office."""
    return engine.item_fire(IncomingDocument, pk, verb="answer", actor=actor, comment=answer, ip=ip)


def incoming_co_opinion(pk: int, *, actor: User, opinion: str, ip: str | None = None) -> IncomingDocument:
    """会办 (第二十九条): a co-unit's head (or whoever acts for them) gives the unit's opinion to the lead unit. Only a
    co-unit's open task allows it (403 otherwise; 409 once given)."""
    return engine.item_fire(IncomingDocument, pk, verb="opinion", actor=actor, comment=opinion, ip=ip)


def incoming_supervise(
    pk: int,
    *,
    actor: User,
    entry_id: int,
    lead_unit: Unit | None = None,
    due_on: dt.date | None = None,
    ip: str | None = None,
) -> Any:
    """批示 → 督查 (第二十五、三十七条): the office opens a supervision item from a leader's 批示 on this document, in
    one step. The 批示 is the requirement, its author the leader, the handling unit the lead unit and the handling
    deadline the due date unless given; the two items are linked (来源 / 派生事项) by the supervision app. Only the
    office (its director and deputies, its 督查人员: ``supervision.actions.opener_for`` without a designation), and
    one supervision item per document: a second attempt is a Conflict (409) naming the first."""
    from haimen_gov.workdays.calendar import add_workdays
    from haimen_gov.workflow.models import HistoryEntry, ItemLink, Task, TaskStatus
    from supervision.actions import opener_for, supervision_item_open_from_source
    from supervision.models import Source, SupervisionItem

    opener = opener_for(actor)
    if opener is None or opener.designations:
        raise engine.Forbidden("只有区政府办公室可以将领导批示立为督查事项（第三十七条）。")
    with transaction.atomic():
        doc = IncomingDocument.objects.select_for_update().get(pk=pk)
        existing = (
            ItemLink.objects.filter(
                from_item_id=doc.pk, kind=LinkKind.SOURCE, to_item__kind__model=SupervisionItem._meta.model_name
            )
            .select_related("to_item")
            .first()
        )
        if existing is not None:
            raise engine.Conflict(
                f"该公文的批示已立为督查事项（{existing.to_item.title}，事项{existing.to_item_id}），"
                "严禁重复督查（第三十九条）。"
            )
        entry = (
            HistoryEntry.objects.filter(pk=entry_id, item_id=doc.pk, verb="read")
            .exclude(comment="")
            .select_related("post", "actor")
            .first()
        )
        if entry is None:
            raise ValidationError({"entry": "请选择本公文上的一条领导批示。"})
        lead = lead_unit or doc.handling_unit
        if lead is None:
            raise ValidationError({"lead_unit": "该批示尚未交办承办单位，请选择督办牵头单位。"})
        if due_on is None:
            task_due = (
                Task.objects.filter(item=doc, step="handling", extra=False)
                .exclude(status=TaskStatus.CANCELLED)
                .order_by("-id")
                .values_list("due_date", flat=True)
                .first()
            )
            due_on = task_due if task_due and task_due >= timezone.localdate() else None
        if due_on is None:
            due_on = add_workdays(timezone.localdate(), 10).date
        who = entry.post.title if entry.post else entry.actor.display_name if entry.actor else "领导"
        reference = f"{who}{timezone.localtime(entry.at):%Y年%m月%d日}批示：{doc.ref_number or doc.title}"
        return supervision_item_open_from_source(
            doc,
            actor=actor,
            source=Source.LEADER,
            source_reference=reference[:200],
            requirement=f"{who}批示：{entry.comment}"[:2000],
            lead_unit=lead,
            co_units=list(doc.co_units.all()),
            leader=entry.post,
            due_on=due_on,
            ip=ip,
        )

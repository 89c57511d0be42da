"""Seal-use actions. Each is a typed function that goes through the workflow engine (locks, checks, history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from haimen_gov.org.models import Unit, User
from haimen_gov.org.routing import units_of
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.numbering import take_number

from .models import AttachmentKind, Seal, SealAttachment, SealRequest, SealStatus, State
from .validators import Checked, check_upload

SEAL_SERIES = "seal"  # 用印〔{year}〕{n}号, seeded by migration 0004

EDITABLE = (State.DRAFT, State.RETURNED)


def _check_fields(
    *, actor: User, unit: Unit, seal: Seal, copies: int, offsite: bool, offsite_place: str, offsite_reason: str
) -> None:
    errors: dict[str, str] = {}
    # 第三十一条: anyone with a post applies for their own unit.
    if unit.pk not in {u.pk for u in units_of(actor)}:
        errors["unit"] = "只能为本人任职的单位申请用印。"
    if seal.status != SealStatus.IN_USE:
        errors["seal"] = "该印鉴已停用。"
    if copies < 1:
        errors["copies"] = "用印份数至少为 1。"
    if offsite and (not offsite_place.strip() or not offsite_reason.strip()):
        # 第三十三条
        errors["offsite_place"] = "异地用印须填写地点和理由（第三十三条）。"
    if errors:
        raise ValidationError(errors)


def seal_request_create(
    *,
    actor: User,
    unit: Unit,
    seal: Seal,
    purpose: str,
    document_title: str,
    copies: int,
    offsite: bool = False,
    offsite_place: str = "",
    offsite_reason: str = "",
    files: Iterable[UploadedFile] = (),
    submit: bool = True,
    ip: str | None = None,
) -> SealRequest:
    """Create a request (a draft, then submitted unless ``submit`` is False) with its attachments."""
    _check_fields(
        actor=actor,
        unit=unit,
        seal=seal,
        copies=copies,
        offsite=offsite,
        offsite_place=offsite_place,
        offsite_reason=offsite_reason,
    )
    checked = [(f, check_upload(f)) for f in files]
    with transaction.atomic():
        request = engine.item_create(
            SealRequest,
            actor=actor,
            title=f"{seal.name}用印：{document_title}"[:200],
            unit=unit,
            seal=seal,
            purpose=purpose,
            document_title=document_title,
            copies=copies,
            offsite=offsite,
            offsite_place=offsite_place if offsite else "",
            offsite_reason=offsite_reason if offsite else "",
        )
        for upload, info in checked:
            _store(request, upload, info.content_type, actor, AttachmentKind.DOCUMENT)
        if submit:
            request = seal_request_submit(request.pk, actor=actor, ip=ip)
        return request


def seal_request_update(
    pk: int,
    *,
    actor: User,
    purpose: str,
    document_title: str,
    copies: int,
    offsite: bool,
    offsite_place: str,
    offsite_reason: str,
    files: Iterable[UploadedFile] = (),
) -> SealRequest:
    """Amend a draft or a returned request (only its applicant)."""
    checked = [(f, check_upload(f)) for f in files]
    with transaction.atomic():
        request = SealRequest.objects.select_for_update().get(pk=pk)
        if request.submitter_id != actor.pk:
            raise engine.Forbidden("只有申请人可以修改申请。")
        if request.state not in EDITABLE:
            raise engine.Conflict("申请已在审批中，不能修改。")
        _check_fields(
            actor=actor,
            unit=request.unit,
            seal=request.seal,
            copies=copies,
            offsite=offsite,
            offsite_place=offsite_place,
            offsite_reason=offsite_reason,
        )
        request.purpose, request.document_title, request.copies = purpose, document_title, copies
        request.offsite = offsite
        request.offsite_place = offsite_place if offsite else ""
        request.offsite_reason = offsite_reason if offsite else ""
        request.title = f"{request.seal.name}用印：{document_title}"[:200]
        request.save()
        for upload, info in checked:
            _store(request, upload, info.content_type, actor, AttachmentKind.DOCUMENT)
        return request


def _store(request: SealRequest, upload: UploadedFile, content_type: str, actor: User, kind: str) -> SealAttachment:
    return SealAttachment.objects.create(
        request=request,
        kind=kind,
        file=upload,
        original_name=(upload.name or "文件")[:200],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )


def seal_request_attach(pk: int, *, actor: User, files: Iterable[UploadedFile]) -> list[SealAttachment]:
    """Add attachments to one's own draft or returned request."""
    checked = [(f, check_upload(f)) for f in files]
    with transaction.atomic():
        request = SealRequest.objects.select_for_update().get(pk=pk)
        if request.submitter_id != actor.pk:
            raise engine.Forbidden("只有申请人可以上传附件。")
        if request.state not in EDITABLE:
            raise engine.Conflict("申请已在审批中，不能再上传附件。")
        return [_store(request, f, info.content_type, actor, AttachmentKind.DOCUMENT) for f, info in checked]


def seal_request_submit(pk: int, *, actor: User, ip: str | None = None) -> SealRequest:
    return engine.item_fire(SealRequest, pk, verb="submit", actor=actor, ip=ip)


def seal_request_approve(
    pk: int, *, actor: User, comment: str = "", ip: str | None = None, expected_state: str | None = None
) -> SealRequest:
    return engine.item_fire(
        SealRequest, pk, verb="approve", actor=actor, comment=comment, ip=ip, expected_state=expected_state
    )


def seal_request_return(pk: int, *, actor: User, comment: str, ip: str | None = None) -> SealRequest:
    return engine.item_fire(SealRequest, pk, verb="return", actor=actor, comment=comment, ip=ip)


def seal_request_reject(pk: int, *, actor: User, comment: str, ip: str | None = None) -> SealRequest:
    return engine.item_fire(SealRequest, pk, verb="reject", actor=actor, comment=comment, ip=ip)


def seal_request_withdraw(pk: int, *, actor: User, ip: str | None = None) -> SealRequest:
    return engine.item_fire(SealRequest, pk, verb="withdraw", actor=actor, ip=ip)


def seal_request_register(
    pk: int,
    *,
    actor: User,
    stamped_at: dt.datetime | None = None,
    stamped_copies: int,
    scans: Iterable[UploadedFile] = (),
    note: str = "",
    comment: str = "",
    ip: str | None = None,
) -> SealRequest:
    """第三十二条: the custodian registers the use (when, how many copies, a scan) and the request is archived."""
    checked = [(f, check_upload(f)) for f in scans]

    def apply(request: SealRequest) -> None:
        register_apply(
            request, actor=actor, stamped_at=stamped_at, stamped_copies=stamped_copies, scans=checked, note=note
        )

    return engine.item_fire(SealRequest, pk, verb="register", actor=actor, comment=comment or note, ip=ip, apply=apply)


def register_apply(
    request: SealRequest,
    *,
    actor: User,
    stamped_at: dt.datetime | None,
    stamped_copies: int,
    scans: Iterable[tuple[UploadedFile, Checked]],
    note: str = "",
) -> None:
    """Set what the custodian registers; runs inside the engine's locked transaction, before the transition."""
    if stamped_copies < 1:
        raise ValidationError({"stamped_copies": "实际用印份数至少为 1。"})
    if stamped_copies > request.copies:
        raise ValidationError({"stamped_copies": f"实际用印份数不能超过批准的 {request.copies} 份。"})
    when = stamped_at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"stamped_at": "用印时间不能晚于当前时间。"})
    request.stamped_at = when
    request.stamped_copies = stamped_copies
    request.register_note = note
    # 第三十二条: archived under the next number of the year, taken in this transaction (no gap if it rolls back).
    take_number(SEAL_SERIES, year=timezone.localtime(when).year, item=request)
    for upload, info in scans:
        _store(request, upload, info.content_type, actor, AttachmentKind.SCAN)


def official_document_stamp_allowed(issuer: Unit) -> bool:
    """第三十一条: 除区政府及区政府办公室发文外 — documents issued in the name of the district government or its
    office are stamped without a seal-use request. The documents app asks here when it issues them."""
    from haimen_gov.org.models import UnitKind

    return issuer.kind in (UnitKind.DISTRICT_GOV, UnitKind.GOV_OFFICE)

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
from haimen_gov.workflow.models import Attachment
from haimen_gov.workflow.numbering import take_number

from .models import EDITABLE, AttachmentKind, Seal, SealRequest, SealStatus

SEAL_SERIES = "seal"  # 用印〔{year}〕{n}号, seeded by migration 0004


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
    checked = engine.attachments_check(SealRequest, files)
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
        engine.attachments_store(request, actor=actor, uploads=checked, role=AttachmentKind.DOCUMENT)
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
    checked = engine.attachments_check(SealRequest, files)
    with transaction.atomic():
        request = SealRequest.objects.select_for_update().get(pk=pk)
        engine.require_amendable(
            request,
            actor=actor,
            states=EDITABLE,
            forbidden="只有申请人可以修改申请。",
            conflict="申请已在审批中，不能修改。",
        )
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
        engine.attachments_store(request, actor=actor, uploads=checked, role=AttachmentKind.DOCUMENT)
        return request


def seal_request_attach(pk: int, *, actor: User, files: Iterable[UploadedFile]) -> list[Attachment]:
    """Add attachments to one's own draft or returned request."""
    return engine.attachment_add(SealRequest, pk, actor=actor, files=files)


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
    """第三十二条: the custodian registers the use (when, how many copies, a scan) and the request is archived.
    The fields are checked by ``forms.RegisterForm``, as on the page and in the API."""
    return engine.item_fire(
        SealRequest,
        pk,
        verb="register",
        actor=actor,
        comment=comment or note,
        ip=ip,
        data={"stamped_at": stamped_at, "stamped_copies": stamped_copies, "note": note},
        files={"scans": list(scans)},
    )


def register_apply(
    request: SealRequest,
    *,
    actor: User,
    stamped_at: dt.datetime | None,
    stamped_copies: int,
    scans: Iterable[UploadedFile] = (),
    note: str = "",
) -> None:
    """Set what the custodian registers (already checked by ``forms.RegisterForm``); runs inside the engine's locked
    transaction, before the transition."""
    when = stamped_at or timezone.now()
    request.stamped_at = when
    request.stamped_copies = stamped_copies
    request.register_note = note
    # 第三十二条: archived under the next number of the year, taken in this transaction (no gap if it rolls back).
    take_number(SEAL_SERIES, year=timezone.localtime(when).year, item=request)
    checked = engine.attachments_check(request, scans)
    engine.attachments_store(request, actor=actor, uploads=checked, role=AttachmentKind.SCAN)


def official_document_stamp_allowed(issuer: Unit) -> bool:
    """第三十一条: 除区政府及区政府办公室发文外 — documents issued in the name of the district government or its
    office are stamped without a seal-use request. The documents app asks here when it issues them."""
    from haimen_gov.org.models import UnitKind

    return issuer.kind in (UnitKind.DISTRICT_GOV, UnitKind.GOV_OFFICE)

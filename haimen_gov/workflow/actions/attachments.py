"""Attachments of any item: check the uploads, store them, remove one (the applicant, while the item is theirs to
edit), and the "a file is required at submit" rule. What each app accepts is declared in its flow
(:class:`~haimen_gov.workflow.flows.Attachments`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from haimen_gov.org.models import User

from ..flows import Attachments, Flow, flow_for
from ..models import Attachment, Item
from ..uploads import Checked, check_upload
from .engine import ItemT, lock_item
from .errors import Conflict
from .history import history_append
from .permissions import require_amendable

CheckedUpload = tuple[UploadedFile, Checked]


def attachments_spec(model: type[Item] | Item) -> Attachments:
    spec = flow_for(model).attachments
    if spec is None:
        raise LookupError(f"{model!r} declares no attachments in its flow")
    return spec


def attachments_check(model: type[Item] | Item, files: Iterable[UploadedFile]) -> list[CheckedUpload]:
    """Check every upload against the app's allowed types before any transaction starts (reading a file is slow)."""
    spec = attachments_spec(model)
    return [(f, check_upload(f, allowed=spec.types)) for f in files]


def attachments_store(item: Item, *, actor: User, uploads: Iterable[CheckedUpload], role: str) -> list[Attachment]:
    """Store checked uploads on ``item``. Expects the caller's transaction (and the item's row lock)."""
    spec = attachments_spec(item)
    if role not in spec.roles:
        raise ValueError(f"unknown attachment role {role!r} for {type(item).__name__}")
    rows = []
    for upload, info in uploads:
        row = Attachment(
            item=item,
            role=role,
            original_name=info.name,
            content_type=info.content_type,
            size=upload.size or 0,
            uploaded_by=actor,
        )
        row.file.save(f"upload.{info.extension}", upload, save=False)
        row.save()
        rows.append(row)
    return rows


def _check_editable(item: Item, spec: Attachments, actor: User, verb: str) -> None:
    require_amendable(
        item,
        actor=actor,
        states=spec.editable_states,
        forbidden=f"只有申请人可以{verb}附件。",
        conflict=f"事项已在办理中，不能再{verb}附件。",
    )


def attachment_add(
    model: type[ItemT], pk: int, *, actor: User, files: Iterable[UploadedFile], role: str | None = None
) -> list[Attachment]:
    """The applicant adds files to their own item while it is a draft or returned (the flow's editable states)."""
    spec = attachments_spec(model)
    checked = attachments_check(model, files)
    with transaction.atomic():
        item = lock_item(model, pk)
        _check_editable(item, spec, actor, "上传")
        return attachments_store(item, actor=actor, uploads=checked, role=role or spec.upload_role)


def attachment_remove(attachment_id: int, *, actor: User, ip: str | None = None) -> Item:
    """The applicant removes one of their item's files before (re)submitting it; the history names the file, and
    the stored file is deleted once the transaction commits."""
    item_id = Attachment.objects.filter(pk=attachment_id).values_list("item_id", flat=True).first()
    if item_id is None:
        raise Conflict("附件不存在或已删除。")
    model = Item.objects.get(pk=item_id).concrete()
    with transaction.atomic():
        item = lock_item(type(model), item_id)
        flow = flow_for(item)
        spec = attachments_spec(item)
        _check_editable(item, spec, actor, "删除")
        row = Attachment.objects.filter(pk=attachment_id, item_id=item_id).first()
        if row is None:
            raise Conflict("附件不存在或已删除。")
        storage, name = row.file.storage, row.file.name
        row.delete()
        history_append(
            item,
            flow=flow,
            actor=actor,
            verb="attachment_remove",
            verb_label="删除附件",
            comment=row.original_name,
            ip=ip,
        )
        transaction.on_commit(lambda: storage.delete(name) if name else None)
        return item


def attachments_required(item: Item, flow: Flow) -> None:
    """Refuse a submit without a file of the flow's ``upload_role`` when the flow requires one."""
    spec = flow.attachments
    if spec is None or not spec.required_at_submit:
        return
    if not Attachment.objects.filter(item_id=item.pk, role=spec.upload_role).exists():
        raise ValidationError({"files": spec.required_at_submit})

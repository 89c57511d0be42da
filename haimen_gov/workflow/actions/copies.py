"""抄送/传阅: sending an item to people for reading, and their read receipts."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from haimen_gov.org.models import Post, User

from ..flows import flow_for
from ..limits import NOTE_MAX_LENGTH
from ..models import CarbonCopy, Item, NotificationKind
from .engine import ItemT, lock_item
from .errors import CommentRequired, Forbidden, WorkflowError, bounded_text
from .history import history_append
from .notifications import deliver_emails_on_commit, notify
from .permissions import may_copy


def item_copy(
    model: type[ItemT], pk: int, *, actor: User, users: Iterable[User], note: str = "", ip: str | None = None
) -> list[CarbonCopy]:
    """抄送/传阅: send the item to people for reading; each gets a notice and a read receipt, and the history names
    them. Only the item's participants and the office's director and deputies may (``may_copy``), only to people
    who hold a post."""
    note = bounded_text(note, label="附言", limit=NOTE_MAX_LENGTH)
    with transaction.atomic():
        item = lock_item(model, pk)
        if not may_copy(item, actor):
            raise Forbidden("只有本事项的申请人、办理人和区政府办公室主任、副主任可以传阅；收到传阅的人员不能再传阅。")
        flow = flow_for(item)
        users = list(users)
        holders = set(Post.objects.filter(holder__in=users).values_list("holder_id", flat=True))
        if any(u.pk not in holders or not u.is_active for u in users):
            raise WorkflowError("传阅对象须为在职人员。")
        existing = set(CarbonCopy.objects.filter(item=item).values_list("user_id", flat=True))
        recipients = [u for u in users if u.pk not in existing and u.pk != actor.pk]
        copies = CarbonCopy.objects.bulk_create(
            [CarbonCopy(item=item, user=u, sent_by=actor, note=note) for u in recipients]
        )
        if recipients:
            notify(
                recipients,
                kind=NotificationKind.COPY,
                item=item,
                title=f"【传阅】{item.title}",
                body=f"{actor.display_name}传阅。{note}".strip(),
                actor=actor,
            )
            history_append(
                item,
                actor=actor,
                verb="copy",
                verb_label="传阅",
                comment="传阅：" + "、".join(u.display_name for u in recipients) + (f"。{note}" if note else ""),
                ip=ip,
                flow=flow,
            )
            deliver_emails_on_commit()
        return copies


def copy_mark_read(item: Item, user: User) -> None:
    CarbonCopy.objects.filter(item=item, user=user, read_at__isnull=True).update(read_at=timezone.now())


def copy_comment(model: type[ItemT], pk: int, *, actor: User, comment: str, ip: str | None = None) -> None:
    """阅示: a 传阅 recipient's comment on what they read, in the item's history (it passes nothing on)."""
    comment = bounded_text(comment, label="阅示意见")
    if not comment:
        raise CommentRequired("请填写阅示意见。")
    with transaction.atomic():
        item = lock_item(model, pk)
        copy = CarbonCopy.objects.filter(item=item, user=actor).first()
        if copy is None:
            raise Forbidden("只有收到传阅的人员可以阅示。")
        if copy.read_at is None:
            copy.read_at = timezone.now()
            copy.save(update_fields=["read_at"])
        history_append(
            item, actor=actor, verb="copy_comment", verb_label="阅示", comment=comment, ip=ip, flow=flow_for(item)
        )

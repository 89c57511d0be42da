"""抄送/传阅: sending an item to people for reading, and their read receipts."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from haimen_gov.org.models import User

from ..flows import flow_for
from ..models import CarbonCopy, Item, NotificationKind
from .engine import ItemT, lock_item
from .history import history_append
from .notifications import deliver_emails_on_commit, notify


def item_copy(
    model: type[ItemT], pk: int, *, actor: User, users: Iterable[User], note: str = "", ip: str | None = None
) -> list[CarbonCopy]:
    """抄送/传阅: send the item to people for reading; each gets a notice and a read receipt."""
    with transaction.atomic():
        item = lock_item(model, pk)
        flow = flow_for(item)
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

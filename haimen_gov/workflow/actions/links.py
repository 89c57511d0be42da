"""Links between items: a minutes decision is the source of a supervision item, an assignment derives from a 批示,
a new document supersedes an old one. Recorded in both items' histories."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from haimen_gov.org.models import User

from .. import selectors
from ..flows import flow_for
from ..models import LINK_ROLES, Item, ItemLink, LinkKind
from .engine import lock_item
from .errors import Conflict, Forbidden, WorkflowError
from .history import history_append


def _name(item: Item) -> str:
    return f"{item.number or f'事项{item.pk}'}《{item.title}》"


def item_link(
    from_item: Item,
    to_item: Item,
    *,
    kind: str,
    actor: User,
    ip: str | None = None,
    source_cited: bool = False,
) -> ItemLink:
    """Link ``from_item`` to ``to_item`` (``kind``: LinkKind). The actor must be able to see both items — or, with
    ``source_cited``, only ``to_item``: the caller has checked that ``from_item`` is one anyone may cite (signed
    minutes, distributed to every unit). Raises WorkflowError (400) for a link to itself or an unknown kind,
    Forbidden (403), Conflict (409) when it exists."""
    if kind not in LinkKind.values:
        raise WorkflowError("关联关系无效。")
    if from_item.pk == to_item.pk:
        raise WorkflowError("事项不能与自身关联。")
    with transaction.atomic():
        # Both rows locked, in id order: two links between the same items at once never deadlock.
        locked = {
            item.pk: lock_item(type(item), item.pk)
            for item in sorted((from_item.concrete(), to_item.concrete()), key=lambda i: i.pk)
        }
        source, target = locked[from_item.pk], locked[to_item.pk]
        must_see = [target.pk] if source_cited else [source.pk, target.pk]
        if selectors.visible_items(actor).filter(pk__in=must_see).count() != len(must_see):
            raise Forbidden("您无权关联这两个事项。")
        inverse = {LinkKind.SOURCE: LinkKind.DERIVED, LinkKind.DERIVED: LinkKind.SOURCE}.get(LinkKind(kind))
        exists = ItemLink.objects.filter(from_item=source, to_item=target, kind=kind).exists() or (
            inverse is not None and ItemLink.objects.filter(from_item=target, to_item=source, kind=inverse).exists()
        )
        if exists:
            raise Conflict("这两个事项已有此关联。")
        try:
            with transaction.atomic():
                link = ItemLink.objects.create(from_item=source, to_item=target, kind=kind, created_by=actor)
        except IntegrityError as exc:  # the constraint, should a concurrent link slip past the check
            raise Conflict("这两个事项已有此关联。") from exc
        Item.objects.filter(pk__in=[source.pk, target.pk]).update(has_links=True)
        source.has_links = target.has_links = True
        seen_from, seen_to = LINK_ROLES[LinkKind(kind)]
        for item, other, role in ((source, target, seen_from), (target, source, seen_to)):
            history_append(
                item,
                flow=flow_for(item),
                actor=actor,
                verb="link",
                verb_label="关联事项",
                comment=f"{role}：{_name(other)}",
                ip=ip,
            )
        return link

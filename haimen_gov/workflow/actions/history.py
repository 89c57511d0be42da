"""The append-only history of an item: one row per thing done, written in the transaction of the change."""

from __future__ import annotations

from haimen_gov.org.models import Post, User

from ..flows import Flow
from ..models import HistoryEntry, Item


def history_append(
    item: Item,
    *,
    flow: Flow,
    actor: User | None,
    verb: str,
    verb_label: str,
    post: Post | None = None,
    acting_label: str = "",
    step_label: str = "",
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    ip: str | None = None,
) -> HistoryEntry:
    """One append-only history row. ``from_state``/``to_state`` default to the item's state (an entry that records
    an opinion, a 加签, a 传阅 … without a transition)."""
    from_state = item.state if from_state is None else from_state
    to_state = item.state if to_state is None else to_state
    return HistoryEntry.objects.create(
        item=item,
        actor=actor,
        post=post,
        acting_label=acting_label,
        verb=verb,
        verb_label=verb_label,
        step_label=step_label,
        from_state=from_state,
        to_state=to_state,
        to_state_label=flow.state_labels.get(to_state, to_state),
        comment=comment,
        ip=ip,
    )

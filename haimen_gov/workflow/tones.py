"""Colours by meaning, the same on every page (STYLE: done/approved green, withdrawn grey, refused red, returned amber,
overdue red). The one mapping from an item's state to its tone; templates ask for it with the ``tone`` filter and
the CSS (static/css/portal.css, ``.tone-*``) gives each tone its colour."""

from __future__ import annotations

import datetime as dt

from .flows import all_flows

# States whose meaning is the same in every chapter, by their code.
WITHDRAWN = "withdrawn"
REFUSED = "rejected"
RETURNED = "returned"
DRAFT = "draft"

TONES = {
    WITHDRAWN: "withdrawn",  # 已撤回: grey
    REFUSED: "refused",  # 未同意: red
    RETURNED: "returned",  # 已退回: amber
    DRAFT: "draft",
}


_closed: dict[int, frozenset[str]] = {}


def _closed_states() -> frozenset[str]:
    # Asked for every row of a list: the union is made once for the flows registered (at import; the count keys it).
    flows = all_flows()
    closed = _closed.get(len(flows))
    if closed is None:
        closed = _closed[len(flows)] = frozenset(state for flow in flows for state in flow.closed_states)
    return closed


def stage_tone(stage: str) -> str:
    """``done`` (green) for a state that ends the chain well (已用印归档, 已印发 …); ``withdrawn``, ``refused``,
    ``returned`` and ``draft`` for those by name; ``pending`` (blue) for a state that still waits on somebody."""
    if stage in TONES:
        return TONES[stage]
    if stage in _closed_states():
        return "done"
    return "pending"


def decision_tone(decision: str) -> str:
    """The tone of one task's outcome on the timeline: 同意 green, 退回 amber, 不同意 red."""
    return {"return": "returned", "reject": "refused", "withdrawn": "withdrawn"}.get(decision, "done")


def due_tone(due_date: dt.date, today: dt.date) -> str:
    """How an open task's deadline stands (workflow/_due.html): "overdue" (red), "today" (amber) or ""."""
    return "overdue" if due_date < today else "today" if due_date == today else ""

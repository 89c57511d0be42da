"""What each row of the leave lists shows (issue 16): the ledgers, my absences, the 去向 board and its late reports, the
第三十四条 exceptions and the research log.

A list reads its rows as plain values (``QuerySet.values`` of the fields named here), and each row's texts, link and
badge are worked out here once; the rows are written by the Jinja2 templates under ``templates/jinja2/leave/``. A
``{% url %}``, an ``{% include %}`` and a few filters for each row of a Django template, on model instances with their
joined ones, cost over 1,000 Python calls a row. The board's rows stay absences (its warnings read them); only what
it shows of them is worked out here.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import Truncator

from haimen_gov.workflow.flows import choice_labels
from haimen_gov.workflow.lists import cell_text, display_name_in, pk_urls
from haimen_gov.workflow.templatetags.workflow_tags import item_url, tone

from .models import Absence, AbsenceKind, ExceptionKind, days_spanned
from .selectors import BoardRow

# What the absence rows read: the ledger, my absences and the late reports alike.
ABSENCE_FIELDS = (
    "pk",
    "leader__full_name",
    "leader__username",
    "leader_post__title",
    "category",
    "late",
    "destination",
    "start",
    "end",
    "acting_id",
    "acting__full_name",
    "acting__username",
    "submitted_at",
    "state",
    "stage_label",
)
VISIT_FIELDS = (
    "pk",
    "traveller__full_name",
    "traveller__username",
    "traveller_post__title",
    "countries",
    "purpose",
    "start",
    "end",
    "out_of_plan",
    "state",
    "stage_label",
)
EXCEPTION_FIELDS = (
    "pk",
    "event",
    "unit__short_name",
    "unit__name",
    "leader__full_name",
    "leader__username",
    "category",
    "event_date",
    "state",
    "stage_label",
)
TRIP_FIELDS = ("pk", "topic", "leader__full_name", "leader__username", "start", "end", "places", "frugality")

_ABSENCE_KINDS = choice_labels(AbsenceKind.choices)
_EXCEPTION_KINDS = choice_labels(ExceptionKind.choices)

# The badges of my absences, the board and the exceptions by state (the ledgers colour by tone, workflow_tags.tone).
_BADGES = {
    "filed": "text-bg-success",
    "approved": "text-bg-success",
    "filing": "text-bg-info",
    "rejected": "text-bg-danger",
    "returned": "text-bg-warning",
    "withdrawn": "text-bg-secondary",
    "cancelled": "text-bg-secondary",
    "draft": "text-bg-secondary",
}


def badge(state: str) -> str:
    return _BADGES.get(state, "text-bg-primary")


def truncated(text: str, length: int) -> str:
    """``text|truncatechars:length``: most texts are short, and Django's Truncator walks a long one character by
    character."""
    return text if len(text) <= length else Truncator(text).chars(length)


def _absence(a: dict[str, Any]) -> dict[str, object]:
    """What every table of absences shows the same way."""
    return {
        "url": item_url(a["pk"]),
        "leader": display_name_in(a, "leader"),
        "post": a["leader_post__title"],
        "category": _ABSENCE_KINDS.get(a["category"], a["category"]),
        "late": a["late"],  # 第四十四条: 补报
        "destination": a["destination"],
        "stage": a["stage_label"],
    }


def ledger_absence(a: dict[str, Any]) -> dict[str, object]:
    """A row of the absence ledger (leave/_absence_table.html)."""
    return {
        **_absence(a),
        "span": f"{a['start']:%Y-%m-%d} 至 {a['end']:%m-%d}",
        "acting": display_name_in(a, "acting") if a["acting_id"] else "",
        "tone": tone(a["state"]),
    }


def my_absence(a: dict[str, Any]) -> dict[str, object]:
    """A row of 我的外出报备 (leave/absence_mine.html)."""
    return {
        **_absence(a),
        "span": f"{a['start']:%m-%d} 至 {a['end']:%m-%d}",
        "acting": display_name_in(a, "acting") if a["acting_id"] else "—",
        "badge": badge(a["state"]),
    }


def late_absence(a: dict[str, Any]) -> dict[str, object]:
    """A row of the board's 全部补报 (leave/board.html)."""
    return {
        **_absence(a),
        "span": f"{a['start']:%Y-%m-%d} 至 {a['end']:%Y-%m-%d}",
        "submitted": cell_text(a["submitted_at"]),
        "badge": badge(a["state"]),
    }


def board_row(row: BoardRow) -> dict[str, object]:
    """A row of the 去向 board (leave/_board_table.html), from the absence and its warnings."""
    a: Absence = row.absence
    back = f"{a.end:%m月%d日}"
    return {
        "url": item_url(a.pk),
        "leader": a.leader.display_name,
        "post": a.leader_post.title,
        "category": _ABSENCE_KINDS.get(a.category, a.category),
        "late": a.late,  # 第四十四条: 补报
        "destination": a.destination,
        "span": f"{a.start:%m月%d日}—{back}",
        "back": back if row.away_today else "",
        "acting": a.acting.display_name if a.acting else "",
        "badge": badge(a.state),
        "stage": a.stage_label,
        "warned": bool(row.warnings),
        "warnings": row.warnings.messages,
    }


def visit(v: dict[str, Any]) -> dict[str, object]:
    """A row of the visits list (leave/_visit_table.html)."""
    return {
        "url": item_url(v["pk"]),
        "traveller": display_name_in(v, "traveller"),
        "post": v["traveller_post__title"],
        "countries": v["countries"],
        "purpose": truncated(v["purpose"], 40),
        "span": f"{v['start']:%Y-%m-%d} 至 {v['end']:%m-%d}",
        "out_of_plan": v["out_of_plan"],  # 第三十五条: 计划外
        "tone": tone(v["state"]),
        "stage": v["stage_label"],
    }


def exception(e: dict[str, Any]) -> dict[str, object]:
    """A row of the 第三十四条 exceptions (leave/exception_list.html)."""
    return {
        "url": item_url(e["pk"]),
        "event": e["event"],
        "unit": e["unit__short_name"] or e["unit__name"] or "",
        "leader": display_name_in(e, "leader"),
        "category": _EXCEPTION_KINDS.get(e["category"], e["category"]),
        "date": cell_text(e["event_date"]) or "—",
        "badge": badge(e["state"]),
        "stage": e["stage_label"],
    }


_TRIP_EDIT_URL = pk_urls("leave:research_edit")


def trip(t: dict[str, Any]) -> dict[str, object]:
    """A row of the research log (leave/research_list.html)."""
    start, end = t["start"], t["end"]
    span = f"{start:%Y-%m-%d}" if end == start else f"{start:%Y-%m-%d} 至 {end:%m-%d}"
    return {
        "topic": t["topic"],
        "leader": display_name_in(t, "leader"),
        "span": f"{span}（{days_spanned(start, end)} 天）",
        "places": t["places"],
        "frugality": truncated(t["frugality"] or "—", 40),
        "edit_url": _TRIP_EDIT_URL(t["pk"]),
    }

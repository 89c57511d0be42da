"""The dashboard's panels, declared by the apps that own their data.

A panel is a function computing its figures (plain JSON-ready data: the page, the exports and the API show the same
numbers), a function turning them into tables (the page's table fallback, the PDF report, Excel and CSV), a template
fragment drawing them, and the serializer that documents them in the API schema. An app registers its panels in its
own ``dashboard.py`` (found by ``DashboardConfig.ready``); a chapter whose data does not exist yet has no panel, so
the page never shows an empty placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from rest_framework.serializers import Serializer

    from .scope import Query

OFFICE = "office"  # the office director and deputies: the whole dashboard
LEADER = "leader"  # the head and the vice heads: their own view


@dataclass(frozen=True)
class Cell:
    """One table cell: its value (a number stays a number in Excel), where it links to, and its colour."""

    value: Any
    url: str = ""
    tone: str = ""  # "danger" (overdue), "warning" …

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    figures: Callable[[Query], dict[str, Any]]
    tables: Callable[[dict[str, Any]], list[Table]]
    serializer: type[Serializer]
    audiences: frozenset[str] = frozenset({OFFICE, LEADER})
    order: int = 100
    # Chart specs for static/js/dashboard.js, read from the figures (see ``chart``).
    charts: Callable[[dict[str, Any]], dict[str, dict[str, Any]]] = field(default=lambda figures: {})
    # The panel's aggregates, run together with every other panel's in ONE query (a UNION ALL: each panel's figures
    # would otherwise cost the page a query, and the whole dashboard stays within 12). Each queryset is a
    # ``values_list`` of exactly (tag, k1, k2, k3, c1, c2, c3, c4, c5): ``tag`` text starting with the panel's key,
    # ``k*`` text, ``c*`` integers; the panel's ``figures`` reads its rows with :func:`shared_counts`.
    counts: Callable[[Query], list[QuerySet[Any]]] | None = None


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    _panels[panel.key] = panel
    return panel


def all_panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def panels_for(audience: str) -> list[Panel]:
    return [p for p in all_panels() if audience in p.audiences]


def chart(
    kind: str,
    categories: list[str],
    series: list[dict[str, Any]],
    *,
    label: str,
    horizontal: bool = False,
) -> dict[str, Any]:
    """A chart for static/js/dashboard.js: ``kind`` "bar" (stacked when several series) or "pie"; each series
    ``{"name", "color", "data": [{"value", "url"}]}`` (a click on a bar or slice opens its ``url``); ``label`` is the
    chart's accessible description (the table under it carries the figures)."""
    return {"kind": kind, "categories": categories, "series": series, "label": label, "horizontal": horizontal}


COUNT_COLUMNS = ("tag", "k1", "k2", "k3", "c1", "c2", "c3", "c4", "c5")


def run_counts(q: Query, panels: list[Panel]) -> None:
    """Every panel's ``counts`` in one UNION ALL query; the rows are kept in ``q.memo`` by panel key."""
    parts = [(panel.key, qs) for panel in panels if panel.counts is not None for qs in panel.counts(q)]
    if not parts:
        return
    first, *rest = [qs.order_by() for _key, qs in parts]
    rows = list(first.union(*rest, all=True)) if rest else list(first)
    keys = {key for key, _qs in parts}
    by_panel: dict[str, list[tuple[Any, ...]]] = {key: [] for key in keys}
    for row in rows:
        key = str(row[0]).split(":", 1)[0]
        if key in by_panel:
            by_panel[key].append(tuple(row))
    q.memo["counts"] = by_panel


def shared_counts(q: Query, panel: str, counts: Callable[[Query], list[QuerySet[Any]]]) -> list[tuple[Any, ...]]:
    """The rows of ``panel``'s ``counts``: from the dashboard's shared query, or (a panel's figures asked alone)
    from its own."""
    memo = q.memo.get("counts")
    if memo is not None and panel in memo:
        return list(memo[panel])
    parts = [qs.order_by() for qs in counts(q)]
    first, *rest = parts
    return [tuple(row) for row in (first.union(*rest, all=True) if rest else first)]

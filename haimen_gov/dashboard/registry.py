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

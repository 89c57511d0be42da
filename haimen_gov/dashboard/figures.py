"""Everything one dashboard request shows, computed once and shared by the page, the exports and the API."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from haimen_gov.context_processors import request_nav_counts
from haimen_gov.workflow.views import viewer_posts

from .registry import Panel, Table, panels_for, run_counts
from .scope import FilterForm, Query, Scope, scope_for


@dataclass
class PanelView:
    panel: Panel
    figures: dict[str, Any]

    @property
    def key(self) -> str:
        return self.panel.key

    @property
    def title(self) -> str:
        return self.panel.title

    @property
    def template(self) -> str:
        return self.panel.template

    @cached_property
    def tables(self) -> list[Table]:
        return self.panel.tables(self.figures)

    @cached_property
    def charts(self) -> dict[str, dict[str, Any]]:
        """Each chart spec with the id of its JSON data island (read by static/js/dashboard.js)."""
        return {
            name: {**spec, "id": f"chart-{self.key}-{name}"} for name, spec in self.panel.charts(self.figures).items()
        }


@dataclass
class Dashboard:
    query: Query
    form: FilterForm
    panels: list[PanelView]
    generated_at: Any
    refreshed_at: Any  # when beat last refreshed the summary tables behind the open-task and step-time figures

    @property
    def scope(self) -> Scope:
        return self.query.scope

    def tables(self) -> list[Table]:
        return [table for panel in self.panels for table in panel.tables]

    def as_json(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at.isoformat(),
            "refreshed_at": self.refreshed_at.isoformat(),
            "role": self.scope.role,
            "month": self.query.month.strftime("%Y-%m"),
            "unit": self.query.unit,
            "units": [u["id"] for u in self.scope.units] if self.scope.unit_ids is not None else None,
            "panels": {p.key: p.figures for p in self.panels},
        }


def viewer_scope(request: HttpRequest) -> Scope | None:
    return scope_for(request.user, viewer_posts(request))  # type: ignore[arg-type]


def build(request: HttpRequest, scope: Scope, params: Any) -> Dashboard | FilterForm:
    """The dashboard for ``params`` (the query string), or the bound form when a filter is invalid."""
    form = FilterForm(params or None, scope=scope, initial={"month": timezone.localdate().strftime("%Y-%m")})
    if params and not form.is_valid():
        return form
    data = form.cleaned_data if params else {}
    query = Query(scope=scope, unit=data.get("unit"))
    if data.get("month"):
        query.month = data["month"]
    query.memo["nav_counts"] = request_nav_counts(request)  # the same query the navigation reads
    snapshot = query.snapshot()  # first: a fresh installation's first view makes the summary the panels read
    chosen = panels_for(scope.audience)
    run_counts(query, chosen)  # the panels' own aggregates, all in one query
    panels = [PanelView(panel, panel.figures(query)) for panel in chosen]
    return Dashboard(
        query=query,
        form=form,
        panels=panels,
        generated_at=timezone.localtime(),
        refreshed_at=timezone.localtime(snapshot.refreshed_at),
    )

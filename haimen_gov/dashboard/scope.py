"""Who sees which part of the dashboard, and the period and unit it is asked for.

The office director and deputies see the whole dashboard; the district head sees the leader's view over every unit;
a vice head (常务副区长 included) sees it over the units in their portfolio (分管, ``org.Portfolio``); anybody else gets
403. Posts count when held or delegated today (``org.routing.acting_posts``), as everywhere else in the portal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from haimen_gov.org.models import Portfolio, PortfolioRole, PostKind, Unit, User

from .registry import LEADER, OFFICE

OFFICE_KINDS = frozenset({PostKind.OFFICE_DIRECTOR, PostKind.OFFICE_DEPUTY_DIRECTOR})
HEAD_KINDS = frozenset({PostKind.DISTRICT_HEAD})
VICE_KINDS = frozenset({PostKind.EXEC_VICE_HEAD, PostKind.VICE_HEAD})
DASHBOARD_KINDS = OFFICE_KINDS | HEAD_KINDS | VICE_KINDS

# Posts whose queues the "by leader" figures show: the government's leaders and the office's.
LEADER_POST_KINDS = frozenset(
    {
        PostKind.DISTRICT_HEAD,
        PostKind.EXEC_VICE_HEAD,
        PostKind.VICE_HEAD,
        PostKind.OFFICE_DIRECTOR,
        PostKind.OFFICE_DEPUTY_DIRECTOR,
    }
)

EARLIEST_MONTH = dt.date(2000, 1, 1)


def role_of(posts: list[tuple[int, str]]) -> str | None:
    """ "office", "head", "vice" or None, from the (id, kind) of the posts a user acts for today."""
    kinds = {kind for _pk, kind in posts}
    if kinds & OFFICE_KINDS:
        return "office"
    if kinds & HEAD_KINDS:
        return "head"
    if kinds & VICE_KINDS:
        return "vice"
    return None


@dataclass(frozen=True)
class Scope:
    user: User
    role: str  # office | head | vice
    post_ids: list[int]
    units: list[dict[str, Any]]  # the units the viewer may filter on: id, name, short_name
    unit_ids: frozenset[int] | None  # None: every unit

    @property
    def audience(self) -> str:
        return OFFICE if self.role == "office" else LEADER

    @property
    def title(self) -> str:
        return {"office": "领导驾驶舱", "head": "区长工作视图", "vice": "分管工作视图"}[self.role]

    def unit_name(self, unit_id: int | None) -> str:
        for unit in self.units:
            if unit["id"] == unit_id:
                return str(unit["short_name"] or unit["name"])
        return ""


def scope_for(user: User, posts: list[tuple[int, str]]) -> Scope | None:
    """The viewer's scope, or None when the dashboard is not theirs (one query for the units and the portfolio)."""
    role = role_of(posts)
    if role is None:
        return None
    post_ids = [pk for pk, _kind in posts]
    rows = list(
        Unit.objects.filter(active=True)
        .annotate(
            mine=Exists(
                Portfolio.objects.filter(unit=OuterRef("pk"), role=PortfolioRole.VICE_HEAD, post_id__in=post_ids)
            )
        )
        .order_by("order", "id")
        .values("id", "name", "short_name", "mine")
    )
    if role == "vice":
        units = [row for row in rows if row["mine"]]
        return Scope(user, role, post_ids, units, frozenset(row["id"] for row in units))
    return Scope(user, role, post_ids, rows, None)


class FilterForm(forms.Form):
    month = forms.RegexField(
        regex=r"^\d{4}-\d{2}$",
        required=False,
        label="月份",
        error_messages={"invalid": "月份格式错误，应为 YYYY-MM。"},
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
    unit = forms.TypedChoiceField(
        required=False,
        coerce=int,
        label="单位",
        empty_value=None,
        error_messages={"invalid_choice": "所选单位不存在或不在您的分管范围内。"},
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "全部单位")] + [  # type: ignore[attr-defined]
            (str(u["id"]), u["short_name"] or u["name"]) for u in scope.units
        ]

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data.get("month")
        if not value:
            return None
        year, month = (int(part) for part in value.split("-"))
        if not 1 <= month <= 12:
            raise forms.ValidationError("月份格式错误，应为 YYYY-MM。")
        first = dt.date(year, month, 1)
        if first < EARLIEST_MONTH or first > timezone.localdate().replace(day=1):
            raise forms.ValidationError("月份超出范围：可选 2000 年 1 月至本月。")
        return first


@dataclass
class Query:
    """What one dashboard request asks for: the viewer's scope, a unit (or all of the scope's) and a month."""

    scope: Scope
    unit: int | None = None
    month: dt.date = field(default_factory=lambda: timezone.localdate().replace(day=1))
    today: dt.date = field(default_factory=timezone.localdate)
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def unit_ids(self) -> frozenset[int] | None:
        """The units the figures cover: the chosen one, else the scope's (None: all)."""
        if self.unit is not None:
            return frozenset({self.unit})
        return self.scope.unit_ids

    @property
    def month_end(self) -> dt.date:
        """The first day after the month."""
        return (self.month + dt.timedelta(days=32)).replace(day=1)

    @property
    def is_current_month(self) -> bool:
        return self.month == self.today.replace(day=1)

    @property
    def month_label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    def month_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The month as aware datetimes (local midnight to local midnight)."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.month, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.month_end, dt.time.min, tzinfo=tz)
        return start, end

    def window_end(self) -> dt.datetime:
        """The end (exclusive) of the window of handling times: tonight's midnight, or the end of a past month."""
        if self.is_current_month:
            tomorrow = self.today + dt.timedelta(days=1)
            return dt.datetime.combine(tomorrow, dt.time.min, tzinfo=timezone.get_current_timezone())
        return self.month_bounds()[1]

    def params(self, **extra: Any) -> dict[str, Any]:
        """The query parameters of a drill-down list: the unit filter carried over, plus ``extra``."""
        params: dict[str, Any] = {}
        if self.unit is not None:
            params["unit"] = self.unit
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return params

    def url(self, name: str, **extra: Any) -> str:
        params = self.params(**extra)
        return reverse(name) + ("?" + urlencode(params) if params else "")

    def snapshot(self) -> Any:
        """The summary tables' snapshot (when beat last refreshed them), read once per request."""
        from .summary import current

        return self.once("snapshot", current)

    def nav_counts(self) -> dict[str, int]:
        """The viewer's navigation counts (待办, overdue …); the page's request fills them in, shared with the nav."""
        from haimen_gov.context_processors import nav_counts

        return self.once("nav_counts", lambda: nav_counts(self.scope.user, self.today))  # type: ignore[no-any-return]

    def once(self, key: str, compute: Any) -> Any:
        """A figure shared by several panels (e.g. the open tasks' counts), computed once per request."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

"""The documents' dashboard panel: how the units keep the 第二十九条 deadlines of the matters assigned to them (by
matter type: 5, 7 or 30 working days, or the date the district set), in the month and the year; and how many
documents the government and its office issued this year against the same date last year, by series (第二十七条:
控制发文数量).

Two aggregate queries, however many documents there are; every figure links to the 承办看板 or the 发文登记簿
filtered on the same matter type, unit, dates and timeliness (or series and dates)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from rest_framework import serializers

from haimen_gov.dashboard.registry import Cell, Panel, Table, chart, register, shared_counts
from haimen_gov.dashboard.scope import Query

from .models import MATTER_DAYS, Category, MatterType, OutgoingDocument, OutState
from .selectors import with_answer

TIMELINESS = (("on_time", "按时"), ("late", "逾期"))


def _year_start(day: dt.date) -> dt.date:
    return day.replace(month=1, day=1)


def _same_day_last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _cutoff(q: Query) -> dt.date:
    """The last day counted: today in the current month, else the chosen month's last day."""
    return q.today if q.is_current_month else q.month_end - dt.timedelta(days=1)


def _board_url(q: Query, **extra: Any) -> str:
    params: dict[str, Any] = {}
    if q.unit is not None:
        params["unit"] = q.unit
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return reverse("documents:board") + ("?" + urlencode(params) if params else "")


def _register_url(q: Query, **extra: Any) -> str:
    params: dict[str, Any] = {"state": OutState.ISSUED.value}
    if q.unit is not None:
        params["unit"] = q.unit
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return reverse("documents:outgoing") + "?" + urlencode(params)


def document_counts(q: Query) -> list[QuerySet[Any]]:
    """Both halves of the panel as aggregates the dashboard runs in its one shared query (``Panel.counts``):
    per matter type, the answers on time and late in the month and the year and the open matters past their deadline
    (第二十九条); per issuer and series, the documents issued this year and last year to the same date (第二十七条)."""
    cutoff = _cutoff(q)
    year_start, month_start = _year_start(q.month), q.month
    last_cutoff = _same_day_last_year(cutoff)
    this_start, last_start = _year_start(cutoff), _year_start(last_cutoff)
    blank = Value("", output_field=CharField())
    assigned = with_answer(q.scope.user, include_all=True).exclude(matter_type="")
    issued = OutgoingDocument.objects.filter(
        state=OutState.ISSUED, series__isnull=False, issued_on__gte=last_start, issued_on__lte=cutoff
    ).exclude(category=Category.UNIT_DIRECTIVE)
    if q.unit_ids is not None:
        assigned = assigned.filter(handling_unit_id__in=q.unit_ids)
        issued = issued.filter(unit_id__in=q.unit_ids)
    on_time, late = Q(answered_on__lte=F("answered_due")), Q(answered_on__gt=F("answered_due"))
    in_month = Q(answered_on__gte=month_start, answered_on__lte=cutoff)
    in_year = Q(answered_on__gte=year_start, answered_on__lte=cutoff)
    never = Q(pk__lt=0)
    left = (
        assigned.annotate(
            part=Value("documents:deadline", output_field=CharField()), k1=F("matter_type"), k2=blank, k3=blank
        )
        .values("part", "k1", "k2", "k3")
        .annotate(
            c1=Count("pk", filter=in_month & on_time),
            c2=Count("pk", filter=in_month & late),
            c3=Count("pk", filter=in_year & on_time),
            c4=Count("pk", filter=in_year & late),
            c5=Count("pk", filter=Q(task_due__lt=q.today)),
        )
        .order_by()
    )
    right = (
        issued.annotate(
            part=Value("documents:issued", output_field=CharField()),
            k1=Case(
                When(category=Category.OFFICE_NAME, then=Value("office")),
                default=Value("government"),
                output_field=CharField(),
            ),
            k2=F("series__code"),
            k3=F("series__name"),
        )
        .values("part", "k1", "k2", "k3")
        .annotate(
            c1=Count("pk", filter=Q(issued_on__gte=this_start, issued_on__lte=cutoff)),
            c2=Count("pk", filter=Q(issued_on__gte=last_start, issued_on__lte=last_cutoff)),
            c3=Count("pk", filter=never),
            c4=Count("pk", filter=never),
            c5=Count("pk", filter=never),
        )
        .order_by()
    )
    columns = ("part", "k1", "k2", "k3", "c1", "c2", "c3", "c4", "c5")
    return [left.values_list(*columns), right.values_list(*columns)]


def _rows(q: Query) -> tuple[dict[str, dict[str, int]], list[dict[str, Any]]]:
    deadlines: dict[str, dict[str, int]] = {}
    series: list[dict[str, Any]] = []
    for part, k1, k2, k3, c1, c2, c3, c4, c5 in shared_counts(q, "documents", document_counts):
        if part == "documents:deadline":
            deadlines[k1] = {"month_on_time": c1, "month_late": c2, "year_on_time": c3, "year_late": c4, "overdue": c5}
        else:
            series.append({"issuer": k1, "series": k2, "name": k3, "this_year": c1, "last_year": c2})
    return deadlines, sorted(series, key=lambda r: (r["issuer"] != "government", r["series"]))


def _deadline_figures(q: Query, rows: dict[str, dict[str, int]]) -> dict[str, Any]:
    cutoff = _cutoff(q)
    year_start, month_start = _year_start(q.month), q.month
    month_range = {"answered_start": month_start.isoformat(), "answered_end": cutoff.isoformat()}
    year_range = {"answered_start": year_start.isoformat(), "answered_end": cutoff.isoformat()}
    by_type = []
    for value, label in MatterType.choices:
        row = rows.get(value, {})
        days = MATTER_DAYS.get(MatterType(value))
        entry: dict[str, Any] = {
            "matter_type": value,
            "type_label": str(label).split("（")[0],
            "days": days,
            "overdue": row.get("overdue", 0),
            "overdue_url": _board_url(q, matter_type=value, timeliness="overdue"),
        }
        for period, rng in (("month", month_range), ("year", year_range)):
            for key, _name in TIMELINESS:
                entry[f"{period}_{key}"] = row.get(f"{period}_{key}", 0)
                entry[f"{period}_{key}_url"] = _board_url(q, matter_type=value, timeliness=key, **rng)
        by_type.append(entry)
    totals: dict[str, Any] = {}
    for key in ("month_on_time", "month_late", "year_on_time", "year_late", "overdue"):
        totals[key] = sum(e[key] for e in by_type)
    for period, rng in (("month", month_range), ("year", year_range)):
        for key, _name in TIMELINESS:
            totals[f"{period}_{key}_url"] = _board_url(q, timeliness=key, **rng)
    totals["overdue_url"] = _board_url(q, timeliness="overdue")
    return {"by_type": by_type, "totals": totals}


def _issued_figures(q: Query, rows: list[dict[str, Any]]) -> dict[str, Any]:
    # 第二十七条: 原则上不以区政府或区政府办公室名义发文 — the count of such documents, this year against last.
    cutoff = _cutoff(q)
    last_cutoff = _same_day_last_year(cutoff)
    this_start, last_start = _year_start(cutoff), _year_start(last_cutoff)
    names = {"government": "区政府", "office": "区政府办公室"}
    by_series = []
    for row in rows:
        if not row["this_year"] and not row["last_year"]:
            continue
        code = row["series"]
        by_series.append(
            {
                "issuer": names[row["issuer"]],
                "series": code,
                "name": row["name"],
                "this_year": row["this_year"],
                "last_year": row["last_year"],
                "change": row["this_year"] - row["last_year"],
                "this_url": _register_url(q, series=code, start=this_start.isoformat(), end=cutoff.isoformat()),
                "last_url": _register_url(q, series=code, start=last_start.isoformat(), end=last_cutoff.isoformat()),
            }
        )
    return {
        "cutoff": cutoff.isoformat(),
        "last_cutoff": last_cutoff.isoformat(),
        "by_series": by_series,
        "this_year": sum(r["this_year"] for r in by_series),
        "last_year": sum(r["last_year"] for r in by_series),
        "this_url": _register_url(q, start=this_start.isoformat(), end=cutoff.isoformat()),
        "last_url": _register_url(q, start=last_start.isoformat(), end=last_cutoff.isoformat()),
    }


def document_figures(q: Query) -> dict[str, Any]:
    deadlines, series = _rows(q)
    return {
        "month": q.month.strftime("%Y-%m"),
        "year": q.month.year,
        **_deadline_figures(q, deadlines),
        **_issued_figures(q, series),
    }


def _days(entry: dict[str, Any]) -> str:
    return str(entry["days"]) if entry["days"] else "区定"


def document_tables(f: dict[str, Any]) -> list[Table]:
    t = f["totals"]
    deadline_rows = [
        [
            Cell(e["type_label"]),
            Cell(_days(e)),
            Cell(e["month_on_time"], e["month_on_time_url"]),
            Cell(e["month_late"], e["month_late_url"], "danger" if e["month_late"] else ""),
            Cell(e["year_on_time"], e["year_on_time_url"]),
            Cell(e["year_late"], e["year_late_url"], "danger" if e["year_late"] else ""),
            Cell(e["overdue"], e["overdue_url"], "danger" if e["overdue"] else ""),
        ]
        for e in f["by_type"]
    ]
    deadline_rows.append(
        [
            Cell("合计"),
            Cell(""),
            Cell(t["month_on_time"], t["month_on_time_url"]),
            Cell(t["month_late"], t["month_late_url"], "danger" if t["month_late"] else ""),
            Cell(t["year_on_time"], t["year_on_time_url"]),
            Cell(t["year_late"], t["year_late_url"], "danger" if t["year_late"] else ""),
            Cell(t["overdue"], t["overdue_url"], "danger" if t["overdue"] else ""),
        ]
    )
    issued_rows = [
        [
            Cell(r["issuer"]),
            Cell(r["name"]),
            Cell(r["this_year"], r["this_url"]),
            Cell(r["last_year"], r["last_url"]),
            Cell(r["change"], "", "danger" if r["change"] > 0 else ""),
        ]
        for r in f["by_series"]
    ]
    issued_rows.append(
        [
            Cell("合计"),
            Cell(""),
            Cell(f["this_year"], f["this_url"]),
            Cell(f["last_year"], f["last_url"]),
            Cell(f["this_year"] - f["last_year"], "", "danger" if f["this_year"] > f["last_year"] else ""),
        ]
    )
    return [
        Table(
            "documents_deadlines",
            f"交办公文办理时效（第二十九条，{f['month']}）",
            ["事项类型", "时限（工作日）", "本月按时", "本月逾期", "本年按时", "本年逾期", "在办逾期"],
            deadline_rows,
            note="以承办单位最后一次报送办理结果的日期对照该环节期限；特急、紧急事项按区政府规定时限（区定）。",
        ),
        Table(
            "documents_issued",
            f"以区政府、区政府办公室名义发文（第二十七条，截至{f['cutoff']}，上年同期截至{f['last_cutoff']}）",
            ["发文机关", "发文字号系列", "本年", "上年同期", "增减"],
            issued_rows,
        ),
    ]


def document_charts(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
    types = f["by_type"]
    return {
        "deadlines": chart(
            "bar",
            [e["type_label"] for e in types],
            [
                {
                    "name": "本年按时",
                    "color": "#2e7d32",
                    "data": [{"value": e["year_on_time"], "url": e["year_on_time_url"]} for e in types],
                },
                {
                    "name": "本年逾期",
                    "color": "#c62828",
                    "data": [{"value": e["year_late"], "url": e["year_late_url"]} for e in types],
                },
            ],
            label="本年交办公文按事项类型的按时、逾期办结件数",
            horizontal=True,
        ),
        "issued": chart(
            "bar",
            [f"{r['issuer']}·{r['name']}" for r in f["by_series"]],
            [
                {
                    "name": "本年",
                    "color": "#1565c0",
                    "data": [{"value": r["this_year"], "url": r["this_url"]} for r in f["by_series"]],
                },
                {
                    "name": "上年同期",
                    "color": "#90a4ae",
                    "data": [{"value": r["last_year"], "url": r["last_url"]} for r in f["by_series"]],
                },
            ],
            label="以区政府、区政府办公室名义发文数量按发文字号系列，与上年同期比较",
            horizontal=True,
        ),
    }


class _ByType(serializers.Serializer):
    matter_type = serializers.ChoiceField(choices=MatterType.choices)
    type_label = serializers.CharField()
    days = serializers.IntegerField(allow_null=True, help_text="办理时限（工作日）；特急紧急为空")
    month_on_time = serializers.IntegerField()
    month_late = serializers.IntegerField()
    year_on_time = serializers.IntegerField()
    year_late = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="在办已逾期")
    month_on_time_url = serializers.CharField()
    month_late_url = serializers.CharField()
    year_on_time_url = serializers.CharField()
    year_late_url = serializers.CharField()
    overdue_url = serializers.CharField()


class _Totals(serializers.Serializer):
    month_on_time = serializers.IntegerField()
    month_late = serializers.IntegerField()
    year_on_time = serializers.IntegerField()
    year_late = serializers.IntegerField()
    overdue = serializers.IntegerField()


class _BySeries(serializers.Serializer):
    issuer = serializers.CharField()
    series = serializers.CharField()
    name = serializers.CharField()
    this_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    change = serializers.IntegerField()
    this_url = serializers.CharField()
    last_url = serializers.CharField()


class DocumentsPanelSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    year = serializers.IntegerField()
    by_type = _ByType(many=True)
    totals = _Totals()
    cutoff = serializers.DateField()
    last_cutoff = serializers.DateField()
    by_series = _BySeries(many=True)
    this_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    this_url = serializers.CharField()
    last_url = serializers.CharField()


register(
    Panel(
        key="documents",
        title="公文办理",
        template="dashboard/panels/documents.html",
        figures=document_figures,
        tables=document_tables,
        serializer=DocumentsPanelSerializer,
        charts=document_charts,
        counts=document_counts,
        order=57,
    )
)

"""The supervision panel of the dashboard (第三十六—三十九条): open items by light and by source, the units with the
most red, and what falls due this week. One aggregate query whatever the number of items (the lights are computed
in SQL, ``selectors.light_case``); a vice head sees the items led by the units of their portfolio. Every figure links
to the 督查看板 filtered on the same light, source, unit or week (the board accepts leaders, scoped alike)."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from rest_framework import serializers

from haimen_gov.dashboard.registry import Cell, Panel, Table, chart, register, shared_counts
from haimen_gov.dashboard.scope import Query

from .models import OPEN_STATES, Source, SupervisionItem
from .selectors import AMBER, GREEN, RED, light_case, week_end

RED_UNITS = 8
LIGHT_COLOURS = (("red", "红灯", "#c62828"), ("amber", "黄灯", "#f9a825"), ("green", "绿灯", "#2e7d32"))


def _board(q: Query, **filters: Any) -> str:
    return q.url("supervision:board", **filters)


def supervision_counts(q: Query) -> list[QuerySet[Any]]:
    """Open items per source and lead unit (at most 5 × the units), as a part of the dashboard's one shared query
    (``Panel.counts``): the figures by source and the units with the most red are both sums over its rows."""
    today = q.today
    last = week_end(today)
    qs = SupervisionItem.objects.filter(state__in=OPEN_STATES)
    if q.unit_ids is not None:
        qs = qs.filter(lead_unit_id__in=q.unit_ids)
    return [
        qs.annotate(
            light=light_case(today),
            tag=Value("supervision", output_field=CharField()),
            k1=Cast("source", CharField()),
            k2=Cast("lead_unit_id", CharField()),
            k3=Coalesce(NullIf("lead_unit__short_name", Value("")), "lead_unit__name", output_field=CharField()),
        )
        .values("tag", "k1", "k2", "k3")
        .annotate(
            c1=Count("pk"),
            c2=Count("pk", filter=Q(light=RED)),
            c3=Count("pk", filter=Q(light=AMBER)),
            c4=Count("pk", filter=Q(light=GREEN)),
            c5=Count("pk", filter=Q(due_on__gte=today, due_on__lte=last)),
        )
        .values_list("tag", "k1", "k2", "k3", "c1", "c2", "c3", "c4", "c5")
    ]


def supervision_figures(q: Query) -> dict[str, Any]:
    last = week_end(q.today)
    # The units' order as the scope lists them (by their order in the organisation).
    position = {unit["id"]: n for n, unit in enumerate(q.scope.units)}
    rows = [
        {
            "source": k1,
            "lead_unit": int(k2),
            "unit": k3,
            "lead_unit__order": position.get(int(k2), len(position)),
            "total": c1,
            "red": c2,
            "amber": c3,
            "green": c4,
            "week": c5,
        }
        for _tag, k1, k2, k3, c1, c2, c3, c4, c5 in shared_counts(q, "supervision", supervision_counts)
    ]
    rows.sort(key=lambda r: (r["source"], r["lead_unit"]))
    keys = ("total", "red", "amber", "green", "week")
    per_source: dict[str, dict[str, int]] = {}
    per_unit: dict[int, dict[str, Any]] = {}
    for row in rows:
        bucket = per_source.setdefault(str(row["source"]), dict.fromkeys(keys, 0))
        unit = per_unit.setdefault(
            int(row["lead_unit"]),
            {
                "unit_id": int(row["lead_unit"]),
                "unit": row["unit"],
                "order": row["lead_unit__order"],
                "red": 0,
                "total": 0,
            },
        )
        for key in keys:
            bucket[key] += int(row[key])
        unit["red"] += int(row["red"])
        unit["total"] += int(row["total"])
    by_source = [{"source": key, **counts} for key, counts in sorted(per_source.items())]
    units = sorted((u for u in per_unit.values() if u["red"]), key=lambda u: (-u["red"], u["order"], u["unit_id"]))[
        :RED_UNITS
    ]
    labels = dict(Source.choices)
    sources = []
    for row in by_source:
        key = str(row["source"])
        sources.append(
            {
                "source": key,
                "label": str(labels.get(key, key)),
                "total": row["total"],
                "red": row["red"],
                "amber": row["amber"],
                "green": row["green"],
                "url": _board(q, source=key),
                "red_url": _board(q, source=key, light="red"),
                "amber_url": _board(q, source=key, light="amber"),
                "green_url": _board(q, source=key, light="green"),
            }
        )
    totals = {key: sum(counts[key] for counts in per_source.values()) for key in keys}
    return {
        **totals,
        "week_end": last.isoformat(),
        "url": _board(q),
        "red_url": _board(q, light="red"),
        "amber_url": _board(q, light="amber"),
        "green_url": _board(q, light="green"),
        "week_url": _board(q, due="week"),
        "by_source": sources,
        "red_units": [
            {
                "unit_id": u["unit_id"],
                "unit": u["unit"],
                "red": u["red"],
                "total": u["total"],
                # The unit's list: its own filter replaces the dashboard's unit filter.
                "url": _board(q, unit=u["unit_id"], light="red"),
            }
            for u in units
        ],
    }


def supervision_tables(f: dict[str, Any]) -> list[Table]:
    return [
        Table(
            "supervision_by_source",
            "督办事项（按来源和灯色，当前在办）",
            ["来源", "在办", "红灯", "黄灯", "绿灯"],
            [
                [
                    Cell(r["label"]),
                    Cell(r["total"], r["url"]),
                    Cell(r["red"], r["red_url"], "danger" if r["red"] else ""),
                    Cell(r["amber"], r["amber_url"], "warning" if r["amber"] else ""),
                    Cell(r["green"], r["green_url"]),
                ]
                for r in f["by_source"]
            ],
            note=f"本周（至 {f['week_end']}）到期 {f['week']} 件",
        ),
        Table(
            "supervision_red_units",
            "红灯事项最多的牵头单位",
            ["单位", "红灯", "在办"],
            [[Cell(r["unit"]), Cell(r["red"], r["url"], "danger"), Cell(r["total"])] for r in f["red_units"]],
        ),
    ]


def supervision_charts(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows = f["by_source"]
    return {
        "by_source": chart(
            "bar",
            [r["label"] for r in rows],
            [
                {
                    "name": label,
                    "color": colour,
                    "data": [{"value": r[key], "url": r[f"{key}_url"]} for r in rows],
                }
                for key, label, colour in LIGHT_COLOURS
            ],
            label="在办督办事项按来源和红黄绿灯分布",
            horizontal=True,
        )
    }


class _BySource(serializers.Serializer):
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]  # popped by the serializer
    label = serializers.CharField()  # type: ignore[assignment]
    total = serializers.IntegerField()
    red = serializers.IntegerField()
    amber = serializers.IntegerField()
    green = serializers.IntegerField()
    url = serializers.CharField(help_text="督查看板（已筛选）")
    red_url = serializers.CharField()
    amber_url = serializers.CharField()
    green_url = serializers.CharField()


class _RedUnit(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit = serializers.CharField()
    red = serializers.IntegerField(help_text="红灯（逾期）事项")
    total = serializers.IntegerField(help_text="在办事项")
    url = serializers.CharField()


class SupervisionPanelSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="在办督办事项")
    red = serializers.IntegerField()
    amber = serializers.IntegerField()
    green = serializers.IntegerField()
    week = serializers.IntegerField(help_text="本周到期（今天至本周日）")
    week_end = serializers.DateField()
    url = serializers.CharField()
    red_url = serializers.CharField()
    amber_url = serializers.CharField()
    green_url = serializers.CharField()
    week_url = serializers.CharField()
    by_source = _BySource(many=True)
    red_units = _RedUnit(many=True)


register(
    Panel(
        key="supervision",
        title="督促检查",
        template="dashboard/panels/supervision.html",
        figures=supervision_figures,
        tables=supervision_tables,
        serializer=SupervisionPanelSerializer,
        charts=supervision_charts,
        counts=supervision_counts,
        order=55,
    )
)

"""The seals' dashboard panel: uses this month by seal and by unit, and the off-site uses (第三十二、三十三条).

A use is a request the custodian registered (归档) with its time of use in the month; every figure links to the
用印台账 filtered on the same seal, unit, place and dates."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import BigIntegerField, CharField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from rest_framework import serializers

from haimen_gov.dashboard.registry import Cell, Panel, Table, chart, register, shared_counts
from haimen_gov.dashboard.scope import Query

from .models import SealRequest, State


def _ledger_url(q: Query, **extra: Any) -> str:
    last_day = q.month_end - dt.timedelta(days=1)
    params: dict[str, Any] = {"state": State.ARCHIVED.value, "used_start": q.month.isoformat()}
    params["used_end"] = last_day.isoformat()
    if q.unit is not None:
        params["unit"] = q.unit
    params.update(extra)
    return reverse("seals:ledger") + "?" + urlencode(params)


def seal_counts(q: Query) -> list[QuerySet[Any]]:
    """The month's uses by seal and unit, as a part of the dashboard's one shared query (``Panel.counts``)."""
    start, end = q.month_bounds()
    qs = SealRequest.objects.filter(state=State.ARCHIVED, stamped_at__gte=start, stamped_at__lt=end)
    if q.unit_ids is not None:
        qs = qs.filter(unit_id__in=q.unit_ids)
    never = Q(pk__lt=0)
    return [
        qs.annotate(
            tag=Value("seals", output_field=CharField()),
            k1=Cast("seal_id", CharField()),
            k2=F("seal__name"),
            k3=Cast("unit_id", CharField()),
        )
        .values("tag", "k1", "k2", "k3")
        .annotate(
            c1=Count("pk"),
            c2=Coalesce(Sum("stamped_copies"), 0, output_field=BigIntegerField()),
            c3=Count("pk", filter=Q(offsite=True)),
            c4=Count("pk", filter=never),
            c5=Count("pk", filter=never),
        )
        .values_list("tag", "k1", "k2", "k3", "c1", "c2", "c3", "c4", "c5")
    ]


def seal_figures(q: Query) -> dict[str, Any]:
    rows = sorted(
        (
            {"seal_id": int(k1), "seal__name": k2, "unit_id": int(k3), "uses": c1, "copies": c2, "offsite": c3}
            for _tag, k1, k2, k3, c1, c2, c3, _c4, _c5 in shared_counts(q, "seals", seal_counts)
        ),
        key=lambda r: (r["seal_id"], r["unit_id"]),
    )
    by_seal: dict[int, dict[str, Any]] = {}
    by_unit: dict[int, dict[str, Any]] = {}
    for row in rows:
        for bucket, key, name in (
            (by_seal, row["seal_id"], {"seal_id": row["seal_id"], "seal": row["seal__name"]}),
            (by_unit, row["unit_id"], {"unit_id": row["unit_id"], "unit": q.scope.unit_name(row["unit_id"]) or "—"}),
        ):
            entry = bucket.setdefault(key, {**name, "uses": 0, "copies": 0, "offsite": 0})
            entry["uses"] += row["uses"]
            entry["copies"] += row["copies"] or 0
            entry["offsite"] += row["offsite"]
    for seal in by_seal.values():
        seal["url"] = _ledger_url(q, seal=seal["seal_id"])
        seal["offsite_url"] = _ledger_url(q, seal=seal["seal_id"], offsite=1)
    for unit in by_unit.values():
        unit["url"] = _ledger_url(q, unit=unit["unit_id"])
        unit["offsite_url"] = _ledger_url(q, unit=unit["unit_id"], offsite=1)
    return {
        "month": q.month.strftime("%Y-%m"),
        "uses": sum(r["uses"] for r in rows),
        "offsite": sum(r["offsite"] for r in rows),
        "url": _ledger_url(q),
        "offsite_url": _ledger_url(q, offsite=1),
        "by_seal": sorted(by_seal.values(), key=lambda r: (-r["uses"], r["seal"])),
        "by_unit": sorted(by_unit.values(), key=lambda r: (-r["uses"], r["unit"])),
    }


def _row(r: dict[str, Any]) -> list[Cell]:
    return [Cell(r["uses"], r["url"]), Cell(r["copies"]), Cell(r["offsite"], r["offsite_url"] if r["offsite"] else "")]


def seal_tables(f: dict[str, Any]) -> list[Table]:
    header = ["用印次数", "用印份数", "其中异地用印"]
    return [
        Table(
            "seal_by_seal",
            f"用印情况（按印鉴，{f['month']}）",
            ["印鉴", *header],
            [[Cell(r["seal"]), *_row(r)] for r in f["by_seal"]],
        ),
        Table(
            "seal_by_unit",
            f"用印情况（按申请单位，{f['month']}）",
            ["单位", *header],
            [[Cell(r["unit"]), *_row(r)] for r in f["by_unit"]],
        ),
    ]


def seal_charts(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        "by_seal": chart(
            "pie",
            [r["seal"] for r in f["by_seal"]],
            [
                {
                    "name": "用印次数",
                    "data": [{"name": r["seal"], "value": r["uses"], "url": r["url"]} for r in f["by_seal"]],
                }
            ],
            label="本月用印次数按印鉴分布",
        ),
        "by_unit": chart(
            "bar",
            [r["unit"] for r in f["by_unit"][:12]],
            [
                {
                    "name": "本地用印",
                    "color": "#1565c0",
                    "data": [{"value": r["uses"] - r["offsite"], "url": r["url"]} for r in f["by_unit"][:12]],
                },
                {
                    "name": "异地用印",
                    "color": "#ef6c00",
                    "data": [{"value": r["offsite"], "url": r["offsite_url"]} for r in f["by_unit"][:12]],
                },
            ],
            label="本月用印次数按申请单位分布，区分本地和异地用印",
            horizontal=True,
        ),
    }


class _Uses(serializers.Serializer):
    uses = serializers.IntegerField(help_text="用印次数（已登记归档）")
    copies = serializers.IntegerField(help_text="实际用印份数")
    offsite = serializers.IntegerField(help_text="其中异地用印")
    url = serializers.CharField(help_text="用印台账（已筛选）")
    offsite_url = serializers.CharField()


class _BySeal(_Uses):
    seal_id = serializers.IntegerField()
    seal = serializers.CharField()


class _ByUnit(_Uses):
    unit_id = serializers.IntegerField()
    unit = serializers.CharField()


class SealPanelSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    uses = serializers.IntegerField()
    offsite = serializers.IntegerField()
    url = serializers.CharField()
    offsite_url = serializers.CharField()
    by_seal = _BySeal(many=True)
    by_unit = _ByUnit(many=True)


register(
    Panel(
        key="seals",
        title="印鉴使用",
        template="dashboard/panels/seals.html",
        figures=seal_figures,
        tables=seal_tables,
        serializer=SealPanelSerializer,
        charts=seal_charts,
        counts=seal_counts,
        order=60,
    )
)

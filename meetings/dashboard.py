"""The meetings' dashboard panel (第二十三条: 少开会、开短会、尽可能采用视频会议; 第十六条: the agenda cut-offs).

The year of the chosen month, from January to that month, against the same months of the year before: meetings
held per kind and month, their average length and attendance, and the share held by video (视频 or 现场+视频); then
the next meetings with their cut-off and the topics still on their way to the office. Two aggregate queries, however
many meetings. The head sees every meeting; a vice head those concerning their portfolio (a topic or a seat of one
of its units, or a meeting they convened); the unit filter narrows the same way. Every figure links to the 会议台账
filtered alike."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.urls import reverse
from rest_framework import serializers

from haimen_gov.dashboard.registry import Cell, Panel, Table, chart, register
from haimen_gov.dashboard.scope import Query

from . import composition
from .models import Attendee, AttendeeRole, Meeting, MeetingKind, MeetingMode, MeetingState, Topic, TopicState

HELD = (MeetingState.HELD, MeetingState.ARCHIVED)
OPEN = (MeetingState.PREPARING, MeetingState.NOTIFIED)
# Topics not yet at the office (第十六条: they must reach it by the cut-off).
ON_THE_WAY = (
    TopicState.DRAFT,
    TopicState.UNIT_CONFIRM,
    TopicState.VICE_STUDY,
    TopicState.LEGALITY,
    TopicState.RETURNED,
)
GONE = (TopicState.WITHDRAWN, TopicState.DRAFT)
UPCOMING = 5
SHORT_LABELS = {
    MeetingKind.PLENARY: "全体会议",
    MeetingKind.EXECUTIVE: "常务会议",
    MeetingKind.HEAD_OFFICE: "办公会议",
    MeetingKind.TOPICAL: "专题会议",
}
KIND_COLORS = {
    MeetingKind.PLENARY: "#6a1b9a",
    MeetingKind.EXECUTIVE: "#c62828",
    MeetingKind.HEAD_OFFICE: "#1565c0",
    MeetingKind.TOPICAL: "#ef6c00",
}


def scoped(q: Query, qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings of the viewer's scope (and unit filter): all for the office and the head; for a vice head or a
    chosen unit, those with a topic or a seat of the units, or convened by the vice head."""
    units = q.unit_ids
    if units is None:
        return qs
    topics = Topic.objects.filter(meeting=OuterRef("pk"), unit_id__in=units).exclude(state__in=GONE)
    # 固定列席 (the justice and finance heads at every 常务会议) sit there whatever the agenda: not a concern.
    seats = Attendee.objects.filter(meeting=OuterRef("pk"), post__unit_id__in=units).exclude(role=AttendeeRole.FIXED)
    concerned = Q(Exists(topics)) | Q(Exists(seats))
    if q.scope.role == "vice":
        if q.unit is None:
            concerned |= Q(convener_id__in=q.scope.post_ids)
        # A vice head counts the meetings they sit at (as the meetings pages show them), never others'.
        mine = Attendee.objects.filter(meeting=OuterRef("pk")).filter(
            Q(user=q.scope.user) | Q(post_id__in=q.scope.post_ids)
        )
        qs = qs.filter(Exists(mine))
    return qs.filter(concerned)


def list_url(q: Query, **extra: Any) -> str:
    """The 会议台账 filtered as the figure counts: held meetings, the unit filter carried over, a vice head's
    portfolio (``portfolio=1``)."""
    if q.scope.role == "vice" and q.unit is None:
        extra["portfolio"] = 1
    return reverse("meetings:list") + "?" + urlencode(q.params(**extra))


def _count_of(model: Any, **filters: Any) -> Any:
    """A correlated count of ``model`` rows of the meeting (0 when none), to be summed in a grouped query."""
    rows = model.objects.filter(meeting=OuterRef("pk"), **filters).order_by().values("meeting")
    return Coalesce(Subquery(rows.annotate(c=Count("pk")).values("c"), output_field=IntegerField()), Value(0))


def _topic_count(q_filter: Q) -> Any:
    rows = Topic.objects.filter(q_filter, meeting=OuterRef("pk")).order_by().values("meeting")
    return Coalesce(Subquery(rows.annotate(c=Count("pk")).values("c"), output_field=IntegerField()), Value(0))


def meeting_figures(q: Query) -> dict[str, Any]:
    """One grouped query: the held meetings of the period grouped by kind, year and month, and each open meeting
    ahead on a row of its own (``up`` set) with its topics counted."""
    year, through = q.month.year, q.month.month
    length = ExpressionWrapper(F("end_time") - F("start_time"), output_field=DurationField())
    held = Q(state__in=HELD, date__year__in=[year - 1, year], date__month__lte=through, date__lte=q.today)
    ahead = Q(state__in=OPEN, date__gte=q.today)
    live = ~Q(state__in=GONE)
    rows = list(
        scoped(q, Meeting.objects.filter(held | ahead))
        .annotate(
            y=ExtractYear("date"),
            m=ExtractMonth("date"),
            # NULL for the held meetings (grouped together), the meeting's own id for those ahead.
            up=Case(When(ahead, then=F("pk")), default=None, output_field=IntegerField()),
            up_title=Case(When(ahead, then=F("title")), default=Value("")),
            up_date=Case(When(ahead, then=F("date")), default=None),
            up_start=Case(When(ahead, then=F("start_time")), default=None),
        )
        .values("kind", "y", "m", "up", "up_title", "up_date", "up_start")
        .annotate(
            n=Count("pk"),
            length_total=Sum(length),
            seats=Sum(_count_of(Attendee)),
            video=Count("pk", filter=~Q(mode=MeetingMode.ONSITE)),
            topic_count=Sum(_topic_count(live)),
            on_the_way=Sum(_topic_count(Q(state__in=ON_THE_WAY) & ~Q(state=TopicState.DRAFT))),
            at_office=Sum(_topic_count(Q(reached_office_on__isnull=False) & live)),
        )
        .order_by()
    )
    upcoming = sorted((r for r in rows if r["up"] is not None), key=lambda r: (r["up_date"], r["up_start"], r["up"]))
    rows = [r for r in rows if r["up"] is None]
    kinds: dict[str, dict[str, Any]] = {
        kind: {"kind": kind, "label": str(MeetingKind(kind).label), "count": 0, "last": 0, "minutes": 0, "seats": 0}
        for kind in MeetingKind.values
    }
    kinds_video = dict.fromkeys(MeetingKind.values, 0)
    months: dict[int, dict[str, Any]] = {
        m: {"month": m, "count": 0, "last": 0, **{k: 0 for k in MeetingKind.values}} for m in range(1, through + 1)
    }
    for row in rows:
        entry, month = kinds[row["kind"]], months[row["m"]]
        if row["y"] == year:
            entry["count"] += row["n"]
            entry["minutes"] += int(row["length_total"].total_seconds() // 60) if row["length_total"] else 0
            entry["seats"] += row["seats"] or 0
            kinds_video[row["kind"]] += row["video"]
            month["count"] += row["n"]
            month[row["kind"]] += row["n"]
        else:
            entry["last"] += row["n"]
            month["last"] += row["n"]
    by_kind = []
    for kind, entry in kinds.items():
        n = entry["count"]
        by_kind.append(
            {
                **entry,
                "average_minutes": round(entry["minutes"] / n) if n else 0,
                "average_seats": round(entry["seats"] / n) if n else 0,
                "video": kinds_video[kind],
                "video_share": round(100 * kinds_video[kind] / n) if n else 0,
                "url": list_url(q, kind=kind, year=year, through=through),
                "last_url": list_url(q, kind=kind, year=year - 1, through=through),
                "video_url": list_url(q, kind=kind, year=year, through=through, video=1),
            }
        )
    by_month = [
        {
            **month,
            "url": list_url(q, year=year, month=m),
            "last_url": list_url(q, year=year - 1, month=m),
            "kind_urls": {k: list_url(q, kind=k, year=year, month=m) for k in MeetingKind.values},
        }
        for m, month in months.items()
    ]
    held = sum(k["count"] for k in by_kind)
    video = sum(k["video"] for k in by_kind)
    minutes = sum(k["minutes"] for k in by_kind)
    seats_total = sum(k["seats"] for k in by_kind)
    return {
        "year": year,
        "through": through,
        "period": f"{year}年1—{through}月" if through > 1 else f"{year}年1月",
        "held": held,
        "last": sum(k["last"] for k in by_kind),
        "average_minutes": round(minutes / held) if held else 0,
        "average_seats": round(seats_total / held) if held else 0,
        "video_share": round(100 * video / held) if held else 0,
        "url": list_url(q, year=year, through=through),
        "last_url": list_url(q, year=year - 1, through=through),
        "video_url": list_url(q, year=year, through=through, video=1),
        "by_kind": by_kind,
        "by_month": by_month,
        "upcoming": [_upcoming(row, q.today) for row in upcoming[:UPCOMING]],
    }


def _upcoming(row: dict[str, Any], today: dt.date) -> dict[str, Any]:
    cutoff = composition.cutoff(row["kind"], row["up_date"])
    url = reverse("meetings:meeting", args=[row["up"]])
    return {
        "id": row["up"],
        "title": row["up_title"],
        "kind_label": str(MeetingKind(row["kind"]).label),
        "date": row["up_date"].isoformat(),
        "cutoff": cutoff.isoformat() if cutoff else None,
        "cutoff_passed": cutoff is not None and cutoff < today,
        "topics": row["topic_count"],
        "at_office": row["at_office"],
        "on_the_way": row["on_the_way"],
        "url": url,
        "agenda_url": url + "#agenda",
    }


def meeting_tables(f: dict[str, Any]) -> list[Table]:
    by_kind = Table(
        "meetings_by_kind",
        f"会议情况（按类别，{f['period']}，第二十三条）",
        ["会议类别", "本年召开", "上年同期", "平均时长（分）", "平均人数", "视频占比（%）"],
        [
            [
                Cell(r["label"]),
                Cell(r["count"], r["url"]),
                Cell(r["last"], r["last_url"]),
                Cell(r["average_minutes"], r["url"] if r["count"] else ""),
                Cell(r["average_seats"], r["url"] if r["count"] else ""),
                Cell(r["video_share"], r["video_url"] if r["video"] else ""),
            ]
            for r in f["by_kind"]
        ]
        + [
            [
                Cell("合计"),
                Cell(f["held"], f["url"]),
                Cell(f["last"], f["last_url"]),
                Cell(f["average_minutes"], f["url"] if f["held"] else ""),
                Cell(f["average_seats"], f["url"] if f["held"] else ""),
                Cell(f["video_share"], f["video_url"] if f["held"] else ""),
            ]
        ],
        note="视频会议含“现场+视频”。",
    )
    labels = [SHORT_LABELS[MeetingKind(k)] for k in MeetingKind.values]
    by_month = Table(
        "meetings_by_month",
        f"会议数量（按月，{f['period']}）",
        ["月份", *labels, "本年合计", "上年同月"],
        [
            [
                Cell(f"{r['month']}月"),
                *[Cell(r[k], r["kind_urls"][k] if r[k] else "") for k in MeetingKind.values],
                Cell(r["count"], r["url"]),
                Cell(r["last"], r["last_url"]),
            ]
            for r in f["by_month"]
        ],
    )
    upcoming = Table(
        "meetings_upcoming",
        "近期会议与议题申报截止（第十六条）",
        ["会议", "日期", "申报截止", "议题", "已送达", "尚未送达"],
        [
            [
                Cell(r["title"], r["url"]),
                Cell(r["date"]),
                Cell(r["cutoff"] or "无", tone="danger" if r["cutoff_passed"] else ""),
                Cell(r["topics"], r["agenda_url"]),
                Cell(r["at_office"], r["agenda_url"]),
                Cell(r["on_the_way"], r["agenda_url"], tone="warning" if r["on_the_way"] else ""),
            ]
            for r in f["upcoming"]
        ],
    )
    return [by_kind, by_month, upcoming]


def meeting_charts(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        "by_month": chart(
            "bar",
            [f"{r['month']}月" for r in f["by_month"]],
            [
                {
                    "name": str(MeetingKind(k).label),
                    "color": KIND_COLORS[MeetingKind(k)],
                    "data": [{"value": r[k], "url": r["kind_urls"][k]} for r in f["by_month"]],
                }
                for k in MeetingKind.values
            ],
            label=f"{f['period']}各月召开会议数量，按会议类别",
        )
    }


class _ByKind(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField(help_text="本年召开（1月至所选月份）")
    last = serializers.IntegerField(help_text="上年同期")
    average_minutes = serializers.IntegerField()
    average_seats = serializers.IntegerField()
    video = serializers.IntegerField()
    video_share = serializers.IntegerField(help_text="视频（含现场+视频）占比，百分数")
    url = serializers.CharField(help_text="会议台账（已筛选）")
    last_url = serializers.CharField()
    video_url = serializers.CharField()


class _ByMonth(serializers.Serializer):
    month = serializers.IntegerField()
    count = serializers.IntegerField()
    last = serializers.IntegerField()
    url = serializers.CharField()
    last_url = serializers.CharField()


class _Upcoming(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind_label = serializers.CharField()
    date = serializers.DateField()
    cutoff = serializers.DateField(allow_null=True)
    cutoff_passed = serializers.BooleanField()
    topics = serializers.IntegerField()
    at_office = serializers.IntegerField()
    on_the_way = serializers.IntegerField(help_text="尚未送达区政府办公室的议题")
    url = serializers.CharField()
    agenda_url = serializers.CharField()


class MeetingPanelSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    through = serializers.IntegerField()
    period = serializers.CharField()
    held = serializers.IntegerField()
    last = serializers.IntegerField()
    average_minutes = serializers.IntegerField()
    average_seats = serializers.IntegerField()
    video_share = serializers.IntegerField()
    url = serializers.CharField()
    last_url = serializers.CharField()
    video_url = serializers.CharField()
    by_kind = _ByKind(many=True)
    by_month = _ByMonth(many=True)
    upcoming = _Upcoming(many=True)


register(
    Panel(
        key="meetings",
        title="会议情况",
        template="dashboard/panels/meetings.html",
        figures=meeting_figures,
        tables=meeting_tables,
        serializer=MeetingPanelSerializer,
        charts=meeting_charts,
        order=65,
    )
)

"""The people panel of the dashboard: leaders away today and this week and who acts for them (第六条, 第四十四条), and
each leader's research days this year against the target (第四十六条).

Three queries whatever the data: the approved absences overlapping this week (with leader, post and delegate joined),
the government leaders' posts, and their research trips of the year. The office and the head see every leader; a
vice head sees the absences of their portfolio's units, their own and those they act for, and their own research."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from rest_framework import serializers

from haimen_gov.dashboard.registry import Cell, Panel, Table, chart, register
from haimen_gov.dashboard.scope import Query
from haimen_gov.org.models import Post

from .models import APPROVED_STATES, GOVERNMENT_LEADER_KINDS, Absence, ResearchTrip
from .selectors import research_target_days


def _absences_url(q: Query, first: dt.date, last: dt.date, **extra: Any) -> str:
    params = {"status": "approved", "first": first.isoformat(), "last": last.isoformat(), **extra}
    return reverse("leave:absences") + "?" + urlencode(params)


def _research_url(year: int, leader: int | None = None) -> str:
    params: dict[str, Any] = {"year": year}
    if leader is not None:
        params["leader"] = leader
    return reverse("leave:research") + "?" + urlencode(params)


def _away(q: Query, monday: dt.date, sunday: dt.date) -> list[dict[str, Any]]:
    qs = Absence.objects.filter(state__in=APPROVED_STATES, start__lte=sunday, end__gte=monday).select_related(
        "leader", "leader_post", "acting"
    )
    me = q.scope.user.pk
    if q.unit_ids is not None:
        # A vice head: their units' heads, and their own absences or those they act in.
        qs = qs.filter(Q(unit_id__in=q.unit_ids) | Q(leader_id=me) | Q(acting_id=me))
    elif q.unit is not None:
        qs = qs.filter(unit_id=q.unit)
    rows = []
    for a in qs.order_by("start", "leader_post__order", "id"):
        rows.append(
            {
                "id": a.pk,
                "leader": a.leader.display_name,
                "post": a.leader_post.title,
                "destination": a.destination,
                "start": a.start.isoformat(),
                "end": a.end.isoformat(),
                "today": a.start <= q.today <= a.end,
                "acting": a.acting.display_name if a.acting else "",
                "acting_as": f"受{a.leader_post.title}委托" if a.acting else "",
                "url": reverse("workflow:item", args=[a.pk]),
            }
        )
    return rows


def _research(q: Query, year: int) -> list[dict[str, Any]]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    posts = Post.objects.filter(kind__in=GOVERNMENT_LEADER_KINDS, holder__is_active=True)
    if q.scope.role == "vice":
        posts = posts.filter(holder=q.scope.user)
    leaders: dict[int, dict[str, Any]] = {}
    for holder_id, name, username, title in posts.order_by("order", "id").values_list(
        "holder_id", "holder__full_name", "holder__username", "title"
    ):
        leader = leaders.setdefault(holder_id, {"id": holder_id, "leader": name or username, "posts": []})
        leader["posts"].append(title)
    days: dict[int, set[dt.date]] = {pk: set() for pk in leaders}
    trips: dict[int, int] = dict.fromkeys(leaders, 0)
    for leader_id, start, end in ResearchTrip.objects.filter(
        leader_id__in=list(leaders), start__lte=last, end__gte=first
    ).values_list("leader_id", "start", "end"):
        day = max(start, first)
        while day <= min(end, last):
            days[leader_id].add(day)
            day += dt.timedelta(days=1)
        trips[leader_id] += 1
    target = research_target_days()
    if q.today.year < year:
        expected = 0
    elif q.today.year > year:
        expected = target
    else:
        expected = target * ((q.today - first).days + 1) // ((last - first).days + 1)
    return [
        {
            "leader_id": pk,
            "leader": row["leader"],
            "posts": "、".join(row["posts"]),
            "days": len(days[pk]),
            "trips": trips[pk],
            "target": target,
            "expected": expected,
            "on_pace": len(days[pk]) >= expected,
            "url": _research_url(year, pk),
        }
        for pk, row in leaders.items()
    ]


def people_figures(q: Query) -> dict[str, Any]:
    monday = q.today - dt.timedelta(days=q.today.weekday())
    sunday = monday + dt.timedelta(days=6)
    away = _away(q, monday, sunday)
    year = q.today.year
    research = _research(q, year)
    return {
        "today": q.today.isoformat(),
        "monday": monday.isoformat(),
        "sunday": sunday.isoformat(),
        "away_today": sum(1 for r in away if r["today"]),
        "away_week": len(away),
        "today_url": _absences_url(q, q.today, q.today),
        "week_url": _absences_url(q, monday, sunday),
        "away": away,
        "year": year,
        "target": research_target_days(),
        "behind": sum(1 for r in research if not r["on_pace"]),
        "research_url": reverse("leave:research_progress"),
        "research": research,
    }


def _when(r: dict[str, Any]) -> Cell:
    text = f"{r['start'][5:]} 至 {r['end'][5:]}"
    return Cell(text + "（今日在外）", tone="warning") if r["today"] else Cell(text)


def _acting(r: dict[str, Any]) -> Cell:
    # 第六条: who acts for the leader meanwhile; nobody is flagged (the office is warned of steps left unattended).
    return Cell(f"{r['acting']}（{r['acting_as']}）") if r["acting"] else Cell("无人代行", tone="danger")


def people_tables(f: dict[str, Any]) -> list[Table]:
    return [
        Table(
            "people_away",
            f"领导外出（本周 {f['monday']} 至 {f['sunday']}）",
            ["外出领导", "前往地点", "外出时间", "主持（代行）工作"],
            [
                [
                    Cell(f"{r['leader']}（{r['post']}）", r["url"]),
                    Cell(r["destination"]),
                    Cell(
                        f"{r['start'][5:]} 至 {r['end'][5:]}" + ("（今日在外）" if r["today"] else ""),
                        tone="warning" if r["today"] else "",
                    ),
                    Cell(
                        f"{r['acting']}（{r['acting_as']}）" if r["acting"] else "无人代行",
                        tone="" if r["acting"] else "danger",
                    ),
                ]
                for r in f["away"]
            ],
            note="第六条、第四十四条",
        ),
        Table(
            "people_research",
            f"基层调研天数（{f['year']} 年，目标 {f['target']} 天）",
            ["领导", "已调研（天）", "应达（天）", "次数"],
            [
                [
                    Cell(r["leader"]),
                    Cell(r["days"], r["url"], "" if r["on_pace"] else "warning"),
                    Cell(r["expected"]),
                    Cell(r["trips"], r["url"]),
                ]
                for r in f["research"]
            ],
            note="第四十六条：每年到基层调研时间累计不少于 1 个月",
        ),
    ]


def people_charts(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows = f["research"]
    return {
        "research": chart(
            "bar",
            [r["leader"] for r in rows],
            [
                {
                    "name": "已调研天数",
                    "color": "#2e7d32",
                    "data": [{"value": r["days"], "url": r["url"]} for r in rows],
                },
                {
                    "name": "距目标",
                    "color": "#cfd8dc",
                    "data": [{"value": max(0, r["target"] - r["days"]), "url": r["url"]} for r in rows],
                },
            ],
            label=f"{f['year']} 年各位领导基层调研天数与目标",
            horizontal=True,
        )
    }


class _Away(serializers.Serializer):
    id = serializers.IntegerField()
    leader = serializers.CharField()
    post = serializers.CharField()
    destination = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    today = serializers.BooleanField(help_text="今日在外")
    acting = serializers.CharField(help_text="主持（代行）工作的人，空为无人代行")
    acting_as = serializers.CharField(help_text="如“受区长委托”")
    url = serializers.CharField()


class _Research(serializers.Serializer):
    leader_id = serializers.IntegerField()
    leader = serializers.CharField()
    posts = serializers.CharField()
    days = serializers.IntegerField(help_text="今年已调研天数（同一天计 1 天）")
    trips = serializers.IntegerField()
    target = serializers.IntegerField()
    expected = serializers.IntegerField(help_text="按全年均匀推进到今天应达的天数")
    on_pace = serializers.BooleanField()
    url = serializers.CharField()


class PeoplePanelSerializer(serializers.Serializer):
    today = serializers.DateField()
    monday = serializers.DateField()
    sunday = serializers.DateField()
    away_today = serializers.IntegerField()
    away_week = serializers.IntegerField()
    today_url = serializers.CharField()
    week_url = serializers.CharField()
    away = _Away(many=True)
    year = serializers.IntegerField()
    target = serializers.IntegerField()
    behind = serializers.IntegerField(help_text="进度落后的领导人数")
    research_url = serializers.CharField()
    research = _Research(many=True)


register(
    Panel(
        key="people",
        title="领导去向与基层调研",
        template="dashboard/panels/people.html",
        figures=people_figures,
        tables=people_tables,
        serializer=PeoplePanelSerializer,
        charts=people_charts,
        order=70,
    )
)

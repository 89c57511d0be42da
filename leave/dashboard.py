"""The people panel of the dashboard: leaders away today and this week and who acts for them (第六条, 第四十四条), and
each leader's research days this year against the target (第四十六条).

One query whatever the data (the dashboard as a whole stays within 12): people with an approved absence overlapping
this week or a government leader's post, joined to those absences (post and delegate) and to their research trips of
the year. The office and the head see every leader; a
vice head sees the absences of their portfolio's units, their own and those they act for, and their own research."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import FilteredRelation, Q
from django.urls import reverse
from rest_framework import serializers

from haimen_gov.dashboard.registry import Cell, Panel, Table, chart, register
from haimen_gov.dashboard.scope import Query
from haimen_gov.org.models import User
from haimen_gov.workflow.lists import display_name_in

from .models import APPROVED_STATES, GOVERNMENT_LEADER_KINDS
from .selectors import research_target_days


def _absences_url(q: Query, first: dt.date, last: dt.date, **extra: Any) -> str:
    params = {"status": "approved", "first": first.isoformat(), "last": last.isoformat(), **extra}
    return reverse("leave:absences") + "?" + urlencode(params)


def _research_url(year: int, leader: int | None = None) -> str:
    params: dict[str, Any] = {"year": year}
    if leader is not None:
        params["leader"] = leader
    return reverse("leave:research") + "?" + urlencode(params)


def _joined(q: Query, monday: dt.date, sunday: dt.date, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """One query for the whole panel: every person with an approved absence overlapping this week (as the viewer may
    see it) or holding a government leader's post (as the viewer may see it), joined to those absences and to their
    research trips of the year. Rows repeat per post × absence × trip; the callers take each once."""
    me = q.scope.user.pk
    # Who may see which absence is decided in Python on these few rows (``_away``): a FilteredRelation takes no
    # subquery, and the week's approved absences are a handful.
    away = Q(absences__state__in=APPROVED_STATES, absences__start__lte=sunday, absences__end__gte=monday)
    leaders = Q(posts__kind__in=GOVERNMENT_LEADER_KINDS)
    if q.scope.role == "vice":
        leaders &= Q(posts__holder_id=me)  # 第四十六条: a vice head's view holds their own research
    trips = Q(research_trips__start__lte=last, research_trips__end__gte=first)
    return list(
        User.objects.annotate(
            away=FilteredRelation("absences", condition=away),
            lead=FilteredRelation("posts", condition=leaders),
            trip=FilteredRelation("research_trips", condition=trips),
        )
        .filter(Q(away__isnull=False) | Q(lead__isnull=False), is_active=True)
        .values(
            "id",
            "full_name",
            "username",
            "lead__id",
            "lead__title",
            "lead__order",
            "away__pk",
            "away__destination",
            "away__start",
            "away__end",
            "away__leader_post__title",
            "away__leader_post__order",
            "away__leader_post__unit_id",
            "away__acting_id",
            "away__acting__full_name",
            "away__acting__username",
            "trip__id",
            "trip__start",
            "trip__end",
        )
        .order_by("id")
    )


def _visible(q: Query, r: dict[str, Any]) -> bool:
    """A chosen unit, or a vice head's portfolio: those units' leaders; a vice head also sees their own absences and
    those they act in."""
    me = q.scope.user.pk
    if q.scope.role == "vice" and me in (r["id"], r["away__acting_id"]):
        return True
    return q.unit_ids is None or r["away__leader_post__unit_id"] in q.unit_ids


def _away(q: Query, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for r in rows:
        pk = r["away__pk"]
        if pk is None or pk in seen or not _visible(q, r):
            continue
        start, end, title = r["away__start"], r["away__end"], r["away__leader_post__title"]
        acting = display_name_in(r, "away__acting")
        seen[pk] = {
            "id": pk,
            "leader": r["full_name"] or r["username"],
            "post": title,
            "destination": r["away__destination"],
            "start": start.isoformat(),
            "end": end.isoformat(),
            "today": start <= q.today <= end,
            "acting": acting,
            "acting_as": f"受{title}委托" if acting else "",
            "url": reverse("workflow:item", args=[pk]),
            "_order": (start, r["away__leader_post__order"], pk),
        }
    away = sorted(seen.values(), key=lambda a: a.pop("_order"))
    return away


def _research(q: Query, year: int, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    leaders: dict[int, dict[str, Any]] = {}
    posts: dict[int, dict[int, tuple[int, str]]] = {}
    trips: dict[int, dict[int, tuple[dt.date, dt.date]]] = {}
    for r in rows:
        if r["lead__id"] is None:
            continue
        pk = r["id"]
        leaders.setdefault(pk, {"id": pk, "leader": r["full_name"] or r["username"]})
        posts.setdefault(pk, {})[r["lead__id"]] = (r["lead__order"], r["lead__title"])
        if r["trip__id"] is not None:
            trips.setdefault(pk, {})[r["trip__id"]] = (r["trip__start"], r["trip__end"])
    target = research_target_days()
    if q.today.year < year:
        expected = 0
    elif q.today.year > year:
        expected = target
    else:
        expected = target * ((q.today - first).days + 1) // ((last - first).days + 1)
    out = []
    for pk, leader in leaders.items():
        days: set[dt.date] = set()
        for start, end in trips.get(pk, {}).values():
            day = max(start, first)
            while day <= min(end, last):
                days.add(day)
                day += dt.timedelta(days=1)
        held = sorted(posts[pk].values())
        out.append(
            {
                "leader_id": pk,
                "leader": leader["leader"],
                "posts": "、".join(title for _order, title in held),
                "days": len(days),
                "trips": len(trips.get(pk, {})),
                "target": target,
                "expected": expected,
                "on_pace": len(days) >= expected,
                "url": _research_url(year, pk),
                "_order": (held[0][0], pk),
            }
        )
    out.sort(key=lambda r: r.pop("_order"))
    return out


def people_figures(q: Query) -> dict[str, Any]:
    monday = q.today - dt.timedelta(days=q.today.weekday())
    sunday = monday + dt.timedelta(days=6)
    year = q.today.year
    rows = _joined(q, monday, sunday, dt.date(year, 1, 1), dt.date(year, 12, 31))
    away = _away(q, rows)
    research = _research(q, year, rows)
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

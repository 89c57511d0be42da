"""Reads of the leave app: the 去向 board, the office's warnings, research progress. One query per list; the warnings
of a whole board are computed from a fixed number of queries, never one per row."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import Min, Q, QuerySet

from haimen_gov.org.models import Delegation, Post, PostKind, UnitKind, User
from haimen_gov.org.routing import acting_posts
from haimen_gov.workflow.models import Task, TaskStatus

from .models import (
    AWAY_STATES,
    GOVERNMENT_LEADER_KINDS,
    Absence,
    ExceptionRequest,
    ResearchTrip,
)

# Posts of the district government office: they keep the board and file for leaders.
OFFICE_KINDS = (PostKind.OFFICE_DIRECTOR, PostKind.OFFICE_DEPUTY_DIRECTOR)


def is_office(user: User, posts: Iterable[tuple[int, str]] | None = None) -> bool:
    """Whether ``user`` works for the district government office (its director, deputies or clerks, in person or by
    delegation). ``posts``: the user's acting (id, kind) pairs, when the caller has them."""
    if user.is_superuser:
        return True
    ids = [pk for pk, _kind in (acting_posts(user) if posts is None else posts)]
    return Post.objects.filter(pk__in=ids, unit__kind=UnitKind.GOV_OFFICE).exists()


def absences() -> QuerySet[Absence]:
    return Absence.objects.select_related("leader_post", "leader", "acting", "unit")


def absences_of(user: User) -> QuerySet[Absence]:
    """我的外出报备: those filed by ``user`` or for them."""
    return absences().filter(Q(submitter=user) | Q(leader=user)).order_by("-start", "-id")


def away_between(first: dt.date, last: dt.date) -> QuerySet[Absence]:
    """Absences (reported, approved or waiting for the head) that overlap ``first``…``last``."""
    return absences().filter(state__in=AWAY_STATES, start__lte=last, end__gte=first).order_by("start", "id")


def exceptions_visible(user: User, office: bool) -> QuerySet[ExceptionRequest]:
    qs = ExceptionRequest.objects.select_related("leader_post", "leader", "unit", "submitter")
    if not office:
        qs = qs.filter(Q(submitter=user) | Q(leader=user) | Q(unit__posts__holder=user)).distinct()
    return qs.order_by("-created_at", "-id")


# ----------------------------------------------------------------------------------------------------- warnings


# The unattended steps named one by one in a warning; past these, one line says how many more. A leader with a long
# queue away for a week would otherwise fill the board, the absence's page and the office's notice with hundreds of
# lines (bounded output, issue 16).
UNATTENDED_LISTED = 10


class DueStep(NamedTuple):
    """An open step of a leader's post falling due while they are away: what the warning names (read as plain
    values, not as tasks and items: a long queue has hundreds of them)."""

    task_id: int
    post_id: int
    due_date: dt.date
    step_label: str
    title: str


@dataclass
class Warnings:
    """What the office is warned of about one absence."""

    # 第六条: days on which the head and the executive vice head would both be away.
    both_away: list[dt.date] = field(default_factory=list)
    # Open steps of the leader's post due inside the absence with nobody acting for it on that day.
    unattended: list[DueStep] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.both_away or self.unattended)

    @property
    def messages(self) -> list[str]:
        out = []
        if self.both_away:
            days = "、".join(f"{d:%m月%d日}" for d in self.both_away[:5]) + ("等" if len(self.both_away) > 5 else "")
            out.append(f"区长与常务副区长同时不在海门：{days}（第六条），请办公室统筹安排。")
        for task in self.unattended[:UNATTENDED_LISTED]:
            out.append(
                f"外出期间有待办到期且无人代行：“{task.title}”（{task.step_label}，{task.due_date:%m月%d日}到期）。"
            )
        if len(self.unattended) > UNATTENDED_LISTED:
            more = len(self.unattended) - UNATTENDED_LISTED
            out.append(f"另有{more}项待办在外出期间到期且无人代行，请在待办中查看并安排代行。")
        return out


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def warnings_for(rows: list[Absence]) -> dict[int, Warnings]:
    """The warnings of each absence in ``rows``, in a fixed number of queries however many rows."""
    result = {a.pk: Warnings() for a in rows}
    if not rows:
        return result
    first = min(a.start for a in rows)
    last = max(a.end for a in rows)
    top = {
        kind: post_id
        for post_id, kind in Post.objects.filter(
            kind__in=[PostKind.DISTRICT_HEAD, PostKind.EXEC_VICE_HEAD]
        ).values_list("id", "kind")
    }
    # Who is away when: absences of every post concerned, and delegations of the posts (a head's trip entered by
    # the office in the admin counts as the head being away).
    post_ids = {a.leader_post_id for a in rows} | set(top.values())
    away: dict[int, set[dt.date]] = defaultdict(set)
    covered: dict[int, set[dt.date]] = defaultdict(set)
    # Unordered: the model's ordering (the item's creation) would join every item to sort rows only read as a set.
    for post_id, start, end in (
        Absence.objects.filter(state__in=AWAY_STATES, start__lte=last, end__gte=first, leader_post_id__in=post_ids)
        .order_by()
        .values_list("leader_post_id", "start", "end")
    ):
        away[post_id].update(_days(max(start, first), min(end, last)))
    for post_id, start, end in Delegation.objects.filter(
        post_id__in=post_ids, revoked_at__isnull=True, start__lte=last, end__gte=first
    ).values_list("post_id", "start", "end"):
        days = _days(max(start, first), min(end, last))
        away[post_id].update(days)
        covered[post_id].update(days)
    head, exec_vice = top.get(PostKind.DISTRICT_HEAD), top.get(PostKind.EXEC_VICE_HEAD)
    tasks = (
        Task.objects.filter(
            status=TaskStatus.OPEN,
            post_id__in={a.leader_post_id for a in rows},
            due_date__gte=first,
            due_date__lte=last,
        )
        .order_by("due_date", "id")
        .values_list("id", "post_id", "due_date", "step_label", "item__title")
    )
    by_post: dict[int, list[DueStep]] = defaultdict(list)
    for row in tasks:
        step = DueStep(*row)
        by_post[step.post_id].append(step)
    for a in rows:
        w = result[a.pk]
        if head is not None and exec_vice is not None and a.leader_post_id in (head, exec_vice):
            other = exec_vice if a.leader_post_id == head else head
            w.both_away = sorted(d for d in _days(a.start, a.end) if d in away[other])
        if a.acting_id is None:
            w.unattended = [
                t for t in by_post[a.leader_post_id] if a.away_on(t.due_date) and t.due_date not in covered[t.post_id]
            ]
    return result


# ------------------------------------------------------------------------------------------------ the 去向 board


@dataclass
class BoardRow:
    absence: Absence
    warnings: Warnings
    away_today: bool


def board(today: dt.date, *, late_only: bool = False) -> tuple[dt.date, dt.date, list[BoardRow]]:
    """领导去向: who is away today and this week (Monday to Sunday), where, until when, and who acts for them."""
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    qs = away_between(monday, sunday)
    if late_only:
        qs = qs.filter(late=True)
    rows = list(qs)
    found = warnings_for(rows)
    board_rows = [BoardRow(a, found[a.pk], a.away_on(today)) for a in rows]
    board_rows.sort(key=lambda r: (not r.away_today, r.absence.start, r.absence.pk))
    return monday, sunday, board_rows


def other_delegations(first: dt.date, last: dt.date) -> QuerySet[Delegation]:
    """Delegations entered in the admin (the head's trips among them, 第六条) that overlap ``first``…``last``: the
    board shows who acts for whom, not only for reported absences."""
    return (
        Delegation.objects.filter(revoked_at__isnull=True, start__lte=last, end__gte=first, absence__isnull=True)
        .select_related("post", "post__holder", "delegate")
        .order_by("start", "id")
    )


def late_reports() -> QuerySet[Absence]:
    """补报: every report filed after its departure day, newest first (kept visible to the office)."""
    return absences().filter(late=True).exclude(state="draft").order_by("-start", "-id")


# --------------------------------------------------------------------------------------------- research progress


def research_target_days() -> int:
    # 第四十六条: 每年到基层调研时间累计不少于1个月.
    return int(getattr(settings, "LEAVE_RESEARCH_TARGET_DAYS", 30))


@dataclass
class Progress:
    leader: User
    posts: str
    days: int
    trips: int
    target: int
    expected: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.days / self.target)) if self.target else 100

    @property
    def on_pace(self) -> bool:
        return self.days >= self.expected

    @property
    def behind(self) -> int:
        return max(0, self.expected - self.days)


def research_leaders() -> QuerySet[User]:
    """区政府领导同志: the holders of the head's, the executive vice head's and the vice heads' posts."""
    # In the order of their posts (the head first), one row per leader however many posts they hold.
    return (
        User.objects.filter(posts__kind__in=GOVERNMENT_LEADER_KINDS, is_active=True)
        .annotate(rank=Min("posts__order"))
        .order_by("rank", "id")
    )


def research_progress(year: int, today: dt.date, leaders: Iterable[User]) -> list[Progress]:
    """Each leader's distinct research days in ``year`` (trips clipped to the year; overlapping trips count once),
    against the target and against the pace expected by ``today``. Two queries however many leaders and trips."""
    leaders = list(leaders)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    titles: dict[int, list[str]] = defaultdict(list)
    for holder_id, title in (
        Post.objects.filter(holder__in=leaders, kind__in=GOVERNMENT_LEADER_KINDS)
        .order_by("order", "id")
        .values_list("holder_id", "title")
    ):
        titles[holder_id].append(title)
    days: dict[int, set[dt.date]] = defaultdict(set)
    trips: dict[int, int] = defaultdict(int)
    for leader_id, start, end in ResearchTrip.objects.filter(
        leader__in=leaders, start__lte=last, end__gte=first
    ).values_list("leader_id", "start", "end"):
        days[leader_id].update(_days(max(start, first), min(end, last)))
        trips[leader_id] += 1
    target = research_target_days()
    if today < first:
        expected = 0
    elif today > last:
        expected = target
    else:
        expected = (target * ((today - first).days + 1)) // ((last - first).days + 1)
    return [
        Progress(
            leader=leader,
            posts="、".join(titles[leader.pk]),
            days=len(days[leader.pk]),
            trips=trips[leader.pk],
            target=target,
            expected=expected,
        )
        for leader in leaders
    ]

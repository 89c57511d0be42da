"""Reads of the meeting pages: one query per list, filtered by who may see what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from haimen_gov.org.models import Post, PostKind, UnitKind, User
from haimen_gov.org.routing import acting_posts
from haimen_gov.prepared import PreparedValues

from .models import (
    CADENCE,
    CADENCE_DAYS,
    Attendee,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingState,
    Topic,
    TopicState,
    minutes_between,
)

# Who sees every meeting: the office that runs them, and the head.
OVERSEER_KINDS = (PostKind.DISTRICT_HEAD,)


def sees_all_meetings(user: User, posts: list[tuple[int, str]] | None = None) -> bool:
    if user.is_superuser:
        return True
    posts = acting_posts(user) if posts is None else posts
    if any(kind in OVERSEER_KINDS for _pk, kind in posts):
        return True
    ids = [pk for pk, _kind in posts]
    return Post.objects.filter(pk__in=ids, unit__kind=UnitKind.GOV_OFFICE).exists()


def meetings_for(
    user: User, posts: list[tuple[int, str]] | None = None, *, sees_all: bool | None = None
) -> QuerySet[Meeting]:
    """The meetings ``user`` sees: the office and the head all of them, everyone else the ones they sit at (in
    person, or for a post delegated to them). ``sees_all``: what :func:`sees_all_meetings` said, when the caller has
    asked already (a query for most users, not to be asked twice)."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    posts = acting_posts(user) if posts is None else posts
    qs = Meeting.objects.select_related("chair", "chair_post")
    if sees_all_meetings(user, posts) if sees_all is None else sees_all:
        return qs
    ids = [pk for pk, _kind in posts]
    seat = Attendee.objects.filter(meeting=OuterRef("pk")).filter(Q(user=user) | Q(post_id__in=ids))
    # A unit that proposed a topic follows the meeting it is aimed at (its cut-off, its agenda).
    sponsor = Topic.objects.filter(
        meeting=OuterRef("pk"), unit_id__in=Post.objects.filter(pk__in=ids).values("unit_id")
    )
    return qs.filter(Exists(seat) | Exists(sponsor))


def _between(
    user: User, start: dt.date, end: dt.date, posts: list[tuple[int, str]] | None, sees_all: bool | None = None
) -> QuerySet[Meeting]:
    """The meetings ``user`` sees from ``start`` to ``end``, soonest first."""
    qs = meetings_for(user, posts, sees_all=sees_all).filter(date__gte=start, date__lte=end)
    return qs.order_by("date", "start_time", "id")


def meetings_between(
    user: User, start: dt.date, end: dt.date, posts: list[tuple[int, str]] | None = None
) -> list[Meeting]:
    return list(_between(user, start, end, posts))


# What the calendar shows of a meeting. Read as plain values: a month of a busy office holds a hundred meetings or
# more, and every column of each, its chair and the chair's post made into model instances cost more than the page
# (issue 16).
CALENDAR_FIELDS = ("pk", "kind", "title", "date", "start_time", "end_time", "place", "mode", "state")


def calendar_meetings(
    user: User,
    start: dt.date,
    end: dt.date,
    posts: list[tuple[int, str]] | None = None,
    *,
    sees_all: bool | None = None,
) -> list[dict[str, Any]]:
    """``meetings_between``, each meeting as the dict of its :data:`CALENDAR_FIELDS` (one query): the days the
    calendar shows."""
    return list(_between(user, start, end, posts, sees_all).values(*CALENDAR_FIELDS))


def agenda(meeting: Meeting) -> list[Topic]:
    """The topics aimed at or scheduled into ``meeting`` (not withdrawn), oldest first, with their units."""
    return list(
        Topic.objects.filter(meeting=meeting)
        .exclude(state__in=[TopicState.WITHDRAWN, TopicState.DRAFT])
        .select_related("unit")
        .order_by("submitted_at", "id")
    )


def attendees(meeting: Meeting) -> list[Attendee]:
    return list(meeting.attendees.select_related("post", "post__unit", "user").order_by("order", "id"))


def open_for_topics(today: dt.date) -> list[Meeting]:
    """The meetings still taking topics, soonest first: what a unit proposes into, each with its cut-off."""
    return list(
        Meeting.objects.filter(date__gt=today, state__in=[MeetingState.PREPARING, MeetingState.NOTIFIED]).order_by(
            "date", "start_time"
        )[:20]
    )


@dataclass(frozen=True)
class Cadence:
    kind: str
    label: str
    rule: str
    last_held: dt.date | None
    next_planned: dt.date | None
    due_by: dt.date | None  # the last one held plus the rule's interval

    @property
    def behind(self) -> bool:
        return self.due_by is not None and self.next_planned is None and self.due_by <= timezone.localdate()


def _cadence_rows(today: dt.date) -> QuerySet[Any, Any]:
    return Meeting.objects.values("kind").annotate(
        last=Max("date", filter=Q(state__in=[MeetingState.HELD, MeetingState.ARCHIVED])),
        planned=Min("date", filter=Q(state__in=[MeetingState.PREPARING, MeetingState.NOTIFIED], date__gte=today)),
    )


# The board's figures, the same for every viewer, read on every view of it: compiled once per process and prepared
# once per connection, their plans kept (haimen_gov.prepared, issue 16).
_CADENCE_ROWS = PreparedValues("meetings_cadences", _cadence_rows, today=dt.date)


def cadences(today: dt.date) -> list[Cadence]:
    """第十五—十七条: for each kind held on a rhythm, the last one held, the next one planned and when one is due
    (one query)."""
    by_kind = {row["kind"]: row for row in _CADENCE_ROWS(today=today)}
    result = []
    for kind, days in CADENCE_DAYS.items():
        row = by_kind.get(kind, {})
        last = row.get("last")
        due = last + dt.timedelta(days=days) if last else None
        result.append(Cadence(kind, str(kind.label), CADENCE[kind], last, row.get("planned"), due))
    return result


@dataclass(frozen=True)
class Frugality:
    kind: str
    label: str
    held: int
    minutes: int  # all of them together
    video: int  # held as 视频 or 现场+视频
    attendees: int  # seats, all of them together

    @property
    def average_minutes(self) -> int:
        return round(self.minutes / self.held) if self.held else 0

    @property
    def video_share(self) -> int:
        return round(100 * self.video / self.held) if self.held else 0


def _frugality_rows(first: dt.date, last: dt.date) -> QuerySet[Any, Any]:
    return (
        Meeting.objects.filter(date__gte=first, date__lte=last, state__in=[MeetingState.HELD, MeetingState.ARCHIVED])
        .order_by()
        .values("kind", "mode", "start_time", "end_time")
        .annotate(held=Count("pk", distinct=True), seats=Count("attendees"))
    )


_FRUGALITY_ROWS = PreparedValues("meetings_frugality", _frugality_rows, first=dt.date, last=dt.date)


def frugality(year: int) -> list[Frugality]:
    """第二十三条 (精简会议): the year's meetings held, per kind — how many, how long, how many seats, how many by
    video. One query, counted in the database per kind, mode and clock times (a few dozen rows however many
    meetings were held: meetings keep to a handful of time slots), summed here."""
    rows = _FRUGALITY_ROWS(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
    totals: dict[str, list[int]] = {kind: [0, 0, 0, 0] for kind in MeetingKind.values}
    for row in rows:
        t, held = totals[row["kind"]], row["held"]
        t[0] += held
        t[1] += held * minutes_between(row["start_time"], row["end_time"])
        t[2] += held if row["mode"] != MeetingMode.ONSITE else 0
        t[3] += row["seats"]
    return [Frugality(kind, str(MeetingKind(kind).label), *totals[kind]) for kind in MeetingKind.values]


def board(today: dt.date, limit: int = 8) -> list[Meeting]:
    """The office's agenda board: the next open meetings, each with its topics (two queries in all)."""
    # Only what the board shows and the cut-off needs (第十六条: reached_office_on, exception_granted).
    topics = (
        Topic.objects.exclude(state__in=[TopicState.WITHDRAWN, TopicState.DRAFT])
        .select_related("unit")
        .only(
            "title",
            "stage_label",
            "meeting_id",
            "reached_office_on",
            "exception_granted",
            "unit__name",
            "unit__short_name",
        )
    )
    return list(
        Meeting.objects.filter(date__gte=today, state__in=[MeetingState.PREPARING, MeetingState.NOTIFIED])
        .only("kind", "title", "date", "start_time", "state")
        .prefetch_related(Prefetch("topics", queryset=topics.order_by("submitted_at", "id"), to_attr="agenda"))
        .order_by("date", "start_time")[:limit]
    )

"""Working-day arithmetic over the calendar table (SPEC §0; deadlines of 第十六条 and 第二十九条).

Weekends are days off and weekdays are working days, except where the table says otherwise (holidays on weekdays,
调休 makeup days on weekends). A year without a CalendarYear row has no official schedule loaded yet: for it we fall
back on the statutory holidays the ``holidays`` package computes (lunar dates included) and mark the answer
``estimated``.

Each process keeps the table in memory as a :class:`Calendar`. Every change to the table bumps the one row of
CalendarVersion (``changed()``, called by the signals and by the loaders); a process asks for that version at most
every CHECK_SECONDS and re-reads the table when it differs, so a change made on any machine reaches every worker
within CHECK_SECONDS. A process that has never read the table reads it on first use, whatever the clock says: the
monotonic clock counts from boot, so "loaded at 0.0" once passed for a fresh load during a machine's first minutes
and deadlines were computed from an empty calendar.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MAX_DAYS = 3660  # ten years of working days: anything larger is a typo, not a deadline
CHECK_SECONDS = 30  # how often a process asks whether the table changed elsewhere


@dataclass(frozen=True)
class WorkdayDate:
    date: dt.date
    estimated: bool


@dataclass(frozen=True)
class WorkdayCount:
    days: int
    estimated: bool


@dataclass(frozen=True)
class WorkdayCheck:
    workday: bool
    estimated: bool


@lru_cache(maxsize=64)
def _estimated_holidays(year: int) -> frozenset[dt.date]:
    """Statutory holidays for a year whose official schedule is not loaded (no 调休 makeup days known)."""
    import holidays

    return frozenset(holidays.country_holidays("CN", years=year).keys())


@dataclass(frozen=True)
class Calendar:
    """One reading of the calendar table: the exceptions to weekends and the years whose schedule is confirmed."""

    exceptions: Mapping[dt.date, bool] = field(default_factory=dict)  # date -> is a working day
    confirmed: frozenset[int] = frozenset()
    # year -> running totals of its working days and of its estimated days, day by day (``between`` in O(1); a
    # list page counts the working days left for every row). Filled on first use; this reading never changes.
    _years: dict[int, tuple[list[int], list[int]]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    @classmethod
    def read(cls, calendar_day: Any = None, calendar_year: Any = None) -> Calendar:
        """Read the table. Takes the model classes so migrations can pass their historical ones."""
        if calendar_day is None or calendar_year is None:
            from .models import CalendarDay, CalendarYear

            calendar_day, calendar_year = CalendarDay, CalendarYear
        workday = "workday"  # DayKind.WORKDAY, spelled out for historical models
        return cls(
            exceptions={d: k == workday for d, k in calendar_day.objects.values_list("date", "kind")},
            confirmed=frozenset(calendar_year.objects.values_list("year", flat=True)),
        )

    def check(self, day: dt.date) -> WorkdayCheck:
        if day.year in self.confirmed:
            return WorkdayCheck(self.exceptions.get(day, day.weekday() < 5), False)
        if day in self.exceptions:  # an admin may enter single days of a year not yet confirmed
            return WorkdayCheck(self.exceptions[day], True)
        return WorkdayCheck(day.weekday() < 5 and day not in _estimated_holidays(day.year), True)

    def add(self, start: dt.date, n: int) -> WorkdayDate:
        if n < 0 or n > MAX_DAYS:
            raise ValueError(f"days must be between 0 and {MAX_DAYS}")
        day, estimated, left = start, False, n
        while left:
            day += dt.timedelta(days=1)
            check = self.check(day)
            estimated |= check.estimated
            if check.workday:
                left -= 1
        return WorkdayDate(day, estimated)

    def before(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day before ``day`` (``day`` itself is not counted)."""
        if n < 0 or n > MAX_DAYS:
            raise ValueError(f"days must be between 0 and {MAX_DAYS}")
        left = n
        while left:
            day -= dt.timedelta(days=1)
            if self.check(day).workday:
                left -= 1
        return day

    def lateness_cutoffs(self, today: dt.date, limits: list[int]) -> dict[int, dt.date]:
        """For each k in ``limits``, the earliest due date at most k working days late on ``today`` (lateness: the
        working days after the due date up to and including ``today``). A task due before ``cutoffs[k]`` is more than
        k working days late. One walk back over the calendar for every k, so that a million tasks are bucketed by
        comparing their due dates in SQL instead of counting working days row by row."""
        day, late, cutoffs = today, 0, {}
        for k in sorted(limits):
            if not 0 <= k <= MAX_DAYS:
                raise ValueError(f"limits must be between 0 and {MAX_DAYS}")
            while late + self.check(day).workday <= k:
                late += self.check(day).workday
                day -= dt.timedelta(days=1)
            cutoffs[k] = day
        return cutoffs

    def _year(self, year: int) -> tuple[list[int], list[int]]:
        """Running totals over ``year``: [k] counts the working days (and the estimated days) among its first k
        days, so [0] is 0 and [days in the year] the year's total."""
        totals = self._years.get(year)
        if totals is None:
            workdays, estimated, w, e = [0], [0], 0, 0
            day = dt.date(year, 1, 1)
            while day.year == year:
                check = self.check(day)
                w += check.workday
                e += check.estimated
                workdays.append(w)
                estimated.append(e)
                day += dt.timedelta(days=1)
            totals = self._years[year] = (workdays, estimated)
        return totals

    def _upto(self, day: dt.date) -> tuple[int, int]:
        """Working days and estimated days from 1 January of ``day``'s year up to and including ``day``."""
        workdays, estimated = self._year(day.year)
        n = day.timetuple().tm_yday
        return workdays[n], estimated[n]

    def between(self, start: dt.date, end: dt.date) -> WorkdayCount:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is before ``start``);
        estimated when any day counted over is."""
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        w_end, e_end = self._upto(end)
        w_start, e_start = self._upto(start)
        for year in range(start.year, end.year):  # whole years between: their totals
            workdays, estimated = self._year(year)
            w_end += workdays[-1]
            e_end += estimated[-1]
        count, estimated_days = w_end - w_start, e_end - e_start
        return WorkdayCount(sign * count, estimated_days > 0)

    def changed_days(self, other: Calendar, years: set[int]) -> list[dt.date]:
        """The days of ``years`` that ``other`` answers differently (working day or not, estimated or not)."""
        days = []
        for year in sorted(years):
            day = dt.date(year, 1, 1)
            while day.year == year:
                if self.check(day) != other.check(day):
                    days.append(day)
                day += dt.timedelta(days=1)
        return days


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calendar: Calendar | None = None  # None: never read, or invalidated
        self.version: tuple[int, Any] | None = None
        self.checked_at: float | None = None  # monotonic time of the last version check

    def get(self) -> Calendar:
        calendar, checked_at = self.calendar, self.checked_at
        if calendar is not None and checked_at is not None and time.monotonic() - checked_at < CHECK_SECONDS:
            return calendar
        with self.lock:
            # The version first: a change committed between the two reads makes the next check read again, instead
            # of leaving the old table under the new version.
            version = current_version()
            if self.calendar is None or version != self.version:
                self.calendar, self.version = Calendar.read(), version
            self.checked_at = time.monotonic()
            return self.calendar


_cache = _Cache()


def current_version() -> tuple[int, Any]:
    from .models import CalendarVersion

    row = CalendarVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return row if row is not None else (0, None)


def current() -> Calendar:
    """The calendar as this process knows it (re-read when another process changed it, within CHECK_SECONDS)."""
    return _cache.get()


def invalidate(*args: object, **kwargs: object) -> None:
    """Forget this process's copy: the next use reads the table again."""
    with _cache.lock:
        _cache.calendar, _cache.version, _cache.checked_at = None, None, None


def changed(*args: object, **kwargs: object) -> None:
    """The table changed: bump the version other processes check, and forget this process's copy."""
    from django.db.models import F
    from django.utils import timezone

    from .models import CalendarVersion

    now = timezone.now()
    if not CalendarVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now):
        CalendarVersion.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})
    invalidate()


def is_workday(day: dt.date) -> WorkdayCheck:
    return current().check(day)


def add_workdays(start: dt.date, n: int) -> WorkdayDate:
    """The n-th working day after ``start`` (``start`` itself is not counted). n = 0 gives ``start``."""
    return current().add(start, n)


def workdays_before(day: dt.date, n: int) -> dt.date:
    """The n-th working day before ``day`` (``day`` itself is not counted)."""
    return current().before(day, n)


def workdays_between(start: dt.date, end: dt.date) -> WorkdayCount:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is before ``start``)."""
    return current().between(start, end)


def lateness_cutoffs(today: dt.date, limits: list[int]) -> dict[int, dt.date]:
    """For each k in ``limits``, the earliest due date at most k working days late on ``today``."""
    return current().lateness_cutoffs(today, limits)


def confirmed_years() -> frozenset[int]:
    return current().confirmed

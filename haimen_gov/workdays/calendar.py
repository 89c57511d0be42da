"""Working-day arithmetic over the calendar table (SPEC §0; deadlines of 第十六条 and 第二十九条).

Weekends are days off and weekdays are working days, except where the table says otherwise (holidays on weekdays,
调休 makeup days on weekends). A year without a CalendarYear row has no official schedule loaded yet: for it we fall
back on the statutory holidays the ``holidays`` package computes (lunar dates included) and mark the answer
``estimated``. The table is read once per process and re-read when it changes (signals) or after CACHE_SECONDS,
so that an admin's edit on another machine reaches every worker soon.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

MAX_DAYS = 3660  # ten years of working days: anything larger is a typo, not a deadline
CACHE_SECONDS = 300


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


class _Table:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loaded_at = 0.0
        self.exceptions: dict[dt.date, bool] = {}  # date -> is a working day
        self.confirmed: frozenset[int] = frozenset()

    def ensure(self) -> None:
        if time.monotonic() - self.loaded_at < CACHE_SECONDS:
            return
        from .models import CalendarDay, CalendarYear, DayKind

        with self.lock:
            exceptions = {d: k == DayKind.WORKDAY for d, k in CalendarDay.objects.values_list("date", "kind")}
            confirmed = frozenset(CalendarYear.objects.values_list("year", flat=True))
            self.exceptions, self.confirmed = exceptions, confirmed
            self.loaded_at = time.monotonic()


_table = _Table()


def invalidate(*args: object, **kwargs: object) -> None:
    _table.loaded_at = 0.0


@lru_cache(maxsize=64)
def _estimated_holidays(year: int) -> frozenset[dt.date]:
    """Statutory holidays for a year whose official schedule is not loaded (no 调休 makeup days known)."""
    import holidays

    return frozenset(holidays.country_holidays("CN", years=year).keys())


def _check(day: dt.date) -> WorkdayCheck:
    if day.year in _table.confirmed:
        workday = _table.exceptions.get(day, day.weekday() < 5)
        return WorkdayCheck(workday, False)
    if day in _table.exceptions:  # an admin may enter single days of a year not yet confirmed
        return WorkdayCheck(_table.exceptions[day], True)
    return WorkdayCheck(day.weekday() < 5 and day not in _estimated_holidays(day.year), True)


def is_workday(day: dt.date) -> WorkdayCheck:
    _table.ensure()
    return _check(day)


def add_workdays(start: dt.date, n: int) -> WorkdayDate:
    """The n-th working day after ``start`` (``start`` itself is not counted). n = 0 gives ``start``."""
    if n < 0 or n > MAX_DAYS:
        raise ValueError(f"days must be between 0 and {MAX_DAYS}")
    _table.ensure()
    day, estimated, left = start, False, n
    while left:
        day += dt.timedelta(days=1)
        check = _check(day)
        estimated |= check.estimated
        if check.workday:
            left -= 1
    return WorkdayDate(day, estimated)


def workdays_between(start: dt.date, end: dt.date) -> WorkdayCount:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is before ``start``)."""
    _table.ensure()
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count, estimated, day = 0, False, start
    while day < end:
        day += dt.timedelta(days=1)
        check = _check(day)
        estimated |= check.estimated
        count += check.workday
    return WorkdayCount(sign * count, estimated)


def lateness_cutoffs(today: dt.date, limits: list[int]) -> dict[int, dt.date]:
    """For each k in ``limits``, the earliest due date at most k working days late on ``today`` (lateness: the working
    days after the due date up to and including ``today``). A task due before ``cutoffs[k]`` is more than k working
    days late. One walk back over the calendar for every k, so that a million tasks are bucketed by comparing their
    due dates in SQL instead of counting working days row by row."""
    _table.ensure()
    day, late, cutoffs = today, 0, {}
    for k in sorted(limits):
        if not 0 <= k <= MAX_DAYS:
            raise ValueError(f"limits must be between 0 and {MAX_DAYS}")
        while late + _check(day).workday <= k:
            late += _check(day).workday
            day -= dt.timedelta(days=1)
        cutoffs[k] = day
    return cutoffs


def confirmed_years() -> frozenset[int]:
    _table.ensure()
    return _table.confirmed

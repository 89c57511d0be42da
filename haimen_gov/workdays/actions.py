"""Changes to the calendar table. Each one runs in a transaction that reads the calendar before and after and, when a
day's answer changed, sends :data:`calendar_changed` inside that transaction: the engine moves the deadlines of open
tasks whose span crosses a changed day (workflow.deadlines), so stored due dates never rest on an old calendar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from . import calendar
from .calendar import Calendar
from .loading import PACKAGE_SOURCE, Entry, package_years, seed_from_package, store_year
from .models import CalendarDay, CalendarYear

# Sent with old, new (Calendar), days (the changed days, sorted), reason (text for the history) and actor (a user or
# None), inside the changing transaction.
calendar_changed = Signal()


@contextmanager
def calendar_change(*, years: set[int], reason: str, actor: Any = None) -> Iterator[None]:
    """Wrap a change of the calendar rows of ``years``."""
    with transaction.atomic():
        old = Calendar.read()
        yield
        calendar.changed()
        new = calendar.current()
        days = old.changed_days(new, years)
        if days:
            calendar_changed.send(sender=Calendar, old=old, new=new, days=days, reason=reason, actor=actor)


def calendar_store_year(*, year: int, source: str, entries: list[Entry], actor: Any = None) -> None:
    """Load a year's official schedule, replacing what the table had for it."""
    with calendar_change(years={year}, reason=f"导入{year}年节假日安排（{source}）", actor=actor):
        store_year(CalendarDay, CalendarYear, year, source, entries)


def calendar_load_package(*, overwrite: bool = False, actor: Any = None) -> list[int]:
    """Load every year the chinesecalendar package knows (``overwrite``: also the years already confirmed)."""
    with calendar_change(years=set(package_years()), reason=f"导入节假日安排（{PACKAGE_SOURCE}）", actor=actor):
        return seed_from_package(CalendarDay, CalendarYear, overwrite=overwrite)

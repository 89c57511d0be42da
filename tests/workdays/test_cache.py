"""The in-process copy of the calendar: read on first use even just after boot, and noticed changes elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F

from haimen_gov.workdays import add_workdays, calendar
from haimen_gov.workdays.calendar import CHECK_SECONDS, WorkdayDate
from haimen_gov.workdays.models import CalendarDay, CalendarVersion, DayKind

pytestmark = pytest.mark.django_db

D = dt.date


class Clock:
    """A monotonic clock under the test's control (seconds since boot)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(0.5)
    monkeypatch.setattr(calendar.time, "monotonic", clock)
    return clock


@pytest.mark.parametrize("seconds_since_boot", [0.0, 0.5, 12.0, 299.0])
def test_a_freshly_booted_machine_reads_the_table_on_first_use(clock: Clock, seconds_since_boot: float):
    # The defect: loaded_at = 0.0 passed for a fresh load while the clock (seconds since boot) was under the cache
    # time, and 2026-09-30 + 5 came out as 2026-10-14 (estimated) from an empty table.
    clock.now = seconds_since_boot
    calendar.invalidate()
    assert add_workdays(D(2026, 9, 30), 5) == WorkdayDate(D(2026, 10, 13), estimated=False)


def test_a_change_in_another_process_is_noticed_at_the_next_version_check(clock: Clock):
    assert add_workdays(D(2026, 9, 30), 1).date == D(2026, 10, 8)
    # Another process makes 8 October a holiday: the rows and the version change, without signals here.
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2026, 10, 8), kind=DayKind.HOLIDAY, name="测试")])
    CalendarVersion.objects.filter(pk=1).update(version=F("version") + 1)
    clock.now += CHECK_SECONDS - 1
    assert add_workdays(D(2026, 9, 30), 1).date == D(2026, 10, 8)  # not checked yet
    clock.now += 2
    assert add_workdays(D(2026, 9, 30), 1).date == D(2026, 10, 9)


def test_an_unchanged_version_keeps_the_copy(clock: Clock, django_assert_num_queries):
    add_workdays(D(2026, 9, 30), 1)
    clock.now += CHECK_SECONDS + 1
    with django_assert_num_queries(1):  # the version only
        assert add_workdays(D(2026, 9, 30), 1).date == D(2026, 10, 8)
    with django_assert_num_queries(0):
        assert add_workdays(D(2026, 9, 30), 2).date == D(2026, 10, 9)


def test_a_change_through_the_orm_bumps_the_version():
    before = calendar.current_version()
    CalendarDay.objects.create(date=D(2026, 10, 8), kind=DayKind.HOLIDAY, name="测试")
    after = calendar.current_version()
    assert after[0] == before[0] + 1
    assert add_workdays(D(2026, 9, 30), 1).date == D(2026, 10, 9)  # this process re-read at once

"""Working-day arithmetic over the official 2026 schedule (国办发明电〔2025〕7号) and beyond it."""

from __future__ import annotations

import datetime as dt

import pytest

from haimen_gov.workdays import add_workdays, confirmed_years, is_workday, workdays_between
from haimen_gov.workdays.calendar import WorkdayCheck, WorkdayCount, WorkdayDate
from haimen_gov.workdays.models import CalendarDay, CalendarYear, DayKind

pytestmark = pytest.mark.django_db

D = dt.date


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture
def no_2027_schedule():
    # The premise of the estimate tests: 2027's schedule is not published yet. Remove it if a newer data package
    # shipped it, so the tests keep testing the fallback.
    CalendarDay.objects.filter(date__year=2027).delete()
    CalendarYear.objects.filter(year=2027).delete()


def test_2026_is_confirmed_by_the_seeded_schedule():
    assert 2026 in confirmed_years()


# 国庆节、中秋节: 10月1日至8日放假调休，共8天；9月20日（周日）、10月10日（周六）上班.


def test_national_day_adds_across_the_holiday():
    assert add_workdays(D(2026, 9, 30), 1) == WorkdayDate(D(2026, 10, 8), estimated=False)
    assert add_workdays(D(2026, 9, 30), 2) == WorkdayDate(D(2026, 10, 9), estimated=False)
    # 10 October is a Saturday, worked in exchange for the holiday.
    assert add_workdays(D(2026, 9, 30), 3) == WorkdayDate(D(2026, 10, 10), estimated=False)
    assert add_workdays(D(2026, 9, 30), 4) == WorkdayDate(D(2026, 10, 12), estimated=False)


def test_national_day_holidays_and_makeup_days():
    assert D(2026, 10, 10).weekday() == 5 and D(2026, 9, 20).weekday() == 6
    assert is_workday(D(2026, 10, 10)) == WorkdayCheck(workday=True, estimated=False)
    assert is_workday(D(2026, 9, 20)) == WorkdayCheck(workday=True, estimated=False)
    for day in days(D(2026, 10, 1), D(2026, 10, 7)):
        assert is_workday(day) == WorkdayCheck(workday=False, estimated=False), day
    assert is_workday(D(2026, 10, 8)).workday
    assert not is_workday(D(2026, 10, 11)).workday  # an ordinary Sunday


def test_spring_festival_2026():
    # 春节: 2月15日（农历腊月二十八）至23日放假调休，共9天；2月14日（周六）、2月28日（周六）上班.
    for day in days(D(2026, 2, 15), D(2026, 2, 23)):
        assert is_workday(day) == WorkdayCheck(workday=False, estimated=False), day
    assert D(2026, 2, 14).weekday() == 5 and D(2026, 2, 28).weekday() == 5
    assert is_workday(D(2026, 2, 14)) == WorkdayCheck(workday=True, estimated=False)
    assert is_workday(D(2026, 2, 28)) == WorkdayCheck(workday=True, estimated=False)
    assert is_workday(D(2026, 2, 21)) == WorkdayCheck(workday=False, estimated=False)

    assert add_workdays(D(2026, 2, 13), 1) == WorkdayDate(D(2026, 2, 14), estimated=False)
    assert add_workdays(D(2026, 2, 14), 1) == WorkdayDate(D(2026, 2, 24), estimated=False)
    # 5 working days from the eve: 24, 25, 26, 27 and the makeup Saturday 28.
    assert add_workdays(D(2026, 2, 14), 5) == WorkdayDate(D(2026, 2, 28), estimated=False)


def test_workdays_between_counts_after_start_up_to_end():
    assert workdays_between(D(2026, 9, 30), D(2026, 10, 10)) == WorkdayCount(3, estimated=False)
    assert workdays_between(D(2026, 2, 13), D(2026, 2, 24)) == WorkdayCount(2, estimated=False)
    assert workdays_between(D(2026, 10, 10), D(2026, 9, 30)) == WorkdayCount(-3, estimated=False)
    assert workdays_between(D(2026, 5, 6), D(2026, 5, 6)) == WorkdayCount(0, estimated=False)


def test_add_and_between_agree():
    start = D(2026, 1, 1)
    for n in (1, 5, 7, 30, 200):
        end = add_workdays(start, n).date
        assert workdays_between(start, end).days == n, n


def test_zero_days_is_the_start_and_negative_or_absurd_counts_are_refused():
    assert add_workdays(D(2026, 10, 3), 0) == WorkdayDate(D(2026, 10, 3), estimated=False)
    with pytest.raises(ValueError):
        add_workdays(D(2026, 10, 3), -1)
    with pytest.raises(ValueError):
        add_workdays(D(2026, 10, 3), 999_999)


def test_inside_2026_nothing_is_estimated():
    assert add_workdays(D(2026, 12, 28), 3) == WorkdayDate(D(2026, 12, 31), estimated=False)


def test_a_span_into_an_unpublished_year_is_estimated(no_2027_schedule):
    # 31 Dec (Thu) is the 1st; 1 Jan 2027 is New Year's Day (estimated from the statutory holidays), 2–3 Jan is a
    # weekend; Mon 4 and Tue 5 Jan are the 2nd and 3rd.
    assert add_workdays(D(2026, 12, 30), 3) == WorkdayDate(D(2027, 1, 5), estimated=True)
    assert add_workdays(D(2026, 12, 30), 1) == WorkdayDate(D(2026, 12, 31), estimated=False)
    assert is_workday(D(2027, 1, 1)) == WorkdayCheck(workday=False, estimated=True)
    assert workdays_between(D(2026, 12, 30), D(2027, 1, 5)) == WorkdayCount(3, estimated=True)


def test_a_single_day_entered_for_an_unconfirmed_year_is_used_but_still_estimated(no_2027_schedule):
    CalendarDay.objects.create(date=D(2027, 1, 4), kind=DayKind.HOLIDAY, name="元旦")
    assert is_workday(D(2027, 1, 4)) == WorkdayCheck(workday=False, estimated=True)
    assert add_workdays(D(2026, 12, 30), 3) == WorkdayDate(D(2027, 1, 6), estimated=True)


def test_an_admin_edit_reaches_the_cache():
    assert add_workdays(D(2026, 9, 30), 1).date == D(2026, 10, 8)
    CalendarDay.objects.update_or_create(date=D(2026, 10, 8), defaults={"kind": DayKind.HOLIDAY, "name": "测试"})
    assert add_workdays(D(2026, 9, 30), 1).date == D(2026, 10, 9)
    CalendarDay.objects.filter(date=D(2026, 10, 8)).get().delete()
    assert add_workdays(D(2026, 9, 30), 1).date == D(2026, 10, 8)


def test_between_from_running_totals_matches_counting_day_by_day():
    """``between`` reads per-year running totals (issue 16: every inbox row counts its working days left); it
    answers exactly what walking the days one by one answers, across confirmed and estimated years, makeup days and
    single days entered for an unconfirmed year, forwards and backwards."""
    import random

    from haimen_gov.workdays.calendar import Calendar

    calendar = Calendar(
        exceptions={D(2026, 10, 1): False, D(2026, 10, 10): True, D(2027, 2, 3): False, D(2025, 12, 31): True},
        confirmed=frozenset({2026}),
    )

    def walked(start: dt.date, end: dt.date) -> WorkdayCount:
        sign, (start, end) = (1, (start, end)) if start <= end else (-1, (end, start))
        checks = [calendar.check(day) for day in days(start + dt.timedelta(days=1), end)] if end > start else []
        return WorkdayCount(sign * sum(c.workday for c in checks), any(c.estimated for c in checks))

    rng = random.Random(16)
    pairs = [(D(2025, 12, 31), D(2026, 1, 1)), (D(2026, 12, 31), D(2027, 1, 1)), (D(2024, 2, 29), D(2028, 2, 29))]
    for _ in range(2000):
        start = D(2024, 1, 1) + dt.timedelta(days=rng.randrange(1500))
        pairs.append((start, start + dt.timedelta(days=rng.randrange(-800, 800))))
    for start, end in pairs:
        assert calendar.between(start, end) == walked(start, end), (start, end)
    # By hand: 1 Oct off; Fri 2, Mon 5 – Fri 9 and the makeup Saturday 10 worked; Sun 11 off.
    assert calendar.between(D(2026, 9, 30), D(2026, 10, 11)) == WorkdayCount(7, estimated=False)

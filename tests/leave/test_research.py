"""基层调研 (第四十六条): leaders log research trips; distinct days count toward at least a month a year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from haimen_gov.workflow import actions as engine
from leave import actions
from leave.selectors import research_leaders, research_progress

from .conftest import on

pytestmark = pytest.mark.django_db

JULY_2 = dt.date(2026, 7, 2)


def log(org, leader, start, end, *, by=None, topic="乡村振兴"):  # type: ignore[no-untyped-def]
    return actions.research_trip_create(
        actor=by or leader, leader=leader, start=start, end=end, places="三厂街道", topic=topic, frugality="随行 1 人"
    )


def by_leader(rows):  # type: ignore[no-untyped-def]
    return {r.leader.username: r for r in rows}


def test_distinct_days_count_once_and_trips_are_clipped_to_the_year(org):
    with on(JULY_2):
        log(org, org.vice1, dt.date(2026, 3, 2), dt.date(2026, 3, 4))
        log(org, org.vice1, dt.date(2026, 3, 4), dt.date(2026, 3, 5), topic="同一天的另一次调研")
        log(org, org.vice1, dt.date(2025, 12, 30), dt.date(2026, 1, 2), topic="跨年")
        log(org, org.vice2, dt.date(2026, 5, 1), dt.date(2026, 5, 1))
        listed = research_progress(2026, JULY_2, research_leaders())
    # The head first, then in the order of their posts.
    assert [r.leader.username for r in listed] == ["head", "exec_vice", "vice1", "vice2"]
    rows = by_leader(listed)
    assert rows["vice1"].days == 4 + 2  # 3月2—5日, 1月1—2日
    assert rows["vice1"].trips == 3
    assert rows["vice2"].days == 1
    assert rows["head"].days == 0


def test_pace_expected_by_today_and_a_configurable_target(org, settings):
    rows = by_leader(research_progress(2026, JULY_2, research_leaders()))
    # 2 July is the 183rd day of 365: 30 × 183 / 365 → 15 days expected by then.
    assert rows["vice1"].expected == 15
    assert rows["vice1"].on_pace is False
    assert rows["vice1"].behind == 15
    settings.LEAVE_RESEARCH_TARGET_DAYS = 20
    rows = by_leader(research_progress(2026, JULY_2, research_leaders()))
    assert (rows["vice1"].target, rows["vice1"].expected) == (20, 10)
    assert by_leader(research_progress(2025, JULY_2, research_leaders()))["vice1"].expected == 20


def test_a_leader_logs_their_own_trips_the_office_anyones(org):
    with on(JULY_2):
        with pytest.raises(engine.Forbidden):
            log(org, org.vice2, dt.date(2026, 6, 1), dt.date(2026, 6, 1), by=org.vice1)
        assert log(org, org.vice2, dt.date(2026, 6, 1), dt.date(2026, 6, 1), by=org.director).created_by == org.director
        with pytest.raises(ValidationError) as caught:
            log(org, org.dept1_head, dt.date(2026, 6, 1), dt.date(2026, 6, 1))
        assert "leader" in caught.value.message_dict


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(2026, 6, 3), dt.date(2026, 6, 1), "end"),
        (dt.date(2026, 7, 1), dt.date(2026, 7, 5), "end"),  # not yet happened
        (dt.date(2024, 6, 1), dt.date(2024, 6, 2), "start"),  # too old
        (dt.date(2026, 3, 1), dt.date(2026, 5, 1), "end"),  # one trip of two months
    ],
)
def test_dates_are_bounded(org, start, end, field):
    with on(JULY_2), pytest.raises(ValidationError) as caught:
        log(org, org.vice1, start, end)
    assert field in caught.value.message_dict


def test_editing_a_trip(org):
    with on(JULY_2):
        trip = log(org, org.vice1, dt.date(2026, 6, 1), dt.date(2026, 6, 1))
        with pytest.raises(engine.Forbidden):
            actions.research_trip_update(
                trip.pk, actor=org.vice2, start=trip.start, end=trip.end, places="x", topic="y"
            )
        trip = actions.research_trip_update(
            trip.pk, actor=org.vice1, start=trip.start, end=dt.date(2026, 6, 2), places="常乐镇", topic="乡村振兴"
        )
    assert (trip.days, trip.places, trip.updated_by) == (2, "常乐镇", org.vice1)

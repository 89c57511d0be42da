"""Lights (第三十八条): each boundary, in SQL, and the lists' constant queries."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haimen_gov.workflow.models import Task, TaskStatus
from supervision import selectors
from supervision.models import SupervisionItem
from supervision.selectors import AMBER, GREEN, NONE, RED

from .conftest import SHANGHAI, signed_item

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 16)  # three working days later: Thursday 11-19


def light_of(item: SupervisionItem, today: dt.date = MONDAY) -> int:
    return selectors.with_lights(SupervisionItem.objects.filter(pk=item.pk), today).get().light  # type: ignore[attr-defined]


@pytest.fixture
def item(org):
    with time_machine.travel(dt.datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI), tick=False):
        return signed_item(org, due_on=dt.date(2026, 12, 31), cadence_days=5)


@pytest.mark.parametrize(
    ("due_on", "light"),
    [
        (dt.date(2026, 11, 13), RED),  # overdue since Friday
        (dt.date(2026, 11, 16), AMBER),  # due today: not yet overdue
        (dt.date(2026, 11, 19), AMBER),  # the third working day ahead
        (dt.date(2026, 11, 20), GREEN),  # the fourth
    ],
)
def test_the_deadline_boundaries(item, due_on, light):
    SupervisionItem.objects.filter(pk=item.pk).update(due_on=due_on)
    assert light_of(item) == light


def test_the_amber_window_is_a_setting(item, settings):
    SupervisionItem.objects.filter(pk=item.pk).update(due_on=dt.date(2026, 11, 20))
    settings.SUPERVISION_AMBER_DAYS = 4
    assert light_of(item) == AMBER


def test_a_late_feedback_turns_amber_and_a_feedback_due_today_does_not(item):
    task = Task.objects.get(item=item, status=TaskStatus.OPEN)
    assert task.due_date == dt.date(2026, 11, 23)
    assert light_of(item, dt.date(2026, 11, 23)) == GREEN
    assert light_of(item, dt.date(2026, 11, 24)) == AMBER


def test_a_closed_item_has_no_light(org, item):
    from supervision import actions
    from supervision.models import VerifyMethod

    actions.supervision_item_finish(item.pk, actor=org.dept1_head, note="完成")
    actions.supervision_item_verify(item.pk, actor=org.director, close=True, method=VerifyMethod.PHONE, note="电话核实")
    SupervisionItem.objects.filter(pk=item.pk).update(due_on=dt.date(2020, 1, 1))
    assert light_of(item) == NONE


def test_lists_filter_and_sort_by_light_in_one_query(org, django_assert_num_queries):
    with time_machine.travel(dt.datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI), tick=False):
        green = signed_item(org, title="绿", due_on=dt.date(2026, 12, 31))
        red = signed_item(org, title="红", due_on=dt.date(2026, 12, 30))
        amber = signed_item(org, title="黄", due_on=dt.date(2026, 12, 29), lead_unit=org.units.dept2)
    SupervisionItem.objects.filter(pk=red.pk).update(due_on=dt.date(2026, 11, 1))
    SupervisionItem.objects.filter(pk=amber.pk).update(due_on=dt.date(2026, 11, 18))
    with django_assert_num_queries(1):
        rows = [(i.pk, i.light) for i in selectors.items(today=MONDAY)]  # type: ignore[attr-defined]
    assert rows == [(red.pk, RED), (amber.pk, AMBER), (green.pk, GREEN)]
    with django_assert_num_queries(1):
        assert [i.pk for i in selectors.items(light="amber", today=MONDAY)] == [amber.pk]
    with django_assert_num_queries(1):
        by_unit = selectors.board_by_unit(MONDAY)
    assert [(r["lead_unit"], r["light_code"], r["total"]) for r in by_unit] == [
        (org.units.dept1.pk, "red", 2),
        (org.units.dept2.pk, "amber", 1),
    ]
    with django_assert_num_queries(1):
        [by_source] = selectors.board_by_source(MONDAY)
    assert (by_source["total"], by_source["red"], by_source["amber"], by_source["green"]) == (3, 1, 1, 1)


def test_the_boards_figures_count_a_late_feedback_amber_prepared_or_not(org, item):
    """The office's figures run a statement compiled once per process (PreparedValues), a leader's portfolio the
    queryset itself: both the same counts, a late feedback amber in each (the open-feedback index's question)."""
    late, on_time = dt.date(2026, 11, 24), dt.date(2026, 11, 23)
    for lead_unit_ids in (None, frozenset({org.units.dept1.pk})):
        for today, light in ((on_time, "green"), (late, "amber")):
            [by_source] = selectors.board_by_source(today, lead_unit_ids)
            assert (by_source["total"], by_source[light]) == (1, 1)
            [by_unit] = selectors.board_by_unit(today, lead_unit_ids)
            assert (by_unit["lead_unit"], by_unit["light_code"]) == (org.units.dept1.pk, light)
    # Another unit's portfolio has none of it.
    assert selectors.board_by_source(late, frozenset({org.units.dept2.pk})) == []


def test_the_boards_first_page_prepared_is_the_querysets_first_page(org):
    """The unfiltered board's first page runs a statement compiled once per process: the same rows, in the same
    order, as the queryset it is compiled from — lights (a late feedback among them), deadlines, ties by id."""
    with time_machine.travel(dt.datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI), tick=False):
        made = [
            signed_item(
                org,
                title=f"事项{n:02d}",
                due_on=dt.date(2026, 11, 18) + dt.timedelta(days=n % 7 * 9),
                lead_unit=org.units.dept2 if n % 3 else org.units.dept1,
            )
            for n in range(23)
        ]
    SupervisionItem.objects.filter(pk=made[0].pk).update(due_on=dt.date(2026, 11, 2))  # red
    today = dt.date(2026, 11, 24)  # the first feedback tasks (due 11-23) are late: amber
    rows = selectors.board_values(selectors.items(today=today))[: selectors.FIRST_PAGE_ROWS]
    expected = cast(list[dict[str, Any]], list(rows))  # a values() queryset: dicts
    assert len(expected) == selectors.FIRST_PAGE_ROWS
    assert {row["light"] for row in expected} >= {RED, AMBER}
    with CaptureQueriesContext(connection) as ran:
        assert selectors.board_first_page(today) == expected
    [statement] = ran.captured_queries  # the prepared one (PREPARE … EXECUTE in one round trip), not a SELECT
    assert "EXECUTE supervision_board_first_page" in statement["sql"]
    assert selectors.board_first_page(dt.date(2026, 11, 17)) == list(
        selectors.board_values(selectors.items(today=dt.date(2026, 11, 17)))[: selectors.FIRST_PAGE_ROWS]
    )

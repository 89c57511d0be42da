"""督查与考核相结合 (第三十八条): the appraisal figures on a known data set."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from supervision import actions, selectors
from supervision.models import VerifyMethod

from .conftest import SHANGHAI, signed_item

pytestmark = pytest.mark.django_db


def at(day: dt.date):  # type: ignore[no-untyped-def]
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI), tick=False)


def close(org, pk: int) -> None:  # type: ignore[no-untyped-def]
    actions.supervision_item_finish(pk, actor=org.dept1_head, note="完成")
    actions.supervision_item_verify(pk, actor=org.director, close=True, method=VerifyMethod.DOCUMENTS, note="查阅资料")


def test_appraisal_per_unit_and_year(org, django_assert_max_num_queries):
    with at(dt.date(2026, 3, 2)):  # Monday
        on_time = signed_item(org, title="按期办结", due_on=dt.date(2026, 3, 31), cadence_days=5)
        late = signed_item(org, title="逾期办结", due_on=dt.date(2026, 3, 10), cadence_days=5)
        overdue = signed_item(org, title="至今逾期", due_on=dt.date(2026, 3, 20), cadence_days=5)
        other = signed_item(org, title="教体局事项", lead_unit=org.units.dept2, due_on=dt.date(2026, 12, 31))
    # dept1 reports on_time's first feedback on time (due 03-09), late's after its due date.
    with at(dt.date(2026, 3, 6)):
        actions.supervision_item_feedback(on_time.pk, actor=org.dept1_head, text="进展", percent=50)
    with at(dt.date(2026, 3, 11)):
        actions.supervision_item_feedback(late.pk, actor=org.dept1_head, text="进展", percent=50)
        close(org, late.pk)
    with at(dt.date(2026, 3, 12)):
        actions.supervision_item_finish(on_time.pk, actor=org.dept1_head, note="完成")
        actions.supervision_item_verify(on_time.pk, actor=org.director, close=False, note="资料不全")
        close(org, on_time.pk)
    with django_assert_max_num_queries(2):
        rows = {r.unit_id: r for r in selectors.appraisal(2026, today=dt.date(2026, 4, 1))}
    dept1 = rows[org.units.dept1.pk]
    assert (dept1.received, dept1.closed_on_time, dept1.closed_late, dept1.sent_back, dept1.overdue_now) == (
        3,
        1,
        1,
        1,
        1,
    )
    # Feedback tasks of dept1 due by 04-01: on_time's first (done 03-06 ≤ 03-09, on time), late's first (done 03-11 >
    # 03-09, late), overdue's first (due 03-09, still open: late). The tasks closed by 申请办结 are not reports.
    assert (dept1.feedback_due, dept1.feedback_on_time, dept1.punctuality) == (3, 1, "33%")
    dept2 = rows[org.units.dept2.pk]
    assert (dept2.received, dept2.overdue_now) == (1, 0)
    assert selectors.appraisal(2025, today=dt.date(2026, 4, 1)) == []
    del overdue, other

"""Deadlines follow the calendar (第十六条): loading a year's schedule or editing a day in the admin counts the open
tasks' due dates, 暂定 marks, reminder and escalation days again, records it in each item's history, and the sweep
reminds by the new dates."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from haimen_gov.workdays.models import CalendarDay, CalendarYear
from haimen_gov.workflow.models import HistoryEntry, NotificationKind, Reminder, SweepMark, Task, TaskStatus
from haimen_gov.workflow.sweep import sweep
from tests.workflow.helpers import open_tasks, submitted_memo

pytestmark = pytest.mark.django_db

D = dt.date

SCHEDULE_2027 = """\
year: 2027
source: 国务院办公厅关于2027年部分节假日安排的通知（测试）
2027-01-01 休 元旦
2027-01-02 班 元旦
"""


def at(day: dt.date, hour: int = 9) -> time_machine.travel:
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))), tick=False)


@pytest.fixture
def no_2027_schedule() -> None:
    CalendarDay.objects.filter(date__year=2027).delete()
    CalendarYear.objects.filter(year=2027).delete()


def load_2027(tmp_path: Path) -> None:
    path = tmp_path / "2027.txt"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    call_command("load_calendar", str(path), stdout=StringIO())


def deadline_entries(item_id: int) -> list[HistoryEntry]:
    return list(HistoryEntry.objects.filter(item_id=item_id, verb="deadline").order_by("id"))


def test_loading_a_year_recomputes_the_open_tasks_that_cross_it(org, tmp_path, no_2027_schedule):
    # Thursday 31 December: the office review (1 working day) counts 1 January (New Year, estimated) and the weekend,
    # and lands on Monday 4 January, 暂定.
    with at(D(2026, 12, 31)):
        memo = submitted_memo(org)
        before = open_tasks(memo)
        earlier = submitted_memo(org, title="不跨年的纪要")
    assert {(t.due_date, t.due_estimated, t.due_days) for t in before} == {(D(2027, 1, 4), True, 1)}

    with at(D(2026, 12, 31), 15):
        load_2027(tmp_path)

    # Saturday 2 January is a working day in the published schedule: that is the deadline now, and certain.
    after = open_tasks(memo)
    assert {(t.due_date, t.due_estimated) for t in after} == {(D(2027, 1, 2), False)}
    # Reminders follow: due soon the working day before (31 Dec is the day the task opened: the new-task notice was
    # the reminder), escalation from the 3rd working day after the deadline.
    assert {(t.remind_on, t.escalate_on) for t in after} == {(None, D(2027, 1, 6))}
    entries = deadline_entries(memo.pk)
    assert len(entries) == 1  # one entry per item, however many of its tasks moved (或签: two)
    assert "由2027-01-04（暂定）改为2027-01-02" in entries[0].comment
    assert "导入2027年节假日安排" in entries[0].comment
    assert entries[0].verb_label == "期限调整"
    assert len(deadline_entries(earlier.pk)) == 1  # opened the same day, same span


def test_a_task_whose_span_misses_the_changed_days_keeps_its_dates(org, tmp_path, no_2027_schedule):
    with at(D(2026, 11, 2)):
        memo = submitted_memo(org)
    before = [(t.due_date, t.remind_on, t.escalate_on) for t in open_tasks(memo)]
    load_2027(tmp_path)
    assert [(t.due_date, t.remind_on, t.escalate_on) for t in open_tasks(memo)] == before
    assert deadline_entries(memo.pk) == []


def test_a_finished_task_is_history_and_keeps_its_deadline(org, tmp_path, no_2027_schedule):
    with at(D(2026, 12, 31)):
        memo = submitted_memo(org)
        from tests.workflow.helpers import fire

        fire(memo, "approve", org.director, comment="同意。")
    done = Task.objects.filter(item_id=memo.pk, status=TaskStatus.DONE).get()
    load_2027(tmp_path)
    done.refresh_from_db()
    assert (done.due_date, done.due_estimated) == (D(2027, 1, 4), True)


def test_a_day_edited_in_the_admin_recomputes(org, client_for):
    org.director.is_superuser = org.director.is_staff = True
    org.director.save()
    with at(D(2026, 9, 30)):
        memo = submitted_memo(org)
    assert {t.due_date for t in open_tasks(memo)} == {D(2026, 10, 8)}  # 10月1日至7日 are the National Day holiday

    response = client_for(org.director).post(
        "/admin/workdays/calendarday/add/",
        {"date": "2026-10-08", "kind": "holiday", "name": "国庆节（延长）", "source": "测试"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert {(t.due_date, t.due_estimated) for t in open_tasks(memo)} == {(D(2026, 10, 9), False)}
    (entry,) = deadline_entries(memo.pk)
    assert "由2026-10-08改为2026-10-09" in entry.comment
    assert "管理员修改工作日历" in entry.comment
    assert entry.actor_id == org.director.pk

    day = CalendarDay.objects.get(date=D(2026, 10, 8))
    response = client_for(org.director).post(f"/admin/workdays/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert {t.due_date for t in open_tasks(memo)} == {D(2026, 10, 8)}
    assert len(deadline_entries(memo.pk)) == 2


def test_the_sweep_reminds_by_the_new_date_on_the_same_day(org, tmp_path, no_2027_schedule):
    with at(D(2026, 12, 31)):
        memo = submitted_memo(org)
    # Saturday 2 January: the day's first sweep finds nothing due (the deadline is Monday 4th, 暂定) …
    with at(D(2027, 1, 2)):
        sweep(D(2027, 1, 2))
        assert SweepMark.objects.filter(day=D(2027, 1, 2)).exists()
        # … then the schedule arrives: 2 January is a working day, and today's the deadline.
        load_2027(tmp_path)
        assert not SweepMark.objects.filter(day=D(2027, 1, 2)).exists()
        sweep(D(2027, 1, 2))
    claimed = set(
        Reminder.objects.filter(day=D(2027, 1, 2), kind=NotificationKind.DUE_TODAY).values_list("task_id", flat=True)
    )
    assert claimed == {t.pk for t in open_tasks(memo)}


def test_repair_deadlines_recounts_from_the_flow_and_the_calendar(org):
    # A task stored during the boot defect: counted over an empty calendar, 1 working day from 30 September came out
    # as 1 October (暂定), and the backfill of its working days then counted what was stored.
    with at(D(2026, 9, 30)):
        memo = submitted_memo(org)
    Task.objects.filter(item_id=memo.pk).update(due_date=D(2026, 10, 1), due_estimated=True, due_days=0)

    out = StringIO()
    call_command("repair_deadlines", stdout=out)

    assert "已重新计算 2 件待办" in out.getvalue()  # 或签: the director's and the deputy's
    assert {(t.due_date, t.due_estimated, t.due_days) for t in open_tasks(memo)} == {(D(2026, 10, 8), False, 1)}
    (entry,) = deadline_entries(memo.pk)
    assert "由2026-10-01（暂定）改为2026-10-08" in entry.comment and entry.actor is None
    call_command("repair_deadlines", stdout=out)  # nothing left to repair
    assert len(deadline_entries(memo.pk)) == 1

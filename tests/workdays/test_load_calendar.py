"""``manage.py load_calendar``: importing a year's official schedule from a file."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from haimen_gov.workdays import add_workdays, confirmed_years, is_workday
from haimen_gov.workdays.calendar import WorkdayCheck, WorkdayDate
from haimen_gov.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date

# A made-up 2027 schedule: the real one is published around November 2026.
SCHEDULE_2027 = """\
# 测试用安排，非官方
year: 2027
source: 国务院办公厅关于2027年部分节假日安排的通知（测试）

2027-01-01 休 元旦
2027-01-02 班 元旦
2027-02-08 休 春节
"""


@pytest.fixture
def no_2027_schedule():
    CalendarDay.objects.filter(date__year=2027).delete()
    CalendarYear.objects.filter(year=2027).delete()


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "schedule.txt"
    path.write_text(text, encoding=encoding)
    return str(path)


def test_loading_a_year_confirms_it_and_estimates_disappear(tmp_path, no_2027_schedule):
    assert add_workdays(D(2026, 12, 30), 3) == WorkdayDate(D(2027, 1, 5), estimated=True)

    out = StringIO()
    call_command("load_calendar", write(tmp_path, SCHEDULE_2027), stdout=out)

    assert "2027" in out.getvalue()
    assert CalendarYear.objects.get(year=2027).source == "国务院办公厅关于2027年部分节假日安排的通知（测试）"
    assert 2027 in confirmed_years()
    # Saturday 2 January is now a working day, so the third working day comes a day earlier, and for certain.
    assert add_workdays(D(2026, 12, 30), 3) == WorkdayDate(D(2027, 1, 4), estimated=False)
    assert is_workday(D(2027, 2, 8)) == WorkdayCheck(workday=False, estimated=False)
    assert is_workday(D(2027, 2, 9)) == WorkdayCheck(workday=True, estimated=False)


def test_reloading_a_year_replaces_its_days(tmp_path, no_2027_schedule):
    call_command("load_calendar", write(tmp_path, SCHEDULE_2027), stdout=StringIO())
    call_command(
        "load_calendar",
        write(tmp_path, "year: 2027\nsource: 更正通知\n2027-01-01 休 元旦\n"),
        stdout=StringIO(),
    )
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert CalendarYear.objects.get(year=2027).source == "更正通知"
    assert is_workday(D(2027, 1, 2)) == WorkdayCheck(workday=False, estimated=False)


def test_loading_one_year_leaves_the_others_alone(tmp_path, no_2027_schedule):
    before = list(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind"))
    assert before
    call_command("load_calendar", write(tmp_path, SCHEDULE_2027), stdout=StringIO())
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind")) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source: 通知\n2027-01-01 休 元旦\n", "缺少“year"),
        ("year: 2027\n2027-01-01 休 元旦\n", "缺少“source"),
        ("year: 二〇二七\nsource: 通知\n", "年份应为数字"),
        ("year: 2027\nsource: 通知\n2027/01/01 休 元旦\n", "第3行：日期格式错误"),
        ("year: 2027\nsource: 通知\n2027-02-30 休 春节\n", "第3行：日期格式错误"),
        ("year: 2027\nsource: 通知\n2027-01-01 放假 元旦\n", "第3行：类别应为“休”或“班”"),
        ("year: 2027\nsource: 通知\n2027-01-01\n", "第3行：格式应为"),
        ("year: 2027\nsource: 通知\n2026-12-31 休 元旦\n", "不在2027年内"),
        ("year: 2027\nsource: 通知\n2027-01-01 休 元旦\n2027-01-01 班 元旦\n", "第4行：日期2027-01-01重复"),
        ("year: 99999\nsource: 通知\n", "年份超出范围"),
    ],
    ids=["no-year", "no-source", "year-not-a-number", "bad-date", "impossible-date", "bad-kind", "no-kind",
         "outside-year", "duplicate-date", "absurd-year"],
)  # fmt: skip
def test_a_bad_file_is_refused_with_a_chinese_message(tmp_path, no_2027_schedule, text, message):
    with pytest.raises(CommandError, match=message):
        call_command("load_calendar", write(tmp_path, text), stdout=StringIO())
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_a_missing_or_unreadable_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("load_calendar", str(tmp_path / "missing.txt"), stdout=StringIO())
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("load_calendar", write(tmp_path, "year: 2027\nsource: 通知\n", encoding="utf-16"))


def test_no_file_and_no_package_is_refused():
    with pytest.raises(CommandError, match="请给出安排文件"):
        call_command("load_calendar", stdout=StringIO())


def test_package_import_skips_confirmed_years_unless_overwriting():
    CalendarYear.objects.filter(year=2026).update(source="手工维护")
    out = StringIO()
    call_command("load_calendar", "--package", stdout=out)
    assert "已导入 0 个年度" in out.getvalue()
    assert CalendarYear.objects.get(year=2026).source == "手工维护"

    call_command("load_calendar", "--package", "--overwrite", stdout=StringIO())
    assert CalendarYear.objects.get(year=2026).source != "手工维护"
    assert add_workdays(D(2026, 9, 30), 1) == WorkdayDate(D(2026, 10, 8), estimated=False)

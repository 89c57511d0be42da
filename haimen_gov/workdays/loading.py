"""Loading official schedules into the calendar table: from the chinesecalendar package, or from a simple file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

PACKAGE_SOURCE = "国务院办公厅部分节假日安排的通知（chinesecalendar 数据包）"

FESTIVALS = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

KIND_WORDS = {"休": "holiday", "holiday": "holiday", "班": "workday", "workday": "workday"}


@dataclass(frozen=True)
class Entry:
    date: dt.date
    kind: str  # "holiday" | "workday"
    name: str


class ScheduleError(ValueError):
    pass


def package_years() -> dict[int, list[Entry]]:
    """Every year the chinesecalendar package has an official schedule for, with its exceptions to weekends."""
    import chinese_calendar

    years: dict[int, list[Entry]] = {}
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:  # a holiday on a weekend changes nothing
            years.setdefault(day.year, []).append(Entry(day, "holiday", FESTIVALS.get(name, name)))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            years.setdefault(day.year, []).append(Entry(day, "workday", FESTIVALS.get(name, name)))
    # Years where the package knows the holidays but none fell on a weekday still count as known.
    for day in chinese_calendar.holidays:
        years.setdefault(day.year, [])
    return years


def parse_schedule(lines: Iterable[str]) -> tuple[int, str, list[Entry]]:
    """Parse a schedule file.

    ::

        year: 2027
        source: 国务院办公厅关于2027年部分节假日安排的通知
        2027-01-01 休 元旦
        2027-02-07 班 春节

    Blank lines and lines starting with # are ignored. Every date must fall in the declared year.
    """
    year: int | None = None
    source = ""
    entries: list[Entry] = []
    seen: set[dt.date] = set()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"(year|source|年份|依据)\s*[:：]\s*(.+)", line)
        if header:
            key, value = header.groups()
            if key in ("year", "年份"):
                if not value.isdecimal():
                    raise ScheduleError(f"第{number}行：年份应为数字")
                year = int(value)
                if not 1900 <= year <= 2200:  # CalendarYear.year is a small integer; anything else is a typo
                    raise ScheduleError(f"第{number}行：年份超出范围（1900—2200）")
            else:
                source = value
            continue
        parts = line.split(maxsplit=2)
        if len(parts) < 2:
            raise ScheduleError(f"第{number}行：格式应为“日期 休/班 节日”")
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError as exc:
            raise ScheduleError(f"第{number}行：日期格式错误（应为YYYY-MM-DD）") from exc
        kind = KIND_WORDS.get(parts[1])
        if kind is None:
            raise ScheduleError(f"第{number}行：类别应为“休”或“班”")
        if day in seen:  # CalendarDay.date is unique: a repeated date would fail the import with an IntegrityError
            raise ScheduleError(f"第{number}行：日期{day}重复")
        seen.add(day)
        entries.append(Entry(day, kind, parts[2] if len(parts) > 2 else ""))
    if year is None:
        raise ScheduleError("缺少“year: 年份”一行")
    if not source:
        raise ScheduleError("缺少“source: 依据”一行")
    stray = [e.date for e in entries if e.date.year != year]
    if stray:
        raise ScheduleError(f"日期{stray[0]}不在{year}年内")
    return year, source, entries


def store_year(calendar_day: Any, calendar_year: Any, year: int, source: str, entries: list[Entry]) -> None:
    """Replace ``year``'s exceptions and mark it confirmed. Takes the model classes so migrations can use it."""
    calendar_day.objects.filter(date__year=year).delete()
    calendar_day.objects.bulk_create(
        [calendar_day(date=e.date, kind=e.kind, name=e.name, source=source) for e in entries]
    )
    calendar_year.objects.update_or_create(year=year, defaults={"source": source})


def seed_from_package(calendar_day: Any, calendar_year: Any, *, overwrite: bool = False) -> list[int]:
    """Load every year the package knows; a year already confirmed is left alone unless ``overwrite``."""
    known = set(calendar_year.objects.values_list("year", flat=True))
    loaded = []
    for year, entries in sorted(package_years().items()):
        if year in known and not overwrite:
            continue
        store_year(calendar_day, calendar_year, year, PACKAGE_SOURCE, entries)
        loaded.append(year)
    return loaded

"""Gapless numbers per series and year (发文字号 海政发〔2026〕14号, 会议纪要〔2026〕第3期, 用印〔2026〕5号).

:func:`take_number` is called inside the transaction that issues: it locks the series' counter row for the year
(created on first use), adds one, and records the number. Another issue of the same series waits for that
transaction; if it rolls back, the counter goes back with it and the next issue takes the same number, so there is
never a gap. A unique constraint on (series, year, n) guards the rest.
"""

from __future__ import annotations

import string

from django.db import transaction
from django.utils import timezone

from .models import IssuedNumber, Item, NumberCounter, NumberSeries

FIELDS = {"year", "n"}


def check_format(fmt: str) -> None:
    """A series' format names {n} (and may name {year}), nothing else. Raises ValueError with a Chinese message."""
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(fmt) if name is not None}
    except ValueError as exc:
        raise ValueError("格式有误：大括号须成对出现。") from exc
    if "n" not in names:
        raise ValueError("格式须包含序号 {n}。")
    if names - FIELDS:
        raise ValueError("格式只能使用 {year}（年份）和 {n}（序号）。")


def format_number(fmt: str, *, year: int, n: int) -> str:
    return fmt.format(year=year, n=n)


def take_number(series_code: str, *, year: int | None = None, item: Item | None = None) -> IssuedNumber:
    """The next number of ``series_code`` in ``year`` (default: this year), recorded; ``item`` gets it as its
    visible number (saved). Must run inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the transaction that issues the number")
    year = year or timezone.localdate().year
    try:
        series = NumberSeries.objects.get(code=series_code)
    except NumberSeries.DoesNotExist as exc:
        raise LookupError(f"编号系列“{series_code}”不存在，请在管理后台添加。") from exc
    # First use of the year: INSERT … ON CONFLICT DO NOTHING, so two first issues at once both find the row (the
    # second waits for the first's transaction) instead of one failing on the unique constraint.
    NumberCounter.objects.bulk_create([NumberCounter(series=series, year=year, last=0)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    issued = IssuedNumber.objects.create(
        series=series,
        year=year,
        n=counter.last,
        text=format_number(series.format, year=year, n=counter.last),
        item=item,
    )
    if item is not None:
        item.number = issued.text
        Item.objects.filter(pk=item.pk).update(number=issued.text)
    return issued

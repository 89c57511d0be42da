"""Gapless numbers per series and year (workflow.numbering): taken in the issuing transaction under a row lock, so
concurrent issues are consecutive and a rolled-back issue leaves no gap."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from haimen_gov.workflow.models import IssuedNumber, NumberCounter, NumberSeries
from haimen_gov.workflow.numbering import take_number
from tests.workflow_app.flow import MEMO_SERIES
from tests.workflow_app.models import MemoState

from .helpers import memo_at, reload

SERIES = "haizhengfa"


@pytest.fixture
def series(db: None) -> NumberSeries:
    # The documents app seeds this series (documents migration 0002); the test sets its own format.
    return NumberSeries.objects.update_or_create(
        code=SERIES, defaults={"name": "区政府发文字号", "format": "海政发〔{year}〕{n}号"}
    )[0]


def take(year: int = 2026) -> str:
    with transaction.atomic():
        return take_number(SERIES, year=year).text


@pytest.mark.django_db
def test_numbers_follow_the_format_and_count_from_one(series):
    assert [take() for _ in range(3)] == ["海政发〔2026〕1号", "海政发〔2026〕2号", "海政发〔2026〕3号"]
    NumberSeries.objects.create(code="minutes", name="常务会议纪要", format="常务会议纪要〔{year}〕第{n}期")
    with transaction.atomic():
        assert take_number("minutes", year=2026).text == "常务会议纪要〔2026〕第1期"  # each series its own count


@pytest.mark.django_db
def test_each_year_starts_again_at_one(series):
    assert take(2026) == "海政发〔2026〕1号"
    assert take(2026) == "海政发〔2026〕2号"
    assert take(2027) == "海政发〔2027〕1号"
    assert take(2026) == "海政发〔2026〕3号"
    with time_machine.travel(timezone.make_aware(dt.datetime(2028, 1, 2, 9)), tick=False), transaction.atomic():
        assert take_number(SERIES).text == "海政发〔2028〕1号"  # the year defaults to today's


@pytest.mark.django_db
def test_a_rolled_back_issue_leaves_no_gap(series):
    assert take() == "海政发〔2026〕1号"
    with pytest.raises(RuntimeError, match="document refused"), transaction.atomic():
        assert take_number(SERIES, year=2026).n == 2
        raise RuntimeError("document refused")
    assert take() == "海政发〔2026〕2号"
    assert list(IssuedNumber.objects.filter(series=series).values_list("n", flat=True).order_by("n")) == [1, 2]


@pytest.mark.django_db
def test_the_database_refuses_a_second_copy_of_a_number(series):
    take()
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedNumber.objects.create(series=series, year=2026, n=1, text="海政发〔2026〕1号")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_number_is_only_taken_inside_the_issuing_transaction(series):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        take_number(SERIES, year=2026)


@pytest.mark.django_db
def test_an_unknown_series_is_refused(series):
    with pytest.raises(LookupError, match="编号系列“nope”不存在"), transaction.atomic():
        take_number("nope", year=2026)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "message"),
    [("海政发〔{year}〕号", "须包含序号"), ("{unit}〔{year}〕{n}号", "只能使用"), ("海政发{n", "大括号")],
)
def test_a_series_format_must_name_the_number_and_nothing_unknown(fmt, message):
    with pytest.raises(ValidationError, match=message):
        NumberSeries(code="x", name="x", format=fmt).full_clean()


@pytest.mark.django_db
def test_an_issued_memo_carries_its_number(org):
    # The test workflow app numbers a memo when it is issued (its flow's on_enter).
    first = memo_at(org, MemoState.ISSUED)
    second = memo_at(org, MemoState.ISSUED, title="第二份纪要")
    open_memo = memo_at(org, MemoState.EXEC_SIGN, title="未签发的纪要")
    year = timezone.localdate().year
    assert reload(first).number == f"测试纪要〔{year}〕第1期"
    assert reload(second).number == f"测试纪要〔{year}〕第2期"
    assert reload(open_memo).number == ""
    assert IssuedNumber.objects.get(item=first).series.code == MEMO_SERIES


@pytest.mark.django_db
def test_the_number_shows_on_the_item_page_and_the_slip(org, client_for):
    memo = memo_at(org, MemoState.ISSUED)
    number = reload(memo).number
    page = client_for(org.dept1_clerk).get(f"/items/{memo.pk}/").content.decode()
    assert f'<span id="item-number">{number}</span>' in page
    assert "No. 0" not in page


CONCURRENT = 20


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_issues_are_numbered_1_to_20_without_a_gap():
    NumberSeries.objects.update_or_create(
        code=SERIES, defaults={"name": "区政府发文字号", "format": "海政发〔{year}〕{n}号"}
    )
    barrier = threading.Barrier(CONCURRENT)
    results: list[object] = [None] * CONCURRENT

    def issue(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            with transaction.atomic():
                number = take_number(SERIES, year=2026)
                time.sleep(0.01)  # hold the lock a moment: the others queue behind it
                # Every third issue fails after taking its number, and gives it back.
                if index % 3 == 0:
                    raise RuntimeError("rolled back")
                results[index] = number.n
        except RuntimeError as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    numbers = sorted(n for n in results if isinstance(n, int))
    failed = [r for r in results if isinstance(r, RuntimeError)]
    assert len(failed) == len(range(0, CONCURRENT, 3))
    assert numbers == list(range(1, len(numbers) + 1))  # consecutive from 1: no gap, no duplicate
    assert NumberCounter.objects.get(series__code=SERIES, year=2026).last == len(numbers)
    assert IssuedNumber.objects.filter(series__code=SERIES).count() == len(numbers)

"""The documents' dashboard panel: 第二十九条 timeliness of assigned matters by type (month and year, on time and
late, open past the deadline) and 第二十七条 documents issued in the government's and the office's names against the
same date last year, by series; each figure links to its filtered list; a vice head sees their portfolio; the whole
dashboard stays within 12 queries; the exports carry the panel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine

from documents import actions
from documents.models import IncomingDocument, MatterType
from haimen_gov.workflow import actions as engine

from .test_numbering import to_issue

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ)


def at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=TZ), tick=False)


def assign(org, title: str, unit, on: dt.date, matter_type: str = MatterType.WITHIN_POWER) -> IncomingDocument:  # type: ignore[no-untyped-def]
    with at(on):
        doc = actions.incoming_submit(actor=org.dept1_clerk, unit=org.units.dept1, doc_type="报告", title=title)
        actions.incoming_accept(doc.pk, actor=org.office_clerk)
        doc = actions.incoming_propose(
            doc.pk, actor=org.office_clerk, proposal="拟交办。", handling_unit=unit, matter_type=matter_type
        )
        doc = engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=org.deputy1)
        doc = actions.incoming_read(doc.pk, actor=org.vice1)
        return actions.incoming_read(doc.pk, actor=org.head)


def answer(doc: IncomingDocument, who, on: dt.date) -> None:  # type: ignore[no-untyped-def]
    with at(on):
        actions.incoming_answer(doc.pk, actor=who, answer="已办理。")


@pytest.fixture
def data(org, office_in_charge):  # type: ignore[no-untyped-def]
    nov2, oct12 = dt.date(2026, 11, 2), dt.date(2026, 10, 12)
    answer(assign(org, "甲：按时", org.units.dept2, nov2), org.dept2_head, dt.date(2026, 11, 5))  # due 11-09
    answer(assign(org, "乙：逾期", org.units.dept2, nov2), org.dept2_head, dt.date(2026, 11, 20))
    answer(assign(org, "丙：十月按时", org.units.dept2, oct12), org.dept2_head, dt.date(2026, 10, 14))
    assign(org, "丁：在办逾期", org.units.dept2, dt.date(2026, 11, 16))  # due 11-23
    answer(assign(org, "戊：街道按时", org.units.town1, nov2), org.town1_head, dt.date(2026, 11, 4))
    # 第二十七条: two of the office's documents this year, one last year by the same date, one after it.
    for day, title in (
        (dt.date(2026, 3, 2), "今年一"),
        (dt.date(2026, 11, 20), "今年二"),
        (dt.date(2025, 6, 1), "去年同期"),
        (dt.date(2025, 12, 1), "去年同期之后"),
    ):
        with at(day):
            actions.outgoing_issue(to_issue(org, title).pk, actor=org.office_clerk)
    return org


def panel(client: Any, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/dashboard/", params)
    assert response.status_code == 200, response.content
    return response.json()["panels"]["documents"]


def row(figures: dict[str, Any], matter_type: str) -> dict[str, Any]:
    return next(r for r in figures["by_type"] if r["matter_type"] == matter_type)


def test_timeliness_by_matter_type_in_the_month_and_the_year(data, api_client_for):
    with time_machine.travel(NOW, tick=False):
        f = panel(api_client_for(data.director))
    within = row(f, MatterType.WITHIN_POWER)
    assert (within["days"], within["month_on_time"], within["month_late"]) == (5, 2, 1)
    assert (within["year_on_time"], within["year_late"], within["overdue"]) == (3, 1, 1)
    assert [r["days"] for r in f["by_type"]] == [5, 5, 7, 30, None]
    assert row(f, MatterType.JOINT)["year_on_time"] == 0
    assert (f["totals"]["month_on_time"], f["totals"]["month_late"], f["totals"]["overdue"]) == (2, 1, 1)


def test_an_earlier_month(data, api_client_for):
    with time_machine.travel(NOW, tick=False):
        f = panel(api_client_for(data.director), month="2026-10")
    within = row(f, MatterType.WITHIN_POWER)
    assert (within["month_on_time"], within["month_late"], within["year_on_time"], within["year_late"]) == (1, 0, 1, 0)


def test_issued_this_year_against_the_same_date_last_year(data, api_client_for):
    with time_machine.travel(NOW, tick=False):
        f = panel(api_client_for(data.director))
    assert (f["cutoff"], f["last_cutoff"]) == ("2026-11-25", "2025-11-25")
    [series] = f["by_series"]
    assert (series["issuer"], series["series"], series["this_year"], series["last_year"]) == (
        "区政府办公室",
        "haizhengbanfa",
        2,
        1,
    )
    assert (f["this_year"], f["last_year"]) == (2, 1)


def test_each_figure_opens_its_filtered_list(data, client_for, api_client_for):
    with time_machine.travel(NOW, tick=False):
        f = panel(api_client_for(data.director))
        within = row(f, MatterType.WITHIN_POWER)
        client = client_for(data.director)
        for url, titles in (
            (within["month_on_time_url"], {"甲：按时", "戊：街道按时"}),
            (within["month_late_url"], {"乙：逾期"}),
            (within["year_on_time_url"], {"甲：按时", "丙：十月按时", "戊：街道按时"}),
            (within["overdue_url"], {"丁：在办逾期"}),
        ):
            html = client.get(url).content.decode().split("<tbody>", 1)[1]
            shown = {t for t in ("甲：按时", "乙：逾期", "丙：十月按时", "丁：在办逾期", "戊：街道按时") if t in html}
            assert shown == titles, url
        series = f["by_series"][0]
        html = client.get(series["this_url"]).content.decode()
        assert "今年一" in html and "今年二" in html and "去年同期" not in html
        html = client.get(series["last_url"]).content.decode()
        assert "去年同期" in html and "去年同期之后" not in html and "今年一" not in html
    query = parse_qs(urlparse(within["month_late_url"]).query)
    assert query == {
        "matter_type": ["within_power"],
        "timeliness": ["late"],
        "answered_start": ["2026-11-01"],
        "answered_end": ["2026-11-25"],
    }


def test_a_vice_head_sees_the_units_in_their_portfolio(data, api_client_for, client_for):
    with time_machine.travel(NOW, tick=False):
        f = panel(api_client_for(data.vice1))  # vice1: dept1 and town1
        within = row(f, MatterType.WITHIN_POWER)
        assert (within["month_on_time"], within["month_late"], within["overdue"]) == (1, 0, 0)
        # The link opens the same rows for the vice head.
        html = client_for(data.vice1).get(within["month_on_time_url"]).content.decode().split("<tbody>", 1)[1]
        assert "戊：街道按时" in html and "甲：按时" not in html
        f = panel(api_client_for(data.vice2))  # dept2 and justice
        assert row(f, MatterType.WITHIN_POWER)["month_late"] == 1
        # The office's own documents are not in a portfolio of units that drafted none.
        assert f["this_year"] == 0


def test_the_unit_filter(data, api_client_for):
    with time_machine.travel(NOW, tick=False):
        f = panel(api_client_for(data.director), unit=data.units.town1.pk)
    assert row(f, MatterType.WITHIN_POWER)["month_on_time"] == 1 and row(f, MatterType.WITHIN_POWER)["month_late"] == 0
    assert "unit=" in row(f, MatterType.WITHIN_POWER)["month_on_time_url"]


@pytest.mark.parametrize(
    "query",
    [
        "timeliness=soon",
        "matter_type=x",
        "answered_start=0001-01-01",
        "answered_start=2026-11-10&answered_end=2026-11-01",
        "unit=abc",
    ],
)
def test_a_bad_board_filter_is_a_chinese_400(data, client_for, query):
    response = client_for(data.director).get(f"/documents/board/?{query}")
    assert response.status_code == 400 and "筛选条件有误" in response.content.decode()


def test_the_dashboard_stays_within_12_queries_however_many_documents(data, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(NOW, tick=False):
        client = client_for(data.director)
        client.get("/dashboard/")  # per-process caches, as any first page fills them
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as before:
            assert client.get("/dashboard/").status_code == 200
        for i in range(3):
            assign(data, f"追加{i}", data.units.dept2, dt.date(2026, 11, 20))
            actions.outgoing_issue(to_issue(data, f"追加发文{i}").pk, actor=data.office_clerk)
        with django_assert_max_num_queries(len(before.captured_queries)):
            client.get("/dashboard/")


def test_the_page_and_the_exports_carry_the_panel(data, client_for):
    with time_machine.travel(NOW, tick=False):
        client = client_for(data.director)
        html = client.get("/dashboard/").content.decode()
        assert 'id="panel-documents"' in html and "chart-documents-deadlines" in html
        text = client.get("/dashboard/tables.csv").content.decode("utf-8")[1:]
        rows = list(csv.reader(io.StringIO(text)))
        start = next(i for i, r in enumerate(rows) if r and r[0].startswith("交办公文办理时效"))
        within = next(r for r in rows[start:] if r and r[0] == "职权范围内事项")
        assert within[:7] == ["职权范围内事项", "5", "2", "1", "3", "1", "1"]
        assert any(r and r[0].startswith("以区政府、区政府办公室名义发文") for r in rows)
        xlsx = client.get("/dashboard/tables.xlsx")
        assert xlsx.status_code == 200
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(xlsx.content))
        assert any(name.startswith("交办公文办理时效") for name in book.sheetnames)
        pdf = client.get("/dashboard/report.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")

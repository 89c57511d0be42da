"""The meetings' dashboard panel (第二十三条, 第十六条): figures against last year, the next meetings' cut-offs, every
figure linked to the 会议台账 filtered alike, the leader's scope, the query budget and the exports."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from openpyxl import load_workbook

from haimen_gov.workdays import is_workday
from meetings.models import Attendee, MeetingKind, MeetingMode, TopicState

from .helpers import fire, meeting, propose, to_office

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 10, 0)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def held(org, day, kind=MeetingKind.EXECUTIVE, **extra):  # type: ignore[no-untyped-def]
    extra.setdefault("title", f"{MeetingKind(kind).label}{day:%Y%m%d}")
    return meeting(org, day, kind, held=True, **extra)


@pytest.fixture
def data(org, frozen):  # type: ignore[no-untyped-def]
    d = SimpleNamespace(org=org)
    # This year to November: two 常务会议 (one by video, 120 and 150 minutes), a 区长办公会议 (hybrid, 90 minutes),
    # a 专题会议 of dept2 called by vice2 (onsite, 60 minutes).
    d.exec_march = held(org, dt.date(2026, 3, 10), end_time=dt.time(11, 0))
    d.exec_june = held(org, dt.date(2026, 6, 9), mode=MeetingMode.VIDEO, end_time=dt.time(11, 30))
    d.office_june = held(
        org, dt.date(2026, 6, 16), MeetingKind.HEAD_OFFICE, mode=MeetingMode.HYBRID, end_time=dt.time(10, 30)
    )
    d.topical = held(
        org,
        dt.date(2026, 9, 8),
        MeetingKind.TOPICAL,
        convener=org.posts.vice2,
        units=[org.units.dept2],
        end_time=dt.time(10, 0),
    )
    # Last year: one 常务会议 in March (the same period), one in December (after it: not compared).
    d.last_march = held(org, dt.date(2025, 3, 11))
    d.last_december = held(org, dt.date(2025, 12, 9))
    # Ahead: a 常务会议 on Mon Dec 14 (cut-off Mon Dec 7), a topic at the office and one still at dept1's head.
    d.ahead = meeting(org, dt.date(2026, 12, 14))
    arrived = propose(org, d.ahead, title="已送达的议题")
    to_office(org, arrived)
    d.waiting = propose(org, d.ahead, title="尚在单位的议题")
    d.withdrawn = propose(org, d.ahead, title="已撤回的议题")
    fire(d.withdrawn, "withdraw", org.dept1_clerk)
    return d


def panel(api_client_for, user, **params):  # type: ignore[no-untyped-def]
    response = api_client_for(user).get("/api/v1/dashboard/", params)
    assert response.status_code == 200, response.content
    return response.json()["panels"]["meetings"]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_the_year_against_the_same_months_of_last_year(data, api_client_for):
    f = panel(api_client_for, data.org.director)
    assert (f["year"], f["through"], f["period"]) == (2026, 11, "2026年1—11月")
    assert (f["held"], f["last"]) == (4, 1)
    by_kind = {r["kind"]: r for r in f["by_kind"]}
    executive = by_kind["executive"]
    assert (executive["count"], executive["last"], executive["average_minutes"]) == (2, 1, 135)
    assert (executive["video"], executive["video_share"]) == (1, 50)
    seats = Attendee.objects.filter(meeting__in=[data.exec_march, data.exec_june]).count()
    assert executive["average_seats"] == round(seats / 2)
    assert (by_kind["head_office"]["video_share"], by_kind["topical"]["average_minutes"]) == (100, 60)
    assert f["average_minutes"] == round((120 + 150 + 90 + 60) / 4) and f["video_share"] == 50
    months = {r["month"]: r for r in f["by_month"]}
    assert len(months) == 11 and (months[6]["count"], months[3]["last"], months[1]["count"]) == (2, 1, 0)
    # Each figure links to the 会议台账 filtered as it counts.
    assert query(executive["url"]) == {"kind": ["executive"], "year": ["2026"], "through": ["11"]}
    assert query(executive["last_url"]) == {"kind": ["executive"], "year": ["2025"], "through": ["11"]}
    assert query(executive["video_url"])["video"] == ["1"]
    assert query(months[6]["url"]) == {"year": ["2026"], "month": ["6"]}


def test_the_next_meetings_show_their_cutoff_and_the_topics_on_their_way(data, api_client_for):
    [ahead] = panel(api_client_for, data.org.director)["upcoming"]
    assert (ahead["id"], ahead["date"], ahead["cutoff"]) == (data.ahead.pk, "2026-12-14", "2026-12-07")
    # The withdrawn topic does not count; one reached the office, one is still on its way.
    assert (ahead["topics"], ahead["at_office"], ahead["on_the_way"]) == (2, 1, 1)
    assert ahead["url"] == f"/meetings/{data.ahead.pk}/" and not ahead["cutoff_passed"]


def test_a_past_month_is_its_own_period(data, api_client_for):
    f = panel(api_client_for, data.org.director, month="2026-06")
    assert (f["period"], f["held"], f["last"]) == ("2026年1—6月", 3, 1)


def test_the_head_sees_all_a_vice_head_their_portfolio(data, api_client_for):
    assert panel(api_client_for, data.org.head)["held"] == 4
    # vice1 (dept1, town1): sits at the 常务会议 and 区长办公会议, none with a dept1 or town1 topic or seat held, but
    # not at vice2's 专题会议 on dept2. Give the June 常务会议 a dept1 topic seat: that one is theirs.
    vice = panel(api_client_for, data.org.vice1)
    assert vice["held"] == 0 and query(vice["url"])["portfolio"] == ["1"]
    Attendee.objects.create(meeting=data.exec_june, role="topic_unit", post=data.org.posts.dept1_head, name="区发改委")
    vice = panel(api_client_for, data.org.vice1)
    assert vice["held"] == 1 and [r["id"] for r in vice["upcoming"]] == [data.ahead.pk]  # dept1's topics
    # vice2 called the 专题会议 on dept2 (their portfolio).
    assert panel(api_client_for, data.org.vice2)["held"] == 1
    # The office's unit filter narrows the same way.
    assert panel(api_client_for, data.org.director, unit=data.org.units.dept2.pk)["held"] == 1


def test_a_figures_link_lists_exactly_what_it_counts(data, api_client_for, client_for):
    f = panel(api_client_for, data.org.director)
    executive = next(r for r in f["by_kind"] if r["kind"] == "executive")
    html = client_for(data.org.director).get(executive["url"]).content.decode()
    listed = html.count('href="/meetings/') - html.count('href="/meetings/list')
    assert data.exec_march.title in html and data.exec_june.title in html
    assert data.last_march.title not in html and data.office_june.title not in html
    assert listed >= 2
    last = client_for(data.org.director).get(executive["last_url"]).content.decode()
    assert data.last_march.title in last and data.last_december.title not in last
    # A vice head's portfolio link lists what their panel counts.
    Attendee.objects.create(meeting=data.exec_june, role="topic_unit", post=data.org.posts.dept1_head, name="区发改委")
    vice = panel(api_client_for, data.org.vice1)
    mine = client_for(data.org.vice1).get(vice["url"]).content.decode()
    assert data.exec_june.title in mine and data.exec_march.title not in mine


def test_the_meeting_list_is_bounded_and_constant_in_queries(data, client_for, django_assert_max_num_queries):
    client = client_for(data.org.director)
    assert client.get("/meetings/list/?year=1999").status_code == 200
    assert "年度" in client.get("/meetings/list/?year=99999").content.decode()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/meetings/list/?state=")
    with CaptureQueriesContext(connection) as few:
        client.get("/meetings/list/?state=")
    for n in range(24):
        held(data.org, dt.date(2026, 1, 5) + dt.timedelta(days=n), title=f"补录会议{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "补录会议23" in client.get("/meetings/list/?state=").content.decode()
    assert client.get("/meetings/list.csv").status_code == 200


def _warm(client: Any) -> None:
    is_workday(NOW.date())
    client.get("/dashboard/")


@pytest.mark.parametrize("who", ["director", "vice1", "head"])
def test_the_dashboard_with_meetings_in_at_most_12_queries(data, client_for, django_assert_max_num_queries, who):
    client = client_for(getattr(data.org, who))
    _warm(client)
    with django_assert_max_num_queries(12):
        assert client.get("/dashboard/").status_code == 200


def test_the_panels_queries_do_not_grow_with_the_meetings(data, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(data.org.director)
    _warm(client)
    with CaptureQueriesContext(connection) as before:
        client.get("/dashboard/")
    for n in range(6):
        held(data.org, dt.date(2026, 2, 2) + dt.timedelta(days=n), MeetingKind.HEAD_OFFICE, title=f"追加{n}")
        meeting(data.org, dt.date(2026, 12, 15) + dt.timedelta(days=n), title=f"将召开{n}")
    with django_assert_num_queries(len(before.captured_queries)):
        html = client.get("/dashboard/").content.decode()
    assert 'id="panel-meetings"' in html and 'data-chart="chart-meetings-by_month"' in html


def test_the_monthly_exports_include_the_panel(data, client_for):
    client = client_for(data.org.director)
    book = load_workbook(io.BytesIO(client.get("/dashboard/tables.xlsx").content))
    sheet = next(book[name] for name in book.sheetnames if name.startswith("会议情况（按类别"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("会议类别", "本年召开", "上年同期")
    assert ("区政府常务会议", 2, 1) in [r[:3] for r in rows]
    pdf = client.get("/dashboard/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_topic_scheduled_elsewhere_leaves_the_meeting(data, api_client_for):
    """The head moves the waiting topic into another meeting: it counts there, not here."""
    other = meeting(data.org, dt.date(2026, 12, 21), MeetingKind.HEAD_OFFICE)
    topic = data.waiting
    fire(topic, "approve", data.org.dept1_head)
    fire(topic, "approve", data.org.vice1, "已研究。")
    fire(topic, "approve", data.org.director)
    fire(topic, "schedule", data.org.head, "改上区长办公会议。", data={"meeting": other.pk})
    upcoming = {r["id"]: r for r in panel(api_client_for, data.org.director)["upcoming"]}
    assert upcoming[data.ahead.pk]["topics"] == 1 and upcoming[other.pk]["at_office"] == 1
    assert type(topic).objects.get(pk=topic.pk).state == TopicState.SCHEDULED

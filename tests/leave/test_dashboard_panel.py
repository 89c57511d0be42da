"""The dashboard's people panel (leave/dashboard.py): leaders away today and this week and who acts for them (第六条,
第四十四条), research days per leader against the year's target (第四十六条); links to the lists; the leader's view
scoped; the exports carry it; the whole dashboard within 12 queries however much leave data there is."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from haimen_gov.workdays import is_workday
from leave import actions

from .conftest import approved, days, today

pytestmark = pytest.mark.django_db


def people(api_client_for: Any, user: Any) -> dict[str, Any]:
    response = api_client_for(user).get("/api/v1/dashboard/")
    assert response.status_code == 200, response.content
    return response.json()["panels"]["people"]


def trip(org: Any, leader: Any, start: dt.date, end: dt.date) -> None:
    actions.research_trip_create(
        actor=org.director, leader=leader, start=start, end=end, places="常乐镇", topic=f"调研{start}"
    )


def monday() -> dt.date:
    return today() - dt.timedelta(days=today().weekday())


def data(org: Any) -> None:
    # vice1 away today (vice2 acts), dept1's head away later this week without anyone acting, vice2 next month.
    approved(org.vice1, org, acting=org.vice2, start=today(), end=today() + dt.timedelta(days=1))
    later = monday() + dt.timedelta(days=6)
    if later > today():
        approved(org.dept1_head, org, start=later, end=later)
    approved(org.vice2, org, acting=org.vice1, start=days(40), end=days(41))
    # This year's research: the head 3 distinct days (two overlapping trips), vice1 one day; last year's not counted.
    first = dt.date(today().year, 1, 1)
    trip(org, org.head, first + dt.timedelta(days=2), first + dt.timedelta(days=3))
    trip(org, org.head, first + dt.timedelta(days=3), first + dt.timedelta(days=4))
    trip(org, org.vice1, first + dt.timedelta(days=2), first + dt.timedelta(days=2))
    trip(org, org.vice1, first - dt.timedelta(days=3), first - dt.timedelta(days=2))


def test_away_today_and_this_week_with_who_acts(org, api_client_for):
    data(org)
    f = people(api_client_for, org.director)
    assert f["away_today"] == 1
    later_this_week = monday() + dt.timedelta(days=6) > today()
    assert f["away_week"] == (2 if later_this_week else 1)
    [vice1] = [r for r in f["away"] if r["today"]]
    assert (vice1["leader"], vice1["acting"], vice1["acting_as"]) == ("李卫东", org.vice2.display_name, "受副区长委托")
    # Each figure links to the list of the same absences.
    q = parse_qs(urlsplit(f["today_url"]).query)
    assert q == {"status": ["approved"], "first": [today().isoformat()], "last": [today().isoformat()]}
    assert urlsplit(f["week_url"]).path == "/leave/absences/"


def test_research_days_against_the_target(org, api_client_for, settings):
    settings.LEAVE_RESEARCH_TARGET_DAYS = 20
    data(org)
    f = people(api_client_for, org.director)
    rows = {r["leader"]: r for r in f["research"]}
    assert (rows[org.head.display_name]["days"], rows[org.head.display_name]["trips"]) == (3, 2)
    assert rows[org.vice1.display_name]["days"] == 1
    assert rows[org.vice1.display_name]["target"] == 20
    assert parse_qs(urlsplit(rows[org.head.display_name]["url"]).query) == {
        "year": [str(today().year)],
        "leader": [str(org.head.pk)],
    }
    expected = 20 * ((today() - dt.date(today().year, 1, 1)).days + 1) // (366 if today().year % 4 == 0 else 365)
    assert rows[org.head.display_name]["expected"] == expected
    assert f["behind"] == sum(1 for r in f["research"] if r["days"] < expected)


def test_the_links_open_lists_with_those_rows(org, client_for, api_client_for):
    data(org)
    f = people(api_client_for, org.director)
    page = client_for(org.director).get(f["today_url"]).content.decode()
    assert "李卫东" in page and org.vice2.display_name in page
    assert "城市" not in page  # nothing else
    head_row = next(r for r in f["research"] if r["leader_id"] == org.head.pk)
    trips = client_for(org.director).get(head_row["url"]).content.decode()
    assert trips.count(f"调研{dt.date(today().year, 1, 3)}") == 1
    assert f"调研{dt.date(today().year, 1, 3) + dt.timedelta(days=1)}" in trips
    # The head reads every leader's research (the figure's link works for them too); a vice head only their own.
    assert "调研" in client_for(org.head).get(head_row["url"]).content.decode()
    vice_view = client_for(org.vice2).get(head_row["url"]).content.decode()
    assert f"调研{dt.date(today().year, 1, 3)}" not in vice_view


def test_a_vice_heads_view_is_scoped(org, api_client_for):
    data(org)
    f = people(api_client_for, org.exec_vice)
    # The exec vice head neither is away, nor acts, nor is in charge of dept1: nobody's absence, own research only.
    assert f["away"] == [] and f["away_today"] == 0
    assert [r["leader_id"] for r in f["research"]] == [org.exec_vice.pk]
    mine = people(api_client_for, org.vice2)
    assert [r["leader"] for r in mine["away"] if r["today"]] == ["李卫东"]  # vice2 acts for vice1
    assert [r["leader_id"] for r in mine["research"]] == [org.vice2.pk]
    head = people(api_client_for, org.head)
    assert {r["leader_id"] for r in head["research"]} >= {org.head.pk, org.vice1.pk, org.vice2.pk, org.exec_vice.pk}


def test_the_exports_include_the_panel(org, client_for):
    data(org)
    response = client_for(org.director).get("/dashboard/tables.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    flat = "\n".join(",".join(r) for r in rows)
    assert "领导外出（本周" in flat and "基层调研天数" in flat
    assert "受副区长委托" in flat
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client_for(org.director).get("/dashboard/tables.xlsx").content))
    assert any("调研" in name for name in book.sheetnames)


def test_the_page_shows_the_panel(org, client_for):
    data(org)
    page = client_for(org.director).get("/dashboard/").content.decode()
    assert 'id="panel-people"' in page and "今日外出领导" in page


@pytest.mark.parametrize("who", ["director", "head", "vice1"])
def test_the_whole_dashboard_stays_within_12_queries_however_much_leave_data(
    org, client_for, django_assert_max_num_queries, who
):
    client = client_for(org.users[who])
    is_workday(today())
    client.get("/dashboard/")
    data(org)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/dashboard/").status_code == 200
    for leader, n in ((org.finance, 0), (org.exec_vice, 1), (org.dept2_head, 2)):
        approved(leader, org, start=today(), end=today() + dt.timedelta(days=2 + n))
        if leader == org.exec_vice:  # unit heads log no research
            trip(org, leader, dt.date(today().year, 2, 1 + n), dt.date(today().year, 2, 3 + n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/dashboard/").status_code == 200

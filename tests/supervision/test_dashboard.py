"""The supervision panel of the dashboard: lights by source, the units with the most red, due this week; each
figure links to the board filtered alike; a vice head's view and board keep to the portfolio; the whole dashboard
stays within 12 queries; the exports carry the panel's tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from haimen_gov.workdays import is_workday
from supervision.models import Source

from .conftest import SHANGHAI, signed_item

pytestmark = pytest.mark.django_db

OPENED = dt.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI)
TODAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)  # a Wednesday: this week runs to Sunday 11-29


@pytest.fixture
def items(org) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with time_machine.travel(OPENED, tick=False):
        made = {
            # dept1 (vice1): one red, one due this Friday (amber: within 3 working days, and in this week)
            "red1": signed_item(org, title="重点项目开工", source=Source.LEADER, due_on=dt.date(2026, 11, 20)),
            "week": signed_item(org, title="营商环境评价整改", source=Source.DECISION, due_on=dt.date(2026, 11, 27)),
            # dept2 (vice2): two red
            "red2": signed_item(
                org, title="校园食堂整治", source=Source.PUBLIC, lead_unit=org.units.dept2, due_on=dt.date(2026, 11, 2)
            ),
            "red3": signed_item(
                org, title="课后服务推进", source=Source.PUBLIC, lead_unit=org.units.dept2, due_on=dt.date(2026, 11, 24)
            ),
            # town1 (vice1): green, far off and reported on
            "green": signed_item(
                org, title="人居环境整治", source=Source.SPECIAL, lead_unit=org.units.town1, due_on=dt.date(2027, 3, 31)
            ),
        }
    from haimen_gov.workflow.models import Task, TaskStatus

    # Feedback is not what this panel tests: every open feedback task falls due after TODAY.
    Task.objects.filter(step="feedback", status=TaskStatus.OPEN).update(due_date=dt.date(2026, 12, 31))
    return made


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def panel(api_client_for: Any, user: Any, **params: Any) -> dict[str, Any]:
    response = api_client_for(user).get("/api/v1/dashboard/", params)
    assert response.status_code == 200, response.content
    return response.json()["panels"]["supervision"]  # type: ignore[no-any-return]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_the_office_sees_every_light_source_and_unit(org, items, frozen, api_client_for):
    f = panel(api_client_for, org.director)
    assert (f["total"], f["red"], f["amber"], f["green"], f["week"]) == (5, 3, 1, 1, 1)
    by_source = {r["source"]: (r["total"], r["red"], r["amber"], r["green"]) for r in f["by_source"]}
    assert by_source == {
        "leader": (1, 1, 0, 0),
        "decision": (1, 0, 1, 0),
        "public": (2, 2, 0, 0),
        "special": (1, 0, 0, 1),
    }
    assert [(u["unit"], u["red"], u["total"]) for u in f["red_units"]] == [("区教体局", 2, 2), ("区发改委", 1, 2)]
    assert query(f["red_url"]) == {"light": ["red"]} and query(f["week_url"]) == {"due": ["week"]}
    public = next(r for r in f["by_source"] if r["source"] == "public")
    assert query(public["red_url"]) == {"source": ["public"], "light": ["red"]}
    assert query(f["red_units"][0]["url"]) == {"unit": [str(org.units.dept2.pk)], "light": ["red"]}


def test_each_figure_opens_its_filtered_list(org, items, frozen, api_client_for, client_for):
    f = panel(api_client_for, org.director)
    client = client_for(org.director)

    def titles(url: str) -> set[str]:
        body = client.get(url).content.decode()
        return {
            t for t in ("重点项目开工", "营商环境评价整改", "校园食堂整治", "课后服务推进", "人居环境整治") if t in body
        }

    assert titles(f["red_url"]) == {"重点项目开工", "校园食堂整治", "课后服务推进"}
    assert titles(f["week_url"]) == {"营商环境评价整改"}
    assert titles(f["red_units"][0]["url"]) == {"校园食堂整治", "课后服务推进"}
    leader = next(r for r in f["by_source"] if r["source"] == "leader")
    assert titles(leader["url"]) == {"重点项目开工"}


def test_a_vice_heads_view_and_board_keep_to_the_portfolio(org, items, frozen, api_client_for, client_for):
    f = panel(api_client_for, org.vice2)  # dept2 and justice
    assert (f["total"], f["red"], [u["unit"] for u in f["red_units"]]) == (2, 2, ["区教体局"])
    vice1 = panel(api_client_for, org.vice1)  # dept1 and town1
    assert (vice1["total"], vice1["red"], vice1["week"]) == (3, 1, 1)
    client = client_for(org.vice2)
    board = client.get(f["red_url"]).content.decode()
    assert "校园食堂整治" in board and "重点项目开工" not in board and "督查立项" not in board.split("<main")[-1]
    # Another portfolio's unit, asked for by hand: nothing of it.
    other = client.get(f"/supervision/board/?unit={org.units.dept1.pk}").content.decode()
    assert "重点项目开工" not in other and "营商环境评价整改" not in other
    # The head sees every unit; units and an outsider are refused the board.
    assert "重点项目开工" in client_for(org.head).get("/supervision/board/").content.decode()
    for who in (org.dept1_head, org.outsider):
        assert client_for(who).get("/supervision/board/").status_code == 403


@pytest.mark.parametrize("bad", ["unit=abc", "unit=99999999999999", "unit=-1", "due=month", "light=purple"])
def test_bad_board_filters_are_ignored_not_a_500(org, items, frozen, client_for, bad):
    response = client_for(org.director).get(f"/supervision/board/?{bad}")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["director", "vice1", "head"])
def test_the_whole_dashboard_stays_within_12_queries(
    org, items, frozen, client_for, django_assert_max_num_queries, who
):
    client = client_for(getattr(org, who))
    is_workday(TODAY.date())
    client.get("/dashboard/")
    with django_assert_max_num_queries(12):
        body = client.get("/dashboard/").content.decode()
    assert 'id="panel-supervision"' in body and 'data-kpi="red"' in body


def test_the_panel_costs_one_query_however_many_items(org, items, frozen, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(org.director)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as before:
        client.get("/dashboard/")
    with time_machine.travel(OPENED, tick=False):
        for n in range(4):
            signed_item(org, title=f"追加事项{n}", lead_unit=org.units.dept2, due_on=dt.date(2026, 11, 3))
    with CaptureQueriesContext(connection) as after:
        body = client.get("/dashboard/").content.decode()
    assert len(after) == len(before)
    assert sum("supervision_supervisionitem" in q["sql"] for q in after.captured_queries) == 1
    assert 'data-kpi="red"' in body


def test_the_exports_carry_the_panel(org, items, frozen, client_for):
    client = client_for(org.director)
    text = client.get("/dashboard/tables.csv").content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:])))
    titles = [row[0] for row in rows if len(row) == 1]
    assert "督办事项（按来源和灯色，当前在办）" in titles and "红灯事项最多的牵头单位" in titles
    assert ["区教体局", "2", "2"] in rows
    assert client.get("/dashboard/tables.xlsx").status_code == 200


def test_the_page_is_empty_of_supervision_for_a_vice_head_without_items(org, frozen, api_client_for):
    f = panel(api_client_for, org.vice2)
    assert (f["total"], f["by_source"], f["red_units"]) == (0, [], [])

"""The dashboard's pages: who may open them, what they show and link to, how many queries they cost, the lists behind
the figures, and the navigation entry."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from haimen_gov.workdays import is_workday
from tests.dashboard.dataset import TODAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "title"),
    [("director", "领导驾驶舱"), ("deputy1", "领导驾驶舱"), ("head", "区长工作视图"), ("vice1", "分管工作视图")],
)
def test_who_may_open_the_dashboard(data, client_for, who, title):
    response = client_for(getattr(data.org, who)).get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="page-title h4 mb-0">{title}</h1>' in html
    assert 'id="nav-dashboard"' in html


@pytest.mark.parametrize("who", ["dept1_clerk", "dept1_head", "custodian", "justice", "secretary", "outsider"])
@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        "/dashboard/items/",
        "/dashboard/tasks/",
        "/dashboard/report.pdf",
        "/dashboard/tables.xlsx",
        "/dashboard/tables.csv",
    ],
)
def test_everybody_else_gets_a_chinese_403(org, client_for, who, path):
    response = client_for(getattr(org, who)).get(path)
    assert response.status_code == 403
    assert "无权访问领导驾驶舱" in response.content.decode()


@pytest.mark.parametrize("who", ["dept1_clerk", "outsider"])
def test_the_api_refuses_everybody_else(org, api_client_for, who):
    response = api_client_for(getattr(org, who)).get("/api/v1/dashboard/")
    assert response.status_code == 403
    assert response.json() == {"detail": "您无权查看领导驾驶舱。"}


def test_the_nav_entry_only_for_those_who_may_open_it(data, client_for):
    assert 'id="nav-dashboard"' not in client_for(data.org.dept1_clerk).get("/inbox/").content.decode()
    assert 'id="nav-dashboard"' in client_for(data.org.vice2).get("/inbox/").content.decode()


def test_a_delegate_of_a_vice_head_sees_that_portfolio(data, client_for, api_client_for):
    from haimen_gov.org.models import Delegation

    Delegation.objects.create(
        post=data.org.posts.vice2, delegate=data.org.dept1_head, start=TODAY, end=TODAY, reason="外出"
    )
    assert client_for(data.org.dept1_head).get("/dashboard/").status_code == 200
    body = api_client_for(data.org.dept1_head).get("/api/v1/dashboard/").json()
    assert sorted(body["units"]) == sorted([data.org.units.dept2.pk, data.org.units.justice.pk])


def test_the_office_dashboard_shows_every_engine_and_seal_panel(data, client_for):
    html = client_for(data.org.director).get("/dashboard/").content.decode()
    for panel in ("work", "ageing", "overdue", "slow", "stuck", "seals", "people", "meetings", "documents"):
        assert f'id="panel-{panel}"' in html
    assert 'id="panel-queue"' not in html
    # No chapter without data has a panel (supervision comes with its chapter).
    for absent in ("督查",):
        assert absent not in html.split("<main", 1)[1]


def test_charts_are_json_islands_drawn_by_a_static_script(data, client_for):
    html = client_for(data.org.director).get("/dashboard/").content.decode()
    # No inline script (a strict CSP): only script elements with a src, and JSON data islands.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/js/dashboard.js" in html
    islands = dict(re.findall(r'<script id="(chart-[\w-]+)" type="application/json">(.*?)</script>', html, re.S))
    assert set(islands) >= {"chart-work-states", "chart-ageing-buckets", "chart-overdue-by_unit", "chart-seals-by_seal"}
    for name in islands:
        assert f'data-chart="{name}"' in html
    ageing = json.loads(islands["chart-ageing-buckets"])
    assert ageing["categories"][0] == "即将到期"
    assert [d["value"] for d in ageing["series"][0]["data"]] == [1, 1, 1, 0, 1]


def test_every_figure_links_to_its_list(data, client_for):
    html = client_for(data.org.director).get("/dashboard/").content.decode()
    links = set(re.findall(r'href="(/(?:dashboard|seals)/[^"]+|/documents/(?:board|outgoing)/\?[^"]+)"', html))
    client = client_for(data.org.director)
    assert len(links) > 15
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link


def _rows(response: Any) -> str:
    """The list's rows (not its filter bar, whose options name the buckets too)."""
    assert response.status_code == 200
    return response.content.decode().split("<tbody>", 1)[1]


def test_the_overdue_list_behind_a_unit(data, client_for):
    html = _rows(client_for(data.org.director).get(f"/dashboard/tasks/?unit={data.org.units.dept2.pk}&due=overdue"))
    assert "逾期十三天" in html and "逾期两天" not in html


@pytest.mark.parametrize(
    ("due", "titles"),
    [
        ("soon", {"即将到期"}),
        ("today", {"今日到期"}),
        ("late3", {"逾期两天"}),
        ("late10plus", {"逾期十三天"}),
        ("stuck", {"无人可办"}),
    ],
)
def test_the_task_list_behind_each_bucket(data, client_for, due, titles):
    html = _rows(client_for(data.org.director).get(f"/dashboard/tasks/?due={due}"))
    every = {"即将到期", "今日到期", "逾期两天", "逾期十三天", "无人可办", "委托代办"}
    assert {t for t in every if t in html} == titles


def test_the_finished_steps_list_slowest_first(data, client_for):
    html = (
        client_for(data.org.director)
        .get("/dashboard/tasks/?kind=seals.sealrequest&step=approval&finished=90")
        .content.decode()
    )
    assert html.index("20.0 小时") < html.index("10.0 小时")


def test_the_item_list_behind_a_state(data, client_for):
    html = _rows(client_for(data.org.director).get("/dashboard/items/?kind=seals.sealrequest&state=approval"))
    assert "即将到期" in html and "逾期两天" not in html


def test_the_lists_keep_a_vice_head_inside_their_portfolio(data, client_for):
    client = client_for(data.org.vice1)
    html = _rows(client.get("/dashboard/tasks/?due=overdue"))
    assert "逾期两天" in html and "逾期十三天" not in html
    assert "逾期十三天" not in _rows(client.get("/dashboard/items/"))
    assert client.get(f"/dashboard/tasks/?unit={data.org.units.dept2.pk}").status_code == 400


@pytest.mark.parametrize(
    "query",
    ["due=late99", "kind=nope.nope", "finished=0", "finished=9999", "post=abc", "state=" + "x" * 41, "unit=999999"],
)
def test_bad_list_filters_are_a_400_in_chinese(data, client_for, query):
    response = client_for(data.org.director).get(f"/dashboard/tasks/?{query}")
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()


def test_a_bad_dashboard_filter_is_a_400_page(data, client_for):
    response = client_for(data.org.director).get("/dashboard/?month=2026-13")
    assert response.status_code == 400
    assert "月份格式错误" in response.content.decode()


def _warm(client: Any) -> None:
    # Per-process caches (content types, the working-day calendar), filled by any first page in production.
    is_workday(TODAY)
    client.get("/dashboard/")


@pytest.mark.parametrize("who", ["director", "vice1", "head"])
def test_the_dashboard_in_at_most_12_queries(data, client_for, django_assert_max_num_queries, who):
    client = client_for(getattr(data.org, who))
    _warm(client)
    with django_assert_max_num_queries(12):
        assert client.get("/dashboard/").status_code == 200


def test_the_query_count_does_not_grow_with_the_data(data, client_for, django_assert_num_queries):
    from tests.seals.helpers import apply

    client = client_for(data.org.director)
    _warm(client)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get("/dashboard/")
    for n in range(5):
        apply(data.org.town1_clerk, data.office, document_title=f"追加{n}")
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/dashboard/")

"""Each panel's figures on the known data set (conftest.py), read through the API (the same figures the page, the
PDF and the spreadsheets show)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from haimen_gov.workdays import lateness_cutoffs
from tests.dashboard.dataset import TODAY

pytestmark = pytest.mark.django_db


def figures(api_client_for: Any, user: Any, **params: Any) -> dict[str, Any]:
    response = api_client_for(user).get("/api/v1/dashboard/", params)
    assert response.status_code == 200, response.content
    return response.json()


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_work_in_flight_counts_open_items_per_kind_and_state(data, api_client_for):
    work = figures(api_client_for, data.org.director)["panels"]["work"]
    assert work["count"] == 6  # late, old, today, stuck, cover (review) and soon (approval); no draft, no archived
    [kind] = work["kinds"]
    assert (kind["kind"], kind["label"], kind["count"]) == ("seals.sealrequest", "用印申请", 6)
    assert {s["state"]: (s["label"], s["count"]) for s in kind["states"]} == {
        "review": ("待审核", 5),
        "approval": ("待审签", 1),
    }
    review = next(s for s in kind["states"] if s["state"] == "review")
    assert query(review["url"]) == {"kind": ["seals.sealrequest"], "state": ["review"]}


def test_ageing_buckets_count_working_days(data, api_client_for):
    buckets = {b["key"]: b["count"] for b in figures(api_client_for, data.org.director)["panels"]["ageing"]["buckets"]}
    assert buckets == {"soon": 1, "today": 1, "late3": 1, "late10": 0, "late10plus": 1}


def test_lateness_cutoffs_walk_back_over_weekends(db):
    # 2026-11-25 is a Wednesday: 3 working days back reach Friday the 20th (due then: 3 days late, on 21st/22nd the
    # weekend adds nothing), 10 back reach Wednesday the 11th.
    cuts = lateness_cutoffs(TODAY, [3, 10])
    assert cuts[3].isoformat() == "2026-11-20"
    assert cuts[10].isoformat() == "2026-11-11"


def test_overdue_by_unit_and_by_leader_red_first(data, api_client_for):
    overdue = figures(api_client_for, data.org.director)["panels"]["overdue"]
    assert (overdue["overdue"], overdue["open"]) == (2, 6)
    units = [(r["unit"], r["overdue"], r["late3"], r["late10plus"]) for r in overdue["by_unit"]]
    assert units == [("区教体局", 1, 0, 1), ("区发改委", 1, 1, 0)]  # the longest overdue first
    leaders = [(r["post"], r["person"], r["overdue"], r["late10plus"]) for r in overdue["by_leader"]]
    assert leaders == [("副区长", "周晓红", 1, 1), ("副区长", "李卫东", 1, 0)]
    assert query(overdue["by_unit"][0]["url"]) == {"unit": [str(data.org.units.dept2.pk)], "due": ["overdue"]}


def test_slowest_steps_median_and_90th_percentile(data, api_client_for):
    steps = figures(api_client_for, data.org.director)["panels"]["slow"]["steps"]
    got = [(s["step"], s["count"], s["median_hours"], s["p90_hours"]) for s in steps]
    assert got == [
        ("approval", 2, 15.0, 19.0),
        ("review", 3, 4.0, 5.6),
        ("offsite", 1, 5.0, 5.0),
        ("stamping", 2, 2.0, 2.8),
    ]


def test_stuck_items_are_those_nobody_can_act_on(data, api_client_for):
    stuck = figures(api_client_for, data.org.director)["panels"]["stuck"]
    assert stuck["count"] == 1
    assert [(t["item_id"], t["post"]) for t in stuck["tasks"]] == [(data.stuck.pk, "副区长（空缺）")]


def test_a_disabled_holder_leaves_the_task_stuck(data, api_client_for):
    data.org.vice1.is_active = False
    data.org.vice1.save()
    stuck = figures(api_client_for, data.org.director)["panels"]["stuck"]
    assert {t["item_id"] for t in stuck["tasks"]} == {data.stuck.pk, data.late.pk}


def test_seal_uses_this_month_by_seal_and_unit(data, api_client_for):
    seals = figures(api_client_for, data.org.director)["panels"]["seals"]
    assert (seals["month"], seals["uses"], seals["offsite"]) == ("2026-11", 2, 1)
    assert [(r["seal"], r["uses"], r["copies"], r["offsite"]) for r in seals["by_seal"]] == [
        ("海门区人民政府印鉴", 2, 5, 1)
    ]
    assert sorted((r["unit"], r["uses"], r["offsite"]) for r in seals["by_unit"]) == [
        ("区发改委", 1, 1),
        ("区教体局", 1, 0),
    ]
    assert query(seals["offsite_url"]) == {
        "state": ["archived"],
        "used_start": ["2026-11-01"],
        "used_end": ["2026-11-30"],
        "offsite": ["1"],
    }


def test_the_month_filter_moves_the_seal_figures(data, api_client_for):
    seals = figures(api_client_for, data.org.director, month="2026-10")["panels"]["seals"]
    assert (seals["uses"], [r["unit"] for r in seals["by_unit"]]) == (1, ["区发改委"])


def test_the_unit_filter_narrows_every_panel(data, api_client_for):
    panels = figures(api_client_for, data.org.director, unit=data.org.units.dept1.pk)["panels"]
    assert panels["work"]["count"] == 2  # late, soon
    assert {b["key"]: b["count"] for b in panels["ageing"]["buckets"]}["late3"] == 1
    assert [r["unit"] for r in panels["overdue"]["by_unit"]] == ["区发改委"]
    assert panels["stuck"]["count"] == 0
    assert panels["seals"]["uses"] == 1
    assert all(query(s["url"])["unit"] == [str(data.org.units.dept1.pk)] for s in panels["slow"]["steps"])


def test_a_vice_head_sees_only_the_units_in_their_portfolio(data, api_client_for):
    body = figures(api_client_for, data.org.vice1)
    assert body["role"] == "vice"
    assert sorted(body["units"]) == sorted([data.org.units.dept1.pk, data.org.units.town1.pk])
    panels = body["panels"]
    assert set(panels) == {
        "queue",
        "work",
        "ageing",
        "overdue",
        "seals",
        "people",
        "supervision",
        "meetings",
        "documents",
    }
    assert panels["work"]["count"] == 3  # late, soon (dept1), today (town1)
    assert [r["unit"] for r in panels["overdue"]["by_unit"]] == ["区发改委"]
    assert panels["seals"]["uses"] == 1
    assert [r["unit"] for r in panels["seals"]["by_unit"]] == ["区发改委"]
    # Their own queue: the review of "late" waits on them (overdue).
    queue = panels["queue"]
    assert (queue["count"], queue["overdue"]) == (1, 1)
    assert [t["item_id"] for t in queue["tasks"]] == [data.late.pk]


def test_the_head_sees_every_unit_and_their_own_queue(data, api_client_for):
    body = figures(api_client_for, data.org.head)
    assert (body["role"], body["units"]) == ("head", None)
    assert body["panels"]["work"]["count"] == 6
    assert [t["item_id"] for t in body["panels"]["queue"]["tasks"]] == [data.soon.pk]


def test_a_vice_head_cannot_filter_on_a_unit_outside_their_portfolio(data, api_client_for):
    response = api_client_for(data.org.vice1).get("/api/v1/dashboard/", {"unit": data.org.units.dept2.pk})
    assert response.status_code == 400
    assert "分管范围" in response.content.decode()


@pytest.mark.parametrize("month", ["2026-13", "1999-12", "2026-12", "abc", "2026-1"])
def test_a_bad_month_is_a_400_in_chinese(data, api_client_for, month):
    response = api_client_for(data.org.director).get("/api/v1/dashboard/", {"month": month})
    assert response.status_code == 400
    assert "月份" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [({"unit": ""}, "unit"), ({"month": ""}, "month"), ({"unit": "0"}, "unit"), ({"unit": "2147483648"}, "unit")],
)
def test_an_empty_or_misshapen_filter_is_a_400_in_chinese(data, api_client_for, params, field):
    """As the schema documents: a parameter given is one of the documented shape (the page's form reads an empty
    select as "all"; the API wants the parameter left out)."""
    response = api_client_for(data.org.director).get("/api/v1/dashboard/", params)
    assert response.status_code == 400
    assert field in response.json() and "。" in str(response.json()[field])


def test_the_schema_documents_the_filters_shapes(data, api_client_for):
    schema = api_client_for(data.org.director).get("/api/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/dashboard/"]["get"]["parameters"]}
    assert params["month"]["schema"]["pattern"] == r"^\d{4}-(0[1-9]|1[0-2])$"
    assert params["unit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert not params["month"].get("allowEmptyValue") and not params["unit"].get("allowEmptyValue")


def test_a_past_month_computes_its_own_90_days(data, api_client_for):
    # August: the window is 2026-06-03 … 2026-08-31, which holds only last_month's three steps (30 h each).
    slow = figures(api_client_for, data.org.director, month="2026-08")["panels"]["slow"]
    assert (slow["since"], slow["until"]) == ("2026-06-03", "2026-08-31")
    assert sorted((s["step"], s["count"], s["median_hours"]) for s in slow["steps"]) == [
        ("approval", 1, 30.0),
        ("review", 1, 30.0),
        ("stamping", 1, 30.0),
    ]


def test_the_summary_figures_follow_the_refresh_and_say_when(data, api_client_for, client_for, frozen):
    from haimen_gov.dashboard.summary import refresh
    from tests.seals.helpers import apply

    apply(data.org.town1_clerk, data.office, document_title="刷新之后才计入")
    body = figures(api_client_for, data.org.director)
    assert body["panels"]["work"]["count"] == 6  # beat has not run yet
    assert body["refreshed_at"].startswith("2026-11-25T10:00")
    frozen.shift(300)
    refresh()
    body = figures(api_client_for, data.org.director)
    assert body["panels"]["work"]["count"] == 7
    assert body["refreshed_at"].startswith("2026-11-25T10:05")
    assert (
        "统计于 2026-11-25 10:05（每 5 分钟更新）" in client_for(data.org.director).get("/dashboard/").content.decode()
    )


def test_beat_refreshes_the_summary(db, settings):
    from haimen_gov.dashboard import tasks
    from haimen_gov.dashboard.models import Snapshot

    entry = settings.CELERY_BEAT_SCHEDULE["dashboard-refresh"]
    assert entry["task"] == "haimen_gov.dashboard.tasks.refresh"
    assert entry["options"]["expires"] < entry["schedule"] == settings.DASHBOARD_REFRESH_SECONDS
    tasks.refresh()
    tasks.refresh()  # twice: still one snapshot
    assert Snapshot.objects.count() == 1

"""``GET /api/v1/me/``: the caller's posts and units, portfolios (分管), the posts they act for today through
delegation (第六条), and the units they may apply for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.workflow.helpers import delegate

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/"


def test_a_clerk_sees_their_post_and_the_unit_they_may_apply_for(org, api_client_for):
    body = api_client_for(org.dept1_clerk).get(URL).json()
    assert (body["username"], body["full_name"]) == ("dept1_clerk", "顾佳怡")
    assert [(p["title"], p["kind"], p["unit"]["name"]) for p in body["posts"]] == [
        ("区发改委文书", "unit_clerk", org.units.dept1.name)
    ]
    assert [u["id"] for u in body["apply_units"]] == [org.units.dept1.pk]
    assert body["portfolios"] == [] and body["acting_for"] == []
    assert body["date"] == timezone.localdate().isoformat()


def test_a_vice_head_sees_the_units_in_their_portfolio(org, api_client_for):
    body = api_client_for(org.vice1).get(URL).json()
    assert [p["title"] for p in body["posts"]] == ["副区长"]
    in_charge = {(p["unit"]["id"], p["role"], p["by_delegation"]) for p in body["portfolios"]}
    assert in_charge == {(org.units.dept1.pk, "vice_head", False), (org.units.town1.pk, "vice_head", False)}
    assert all(p["post"] == org.posts.vice1.pk for p in body["portfolios"])
    assert [u["id"] for u in body["apply_units"]] == [org.units.gov.pk]


def test_a_delegate_sees_the_post_they_act_for_today_and_its_portfolio(org, api_client_for):
    # 第六条: vice1 away; exec_vice acts for the post for a week.
    delegate(org.posts.vice1, org.exec_vice)
    body = api_client_for(org.exec_vice).get(URL).json()
    [acting] = body["acting_for"]
    assert (acting["post"]["id"], acting["post"]["title"], acting["holder"]) == (org.posts.vice1.pk, "副区长", "李卫东")
    assert acting["start"] == timezone.localdate().isoformat()
    delegated = {p["unit"]["id"] for p in body["portfolios"] if p["by_delegation"]}
    assert delegated == {org.units.dept1.pk, org.units.town1.pk}
    # A delegation gives authority over the post, not the right to apply in its unit's name.
    assert [p["title"] for p in body["posts"]] == ["常务副区长"]
    assert org.units.dept1.pk not in {u["id"] for u in body["apply_units"]}
    # The holder keeps the post (and is not acting for it by delegation).
    assert api_client_for(org.vice1).get(URL).json()["acting_for"] == []


def test_a_delegation_not_running_today_is_not_listed(org, api_client_for):
    delegate(org.posts.vice1, org.exec_vice, start=timezone.localdate() + dt.timedelta(days=3))
    delegate(org.posts.dept1_head, org.exec_vice, start=timezone.localdate() - dt.timedelta(days=10), days=5)
    assert api_client_for(org.exec_vice).get(URL).json()["acting_for"] == []


def test_someone_without_a_post_may_apply_for_nothing(org, api_client_for):
    body = api_client_for(org.outsider).get(URL).json()
    assert body["posts"] == body["portfolios"] == body["acting_for"] == body["apply_units"] == []


def test_anonymous_callers_are_refused(api_client_for, db):
    response = api_client_for(None).get(URL)
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "未登录或登录已过期。"}


def test_the_answer_costs_the_same_queries_however_many_posts(org, api_client_for, django_assert_max_num_queries):
    client = api_client_for(org.exec_vice)
    with django_assert_max_num_queries(6):
        client.get(URL)
    for post in (org.posts.vice1, org.posts.vice2, org.posts.dept1_head):
        delegate(post, org.exec_vice)
    with django_assert_max_num_queries(6):
        assert len(client.get(URL).json()["acting_for"]) == 3


def test_the_schema_describes_me(org, client_for):
    schema = client_for(org.director).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/me/"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    me = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(me["required"]) >= {"username", "full_name", "posts", "portfolios", "acting_for", "apply_units"}
    assert me["properties"]["acting_for"]["items"]["$ref"].endswith("/ActingFor")

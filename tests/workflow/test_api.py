"""The engine's API contract (haimen_gov/workflow/api.py), exercised through the seal-use endpoints, the first
workflow with an API; the seal chain itself (第三十—三十三条) is tested in tests/seals."""

from __future__ import annotations

import pytest

from haimen_gov.workflow import actions
from seals.models import SealRequest

from .helpers import delegate

pytestmark = pytest.mark.django_db


@pytest.fixture
def seal_request(org, seals) -> SealRequest:  # type: ignore[no-untyped-def]
    """区发改委's request to use the government seal, submitted: it waits on vice1, the vice head in charge."""
    from seals.actions import seal_request_create
    from tests.seals.helpers import pdf_upload

    government_seal, _office_seal = seals
    return seal_request_create(
        actor=org.dept1_clerk,
        unit=org.units.dept1,
        seal=government_seal,
        purpose="报送市发改委",
        document_title="关于申请专项资金的请示",
        copies=3,
        files=[pdf_upload()],
    )


def detail_url(request: SealRequest) -> str:
    return f"/api/v1/seals/requests/{request.pk}/"


def transition(api_client_for, user, request, name, **body):  # type: ignore[no-untyped-def]
    return api_client_for(user).post(f"{detail_url(request)}transitions/{name}/", body, format="json")


def state_of(request: SealRequest) -> str:
    return SealRequest.objects.get(pk=request.pk).state


# --------------------------------------------------------------------------- reading an item


def test_the_detail_tells_the_assignee_the_state_the_tasks_the_history_and_what_they_may_do(
    org, api_client_for, seal_request
):
    response = api_client_for(org.vice1).get(detail_url(seal_request))

    assert response.status_code == 200
    data = response.json()
    assert (data["state"], data["state_display"]) == ("review", "待审核")
    assert set(data["available_transitions"]) == {"approve", "return", "reject"}
    [task] = data["tasks"]
    assert (task["step"], task["post"], task["person"], task["estimated"]) == ("review", "副区长", "李卫东", False)
    assert task["due_date"] == open_task(seal_request).due_date.isoformat()
    assert [(h["verb"], h["actor"]) for h in data["history"]] == [("create", "顾佳怡"), ("submit", "顾佳怡")]


def open_task(request: SealRequest):  # type: ignore[no-untyped-def]
    return request.tasks.get(status="open")


@pytest.mark.parametrize(("user", "expected"), [("dept1_clerk", {"withdraw"}), ("dept1_head", set()), ("head", set())])
def test_available_transitions_are_those_of_the_reader(org, api_client_for, seal_request, user, expected):
    data = api_client_for(getattr(org, user)).get(detail_url(seal_request)).json()

    assert set(data["available_transitions"]) == expected


@pytest.mark.parametrize("user", ["outsider", "dept2_clerk", "vice2"])
def test_an_item_the_user_may_not_see_is_404(org, api_client_for, seal_request, user):
    client = api_client_for(getattr(org, user))

    assert client.get(detail_url(seal_request)).status_code == 404
    assert transition(api_client_for, getattr(org, user), seal_request, "approve").status_code == 404
    assert seal_request.pk not in [row["id"] for row in client.get("/api/v1/seals/requests/").json()["results"]]


def test_anonymous_callers_are_refused(api_client_for, seal_request):
    assert api_client_for(None).get(detail_url(seal_request)).status_code in (401, 403)


# --------------------------------------------------------------------------- firing transitions


def test_the_assignee_approves_and_gets_the_item_back(org, api_client_for, seal_request):
    response = transition(api_client_for, org.vice1, seal_request, "approve", comment="同意用印。")

    assert response.status_code == 200
    data = response.json()
    assert (data["state"], data["state_display"]) == ("approval", "待审签")
    assert [t["post"] for t in data["tasks"]] == ["区长"]
    assert data["history"][-1]["comment"] == "同意用印。"
    assert data["available_transitions"] == []


@pytest.mark.parametrize("user", ["dept1_clerk", "dept1_head", "head", "director"])
def test_someone_who_sees_the_item_but_is_not_its_assignee_gets_403(org, api_client_for, seal_request, user):
    response = transition(api_client_for, getattr(org, user), seal_request, "approve", comment="同意")

    assert response.status_code == 403
    assert response.json()["detail"]
    assert state_of(seal_request) == "review"


def test_a_second_approval_after_the_state_moved_on_gets_409(org, api_client_for, seal_request):
    assert transition(api_client_for, org.vice1, seal_request, "approve").status_code == 200

    response = transition(api_client_for, org.vice1, seal_request, "approve")

    assert response.status_code == 409
    assert "已被他人处理" in response.json()["detail"]


def test_a_client_that_saw_an_older_state_gets_409(org, api_client_for, seal_request):
    response = transition(api_client_for, org.vice1, seal_request, "approve", state="approval")

    assert response.status_code == 409
    assert state_of(seal_request) == "review"


def test_a_transition_that_does_not_exist_in_this_state_gets_409(org, api_client_for, seal_request):
    # Submitting again while under review.
    assert transition(api_client_for, org.dept1_clerk, seal_request, "submit").status_code == 409
    assert state_of(seal_request) == "review"


@pytest.mark.parametrize("verb", ["return", "reject"])
def test_returning_or_rejecting_without_a_reason_gets_400(org, api_client_for, seal_request, verb):
    response = transition(api_client_for, org.vice1, seal_request, verb, comment="")

    assert response.status_code == 400
    assert "意见" in response.json()["detail"]
    assert state_of(seal_request) == "review"
    assert transition(api_client_for, org.vice1, seal_request, verb, comment="用印事由不明确").status_code == 200


def test_the_delegate_acts_through_the_api_and_the_history_names_the_capacity(org, api_client_for, seal_request):
    actions.item_fire(SealRequest, seal_request.pk, verb="approve", actor=org.vice1)
    delegate(org.posts.head, org.exec_vice)

    response = transition(api_client_for, org.exec_vice, seal_request, "approve", comment="同意", state="approval")

    assert response.status_code == 200
    last = response.json()["history"][-1]
    assert (last["actor"], last["acting_label"], last["verb"]) == ("王海涛", "受区长委托", "approve")


# --------------------------------------------------------------------------- the inbox and the notifications


def test_the_api_inbox_lists_only_the_users_own_tasks(org, api_client_for, seal_request):
    rows = api_client_for(org.vice1).get("/api/v1/inbox/").json()["results"]

    assert [(r["item_id"], r["item_type"], r["step"]) for r in rows] == [
        (seal_request.pk, "seals.sealrequest", "分管领导审核")
    ]
    assert rows[0]["acting_for_post"] == {"id": org.posts.vice1.pk, "title": "副区长", "by_delegation": False}
    assert (rows[0]["overdue"], rows[0]["estimated"]) == (False, False)
    for user in (org.vice2, org.head, org.dept1_clerk, org.outsider):
        assert api_client_for(user).get("/api/v1/inbox/").json()["results"] == [], user.username


def test_the_api_inbox_marks_delegated_tasks(org, api_client_for, seal_request):
    actions.item_fire(SealRequest, seal_request.pk, verb="approve", actor=org.vice1)
    delegate(org.posts.head, org.exec_vice)

    [row] = api_client_for(org.exec_vice).get("/api/v1/inbox/").json()["results"]

    assert row["acting_for_post"] == {"id": org.posts.head.pk, "title": "区长", "by_delegation": True}


def test_the_api_inbox_counts_up_to_the_cap_and_then_pages_without_a_total(org, api_client_for, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from haimen_gov import context_processors
    from haimen_gov.workflow.api import InboxPagination
    from tests.workflow_app.models import Memo

    from .helpers import submitted_memo

    client = api_client_for(org.director)
    for i in range(2):
        submitted_memo(org, title=f"接口纪要{i}")
    small = client.get("/api/v1/inbox/").json()
    assert (small["count"], small["count_capped"], small["next"], small["previous"]) == (2, False, None, None)

    monkeypatch.setattr(context_processors, "NAV_COUNT_CAP", 3)
    monkeypatch.setattr(InboxPagination, "page_size", 2)
    for i in range(2, 5):
        submitted_memo(org, title=f"接口纪要{i}")
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/api/v1/inbox/").json()
    assert (first["count"], first["count_capped"], first["previous"]) == (4, True, None)
    assert len(first["results"]) == 2 and first["next"].endswith("page=2")
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 4" in sql for sql in counts), counts  # never a full COUNT
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert third["next"] is None and third["previous"].endswith("page=2") and len(third["results"]) == 1
    seen = [r["title"] for page in (first, second, third) for r in page["results"]]
    assert sorted(seen) == [f"接口纪要{i}" for i in range(5)]  # each task once
    assert client.get("/api/v1/inbox/?page=last").status_code == 404  # no last page without a total
    assert client.get("/api/v1/inbox/?page=9").status_code == 404
    assert Memo.objects.count() == 5


def test_the_api_inbox_runs_the_same_queries_for_3_tasks_as_for_30(org, api_client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .helpers import submitted_memo

    client = api_client_for(org.director)
    counted = []
    for n in (3, 30):
        while len(client.get("/api/v1/inbox/?page_size=50").json()["results"]) < n:
            submitted_memo(org)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/inbox/").status_code == 200
        counted.append(len(captured))
    assert counted[0] == counted[1]


def test_the_api_notifications_list_only_the_users_own(org, api_client_for, seal_request):
    data = api_client_for(org.vice1).get("/api/v1/notifications/").json()

    assert data["unread"] == 1
    assert [(n["kind"], n["read"]) for n in data["results"]] == [("new_task", False)]
    assert seal_request.title in data["results"][0]["title"]
    for user in (org.vice2, org.dept1_clerk, org.outsider):
        assert api_client_for(user).get("/api/v1/notifications/").json() == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
            "unread": 0,
        }, user.username

"""/api/v1/leave/: absences and exceptions with the engine's contract, and the research log."""

from __future__ import annotations

import pytest

from leave.models import Absence, AbsenceState, ExceptionRequest

from .conftest import approved, days, report

pytestmark = pytest.mark.django_db


def absence_body(org, **extra):  # type: ignore[no-untyped-def]
    return {
        "leader_post": org.posts.vice1.pk,
        "category": "trip",
        "start": days(7).isoformat(),
        "end": days(9).isoformat(),
        "destination": "江苏省南京市",
        "reason": "参加全省会议",
        "contact": "13800000000",
        "acting": org.vice2.pk,
        **extra,
    }


def test_create_read_and_approve_an_absence(org, api_client_for):
    client = api_client_for(org.vice1)
    response = client.post("/api/v1/leave/absences/", absence_body(org), format="json")
    assert response.status_code == 201, response.data
    data = response.data
    assert (data["state"], data["leader_name"], data["late"]) == ("approval", "李卫东", False)
    assert data["tasks"][0]["post"] == "区长"
    assert data["available_transitions"] == ["withdraw"]

    head = api_client_for(org.head)
    detail = head.get(f"/api/v1/leave/absences/{data['id']}/").data
    assert set(detail["available_transitions"]) == {"approve", "return", "reject"}
    response = head.post(
        f"/api/v1/leave/absences/{data['id']}/transitions/approve/",
        {"comment": "同意", "state": "approval"},
        format="json",
    )
    assert response.status_code == 200
    assert response.data["state"] == "filing"
    assert response.data["delegation"]["delegate"] == org.vice2.pk

    # 409: the state moved on; 403: not theirs; 400: the record needs a comment.
    again = head.post(f"/api/v1/leave/absences/{data['id']}/transitions/approve/", {"state": "approval"}, format="json")
    assert again.status_code == 409
    vice2 = api_client_for(org.vice2)
    # The acting vice head sees the report (they were told of the delegation) but records nothing.
    assert vice2.post(f"/api/v1/leave/absences/{data['id']}/transitions/record/", {"comment": "x"}).status_code == 403
    assert api_client_for(org.dept1_head).get(f"/api/v1/leave/absences/{data['id']}/").status_code == 404
    # The office keeps the board: its staff may open every report.
    office_clerk = api_client_for(org.office_clerk)
    assert office_clerk.get(f"/api/v1/leave/absences/{data['id']}/").status_code == 200
    director = api_client_for(org.director)
    assert director.post(f"/api/v1/leave/absences/{data['id']}/transitions/record/", {}).status_code == 400
    done = director.post(f"/api/v1/leave/absences/{data['id']}/transitions/record/", {"comment": "已电话报备"})
    assert done.status_code == 200 and done.data["state"] == "filed"


def test_bad_absence_input_is_a_chinese_400(org, api_client_for):
    client = api_client_for(org.vice1)
    response = client.post("/api/v1/leave/absences/", absence_body(org, start="明天"), format="json")
    assert response.status_code == 400
    assert "日期格式错误" in str(response.data["start"])
    response = client.post("/api/v1/leave/absences/", absence_body(org, leader_post=org.posts.vice2.pk), format="json")
    assert response.status_code == 400
    assert "只能报告本人外出" in str(response.data["leader_post"])
    response = client.post("/api/v1/leave/absences/", absence_body(org, destination="x" * 101), format="json")
    assert response.status_code == 400
    assert not Absence.objects.exists()


def test_shorten_and_cancel_through_the_api(org, api_client_for):
    absence = approved(org.vice1, org, acting=org.vice2, start=days(3), end=days(6))
    client = api_client_for(org.vice1)
    response = client.post(
        f"/api/v1/leave/absences/{absence.pk}/shorten/", {"end": days(4).isoformat(), "reason": "提前返回"}
    )
    assert response.status_code == 200
    assert response.data["delegation"]["end"] == days(4)
    bad = client.post(f"/api/v1/leave/absences/{absence.pk}/shorten/", {"end": days(9).isoformat(), "reason": "x"})
    assert bad.status_code == 400
    # The delegate sees the report but does not change it; nobody else even sees it.
    for who, refusal in (("vice2", 403), ("dept2_head", 404)):
        response = api_client_for(org.users[who]).post(
            f"/api/v1/leave/absences/{absence.pk}/shorten/", {"end": days(3).isoformat(), "reason": "x"}
        )
        assert response.status_code == refusal
    cancel = client.post(f"/api/v1/leave/absences/{absence.pk}/transitions/cancel/", {"comment": "取消"})
    assert cancel.status_code == 200
    assert cancel.data["state"] == AbsenceState.CANCELLED
    assert cancel.data["delegation"]["ended"] is True


def test_absences_are_not_visible_across_units(org, api_client_for):
    report(org.dept1_head)
    assert api_client_for(org.dept2_head).get("/api/v1/leave/absences/").data["count"] == 0
    assert api_client_for(org.dept1_head).get("/api/v1/leave/absences/").data["count"] == 1
    assert api_client_for(org.director).get("/api/v1/leave/absences/").data["count"] == 1
    assert api_client_for(org.deputy2).get("/api/v1/leave/absences/").data["count"] == 1


def test_exceptions_through_the_api(org, api_client_for):
    from haimen_gov.org.models import Post, PostKind

    client = api_client_for(org.dept1_clerk)
    body = {
        "unit": org.units.dept1.pk,
        "leader_post": org.posts.vice1.pk,
        "category": "award",
        "event": "年度表彰大会",
        "event_date": days(5).isoformat(),
        "reason": "市领导出席",
    }
    response = client.post("/api/v1/leave/exceptions/", body, format="json")
    assert response.status_code == 201, response.data
    approve = api_client_for(org.head).post(
        f"/api/v1/leave/exceptions/{response.data['id']}/transitions/approve/", {"comment": "同意"}
    )
    assert approve.status_code == 200 and approve.data["state"] == "approved"

    Post.objects.create(kind=PostKind.OTHER, unit=org.units.dept1, title="区发改委党组书记", holder=org.vice2)
    exempt = client.post("/api/v1/leave/exceptions/", {**body, "leader_post": org.posts.vice2.pk}, format="json")
    assert exempt.status_code == 400
    assert "无需报批" in exempt.data["detail"]
    assert ExceptionRequest.objects.count() == 1


def test_research_through_the_api(org, api_client_for):
    client = api_client_for(org.vice1)
    body = {
        "leader": org.vice1.pk,
        "start": days(-3).isoformat(),
        "end": days(-2).isoformat(),
        "places": "常乐镇",
        "topic": "农村公路",
    }
    created = client.post("/api/v1/leave/research/", body, format="json")
    assert created.status_code == 201 and created.data["days"] == 2
    assert client.post("/api/v1/leave/research/", {**body, "leader": org.vice2.pk}, format="json").status_code == 403
    assert client.post("/api/v1/leave/research/", {**body, "end": "2099-01-01"}, format="json").status_code == 400
    patched = client.patch(f"/api/v1/leave/research/{created.data['id']}/", {"places": "三厂街道"}, format="json")
    assert patched.status_code == 200 and patched.data["places"] == "三厂街道"
    assert api_client_for(org.vice2).get(f"/api/v1/leave/research/{created.data['id']}/").status_code == 404
    progress = client.get("/api/v1/leave/research/progress/").data
    assert [(row["leader_name"], row["days"]) for row in progress] == [("李卫东", 2)]
    assert client.get("/api/v1/leave/research/progress/?year=abc").status_code == 400
    assert len(api_client_for(org.director).get("/api/v1/leave/research/progress/").data) == 4


def test_a_post_that_does_not_report_is_refused_in_chinese(org, api_client_for):
    response = api_client_for(org.office_clerk).post(
        "/api/v1/leave/absences/", absence_body(org, leader_post=org.posts.secretary.pk), format="json"
    )
    assert response.status_code == 400
    assert "无效" in str(response.data["leader_post"])

"""/api/v1/documents/: the engine contract on incoming and outgoing documents."""

from __future__ import annotations

import pytest

from documents.models import Category, IncomingDocument, OutState
from haimen_gov.workflow.models import NumberSeries

from .helpers import BODY, draft, fresh

pytestmark = pytest.mark.django_db


def test_a_unit_submits_a_report_and_sees_the_flags(org, api_client_for):
    client = api_client_for(org.dept1_clerk)
    response = client.post(
        "/api/v1/documents/incoming/",
        {
            "unit": org.units.dept1.pk,
            "doc_type": "报告",
            "title": "关于2026年度防汛工作情况的报告",
            "main_recipient": "海门区人民政府",
            "summary": "建议增加物资储备，请审批。",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "check" and body["flags"] and "第二十四条" in body["flags"][0]
    detail = api_client_for(org.office_clerk).get(f"/api/v1/documents/incoming/{body['id']}/").json()
    assert detail["available_transitions"] == ["accept", "return"]


def test_bad_input_is_400_in_chinese_and_other_units_documents_are_404(org, api_client_for):
    client = api_client_for(org.dept1_clerk)
    response = client.post(
        "/api/v1/documents/incoming/",
        {"unit": org.units.dept1.pk, "doc_type": "请示", "title": "x" * 201, "main_recipient": "海门区人民政府"},
        format="json",
    )
    assert response.status_code == 400
    response = client.post(
        "/api/v1/documents/incoming/",
        {"unit": org.units.dept1.pk, "doc_type": "请示", "title": "关于某事的请示", "main_recipient": "南通市人民政府"},
        format="json",
    )
    assert response.status_code == 400 and "越级" in str(response.json())
    mine = client.post(
        "/api/v1/documents/incoming/",
        {"unit": org.units.dept1.pk, "doc_type": "报告", "title": "关于某事的报告", "main_recipient": "海门区人民政府"},
        format="json",
    ).json()
    assert api_client_for(org.dept2_clerk).get(f"/api/v1/documents/incoming/{mine['id']}/").status_code == 404
    assert IncomingDocument.objects.count() == 1


def test_emergency_sign_through_the_api_needs_the_consent(org, api_client_for):
    doc = draft(org.dept1_clerk, Category.EMERGENCY, special_emergency=True)
    api_client_for(org.deputy1).post(f"/api/v1/documents/outgoing/{doc.pk}/transitions/approve/", {}, format="json")
    client = api_client_for(org.director)
    url = f"/api/v1/documents/outgoing/{doc.pk}/transitions/sign_emergency/"
    response = client.post(
        url, {"head_consent_at": "2026-11-30T08:00:00+08:00", "head_consent_way": "phone"}, format="json"
    )
    assert response.status_code == 400 and "第二十六条" in str(response.json())
    assert fresh(doc).state == OutState.SIGN and fresh(doc).head_consent_at is None
    response = client.post(
        url,
        {
            "head_consent_at": "2026-11-30T08:00:00+08:00",
            "head_consent_way": "phone",
            "vice_consent_at": "2026-11-30T08:05:00+08:00",
            "vice_consent_way": "in_person",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (
        response.json()["state"] == OutState.TO_ISSUE and response.json()["signed_by_name"] == org.director.display_name
    )


def test_draft_sign_issue_and_distribute_through_the_api(org, api_client_for):
    clerk = api_client_for(org.dept1_clerk)
    response = clerk.post(
        "/api/v1/documents/outgoing/",
        {
            "unit": org.units.dept1.pk,
            "category": "decision",
            "title": "海门区人民政府关于表彰先进集体的决定",
            "recipients": "区各委办局",
            "body": BODY,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    for user in (org.deputy1, org.director):
        assert (
            api_client_for(user)
            .post(f"/api/v1/documents/outgoing/{pk}/transitions/approve/", {}, format="json")
            .status_code
            == 200
        )
    assert api_client_for(org.vice1).post(
        f"/api/v1/documents/outgoing/{pk}/transitions/sign/", {}, format="json"
    ).status_code in (403, 404)
    assert (
        api_client_for(org.head)
        .post(f"/api/v1/documents/outgoing/{pk}/transitions/sign/", {}, format="json")
        .status_code
        == 200
    )
    office = api_client_for(org.office_clerk)
    assert office.post(f"/api/v1/documents/outgoing/{pk}/transitions/issue/", {}, format="json").status_code == 400
    series = NumberSeries.objects.get(code="haizhengfa").pk
    response = office.post(f"/api/v1/documents/outgoing/{pk}/transitions/issue/", {"series": series}, format="json")
    assert response.status_code == 200 and response.json()["number"].startswith("海政发〔")
    response = office.post(
        f"/api/v1/documents/outgoing/{pk}/distribute/", {"units": [org.units.dept2.pk]}, format="json"
    )
    assert response.status_code == 201 and response.json() == {"distributed": [org.units.dept2.pk]}


def test_lists_take_constant_queries(org, api_client_for, django_assert_max_num_queries):
    for i in range(3):
        draft(org.dept1_clerk, Category.DECISION, title=f"关于第{i}项的决定")
    client = api_client_for(org.head)
    with django_assert_max_num_queries(8):
        first = client.get("/api/v1/documents/outgoing/")
    for i in range(3, 8):
        draft(org.dept1_clerk, Category.DECISION, title=f"关于第{i}项的决定")
    with django_assert_max_num_queries(8):
        second = client.get("/api/v1/documents/outgoing/")
    assert first.status_code == second.status_code == 200
    assert second.json()["count"] == 8

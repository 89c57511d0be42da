"""Who may not: every refused actor gets 403 from the API (or an error on the page), and whoever may not even see a
request gets 404 — from the item page, the API, the PDF and the attachment URLs alike."""

from __future__ import annotations

import pytest

from haimen_gov.workflow import actions as engine
from seals import actions
from seals.models import SealRequest, State

from .helpers import advance, apply, fresh, open_posts

pytestmark = pytest.mark.django_db


def approve_api(api_client_for, user, request: SealRequest, verb: str = "approve"):  # type: ignore[no-untyped-def]
    return api_client_for(user).post(
        f"/api/v1/seals/requests/{request.pk}/transitions/{verb}/", {"comment": "同意。"}, format="json"
    )


def test_the_vice_head_of_another_portfolio_can_neither_see_nor_approve(org, seals, api_client_for, client_for):
    request = apply(org.dept1_clerk, seals.gov)
    # vice2 is in charge of dept2, not dept1.
    assert approve_api(api_client_for, org.vice2, request).status_code == 404
    assert api_client_for(org.vice2).get(f"/api/v1/seals/requests/{request.pk}/").status_code == 404
    assert client_for(org.vice2).get(f"/items/{request.pk}/").status_code == 404
    assert (
        client_for(org.vice2).post(f"/items/{request.pk}/transitions/approve/", {"comment": "同意"}).status_code == 404
    )
    with pytest.raises(engine.Forbidden, match="您无权执行此操作。"):
        actions.seal_request_approve(request.pk, actor=org.vice2)
    assert fresh(request).state == State.REVIEW


@pytest.mark.parametrize("overseer", ["head", "director"])
def test_overseers_see_the_request_but_may_not_take_the_vice_heads_step(
    org, seals, api_client_for, client_for, overseer
):
    request = apply(org.dept1_clerk, seals.gov)
    user = getattr(org, overseer)
    detail = api_client_for(user).get(f"/api/v1/seals/requests/{request.pk}/")
    assert detail.status_code == 200
    assert detail.json()["available_transitions"] == []

    response = approve_api(api_client_for, user, request)
    assert response.status_code == 403
    assert response.json()["detail"] == "您无权执行此操作。"

    response = client_for(user).post(f"/items/{request.pk}/transitions/approve/", {"comment": "同意"}, follow=True)
    assert response.status_code == 200
    assert "您无权执行此操作。" in response.content.decode()
    assert fresh(request).state == State.REVIEW


def test_the_applicant_cannot_approve_their_own_request(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov)
    response = approve_api(api_client_for, org.dept1_clerk, request)
    assert response.status_code == 403
    assert response.json()["detail"] == "不能审批本人提交的申请。"
    assert fresh(request).state == State.REVIEW


def test_the_director_cannot_approve_their_own_office_seal_request(org, seals, office_in_charge, api_client_for):
    request = advance(apply(org.director, seals.office, unit=org.units.office), State.APPROVAL)
    # The approval step is the director's own post …
    assert open_posts(request) == [org.posts.director]
    # … but nobody signs off their own request.
    detail = api_client_for(org.director).get(f"/api/v1/seals/requests/{request.pk}/").json()
    assert "approve" not in detail["available_transitions"]
    response = approve_api(api_client_for, org.director, request)
    assert response.status_code == 403
    assert response.json()["detail"] == "不能审批本人提交的申请。"
    assert fresh(request).state == State.APPROVAL


def test_the_custodian_cannot_register_their_own_request(org, seals, office_in_charge, api_client_for, client_for):
    # The custodian holds a post in the office, so may apply for it …
    request = apply(org.custodian, seals.office, unit=org.units.office)
    request = advance(request, State.STAMPING)
    assert open_posts(request) == [org.posts.custodian]
    # … but may not register the use of the seal for themselves.
    detail = api_client_for(org.custodian).get(f"/api/v1/seals/requests/{request.pk}/").json()
    assert detail["available_transitions"] == []
    with pytest.raises(engine.Forbidden):
        actions.seal_request_register(request.pk, actor=org.custodian, stamped_copies=1)

    response = api_client_for(org.custodian).post(
        f"/api/v1/seals/requests/{request.pk}/transitions/register/", {"stamped_copies": 1}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "不能审批本人提交的申请。"

    response = client_for(org.custodian).post(
        f"/items/{request.pk}/transitions/register/", {"stamped_copies": 1, "state": "stamping"}, follow=True
    )
    assert "不能审批本人提交的申请。" in response.content.decode()
    request = fresh(request)
    assert (request.state, request.stamped_copies, request.archive_number) == (State.STAMPING, None, "")


@pytest.mark.parametrize("stranger", ["outsider", "dept2_clerk", "vice2", "deputy2", "custodian"])
def test_whoever_may_not_see_a_request_gets_404_everywhere(org, seals, api_client_for, client_for, stranger):
    request = apply(org.dept1_clerk, seals.gov)
    attachment = request.attachments.get()
    user = getattr(org, stranger)
    page = client_for(user)
    api = api_client_for(user)

    assert page.get(f"/items/{request.pk}/").status_code == 404
    assert page.get(f"/items/{request.pk}/slip.pdf").status_code == 404
    assert page.get(f"/seals/requests/{request.pk}/form.pdf").status_code == 404
    assert page.get(f"/seals/requests/{request.pk}/edit/").status_code == 404
    assert page.post(f"/items/{request.pk}/transitions/withdraw/").status_code == 404
    response = page.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 404
    assert b"%PDF" not in response.content

    assert api.get(f"/api/v1/seals/requests/{request.pk}/").status_code == 404
    assert api.get("/api/v1/seals/requests/").json()["results"] == []
    response = api.post(f"/api/v1/seals/requests/{request.pk}/transitions/approve/", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该对象，或您无权查看。"}
    assert fresh(request).state == State.REVIEW


def test_the_attachment_is_served_to_those_who_see_the_request(org, seals, client_for):
    request = apply(org.dept1_clerk, seals.gov)
    attachment = request.attachments.get()
    for user in (org.dept1_clerk, org.vice1, org.dept1_head, org.director):
        response = client_for(user).get(f"/attachments/{attachment.pk}/")
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_unknown_attachment_is_404(org, client_for):
    assert client_for(org.director).get("/attachments/999999/").status_code == 404


def test_someone_without_a_post_cannot_open_the_apply_page(org, seals, client_for):
    response = client_for(org.outsider).get("/seals/apply/")
    assert response.status_code == 403
    assert "您目前没有任职信息，不能为单位申请用印。" in response.content.decode()
    response = client_for(org.outsider).post("/seals/apply/", {"seal": seals.gov.pk})
    assert response.status_code == 403
    assert not SealRequest.objects.exists()


def test_the_apply_form_offers_only_the_units_the_user_holds_a_post_in(org, seals, client_for):
    client = client_for(org.dept1_clerk)
    page = client.get("/seals/apply/").content.decode()
    assert org.units.dept1.name in page
    assert org.units.dept2.name not in page
    response = client.post(
        "/seals/apply/",
        {"unit": org.units.dept2.pk, "seal": seals.gov.pk, "document_title": "冒名申请", "purpose": "x", "copies": 1},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not SealRequest.objects.exists()


@pytest.mark.parametrize(("applicant", "unit"), [("outsider", "dept1"), ("dept1_clerk", "dept2")])
def test_the_api_refuses_a_unit_the_applicant_holds_no_post_in(org, seals, api_client_for, applicant, unit):
    response = api_client_for(getattr(org, applicant)).post(
        "/api/v1/seals/requests/",
        {"unit": getattr(org.units, unit).pk, "seal": seals.gov.pk, "purpose": "x", "document_title": "y", "copies": 1},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"unit": ["只能为本人任职的单位申请用印。"]}
    assert not SealRequest.objects.exists()


def test_anonymous_users_get_nothing(org, seals, api_client_for, client):
    request = apply(org.dept1_clerk, seals.gov)
    assert api_client_for(None).get(f"/api/v1/seals/requests/{request.pk}/").status_code in (401, 403)
    assert api_client_for(None).get("/api/v1/seals/seals/").status_code in (401, 403)
    response = client.get(f"/items/{request.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.get(f"/attachments/{request.attachments.get().pk}/")
    assert response.status_code == 302

"""The seal-use chains of 第三十一条—第三十三条, walked end to end through the pages and the API.

government seal: applicant → 分管副区长审核 → 区长审签 → 印鉴管理员登记用印 → 已用印归档
office seal:     applicant → 分管办公室副主任审核 → 办公室主任审签 → 印鉴管理员登记用印 → 已用印归档
off-site use (第三十三条): after those approvals, the head OR the office director approves (或签).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import Decision, HistoryEntry, Notification, NotificationKind, Task, TaskStatus
from seals import actions
from seals.models import AttachmentKind, SealRequest, State

from .helpers import advance, apply, fresh, open_posts, open_tasks, pdf_upload

pytestmark = pytest.mark.django_db


def approve_on_page(client, request: SealRequest, comment: str = "") -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/items/{request.pk}/transitions/approve/", {"comment": comment, "state": fresh(request).state}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def test_government_seal_chain_through_the_pages(org, seals, client_for):
    clerk = client_for(org.dept1_clerk)
    response = clerk.post(
        "/seals/apply/",
        {
            "unit": org.units.dept1.pk,
            "seal": seals.gov.pk,
            "document_title": "关于申报2026年省级重点项目的请示",
            "purpose": "报送江苏省发展和改革委员会",
            "copies": 3,
            "files": [pdf_upload("请示（定稿）.pdf")],
            "action": "submit",
        },
    )
    request = SealRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/items/{request.pk}/"
    assert request.state == State.REVIEW
    assert request.submitter == org.dept1_clerk and request.unit == org.units.dept1
    assert request.title == "海门区人民政府印鉴用印：关于申报2026年省级重点项目的请示"
    # 第三十一条: the vice head in charge of the applicant's unit reviews first.
    assert open_posts(request) == [org.posts.vice1]

    approve_on_page(client_for(org.vice1), request, "同意，请陈区长审签。")
    assert fresh(request).state == State.APPROVAL
    assert open_posts(request) == [org.posts.head]

    approve_on_page(client_for(org.head), request, "同意用印。")
    assert fresh(request).state == State.STAMPING
    assert open_posts(request) == [org.posts.custodian]

    # Stamped a minute after the approval (a stamp time before it is refused: test_stamp_times).
    stamped_at = timezone.localtime() + dt.timedelta(minutes=1)
    response = client_for(org.custodian).post(
        f"/items/{request.pk}/transitions/register/",
        {
            "stamped_at": stamped_at.strftime("%Y-%m-%dT%H:%M"),
            "stamped_copies": 2,
            "scans": [pdf_upload("用印后扫描件.pdf")],
            "comment": "已在机要室用印。",
            "state": "stamping",
        },
    )
    assert response.status_code == 302

    request = fresh(request)
    assert request.state == State.ARCHIVED
    assert request.closed_at is not None
    assert request.stamped_copies == 2
    assert timezone.localtime(request.stamped_at).strftime("%Y-%m-%d %H:%M") == stamped_at.strftime("%Y-%m-%d %H:%M")
    # 第三十二条: the first use registered this year takes number 1 of the seal series (no gaps from other items).
    assert request.archive_number == request.number == f"用印〔{stamped_at.year}〕1号"
    assert sorted((a.role, a.original_name) for a in request.attachments.all()) == [
        (AttachmentKind.DOCUMENT, "请示（定稿）.pdf"),
        (AttachmentKind.SCAN, "用印后扫描件.pdf"),
    ]
    assert open_tasks(request) == []

    history = list(HistoryEntry.objects.filter(item=request).order_by("at", "id"))
    assert [(h.verb, h.actor and h.actor.get_username(), h.acting_label, h.to_state) for h in history] == [
        ("create", "dept1_clerk", "", State.DRAFT),
        ("submit", "dept1_clerk", "", State.REVIEW),
        ("approve", "vice1", "副区长", State.APPROVAL),
        ("approve", "head", "区长", State.STAMPING),
        ("register", "custodian", "区政府办公室印鉴管理员", State.ARCHIVED),
    ]
    assert history[2].comment == "同意，请陈区长审签。"
    # The applicant hears the result.
    assert Notification.objects.filter(user=org.dept1_clerk, kind=NotificationKind.RESULT, item=request).exists()

    page = clerk.get(f"/items/{request.pk}/").content.decode()
    assert "已用印归档" in page
    assert request.archive_number in page
    assert "用印后扫描件.pdf" in page
    assert "同意，请陈区长审签。" in page


def test_office_seal_chain_through_the_api(org, seals, api_client_for):
    response = api_client_for(org.dept1_clerk).post(
        "/api/v1/seals/requests/",
        {
            "unit": org.units.dept1.pk,
            "seal": seals.office.pk,
            "purpose": "报送市政府办公室",
            "document_title": "关于做好防汛工作的函",
            "copies": 2,
            "files": [pdf_upload("关于做好防汛工作的函.pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["state"] == State.REVIEW
    # 第三十一条: an office seal is reviewed by the office deputy director in charge of the unit …
    assert [t["post"] for t in response.json()["tasks"]] == ["区政府办公室副主任"]
    assert open_posts(SealRequest.objects.get(pk=pk)) == [org.posts.deputy1]

    url = f"/api/v1/seals/requests/{pk}/transitions/"
    response = api_client_for(org.deputy1).post(url + "approve/", {"comment": "同意。"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == State.APPROVAL
    # … and approved by the office director.
    assert open_posts(SealRequest.objects.get(pk=pk)) == [org.posts.director]

    response = api_client_for(org.director).post(url + "approve/", {"comment": "同意用印。"}, format="json")
    assert response.json()["state"] == State.STAMPING
    assert open_posts(SealRequest.objects.get(pk=pk)) == [org.posts.custodian]

    response = api_client_for(org.custodian).post(
        url + "register/", {"stamped_copies": 2, "scans": [pdf_upload("扫描件.pdf")]}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == State.ARCHIVED
    assert body["state_display"] == "已用印归档"
    assert body["stamped_copies"] == 2
    assert body["archive_number"] == f"用印〔{timezone.localdate().year}〕1号"
    assert [a["kind"] for a in body["attachments"]] == [AttachmentKind.DOCUMENT, AttachmentKind.SCAN]
    assert [h["verb"] for h in body["history"]] == ["create", "submit", "approve", "approve", "register"]
    assert [h["acting_label"] for h in body["history"][2:]] == [
        "区政府办公室副主任",
        "区政府办公室主任",
        "区政府办公室印鉴管理员",
    ]


# --------------------------------------------------------------------------- 第三十三条: off-site use


@pytest.mark.parametrize(("first", "other"), [("head", "director"), ("director", "head")])
def test_offsite_use_needs_the_head_or_the_director_and_either_completes_it(org, seals, api_client_for, first, other):
    request = apply(
        org.dept1_clerk,
        seals.gov,
        offsite=True,
        offsite_place="南通市政务服务中心",
        offsite_reason="签约现场须当场用印",
    )
    request = advance(request, State.OFFSITE_APPROVAL)
    # The normal approvals are done (vice head, then the head) …
    assert [h.verb for h in HistoryEntry.objects.filter(item=request).order_by("id")][-2:] == ["approve", "approve"]
    # … and one more step asks both the head and the office director.
    assert set(open_posts(request)) == {org.posts.head, org.posts.director}

    url = f"/api/v1/seals/requests/{request.pk}/transitions/approve/"
    response = api_client_for(getattr(org, first)).post(url, {"comment": "同意异地用印。"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == State.STAMPING

    offsite_tasks = {t.post_id: t for t in Task.objects.filter(item=request, step="offsite")}
    assert offsite_tasks[getattr(org.posts, first).pk].status == TaskStatus.DONE
    cancelled = offsite_tasks[getattr(org.posts, other).pk]
    assert (cancelled.status, cancelled.decision) == (TaskStatus.CANCELLED, Decision.SUPERSEDED)
    assert open_posts(request) == [org.posts.custodian]

    # The other one is too late.
    response = api_client_for(getattr(org, other)).post(url, {"comment": "同意。"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "该事项已被他人处理，请刷新后查看。"


def test_local_use_skips_the_offsite_step(org, seals):
    request = advance(apply(org.dept1_clerk, seals.gov), State.STAMPING)
    assert not Task.objects.filter(item=request, step="offsite").exists()


def test_offsite_use_must_say_where_and_why(org, seals):
    with pytest.raises(engine.ValidationError) as exc:
        apply(org.dept1_clerk, seals.gov, offsite=True, offsite_place="", offsite_reason="")
    assert exc.value.message_dict == {"offsite_place": ["异地用印须填写地点和理由（第三十三条）。"]}
    assert not SealRequest.objects.exists()


def test_the_apply_form_asks_for_the_offsite_place_and_reason(org, seals, client_for):
    response = client_for(org.dept1_clerk).post(
        "/seals/apply/",
        {
            "unit": org.units.dept1.pk,
            "seal": seals.gov.pk,
            "document_title": "合作协议",
            "purpose": "签约",
            "copies": 1,
            "offsite": "on",
            "files": [pdf_upload()],
            "action": "submit",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "异地用印须填写地点（第三十三条）。" in page
    assert "异地用印须说明理由（第三十三条）。" in page
    assert not SealRequest.objects.exists()


# --------------------------------------------------------------------------- return, amend, resubmit


RETURNERS = [
    pytest.param(State.REVIEW, "vice1", id="vice-head-at-review"),
    pytest.param(State.APPROVAL, "head", id="head-at-approval"),
    pytest.param(State.OFFSITE_APPROVAL, "director", id="director-at-offsite"),
    pytest.param(State.STAMPING, "custodian", id="custodian-at-stamping"),
]


@pytest.mark.parametrize(("stage", "returner"), RETURNERS)
def test_any_approver_returns_with_a_reason_and_the_resubmitted_request_restarts_at_review(
    org, seals, api_client_for, stage, returner
):
    request = apply(org.dept1_clerk, seals.gov, offsite=True, offsite_place="区行政服务中心", offsite_reason="现场签约")
    request = advance(request, stage)
    url = f"/api/v1/seals/requests/{request.pk}/transitions/return/"
    client = api_client_for(getattr(org, returner))

    response = client.post(url, {"comment": "  "}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "“退回申请人”须填写意见或理由。"
    assert fresh(request).state == stage

    response = client.post(url, {"comment": "请补充项目批复文件。"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == State.RETURNED
    # The applicant's 待办 holds it now (SPEC §8): 修改后重新提交, closed by resubmitting.
    assert [(t.step, t.post) for t in open_tasks(request)] == [("resubmit", org.posts.dept1_clerk)]
    notice = Notification.objects.get(user=org.dept1_clerk, kind=NotificationKind.RESULT, item=request)
    assert "请补充项目批复文件。" in notice.body

    # The applicant amends and resubmits: the chain starts again at the review.
    actions.seal_request_update(
        request.pk,
        actor=org.dept1_clerk,
        purpose="报送江苏省发改委（附批复）",
        document_title="关于重点项目的请示（补充）",
        copies=4,
        offsite=False,
        offsite_place="",
        offsite_reason="",
        files=[pdf_upload("项目批复.pdf")],
    )
    request = actions.seal_request_submit(request.pk, actor=org.dept1_clerk)
    request = fresh(request)
    assert request.state == State.REVIEW
    assert request.round == 2
    assert (request.copies, request.offsite, request.offsite_place) == (4, False, "")
    assert request.document_title == "关于重点项目的请示（补充）"
    assert request.attachments.count() == 2
    assert [(t.post, t.round) for t in open_tasks(request)] == [(org.posts.vice1, 2)]


def test_the_applicant_amends_a_returned_request_on_the_edit_page(org, seals, client_for):
    request = apply(org.dept1_clerk, seals.gov)
    actions.seal_request_return(request.pk, actor=org.vice1, comment="份数有误。")
    clerk = client_for(org.dept1_clerk)

    page = clerk.get(f"/items/{request.pk}/").content.decode()
    assert f"/seals/requests/{request.pk}/edit/" in page
    assert "份数有误。" in page

    response = clerk.post(
        f"/seals/requests/{request.pk}/edit/",
        {"document_title": request.document_title, "purpose": request.purpose, "copies": 1, "action": "submit"},
    )
    assert response.status_code == 302
    request = fresh(request)
    assert (request.state, request.copies, request.round) == (State.REVIEW, 1, 2)


def test_only_the_applicant_may_amend_and_only_while_returned_or_draft(org, seals):
    request = apply(org.dept1_clerk, seals.gov)
    fields: dict[str, Any] = {
        "purpose": "x",
        "document_title": "y",
        "copies": 1,
        "offsite": False,
        "offsite_place": "",
        "offsite_reason": "",
    }
    with pytest.raises(engine.Conflict, match="申请已在审批中，不能修改。"):
        actions.seal_request_update(request.pk, actor=org.dept1_clerk, **fields)
    actions.seal_request_return(request.pk, actor=org.vice1, comment="请修改。")
    with pytest.raises(engine.Forbidden, match="只有申请人可以修改申请。"):
        actions.seal_request_update(request.pk, actor=org.dept1_head, **fields)
    assert fresh(request).document_title != "y"


def test_the_edit_page_of_a_request_under_review_redirects_with_a_message(org, seals, client_for):
    request = apply(org.dept1_clerk, seals.gov)
    response = client_for(org.dept1_clerk).get(f"/seals/requests/{request.pk}/edit/", follow=True)
    assert response.redirect_chain[-1][0] == f"/items/{request.pk}/"
    assert "申请已在审批中，不能修改。" in response.content.decode()


# --------------------------------------------------------------------------- withdraw, reject


def test_the_applicant_withdraws_before_the_first_decision(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov)
    response = api_client_for(org.dept1_clerk).get(f"/api/v1/seals/requests/{request.pk}/")
    assert response.json()["available_transitions"] == ["withdraw"]

    response = api_client_for(org.dept1_clerk).post(f"/api/v1/seals/requests/{request.pk}/transitions/withdraw/")
    assert response.status_code == 200
    assert response.json()["state"] == State.WITHDRAWN
    task = Task.objects.get(item=request)
    assert (task.status, task.decision) == (TaskStatus.CANCELLED, Decision.WITHDRAWN)
    assert fresh(request).closed_at is not None


def test_withdraw_is_refused_once_the_vice_head_approved(org, seals, api_client_for):
    request = advance(apply(org.dept1_clerk, seals.gov), State.APPROVAL)
    client = api_client_for(org.dept1_clerk)
    assert client.get(f"/api/v1/seals/requests/{request.pk}/").json()["available_transitions"] == []

    response = client.post(f"/api/v1/seals/requests/{request.pk}/transitions/withdraw/")
    assert response.status_code == 403
    assert response.json()["detail"] == "已有领导办理，不能撤回；如需修改请联系办理人退回。"
    assert fresh(request).state == State.APPROVAL
    assert open_posts(request) == [org.posts.head]


def test_withdraw_is_refused_after_an_opinion_was_given_in_the_review(org, seals):
    request = apply(org.dept1_clerk, seals.gov)
    engine.item_add_signer(SealRequest, request.pk, actor=org.vice1, post=org.posts.dept1_head, comment="请提意见")
    engine.item_fire(SealRequest, request.pk, verb="opinion", actor=org.dept1_head, comment="建议同意。")
    with pytest.raises(engine.Forbidden, match="已有领导办理，不能撤回"):
        actions.seal_request_withdraw(request.pk, actor=org.dept1_clerk)
    assert fresh(request).state == State.REVIEW


def test_a_rejected_request_is_final(org, seals, api_client_for):
    request = advance(apply(org.dept1_clerk, seals.gov), State.APPROVAL)
    with pytest.raises(engine.CommentRequired):
        actions.seal_request_reject(request.pk, actor=org.head, comment="")
    actions.seal_request_reject(request.pk, actor=org.head, comment="不符合用印范围。")

    request = fresh(request)
    assert request.state == State.REJECTED
    assert request.closed_at is not None
    assert open_tasks(request) == []
    assert Notification.objects.filter(
        user=org.dept1_clerk, kind=NotificationKind.RESULT, item=request, body__contains="不符合用印范围。"
    ).exists()
    for user in (org.dept1_clerk, org.vice1, org.head, org.director):
        body = api_client_for(user).get(f"/api/v1/seals/requests/{request.pk}/").json()
        assert body["available_transitions"] == [], user
    # Nobody brings it back: no resubmission, no amendment, no further decision.
    with pytest.raises(engine.Conflict):
        actions.seal_request_submit(request.pk, actor=org.dept1_clerk)
    with pytest.raises(engine.Conflict):
        actions.seal_request_update(
            request.pk,
            actor=org.dept1_clerk,
            purpose="x",
            document_title="y",
            copies=1,
            offsite=False,
            offsite_place="",
            offsite_reason="",
        )
    with pytest.raises(engine.Conflict):
        actions.seal_request_approve(request.pk, actor=org.head)
    assert fresh(request).state == State.REJECTED


def test_a_draft_waits_on_nobody_until_submitted(org, seals):
    request = apply(org.dept1_clerk, seals.gov, submit=False)
    assert (request.state, request.round, request.submitted_at) == (State.DRAFT, 0, None)
    assert open_tasks(request) == []
    actions.seal_request_submit(request.pk, actor=org.dept1_clerk)
    assert fresh(request).state == State.REVIEW
    assert open_posts(request) == [org.posts.vice1]


def test_archive_numbers_are_consecutive_in_registration_order_and_a_refused_registration_takes_none(org, seals):
    # 第三十二条: 用印〔YYYY〕N号 from the seal series, whatever the requests' ids (other items take ids too).
    requests = [advance(apply(org.dept1_clerk, seals.gov, copies=2), State.STAMPING) for _ in range(3)]
    with pytest.raises(ValidationError):
        actions.seal_request_register(requests[0].pk, actor=org.custodian, stamped_copies=5)  # more than approved
    assert fresh(requests[0]).number == ""
    year = timezone.localdate().year
    for request in (requests[2], requests[0], requests[1]):
        actions.seal_request_register(request.pk, actor=org.custodian, stamped_copies=1)
    assert [fresh(r).number for r in requests] == [f"用印〔{year}〕{n}号" for n in (2, 3, 1)]

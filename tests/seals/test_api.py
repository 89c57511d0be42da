"""/api/v1/seals/: the seal register (read only) and seal-use requests (create, list, read, transitions,
attachments)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from haimen_gov.workflow.models import Attachment
from seals import actions
from seals.models import AttachmentKind, SealRequest, SealStatus, State

from .helpers import advance, apply, docx_bytes, fresh, pdf_upload, upload

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/seals/requests/"


def body(org, seals, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "unit": org.units.dept1.pk,
        "seal": seals.gov.pk,
        "purpose": "报送市发改委",
        "document_title": "关于重点项目的请示",
        "copies": 3,
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- the seal register


def test_the_seal_register_lists_and_reads_the_seals(org, seals, api_client_for):
    client = api_client_for(org.dept2_clerk)
    response = client.get("/api/v1/seals/seals/")
    assert response.status_code == 200
    listed = response.json()["results"]
    assert [(s["name"], s["kind"], s["custodian"]) for s in listed] == [
        ("海门区人民政府印鉴", "government", "区政府办公室印鉴管理员"),
        ("海门区人民政府办公室印鉴", "office", "区政府办公室印鉴管理员"),
    ]
    response = client.get(f"/api/v1/seals/seals/{seals.office.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "id": seals.office.pk,
        "name": "海门区人民政府办公室印鉴",
        "owner_unit": "海门区人民政府办公室",
        "kind": "office",
        "kind_display": "区政府办公室印鉴（办公室副主任审核，办公室主任审签）",
        "status": "in_use",
        "status_display": "在用",
        "in_use_since": "2022-05-19",
        "retired_on": None,
        "custodian": "区政府办公室印鉴管理员",
        "room": "区政府办公室机要室（行政中心 3 楼 312 室）",
    }


def test_the_seal_register_is_read_only(org, seals, api_client_for):
    client = api_client_for(org.director)
    assert client.post("/api/v1/seals/seals/", {"name": "私刻印章"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/seals/seals/{seals.gov.pk}/").status_code == 405


# --------------------------------------------------------------------------- create


def test_create_submits_and_opens_the_review(org, seals, api_client_for):
    response = api_client_for(org.dept1_clerk).post(
        REQUESTS, body(org, seals, files=[pdf_upload()]), format="multipart"
    )
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == State.REVIEW
    assert data["state_display"] == "待审核"
    assert data["title"] == "海门区人民政府印鉴用印：关于重点项目的请示"
    assert (data["unit_name"], data["submitter_name"]) == ("海门区发展和改革委员会", "顾佳怡")
    assert data["available_transitions"] == ["withdraw"]
    assert [(t["step"], t["step_label"], t["post"], t["person"]) for t in data["tasks"]] == [
        ("review", "分管领导审核", "副区长", "李卫东")
    ]
    assert [h["verb"] for h in data["history"]] == ["create", "submit"]
    assert [(a["original_name"], a["kind"], a["kind_display"]) for a in data["attachments"]] == [
        ("请示.pdf", AttachmentKind.DOCUMENT, "用印文件")
    ]
    assert "submit" not in data


def test_submitting_needs_a_file_a_draft_does_not(org, seals, api_client_for):
    client = api_client_for(org.dept1_clerk)
    response = client.post(REQUESTS, body(org, seals), format="json")
    assert response.status_code == 400
    assert response.json() == {"files": ["请上传用印文件。"]}
    assert not SealRequest.objects.exists()
    response = client.post(REQUESTS, body(org, seals, submit=False), format="json")
    assert response.status_code == 201
    assert response.json()["state"] == State.DRAFT


def test_create_a_draft_only(org, seals, api_client_for):
    response = api_client_for(org.dept1_clerk).post(REQUESTS, body(org, seals, submit=False), format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["state"], data["tasks"], data["submitted_at"]) == (State.DRAFT, [], None)
    assert data["available_transitions"] == ["submit"]

    client = api_client_for(org.dept1_clerk)
    response = client.post(f"{REQUESTS}{data['id']}/transitions/submit/")
    assert response.status_code == 400
    assert response.json() == {"files": ["请上传用印文件。"]}
    response = client.post(f"{REQUESTS}{data['id']}/attachments/", {"files": [pdf_upload()]}, format="multipart")
    assert response.status_code == 201
    response = client.post(f"{REQUESTS}{data['id']}/transitions/submit/")
    assert response.status_code == 200
    assert response.json()["state"] == State.REVIEW


def test_create_multipart_with_files(org, seals, api_client_for):
    data = body(
        org,
        seals,
        offsite="true",
        offsite_place="市民中心",
        offsite_reason="现场签约",
        files=[pdf_upload("请示.pdf"), upload("附件一.docx", docx_bytes())],
    )
    response = api_client_for(org.dept1_clerk).post(REQUESTS, data, format="multipart")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["offsite"], created["offsite_place"]) == (True, "市民中心")
    assert [(a["original_name"], a["kind"], a["content_type"]) for a in created["attachments"]] == [
        ("请示.pdf", AttachmentKind.DOCUMENT, "application/pdf"),
        (
            "附件一.docx",
            AttachmentKind.DOCUMENT,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ]
    assert Attachment.objects.filter(item_id=created["id"]).count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"copies": 0}, "copies", id="no-copies"),
        pytest.param({"document_title": ""}, "document_title", id="no-title"),
        pytest.param({"seal": 999999}, "seal", id="unknown-seal"),
    ],
)
def test_create_refuses_bad_fields_in_chinese(org, seals, api_client_for, overrides, field):
    response = api_client_for(org.dept1_clerk).post(REQUESTS, body(org, seals, **overrides), format="json")
    assert response.status_code == 400
    message = response.json()[field][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert not SealRequest.objects.exists()


def test_a_retired_seal_cannot_be_applied_for(org, seals, api_client_for):
    seals.gov.status, seals.gov.retired_on = SealStatus.RETIRED, dt.date(2026, 1, 1)
    seals.gov.save()
    response = api_client_for(org.dept1_clerk).post(REQUESTS, body(org, seals), format="json")
    assert response.status_code == 400
    assert "seal" in response.json()


def test_offsite_without_place_is_refused(org, seals, api_client_for):
    response = api_client_for(org.dept1_clerk).post(REQUESTS, body(org, seals, offsite=True), format="json")
    assert response.status_code == 400
    assert response.json() == {"offsite_place": ["异地用印须填写地点和理由（第三十三条）。"]}


# --------------------------------------------------------------------------- list and read


def test_the_list_holds_only_what_the_user_may_see(org, seals, api_client_for):
    mine = apply(org.dept1_clerk, seals.gov, document_title="发改委文件")
    office = apply(org.dept1_clerk, seals.office, document_title="发改委函")
    other = apply(org.dept2_clerk, seals.gov, document_title="教体局文件")

    def listed(user) -> set[int]:  # type: ignore[no-untyped-def]
        response = api_client_for(user).get(REQUESTS)
        assert response.status_code == 200
        return {r["id"] for r in response.json()["results"]}

    assert listed(org.dept1_clerk) == {mine.pk, office.pk}
    assert listed(org.dept2_clerk) == {other.pk}
    assert listed(org.vice1) == {mine.pk}
    assert listed(org.deputy1) == {office.pk}
    assert listed(org.vice2) == {other.pk}
    assert listed(org.director) == {mine.pk, office.pk, other.pk}
    assert listed(org.outsider) == set()


def test_reading_a_request_gives_the_engine_fields_for_the_reader(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov)
    data = api_client_for(org.vice1).get(f"{REQUESTS}{request.pk}/").json()
    assert data["state"] == State.REVIEW
    assert data["state_display"] == "待审核"
    assert sorted(data["available_transitions"]) == ["approve", "reject", "return"]
    task = data["tasks"][0]
    assert (task["step"], task["post"], task["person"], task["extra"]) == ("review", "副区长", "李卫东", False)
    assert task["due_date"] >= timezone.localdate().isoformat()
    assert [(h["verb"], h["actor"], h["to_state"]) for h in data["history"]] == [
        ("create", "顾佳怡", State.DRAFT),
        ("submit", "顾佳怡", State.REVIEW),
    ]
    assert data["attachments"][0]["original_name"] == "请示.pdf"


def test_the_inbox_api_lists_the_review_for_the_vice_head(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov)
    rows = api_client_for(org.vice1).get("/api/v1/inbox/").json()["results"]
    assert [(r["item_id"], r["item_type"], r["step"]) for r in rows] == [
        (request.pk, "seals.sealrequest", "分管领导审核")
    ]
    assert api_client_for(org.vice2).get("/api/v1/inbox/").json()["results"] == []


# --------------------------------------------------------------------------- transitions


def test_a_stale_state_gets_409(org, seals, api_client_for):
    request = advance(apply(org.dept1_clerk, seals.gov), State.APPROVAL)
    response = api_client_for(org.head).post(
        f"{REQUESTS}{request.pk}/transitions/approve/", {"state": State.REVIEW}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "该事项已被他人处理，状态已变化，请刷新后查看。"
    assert fresh(request).state == State.APPROVAL


def test_a_transition_that_does_not_apply_now_gets_409(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov)
    response = api_client_for(org.vice1).post(
        f"{REQUESTS}{request.pk}/transitions/register/", {"stamped_copies": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "当前状态下不能执行此操作。"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param({}, {"stamped_copies": ["请填写实际用印份数。"]}, id="missing"),
        pytest.param({"stamped_copies": 0}, None, id="zero"),
        pytest.param({"stamped_copies": 4}, {"stamped_copies": ["实际用印份数不能超过批准的 3 份。"]}, id="too-many"),
        pytest.param(
            {"stamped_copies": 1, "stamped_at": "明天"}, {"stamped_at": ["用印时间格式错误。"]}, id="bad-time"
        ),
    ],
)
def test_register_needs_valid_stamped_copies(org, seals, api_client_for, payload, expected):
    request = advance(apply(org.dept1_clerk, seals.gov, copies=3), State.STAMPING)
    response = api_client_for(org.custodian).post(
        f"{REQUESTS}{request.pk}/transitions/register/", payload, format="json"
    )
    assert response.status_code == 400
    if expected is not None:
        assert response.json() == expected
    request = fresh(request)
    assert (request.state, request.stamped_copies, request.archive_number) == (State.STAMPING, None, "")


def test_register_refuses_a_time_in_the_future(org, seals, api_client_for):
    request = advance(apply(org.dept1_clerk, seals.gov), State.STAMPING)
    tomorrow = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = api_client_for(org.custodian).post(
        f"{REQUESTS}{request.pk}/transitions/register/", {"stamped_copies": 1, "stamped_at": tomorrow}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"stamped_at": ["用印时间不能晚于当前时间。"]}


def test_register_with_time_copies_and_scans(org, seals, api_client_for):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=3)):
        request = advance(apply(org.dept1_clerk, seals.gov, copies=3), State.STAMPING)
    stamped_at = timezone.localtime().replace(microsecond=0) - dt.timedelta(hours=2)
    response = api_client_for(org.custodian).post(
        f"{REQUESTS}{request.pk}/transitions/register/",
        {
            "stamped_copies": 3,
            "stamped_at": stamped_at.isoformat(),
            "comment": "已用印",
            "scans": [pdf_upload("扫描1.pdf"), pdf_upload("扫描2.pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["state"] == State.ARCHIVED
    assert dt.datetime.fromisoformat(data["stamped_at"]) == stamped_at
    assert data["stamped_copies"] == 3
    assert sorted((a["original_name"], a["kind"]) for a in data["attachments"]) == [
        ("扫描1.pdf", AttachmentKind.SCAN),
        ("扫描2.pdf", AttachmentKind.SCAN),
        ("请示.pdf", AttachmentKind.DOCUMENT),
    ]
    assert data["history"][-1]["comment"] == "已用印"
    assert data["available_transitions"] == []


# --------------------------------------------------------------------------- attachments


def attach(client, request, *files):  # type: ignore[no-untyped-def]
    return client.post(f"{REQUESTS}{request.pk}/attachments/", {"files": list(files)}, format="multipart")


def test_the_applicant_adds_attachments_to_a_draft(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov, submit=False, files=[])
    response = attach(
        api_client_for(org.dept1_clerk), request, pdf_upload("正文.pdf"), upload("附件.docx", docx_bytes())
    )
    assert response.status_code == 201
    assert [(a["original_name"], a["kind"]) for a in response.json()] == [
        ("正文.pdf", AttachmentKind.DOCUMENT),
        ("附件.docx", AttachmentKind.DOCUMENT),
    ]
    assert request.attachments.count() == 2


def test_the_applicant_adds_attachments_to_a_returned_request(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov)
    actions.seal_request_return(request.pk, actor=org.vice1, comment="请补充附件。")
    response = attach(api_client_for(org.dept1_clerk), request, pdf_upload("补充材料.pdf"))
    assert response.status_code == 201
    assert request.attachments.count() == 2


def test_no_attachments_while_under_review(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov)
    response = attach(api_client_for(org.dept1_clerk), request, pdf_upload("迟到的附件.pdf"))
    assert response.status_code == 409
    assert response.json() == {"detail": "事项已在办理中，不能再上传附件。"}
    assert request.attachments.count() == 1


def test_only_the_applicant_adds_attachments(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov, submit=False)
    actions.seal_request_submit(request.pk, actor=org.dept1_clerk)
    actions.seal_request_return(request.pk, actor=org.vice1, comment="请修改。")
    # The vice head sees the request but it is not theirs …
    response = attach(api_client_for(org.vice1), request, pdf_upload())
    assert response.status_code == 403
    assert response.json() == {"detail": "只有申请人可以上传附件。"}
    # … another unit's clerk does not even see it.
    assert attach(api_client_for(org.dept2_clerk), request, pdf_upload()).status_code == 404
    assert request.attachments.count() == 1


def test_attachments_need_files_of_an_allowed_type(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov, submit=False, files=[])
    client = api_client_for(org.dept1_clerk)
    response = client.post(f"{REQUESTS}{request.pk}/attachments/", {}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"files": ["请选择要上传的文件。"]}
    response = attach(client, request, upload("说明.pdf", "纯文本".encode()))
    assert response.status_code == 400
    assert "文件类型不受支持" in response.json()["files"][0]
    assert request.attachments.count() == 0

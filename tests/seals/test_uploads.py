"""Uploads: the content decides the type, not the name; PDF, OFD, DOCX and images only; a size limit."""

from __future__ import annotations

import pytest

from haimen_gov.workflow.models import Attachment
from seals.models import AttachmentKind, SealRequest, State

from .helpers import (
    DOCX_TYPE,
    PDF_BYTES,
    advance,
    apply,
    docx_bytes,
    ofd_bytes,
    pdf_upload,
    png_bytes,
    upload,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
UNSUPPORTED = "的文件类型不受支持，只能上传PDF、OFD、DOCX 或图片（JPG/PNG）。"

BAD_FILES = [
    pytest.param("setup.exe", EXE, id="exe"),
    pytest.param("请示.pdf", "这是一个改了扩展名的文本文件。\n".encode(), id="text-renamed-pdf"),
    pytest.param("请示.docx", zip_bytes({"readme.txt": "not a word document"}), id="zip-renamed-docx"),
    pytest.param("图片.png", b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 30, id="gif-renamed-png"),
]


def form_data(org, seals, files):  # type: ignore[no-untyped-def]
    return {
        "unit": org.units.dept1.pk,
        "seal": seals.gov.pk,
        "document_title": "关于项目建设的请示",
        "purpose": "报送市发改委",
        "copies": 2,
        "files": files,
        "action": "submit",
    }


def api_data(org, seals, files):  # type: ignore[no-untyped-def]
    return {
        "unit": org.units.dept1.pk,
        "seal": seals.gov.pk,
        "document_title": "关于项目建设的请示",
        "purpose": "报送市发改委",
        "copies": 2,
        "files": files,
    }


@pytest.mark.parametrize(("name", "content"), BAD_FILES)
def test_the_apply_page_refuses_a_file_of_the_wrong_type(org, seals, client_for, name, content):
    response = client_for(org.dept1_clerk).post("/seals/apply/", form_data(org, seals, [upload(name, content)]))
    assert response.status_code == 200
    assert f"“{name}”{UNSUPPORTED}" in response.content.decode()
    assert not SealRequest.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("name", "content"), BAD_FILES)
def test_the_api_refuses_a_file_of_the_wrong_type(org, seals, api_client_for, name, content):
    response = api_client_for(org.dept1_clerk).post(
        "/api/v1/seals/requests/", api_data(org, seals, [upload(name, content)]), format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": [f"“{name}”{UNSUPPORTED}"]}
    assert not SealRequest.objects.exists()


def test_one_bad_file_among_good_ones_refuses_the_whole_application(org, seals, api_client_for):
    files = [pdf_upload("请示.pdf"), upload("病毒.exe", EXE)]
    response = api_client_for(org.dept1_clerk).post(
        "/api/v1/seals/requests/", api_data(org, seals, files), format="multipart"
    )
    assert response.status_code == 400
    assert not SealRequest.objects.exists()
    assert not Attachment.objects.exists()


def test_an_empty_file_is_refused(org, seals, client_for):
    response = client_for(org.dept1_clerk).post("/seals/apply/", form_data(org, seals, [upload("空.pdf", b"")]))
    assert response.status_code == 200
    assert not SealRequest.objects.exists()


def test_a_file_over_the_limit_is_refused(org, seals, settings, client_for, api_client_for):
    settings.UPLOAD_MAX_MB = 1
    big = int(1.5 * 1024 * 1024)
    response = client_for(org.dept1_clerk).post("/seals/apply/", form_data(org, seals, [pdf_upload("大文件.pdf", big)]))
    assert response.status_code == 200
    assert "“大文件.pdf”超过大小限制（最大 1 MB）。" in response.content.decode()

    response = api_client_for(org.dept1_clerk).post(
        "/api/v1/seals/requests/", api_data(org, seals, [pdf_upload("大文件.pdf", big)]), format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": ["“大文件.pdf”超过大小限制（最大 1 MB）。"]}
    assert not SealRequest.objects.exists()

    # Just under the limit is fine.
    response = api_client_for(org.dept1_clerk).post(
        "/api/v1/seals/requests/", api_data(org, seals, [pdf_upload("刚好.pdf", 1024 * 1024)]), format="multipart"
    )
    assert response.status_code == 201


GOOD_FILES = [
    pytest.param("请示.pdf", PDF_BYTES, "application/pdf", id="pdf"),
    pytest.param("印模.png", png_bytes(), "image/png", id="png"),
    pytest.param("请示.docx", docx_bytes(), DOCX_TYPE, id="docx"),
    pytest.param("请示.ofd", ofd_bytes(), "application/ofd", id="ofd"),
    # The content decides, not the name: a PDF named .docx is stored as a PDF.
    pytest.param("misnamed.docx", PDF_BYTES, "application/pdf", id="pdf-named-docx"),
]


@pytest.mark.parametrize(("name", "content", "detected"), GOOD_FILES)
def test_valid_files_are_accepted_with_the_detected_type(org, seals, client_for, name, content, detected):
    # The browser's claimed type is deliberately wrong: the stored one comes from the bytes.
    response = client_for(org.dept1_clerk).post(
        "/seals/apply/", form_data(org, seals, [upload(name, content, "application/octet-stream")])
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (name, detected, len(content))
    assert attachment.role == AttachmentKind.DOCUMENT
    assert attachment.uploaded_by == org.dept1_clerk
    with attachment.file.open("rb") as stored:
        assert stored.read() == content


def test_the_api_stores_several_files_with_their_types(org, seals, api_client_for):
    files = [
        pdf_upload("请示.pdf"),
        upload("附件.docx", docx_bytes()),
        upload("附件.ofd", ofd_bytes()),
        upload("照片.png", png_bytes()),
    ]
    response = api_client_for(org.dept1_clerk).post(
        "/api/v1/seals/requests/", api_data(org, seals, files), format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert [(a["original_name"], a["content_type"]) for a in response.json()["attachments"]] == [
        ("请示.pdf", "application/pdf"),
        ("附件.docx", DOCX_TYPE),
        ("附件.ofd", "application/ofd"),
        ("照片.png", "image/png"),
    ]


def test_a_scan_of_the_wrong_type_is_refused_at_registration(org, seals, api_client_for):
    request = advance(apply(org.dept1_clerk, seals.gov), State.STAMPING)
    response = api_client_for(org.custodian).post(
        f"/api/v1/seals/requests/{request.pk}/transitions/register/",
        {"stamped_copies": 1, "scans": [upload("扫描.pdf", b"plain text")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert UNSUPPORTED in str(response.json())
    assert SealRequest.objects.get(pk=request.pk).state == State.STAMPING


# --------------------------------------------------------------------------- issue 9, item 9


def test_the_stored_file_takes_the_detected_extension_never_the_clients(org, seals, client_for):
    response = client_for(org.dept1_clerk).post(
        "/seals/apply/", form_data(org, seals, [upload("请示.exe", PDF_BYTES, "application/x-msdownload")])
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.file.name.endswith(".pdf") and ".exe" not in attachment.file.name
    assert attachment.original_name == "请示.exe"
    download = client_for(org.dept1_clerk).get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "%E8%AF%B7%E7%A4%BA.pdf" in download["Content-Disposition"]  # 请示.pdf


def test_an_over_long_file_name_is_shortened_not_refused(org, seals, client_for, api_client_for):
    name = "关于" + "某某" * 150 + "的请示.pdf"
    response = client_for(org.dept1_clerk).post("/seals/apply/", form_data(org, seals, [upload(name, PDF_BYTES)]))
    assert response.status_code == 302
    stored = Attachment.objects.get()
    assert len(stored.original_name) == 200 and stored.original_name.endswith(".pdf")
    response = api_client_for(org.dept1_clerk).post(
        "/api/v1/seals/requests/", api_data(org, seals, [upload(name, PDF_BYTES)]), format="multipart"
    )
    assert response.status_code == 201
    assert len(response.json()["attachments"][0]["original_name"]) == 200


def test_a_zip_bomb_posing_as_a_docx_is_refused(org, seals, client_for):
    bomb = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "0" * (8 * 1024 * 1024)})
    response = client_for(org.dept1_clerk).post("/seals/apply/", form_data(org, seals, [upload("请示.docx", bomb)]))
    assert response.status_code == 200
    assert "解压后过大" in response.content.decode()
    assert not SealRequest.objects.exists()


# --------------------------------------------------------------------------- issue 10: drafts and removal


def test_a_draft_is_saved_without_files_and_submitting_needs_one(org, seals, client_for):
    client = client_for(org.dept1_clerk)
    data = form_data(org, seals, [])
    response = client.post("/seals/apply/", {**data, "action": "draft"})
    assert response.status_code == 302
    draft = SealRequest.objects.get()
    assert draft.state == State.DRAFT
    response = client.post(f"/seals/requests/{draft.pk}/edit/", {**data, "action": "submit"})
    assert response.status_code == 200
    assert "请上传用印文件。" in response.content.decode()
    assert SealRequest.objects.get().state == State.DRAFT
    response = client.post(f"/seals/requests/{draft.pk}/edit/", {**data, "files": [pdf_upload()]})
    assert response.status_code == 302
    assert SealRequest.objects.get().state == State.REVIEW


def test_the_applicant_removes_a_file_from_a_returned_request_before_resubmitting(org, seals, client_for):
    from seals.actions import seal_request_return

    request = apply(org.dept1_clerk, seals.gov, files=[pdf_upload("旧稿.pdf"), pdf_upload("定稿.pdf")])
    old = request.attachments.get(original_name="旧稿.pdf")
    client = client_for(org.dept1_clerk)
    # Under review: the file stays.
    response = client.post(f"/attachments/{old.pk}/remove/", follow=True)
    assert "事项已在办理中，不能再删除附件。" in response.content.decode()
    assert request.attachments.count() == 2

    seal_request_return(request.pk, actor=org.vice1, comment="请删除旧稿。")
    edit_page = client.get(f"/seals/requests/{request.pk}/edit/").content.decode()
    assert f'data-remove-attachment="{old.pk}"' in edit_page
    # Someone else (who sees the request) may not remove it; a stranger does not even see it.
    assert (
        "只有申请人可以删除附件。"
        in client_for(org.vice1).post(f"/attachments/{old.pk}/remove/", follow=True).content.decode()
    )
    assert client_for(org.dept2_clerk).post(f"/attachments/{old.pk}/remove/").status_code == 404
    assert request.attachments.count() == 2

    response = client.post(f"/attachments/{old.pk}/remove/", {"next": f"/seals/requests/{request.pk}/edit/"})
    assert response.status_code == 302 and response["Location"] == f"/seals/requests/{request.pk}/edit/"
    assert [a.original_name for a in request.attachments.all()] == ["定稿.pdf"]
    assert request.history.filter(verb="attachment_remove", comment="旧稿.pdf", actor=org.dept1_clerk).exists()
    assert client.get(f"/attachments/{old.pk}/").status_code == 404


def test_the_api_removes_a_file_from_a_draft(org, seals, api_client_for):
    request = apply(org.dept1_clerk, seals.gov, submit=False)
    attachment = request.attachments.get()
    url = f"/api/v1/seals/requests/{request.pk}/attachments/{attachment.pk}/"
    assert api_client_for(org.dept1_head).delete(url).status_code == 403
    assert api_client_for(org.dept2_clerk).delete(url).status_code == 404
    assert api_client_for(org.dept1_clerk).delete(url).status_code == 204
    assert not request.attachments.exists()
    assert api_client_for(org.dept1_clerk).delete(url).status_code == 404

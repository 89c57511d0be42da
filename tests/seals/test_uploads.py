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

"""Builders shared by the seal tests (and the end-to-end tests): real file contents and requests at each stage."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from haimen_gov.org.models import Unit, User
from seals import actions
from seals.models import Seal, SealRequest

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def png_bytes() -> bytes:
    """A real 1×1 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
            "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>请示</w:t></w:r></w:p></w:body></w:document>',
        }
    )


def ofd_bytes() -> bytes:
    return zip_bytes(
        {
            "OFD.xml": '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>',
            "Doc_0/Document.xml": "<ofd:Document/>",
        }
    )


def upload(
    name: str = "请示.pdf", content: bytes = PDF_BYTES, content_type: str = "application/pdf"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name: str = "请示.pdf", size: int | None = None) -> SimpleUploadedFile:
    content = PDF_BYTES if size is None else PDF_BYTES + b"%" * (size - len(PDF_BYTES))
    return upload(name, content)


def apply(
    applicant: User,
    seal: Seal,
    *,
    unit: Unit | None = None,
    document_title: str = "关于2026年重点项目建设情况的报告",
    purpose: str = "报送南通市发展和改革委员会",
    copies: int = 3,
    files: list[Any] | None = None,
    submit: bool = True,
    **extra: Any,
) -> SealRequest:
    """``applicant`` applies to use ``seal`` for their (first) unit, with one PDF attached."""
    if unit is None:
        post = applicant.posts.select_related("unit").order_by("id").first()
        assert post is not None, f"{applicant} holds no post"
        unit = post.unit
    return actions.seal_request_create(
        actor=applicant,
        unit=unit,
        seal=seal,
        purpose=purpose,
        document_title=document_title,
        copies=copies,
        files=[pdf_upload()] if files is None else files,
        submit=submit,
        **extra,
    )


def fresh(request: SealRequest) -> SealRequest:
    return SealRequest.objects.get(pk=request.pk)


def open_tasks(request: SealRequest) -> list[Any]:
    from haimen_gov.workflow.models import Task, TaskStatus

    return list(Task.objects.filter(item=request, status=TaskStatus.OPEN).select_related("post").order_by("id"))


def open_posts(request: SealRequest) -> list[Any]:
    return [task.post for task in open_tasks(request)]


def advance(request: SealRequest, to: str, comment: str = "同意。") -> SealRequest:
    """Approve ``request`` step by step, each time as the holder of the first open task, until it waits in ``to``."""
    request = fresh(request)
    for _ in range(5):
        if request.state == to:
            return request
        approver = open_tasks(request)[0].post.holder
        request = actions.seal_request_approve(request.pk, actor=approver, comment=comment)
    raise AssertionError(f"request {request.pk} never reached {to}; it is {request.state}")


def pdf_text(content: bytes) -> str:
    """All text of a PDF, as pypdf extracts it, without the line breaks a table cell may add."""
    from pypdf import PdfReader

    assert content.startswith(b"%PDF-"), content[:200]
    reader = PdfReader(io.BytesIO(content))
    return "".join((page.extract_text() or "") for page in reader.pages).replace("\n", "").replace(" ", "")

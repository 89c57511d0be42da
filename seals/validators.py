"""Upload checks: the content decides the type, not the file name (PDF, OFD, DOCX, images), and a size limit."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

ALLOWED_LABEL = "PDF、OFD、DOCX 或图片（JPG/PNG）"
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str


def max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_MB", 20)) * 1024 * 1024


def _zip_names(head: bytes, upload: UploadedFile) -> set[str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            return set(archive.namelist())
    except zipfile.BadZipFile:
        return set()
    finally:
        upload.seek(0)


def check_upload(upload: UploadedFile) -> Checked:
    """Return the real type of ``upload`` or raise ValidationError with a message in Chinese."""
    name = upload.name or "文件"
    if upload.size is None or upload.size == 0:
        raise ValidationError(f"“{name}”是空文件。")
    if upload.size > max_bytes():
        raise ValidationError(f"“{name}”超过大小限制（最大 {max_bytes() // (1024 * 1024)} MB）。")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return Checked("application/pdf", "pdf")
    kind = filetype.guess(head)
    if kind is not None and kind.mime in IMAGE_TYPES:
        return Checked(kind.mime, IMAGE_TYPES[kind.mime])
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(head, upload)
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return Checked("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
        if "OFD.xml" in names:
            return Checked("application/ofd", "ofd")
    raise ValidationError(f"“{name}”的文件类型不受支持，只能上传{ALLOWED_LABEL}。")

"""Upload checks shared by every chapter: the content decides the type, never the file name.

A chapter names the types it accepts (keys of :data:`FILE_TYPES`: ``pdf``, ``ofd``, ``docx``, ``jpg``, ``png``) in
its flow's :class:`~haimen_gov.workflow.flows.Attachments`; :func:`check_upload` reads the first bytes (and, for the
zip-based OFD and DOCX, the archive's directory) and returns the detected type, whose extension the stored file takes.
Bounds (issue 9): ``UPLOAD_MAX_MB`` per file; a zip archive whose parts would inflate past
:func:`max_inflated_bytes`, or with more than :data:`ZIP_MAX_ENTRIES` parts, is refused (a zip bomb); an over-long or
odd client file name is cleaned and shortened (:func:`clean_name`), never refused.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile


@dataclass(frozen=True)
class FileType:
    key: str  # also the stored file's extension
    content_type: str
    label: str
    image: bool = False


FILE_TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("pdf", "application/pdf", "PDF"),
        FileType("ofd", "application/ofd", "OFD"),
        FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
        FileType("jpg", "image/jpeg", "JPG", image=True),
        FileType("png", "image/png", "PNG", image=True),
    )
}
DOCUMENT_TYPES: tuple[str, ...] = ("pdf", "ofd", "docx", "jpg", "png")

#: Longest original file name kept (the column is 200 characters; the extension is kept when shortening).
NAME_MAX = 200
ZIP_MAX_ENTRIES = 2000
# A real DOCX or OFD compresses its XML about 5-10:1; 100:1 in one part is not a document.
ZIP_MAX_RATIO = 100


@dataclass(frozen=True)
class Checked:
    """What :func:`check_upload` found: the detected type and the cleaned client name."""

    content_type: str
    extension: str
    name: str


def max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_MB", 20)) * 1024 * 1024


def max_inflated_bytes() -> int:
    """How large a zip-based document (DOCX, OFD) may grow when unpacked: five times the upload limit."""
    return 5 * max_bytes()


def types_label(allowed: Iterable[str] = DOCUMENT_TYPES) -> str:
    """ "PDF、OFD、DOCX 或图片（JPG/PNG）": the allowed types as the messages and help texts name them."""
    kinds = [FILE_TYPES[key] for key in allowed]
    documents = "、".join(t.label for t in kinds if not t.image)
    images = "/".join(t.label for t in kinds if t.image)
    image_label = f"图片（{images}）" if images else ""
    if documents and image_label:
        return f"{documents} 或{image_label}"
    return documents or image_label


def accept_attribute(allowed: Iterable[str] = DOCUMENT_TYPES) -> str:
    """The file input's ``accept`` (a hint for the browser's picker; the content is checked regardless)."""
    extensions = [f".{key}" for key in allowed]
    if "jpg" in allowed:
        extensions.append(".jpeg")
    return ",".join(extensions)


def clean_name(name: str | None) -> str:
    """The client's file name as shown and offered on download: no directories, no control characters, at most
    :data:`NAME_MAX` characters (the end, with its extension, is kept when shortening)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip() or "文件"
    if len(base) <= NAME_MAX:
        return base
    stem, dot, ext = base.rpartition(".")
    if not dot or len(ext) > 10:
        return base[: NAME_MAX - 1] + "…"
    return stem[: NAME_MAX - len(ext) - 2] + "…." + ext


def _zip_kind(upload: UploadedFile, name: str) -> str | None:
    """``docx``, ``ofd`` or None for a zip archive; refuses an archive that would inflate past the limit."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:  # reads the central directory only
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    total = sum(info.file_size for info in infos)
    too_dense = any(info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1024) for info in infos)
    if len(infos) > ZIP_MAX_ENTRIES or total > max_inflated_bytes() or too_dense:
        raise ValidationError(f"“{name}”解压后过大，疑似压缩炸弹，已拒绝。")
    names = {info.filename for info in infos}
    is_docx = "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)
    # OFD (GB/T 33190): OFD.xml at the archive's root is the entry point.
    is_ofd = "OFD.xml" in names
    if is_docx and not is_ofd:
        return "docx"
    if is_ofd and not is_docx:
        return "ofd"
    return None


def check_upload(upload: UploadedFile, *, allowed: Iterable[str] = DOCUMENT_TYPES) -> Checked:
    """Return the real type of ``upload`` (one of ``allowed``) or raise ValidationError with a Chinese message."""
    allowed = tuple(allowed)
    name = clean_name(upload.name)
    if upload.size is None or upload.size == 0:
        raise ValidationError(f"“{name}”是空文件。")
    if upload.size > max_bytes():
        raise ValidationError(f"“{name}”超过大小限制（最大 {max_bytes() // (1024 * 1024)} MB）。")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    key: str | None = None
    if head.startswith(b"%PDF-"):
        key = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        key = _zip_kind(upload, name)
    else:
        kind = filetype.guess(head)
        key = {"image/jpeg": "jpg", "image/png": "png"}.get(kind.mime) if kind is not None else None
    if key is None or key not in allowed:
        raise ValidationError(f"“{name}”的文件类型不受支持，只能上传{types_label(allowed)}。")
    return Checked(FILE_TYPES[key].content_type, key, name)

"""The engine's upload checks (issue 9, item 9): the detected type decides, zip bombs are refused, OFD and DOCX are
told apart, over-long names are shortened; the CSV exporter neutralises formulas (item 5)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from haimen_gov.workflow import uploads
from haimen_gov.workflow.lists import csv_cell
from haimen_gov.workflow.uploads import NAME_MAX, check_upload, clean_name, types_label
from tests.seals.helpers import PDF_BYTES, docx_bytes, ofd_bytes, zip_bytes

WORD = {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def zeros_docx(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * size)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "key"),
    [
        pytest.param(PDF_BYTES, "pdf", id="pdf"),
        pytest.param(docx_bytes(), "docx", id="docx"),
        pytest.param(ofd_bytes(), "ofd", id="ofd"),
        pytest.param(zip_bytes({"OFD.xml": "<ofd:OFD/>", "Doc_0/word/x.xml": "<x/>"}), "ofd", id="ofd-with-word-dir"),
    ],
)
def test_the_content_decides_the_type_and_the_extension(content, key):
    checked = check_upload(upload("随便什么名字.exe", content))
    assert (checked.extension, checked.content_type) == (key, uploads.FILE_TYPES[key].content_type)


@pytest.mark.parametrize(
    "members",
    [
        pytest.param({**WORD, "OFD.xml": "<ofd:OFD/>"}, id="both-docx-and-ofd"),
        pytest.param({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}, id="xlsx-not-docx"),
        pytest.param({"word/document.xml": "<w:document/>"}, id="word-without-content-types"),
        pytest.param({"Doc_0/OFD.xml": "<ofd:OFD/>"}, id="ofd-xml-not-at-the-root"),
    ],
)
def test_zip_archives_that_are_neither_or_both_are_refused(members):
    with pytest.raises(ValidationError, match="文件类型不受支持"):
        check_upload(upload("文件.docx", zip_bytes(members)))


def test_a_docx_that_inflates_far_beyond_its_size_is_refused():
    bomb = zeros_docx(4 * 1024 * 1024)  # 4 MB of zeros: a few kB on the wire
    assert len(bomb) < 50 * 1024
    with pytest.raises(ValidationError, match="解压后过大"):
        check_upload(upload("炸弹.docx", bomb))


def test_a_docx_whose_parts_add_up_past_the_limit_is_refused(settings, monkeypatch):
    settings.UPLOAD_MAX_MB = 1
    monkeypatch.setattr(uploads, "ZIP_MAX_RATIO", 10**9)  # only the total counts here
    with pytest.raises(ValidationError, match="解压后过大"):
        check_upload(upload("大文件.docx", zeros_docx(6 * 1024 * 1024)))
    assert check_upload(upload("正常.docx", zeros_docx(4 * 1024 * 1024))).extension == "docx"


def test_a_type_the_app_does_not_allow_is_refused_with_the_apps_list():
    with pytest.raises(ValidationError, match="只能上传PDF 或图片（PNG）。"):
        check_upload(upload("请示.docx", docx_bytes()), allowed=("pdf", "png"))
    assert types_label(("pdf", "ofd", "docx", "jpg", "png")) == "PDF、OFD、DOCX 或图片（JPG/PNG）"


def test_names_are_cleaned_and_shortened_keeping_the_extension():
    long = "关于" + "很长" * 200 + "的请示.pdf"
    short = clean_name(long)
    assert len(short) == NAME_MAX and short.endswith("….pdf") and short.startswith("关于很长")
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\张三\\请示.pdf") == "请示.pdf"
    assert clean_name("请\x00示\n.pdf") == "请示.pdf"
    assert clean_name("") == "文件"
    assert len(clean_name("x" * 500)) == NAME_MAX


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+86 513", "'+86 513"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("用印〔2026〕3号", "用印〔2026〕3号"),
        (-3, "-3"),
        (3, "3"),
        (None, ""),
        (True, "是"),
        (dt.date(2026, 3, 2), "2026-03-02"),
    ],
)
def test_csv_cells_never_start_a_formula(value, written):
    assert csv_cell(value) == written

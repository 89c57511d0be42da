"""The issued document as GB/T 9704 PDF: pdftotext shows the red head, the number with 〔〕, the 签发人 of a 上行文,
the title, body headings, 版记 and the page number "— 1 —". A page image goes to test-artifacts/ to look at."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from documents import actions
from documents.models import Category, OutgoingDocument

from .helpers import draft, fresh

pytestmark = pytest.mark.django_db


def issued_to_city(org) -> OutgoingDocument:  # type: ignore[no-untyped-def]
    doc = draft(
        org.dept1_clerk,
        Category.TO_CITY,
        title="海门区人民政府关于申请2027年度重大项目用地计划指标的请示",
        recipients="南通市人民政府",
        cc="市自然资源和规划局",
        attachment_names="2027年度重大项目清单\n用地指标测算表",
        note="（联系人：顾佳怡，电话：0513-82210000）",
    )
    for user in (org.deputy1, org.vice1, org.director):
        doc = actions.outgoing_approve(doc.pk, actor=user)
    doc = actions.outgoing_sign(doc.pk, actor=org.head)
    actions.outgoing_issue(doc.pk, actor=org.office_clerk)
    return fresh(doc)


def pdftotext(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_issued_document_pdf_follows_gbt_9704(org, client_for, tmp_path):
    doc = issued_to_city(org)
    response = client_for(org.office_clerk).get(f"/documents/outgoing/{doc.pk}/document.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content, tmp_path)
    compact = text.replace(" ", "")
    year = timezone.localdate().year
    assert "海门区人民政府文件" in compact
    assert f"海政发〔{year}〕1号" in compact
    assert "签发人：" in compact and org.head.display_name in compact  # 上行文
    assert "用地计划指标的请示" in compact
    assert "南通市人民政府：" in compact
    assert "一、总体要求" in compact and "（一）工作目标" in compact
    assert "附件：" in compact and "用地指标测算表" in compact
    assert "抄送：市自然资源和规划局。" in compact
    assert "海门区人民政府办公室" in compact and "印发" in compact
    assert "—1—" in compact and "—2—" in compact  # page numbers, one per page (pdftotext drops the thin spaces)
    out = Path(os.environ.get("TEST_ARTIFACTS_DIR", tmp_path)) / "documents-official-page1"
    (tmp_path / "doc.pdf").write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "doc.pdf"), str(out)], check=True
    )


def test_a_document_not_upward_prints_no_signer_and_units_it_was_sent_to_can_read_it(org, client_for, tmp_path):
    doc = draft(org.dept1_clerk, Category.DECISION, title="海门区人民政府关于表彰2026年度先进集体的决定")
    for user in (org.deputy1, org.director):
        doc = actions.outgoing_approve(doc.pk, actor=user)
    actions.outgoing_sign(doc.pk, actor=org.head)
    actions.outgoing_issue(doc.pk, actor=org.office_clerk)
    # dept2 had nothing to do with it: no PDF until it is distributed there.
    assert client_for(org.dept2_clerk).get(f"/documents/outgoing/{doc.pk}/document.pdf").status_code == 404
    actions.outgoing_distribute(doc.pk, actor=org.office_clerk, units=[org.units.dept2])
    response = client_for(org.dept2_clerk).get(f"/documents/outgoing/{doc.pk}/document.pdf")
    assert response.status_code == 200
    assert "签发人" not in pdftotext(response.content, tmp_path).replace(" ", "")

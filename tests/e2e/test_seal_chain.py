"""A government-seal request from application to the ledger, clicked through in headless Chromium:

顾佳怡 (dept1_clerk) logs in and applies with a PDF → 李卫东 (vice1) approves with a comment from the inbox →
陈志明 (head) approves → 胡静 (custodian) registers the use from the 待用印登记 queue with a scan → the row is in
the ledger.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from seals.models import AttachmentKind, SealRequest, State
from tests.seals.helpers import PDF_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "关于申报2026年省级重点项目的请示"


def approve_from_inbox(page, live_server, comment: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/inbox/")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    form = page.locator("form:has(button[data-verb='approve'])")
    form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[data-verb='approve']").click()
    expect(page.locator(".alert-success")).to_contain_text("已办理")


def test_a_government_seal_request_from_application_to_ledger(live_server, login, seals, org, screenshot, tmp_path):
    draft = tmp_path / "请示（定稿）.pdf"
    draft.write_bytes(PDF_BYTES)
    scan = tmp_path / "用印后扫描件.pdf"
    scan.write_bytes(PDF_BYTES)

    # --- the applicant
    clerk = login("dept1_clerk", shot=lambda page: screenshot(page, "01-login"))
    expect(clerk.locator("nav")).to_contain_text("顾佳怡")
    clerk.locator("nav").get_by_text("印鉴管理").click()
    clerk.get_by_role("link", name="用印申请", exact=True).click()
    expect(clerk.locator("h1")).to_have_text("用印申请")
    clerk.select_option("#id_seal", label="海门区人民政府印鉴")
    clerk.fill("#id_document_title", TITLE)
    clerk.fill("#id_purpose", "报送江苏省发展和改革委员会")
    clerk.fill("#id_copies", "3")
    expect(clerk.locator("#id_offsite_place")).to_be_hidden()
    clerk.set_input_files("#id_files", str(draft))
    screenshot(clerk, "02-apply-form")
    clerk.get_by_role("button", name="提交审批").click()

    expect(clerk.locator("#item-state")).to_have_text("待审核")
    expect(clerk.locator("#seal-detail")).to_contain_text("请示（定稿）.pdf")
    request = SealRequest.objects.get()
    assert request.submitter == org.dept1_clerk

    # --- the vice head in charge of the unit
    vice = login("vice1")
    vice.goto(f"{live_server.url}/inbox/")
    expect(vice.locator("#inbox-table")).to_contain_text(TITLE)
    expect(vice.locator("#inbox-table")).to_contain_text("分管领导审核")
    screenshot(vice, "03-inbox")
    approve_from_inbox(vice, live_server, "同意，请陈区长审签。")
    expect(vice.locator("#item-state")).to_have_text("待审签")

    # --- the head
    head = login("head")
    approve_from_inbox(head, live_server, "同意用印。")
    expect(head.locator("#item-state")).to_have_text("待用印登记")

    # --- the custodian
    custodian = login("custodian")
    custodian.locator("nav").get_by_text("印鉴管理").click()
    custodian.get_by_role("link", name="待用印登记", exact=True).click()
    expect(custodian.locator("#stamp-queue")).to_contain_text(TITLE)
    screenshot(custodian, "04-stamp-queue")
    custodian.locator("#stamp-queue").get_by_role("link", name="登记用印").click()
    custodian.fill("#id_stamped_copies", "3")
    custodian.set_input_files("#id_scans", str(scan))
    expect(custodian.locator("#actions")).to_contain_text("用印登记")
    screenshot(custodian, "05-register-form")
    custodian.locator("button[data-verb='register']").click()

    expect(custodian.locator("#item-state")).to_have_text("已用印归档")
    request.refresh_from_db()
    assert request.state == State.ARCHIVED
    assert request.stamped_copies == 3
    assert request.attachments.filter(role=AttachmentKind.SCAN, original_name="用印后扫描件.pdf").exists()
    detail = custodian.locator("#seal-detail")
    expect(detail).to_contain_text(request.archive_number)
    expect(detail).to_contain_text("用印后扫描件.pdf")
    history = custodian.locator("#history")
    expect(history).to_contain_text("同意，请陈区长审签。")
    expect(history).to_contain_text("登记用印并归档")
    expect(custodian.locator("#timeline")).to_contain_text("已用印归档")

    # --- the applicant sees the result on the item page and in the ledger
    clerk.goto(f"{live_server.url}/items/{request.pk}/")
    expect(clerk.locator("#item-state")).to_have_text("已用印归档")
    screenshot(clerk, "06-item-timeline")
    clerk.goto(f"{live_server.url}/seals/ledger/")
    row = clerk.locator("#ledger tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(request.archive_number)
    expect(row).to_contain_text("已用印归档")
    screenshot(clerk, "07-ledger")


def test_a_wrong_file_type_is_refused_on_the_apply_page(live_server, login, seals, screenshot, tmp_path):
    fake = tmp_path / "请示.pdf"
    fake.write_text("这不是PDF，只是改了扩展名的文本。", encoding="utf-8")
    clerk = login("dept1_clerk")
    clerk.goto(f"{live_server.url}/seals/apply/")
    clerk.select_option("#id_seal", label="海门区人民政府办公室印鉴")
    clerk.fill("#id_document_title", "测试文件")
    clerk.fill("#id_purpose", "测试")
    clerk.set_input_files("#id_files", str(fake))
    clerk.get_by_role("button", name="提交审批").click()
    expect(clerk.locator("#seal-apply-form")).to_contain_text("“请示.pdf”的文件类型不受支持")
    screenshot(clerk, "08-apply-wrong-type")
    assert not SealRequest.objects.exists()

"""Issue 10 in a real browser: a draft saved without files, a file added and removed before submitting, the ledger
opening on finished uses — at a desk's width and a phone's, with screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from seals.models import SealRequest, State
from tests.seals.helpers import PDF_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)], ids=["desk", "phone"])
def test_a_draft_without_files_then_a_file_removed_before_submitting(
    live_server, login, seals, org, screenshot, tmp_path, width, height
):
    old = tmp_path / "旧稿.pdf"
    old.write_bytes(PDF_BYTES)
    final = tmp_path / "定稿.pdf"
    final.write_bytes(PDF_BYTES)
    clerk = login("dept1_clerk")
    clerk.set_viewport_size({"width": width, "height": height})

    clerk.goto(f"{live_server.url}/seals/apply/")
    clerk.select_option("#id_seal", str(seals.gov.pk))
    clerk.fill("#id_document_title", "关于防汛物资调拨的函")
    clerk.fill("#id_purpose", "报送市防汛办")
    clerk.locator("button[value=draft]").click()
    expect(clerk.locator(".alert-success")).to_contain_text("已保存草稿")
    request = SealRequest.objects.get()
    assert request.state == State.DRAFT and not request.attachments.exists()

    clerk.goto(f"{live_server.url}/seals/requests/{request.pk}/edit/")
    clerk.set_input_files("#id_files", [str(old), str(final)])
    clerk.locator("button[value=draft]").click()
    clerk.goto(f"{live_server.url}/seals/requests/{request.pk}/edit/")
    expect(clerk.locator("#uploaded")).to_contain_text("旧稿.pdf")
    screenshot(clerk, f"drafts-edit-with-files-{width}")
    old_row = request.attachments.get(original_name="旧稿.pdf")
    clerk.locator(f"button[data-remove-attachment='{old_row.pk}']").click()
    expect(clerk.locator(".alert-success")).to_contain_text("已删除附件")
    expect(clerk.locator("#uploaded")).not_to_contain_text("旧稿.pdf")
    expect(clerk.locator("#uploaded")).to_contain_text("定稿.pdf")
    clerk.locator("button[value=submit]").click()
    expect(clerk.locator("#item-state")).to_have_text("待审核")
    screenshot(clerk, f"drafts-submitted-{width}")

    clerk.goto(f"{live_server.url}/seals/ledger/")
    expect(clerk.locator("#id_state")).to_have_value("archived")
    expect(clerk.locator("#ledger")).to_contain_text("没有符合条件的用印记录")
    clerk.select_option("#id_state", "")
    expect(clerk.locator("#ledger")).to_contain_text("关于防汛物资调拨的函")
    screenshot(clerk, f"ledger-every-state-{width}")

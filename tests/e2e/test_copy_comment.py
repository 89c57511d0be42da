"""传阅 and 阅示 in real Chromium at a desk's width and a phone's: the director shares a memo, the recipient reads it
and comments; the recipient's page offers no 传阅 form (recipients do not pass it on)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from haimen_gov.workflow import actions
from tests.workflow.helpers import history, submitted_memo
from tests.workflow_app.models import Memo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1440, 390])
def test_a_recipient_reads_and_comments(live_server, login, org, screenshot, width):
    memo = submitted_memo(org)
    actions.item_copy(Memo, memo.pk, actor=org.director, users=[org.vice2], note="请阅知")

    page = login("vice2")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/items/{memo.pk}/")
    expect(page.locator(f"form[action='/items/{memo.pk}/copy/']")).to_have_count(0)
    form = page.locator(f"form[action='/items/{memo.pk}/copy-comment/']")
    form.locator("textarea[name=comment]").fill("已阅，同意办公室意见。")
    screenshot(page, f"copy-comment-{width}")
    form.locator("button").click()

    expect(page.locator(".alert-success")).to_contain_text("已阅示")
    assert history(memo)[-1].comment == "已阅，同意办公室意见。"

"""Everyday pages at a desk (1440×900) and on a phone (390×844), in headless Chromium: the queues, the ledger and the
item page. On the phone every list is a stack of cards (no table wider than the screen), the item page shows its
action panel first; at the desk the lists stay tables. Screenshots of each go to TEST_ARTIFACTS_DIR/e2e/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from seals.models import State
from tests.seals.helpers import advance, apply

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG = "关于申报2026年度省级现代服务业集聚区专项引导资金项目并请求区政府出具推荐意见的请示"
WIDTHS = {"desk": (1440, 900), "phone": (390, 844)}


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    """Nothing on the page is wider than the viewport (no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", ["desk", "phone"])
def test_queues_ledger_and_item_page_at_a_desk_and_on_a_phone(live_server, login, seals, org, screenshot, width):
    review = apply(org.dept1_clerk, seals.gov, document_title=LONG)
    approval = advance(
        apply(org.dept1_clerk, seals.gov, document_title="关于召开全区安全生产工作会议的通知"), State.APPROVAL
    )
    stamping = advance(apply(org.dept1_clerk, seals.office, document_title="关于报送年度工作总结的函"), State.STAMPING)
    viewport = WIDTHS[width]
    phone = width == "phone"

    vice = login("vice1", viewport=viewport)
    vice.goto(f"{live_server.url}/inbox/")
    table = vice.locator("#inbox-table")
    expect(table).to_contain_text(LONG[:20])
    expect(table).to_contain_text("剩余")
    if phone:
        expect(table.locator("thead")).to_be_hidden()
        assert vice.evaluate("getComputedStyle(document.querySelector('#inbox-table tbody tr')).display") == "flex"
    else:
        expect(table.locator("thead")).to_be_visible()
    assert fits(vice), "the inbox is wider than the screen"
    screenshot(vice, f"everyday-{width}-01-inbox")

    vice.goto(f"{live_server.url}/items/{review.pk}/")
    expect(vice.locator("#actions")).to_be_visible()
    actions_y = vice.locator("#actions").bounding_box()["y"]
    facts_y = vice.locator("#facts").bounding_box()["y"]
    history_y = vice.locator("#history-card").bounding_box()["y"]
    if phone:
        assert actions_y < facts_y < history_y, "on a phone: actions, then facts, then history"
        expect(vice.locator(".action-bar")).to_be_visible()
    else:
        assert facts_y < history_y and actions_y < history_y
        expect(vice.locator(".action-bar")).to_be_hidden()
    assert fits(vice), "the item page is wider than the screen"
    screenshot(vice, f"everyday-{width}-02-item-actions")

    clerk = login("dept1_clerk", viewport=viewport)
    clerk.goto(f"{live_server.url}/items/{approval.pk}/")
    expect(clerk.locator("#timeline")).to_contain_text("区长 陈志明")  # who holds the waiting post
    expect(clerk.locator("#history")).to_contain_text("同意。")
    assert fits(clerk), "the item's history is wider than the screen"
    screenshot(clerk, f"everyday-{width}-03-item-history")
    # The ledger opens on finished uses; 全部状态 (an empty state) lists the ones still in progress too.
    for path, name in (("/seals/mine/", "04-seals-mine"), ("/seals/ledger/?state=", "05-ledger")):
        clerk.goto(f"{live_server.url}{path}")
        expect(clerk.locator("main")).to_contain_text("关于召开全区安全生产工作会议的通知")
        expect(clerk.locator("main .badge.tone-pending").first).to_be_visible()
        assert fits(clerk), f"{path} is wider than the screen"
        screenshot(clerk, f"everyday-{width}-{name}")
    expect(clerk.locator("nav")).not_to_contain_text("待用印登记")

    custodian = login("custodian", viewport=viewport)
    custodian.goto(f"{live_server.url}/seals/stamp-queue/")
    expect(custodian.locator("#stamp-queue")).to_contain_text("关于报送年度工作总结的函")
    assert fits(custodian), "the stamp queue is wider than the screen"
    screenshot(custodian, f"everyday-{width}-06-stamp-queue")
    assert stamping.pk

    custodian.goto(f"{live_server.url}/no-such-page/")
    expect(custodian.locator("h1")).to_have_text("页面不存在")
    screenshot(custodian, f"everyday-{width}-07-not-found")

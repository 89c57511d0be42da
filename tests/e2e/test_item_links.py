"""The item page's number and 关联事项 panel in headless Chromium, at a phone's width and a desk's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from haimen_gov.workflow import actions
from haimen_gov.workflow.models import LinkKind
from tests.workflow.helpers import create_memo, memo_at
from tests.workflow_app.models import MemoState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [390, 1440])
def test_the_item_page_shows_its_number_and_its_links(live_server, login, org, screenshot, width):
    issued = memo_at(org, MemoState.ISSUED, title="区政府常务会议纪要")
    follow_up = create_memo(org, title="督查事项：落实常务会议决定")
    actions.item_link(issued, follow_up, kind=LinkKind.SOURCE, actor=org.director)

    page = login("dept1_clerk")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/items/{issued.pk}/")
    expect(page.locator("#item-number")).to_have_text(issued.__class__.objects.get(pk=issued.pk).number)
    panel = page.locator("#item-links")
    expect(panel).to_contain_text("派生事项")
    expect(panel).to_contain_text("督查事项：落实常务会议决定")
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"item-links-{width}")
    panel.get_by_role("link").click()
    expect(page.locator("#item-links")).to_contain_text("来源事项")

"""The dashboard in real Chromium: the charts drawn by static/js/dashboard.js from the JSON islands, at a desk's and a
phone's width; screenshots in test-artifacts/e2e/."""

from __future__ import annotations

import pytest
import time_machine

from tests.dashboard.dataset import NOW, build_data

# The live server's data really commits and is flushed after each test: serialized_rollback restores what the
# migrations wrote (the seal's number series the custodian's registration numbers from).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_directors_dashboard_at_desk_and_phone_width(live_server, login, org, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        build_data(org)
    page = login("director")
    page.click("#nav-dashboard")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    page.set_viewport_size({"width": 1440, "height": 900})
    # Every chart drawn (ECharts renders an <svg> into its element), none left empty.
    page.wait_for_function(
        "document.querySelectorAll('.dash-chart svg').length === document.querySelectorAll('.dash-chart').length"
    )
    assert page.locator(".dash-chart").count() >= 6
    assert "用印申请" in page.locator("#panel-work").inner_text()
    screenshot(page, "dashboard-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)  # the charts redraw after a resize
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px)"
    screenshot(page, "dashboard-390")
    # A bar opens the list behind it, as the table's links do.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator("#panel-ageing a.dash-kpi").nth(4).click()
    page.wait_for_url("**/dashboard/tasks/?due=late10plus")
    screenshot(page, "dashboard-tasks-1440")


def test_a_vice_heads_view_on_a_phone(live_server, login, org, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        build_data(org)
    page = login("vice1")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_function(
        "document.querySelectorAll('.dash-chart svg').length === document.querySelectorAll('.dash-chart').length"
    )
    assert "分管工作视图" in page.content()
    screenshot(page, "dashboard-vice-390")
    page.goto(f"{live_server.url}/dashboard/tasks/?due=overdue")
    screenshot(page, "dashboard-tasks-390")

"""The meetings calendar and a meeting page in headless Chromium at a desk's width (1440 px) and a phone's (390 px):
screenshots go to test-artifacts/e2e/ (TEST_ARTIFACTS_DIR)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import actions
from meetings.models import MeetingKind, MeetingMode
from tests.meetings.helpers import propose

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desk": (1440, 900), "phone": (390, 844)}


def _weekday_ahead(days: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _logged_in(browser, live_server, username: str, password: str, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


@pytest.mark.parametrize("width", ["desk", "phone"])
def test_calendar_and_meeting_page(width, browser, live_server, org, screenshot):  # type: ignore[no-untyped-def]
    day = _weekday_ahead(10)
    meeting = actions.meeting_create(
        actor=org.office_clerk,
        kind=MeetingKind.EXECUTIVE,
        title="区政府第23次常务会议",
        date=day,
        start_time=dt.time(9),
        end_time=dt.time(11, 30),
        place="行政中心1号会议室",
        mode=MeetingMode.HYBRID,
        invited=["区人大常委会副主任 顾建国"],
    )
    propose(org, meeting)
    w, h = WIDTHS[width]
    context, page = _logged_in(browser, live_server, "finance", org.password, (w, h))
    try:
        page.goto(f"{live_server.url}/meetings/?date={day:%Y-%m-%d}")
        if width == "desk":
            expect(page.locator("#calendar-grid")).to_contain_text("区政府第23次常务会议")
            expect(page.locator("#calendar-list")).to_be_hidden()
        else:
            expect(page.locator("#calendar-list")).to_contain_text("区政府第23次常务会议")
            expect(page.locator("#calendar-grid")).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= w
        screenshot(page, f"meetings-calendar-{w}")
        page.goto(f"{live_server.url}/meetings/?view=week&date={day:%Y-%m-%d}")
        screenshot(page, f"meetings-week-{w}")
        page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
        expect(page.locator("#meeting-chair")).to_contain_text("陈志明（区长）")
        expect(page.locator("#agenda")).to_contain_text("关于海门港新区综合交通规划的议题")
        expect(page.locator("#attendees")).to_contain_text("区人大常委会副主任 顾建国")
        expect(page.locator("#meeting-cutoff")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= w
        if width == "phone":
            # The seat's own actions come first on a phone.
            seat_top = page.locator("#my-seat").bounding_box()["y"]  # type: ignore[index]
            assert seat_top < page.locator("#meeting-detail").bounding_box()["y"]  # type: ignore[index]
        screenshot(page, f"meetings-meeting-{w}")
        page.locator("#my-seat button", has_text="确认参会").click()
        expect(page.locator("#my-seat")).to_contain_text("确认参会")
        for username, path, name, marker in (
            ("office_clerk", "/meetings/board/", "board", "#board"),
            ("dept1_clerk", "/meetings/topics/new/", "propose", "#cutoffs"),
        ):
            other, page = _logged_in(browser, live_server, username, org.password, (w, h))
            try:
                page.goto(f"{live_server.url}{path}")
                expect(page.locator(marker)).to_contain_text("区政府第23次常务会议")
                assert page.evaluate("document.documentElement.scrollWidth") <= w
                screenshot(page, f"meetings-{name}-{w}")
            finally:
                other.close()
    finally:
        context.close()

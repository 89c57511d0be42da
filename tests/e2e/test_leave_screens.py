"""The 去向 board and the absence form in real headless Chromium, at a desk's width (1440 px) and a phone's (390 px):
screenshots go to ``$TEST_ARTIFACTS_DIR/e2e/`` and the layout is checked — no sideways scrolling on the phone, and the
board's rows become cards there (no table header) while the desk shows the table."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from leave import actions
from leave.models import AbsenceKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desk": (1440, 900), "phone": (390, 844)}


def artifacts() -> Path:
    base = Path(os.environ.get("TEST_ARTIFACTS_DIR") or Path(__file__).resolve().parents[2] / "test-artifacts")
    path = base / "e2e"
    path.mkdir(parents=True, exist_ok=True)
    return path


def logged_in(browser, live_server, org, username: str, width: int, height: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", org.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def no_sideways_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def away_this_week(org) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    vice = actions.absence_create(
        actor=org.vice1,
        leader_post=org.posts.vice1,
        category=AbsenceKind.STUDY,
        start=today,
        end=today + dt.timedelta(days=2),
        destination="江苏省委党校（南京）",
        reason="县处级干部专题培训班",
        contact="13900000001",
        acting=org.vice2,
    )
    actions.absence_approve(vice.pk, actor=org.head, comment="同意。")
    actions.absence_create(
        actor=org.office_clerk,
        leader_post=org.posts.dept1_head,
        category=AbsenceKind.TRIP,
        start=today - dt.timedelta(days=1),
        end=today + dt.timedelta(days=1),
        destination="上海市浦东新区",
        reason="招商推介会",
        contact="13900000002",
        acting=None,
    )


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_the_board_at_desk_and_phone_width(browser, live_server, org, size):
    away_this_week(org)
    width, height = WIDTHS[size]
    context, page = logged_in(browser, live_server, org, "director", width, height)
    try:
        page.goto(f"{live_server.url}/leave/board/")
        expect(page.locator("h1")).to_have_text("领导去向")
        today = page.locator("#board-today")
        expect(today).to_contain_text("江苏省委党校")
        expect(today).to_contain_text("受副区长委托")
        expect(today).to_contain_text("补报")
        header = page.locator("#board-today thead")
        if size == "phone":
            expect(header).to_be_hidden()
        else:
            expect(header).to_be_visible()
        assert no_sideways_scroll(page)
        page.screenshot(path=str(artifacts() / f"leave-board-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_the_absence_form_at_desk_and_phone_width(browser, live_server, org, size):
    width, height = WIDTHS[size]
    context, page = logged_in(browser, live_server, org, "vice1", width, height)
    try:
        page.goto(f"{live_server.url}/leave/absences/new/")
        expect(page.locator("h1")).to_have_text("外出请示报备")
        page.select_option("#id_category", label="出差")
        page.fill("#id_start", (timezone.localdate() + dt.timedelta(days=3)).isoformat())
        page.fill("#id_end", (timezone.localdate() + dt.timedelta(days=4)).isoformat())
        page.fill("#id_destination", "北京市")
        page.fill("#id_reason", "参加国家部委项目对接会")
        page.fill("#id_contact", "13900000001")
        page.select_option("#id_acting", label="周晓红")
        assert no_sideways_scroll(page)
        page.screenshot(path=str(artifacts() / f"leave-absence-form-{width}.png"), full_page=True)
        page.get_by_role("button", name="报送区政府").click()
        expect(page.locator("#item-state")).to_have_text("待区长批准")
        expect(page.locator("#absence-detail")).to_contain_text("周晓红")
        page.screenshot(path=str(artifacts() / f"leave-absence-item-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_the_research_progress_at_desk_and_phone_width(browser, live_server, org, size):
    today = timezone.localdate()
    start = max(today - dt.timedelta(days=10), dt.date(today.year, 1, 1))
    actions.research_trip_create(
        actor=org.director, leader=org.vice1, start=start, end=start, places="三厂街道", topic="老旧小区改造"
    )
    width, height = WIDTHS[size]
    context, page = logged_in(browser, live_server, org, "director", width, height)
    try:
        page.goto(f"{live_server.url}/leave/research/progress/")
        expect(page.locator("#research-progress")).to_contain_text("李卫东")
        expect(page.locator("#research-progress")).to_contain_text("1 / 30 天")
        assert no_sideways_scroll(page)
        page.screenshot(path=str(artifacts() / f"leave-research-progress-{width}.png"), full_page=True)
    finally:
        context.close()

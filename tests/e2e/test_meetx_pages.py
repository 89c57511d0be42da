"""The request for a 全区性会议 (第二十一条), a topic proposed with its materials (第十六条) and the meetings' dashboard
panel (第二十三条) in headless Chromium at 1440 px and 390 px; screenshots go to test-artifacts/e2e/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import DistrictMeeting, MeetingKind, MeetingMode, Topic
from tests.meetings.helpers import meeting, propose
from tests.seals.helpers import PDF_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desk": (1440, 900), "phone": (390, 844)}


def _weekday_ahead(days: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _weekday_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


@pytest.mark.parametrize("width", ["desk", "phone"])
def test_request_a_district_meeting_with_a_reason_to_summon_the_towns(width, live_server, login, org, screenshot):
    w, h = WIDTHS[width]
    page = login("dept1_clerk", viewport=(w, h))
    page.goto(f"{live_server.url}/meetings/district-meetings/new/")
    expect(page.locator("#form-warning")).to_contain_text("原则上不得要求各区镇（街道）主要负责同志参加")
    page.fill("#id_title", "全区安全生产工作会议")
    page.fill("#id_date", _weekday_ahead(14).isoformat())
    page.fill("#id_start_time", "09:00")
    page.fill("#id_end_time", "10:30")
    page.fill("#id_place", "区政府视频会议室")
    page.fill("#id_scale", "200")
    page.select_option("#id_convener", value=str(org.posts.vice1.pk))
    page.check("#id_basis_1")
    page.check("#id_summons_town_principals")
    page.click("#form-submit")
    # Refused without a reason: the rule, in Chinese, on the field.
    expect(page.locator("main")).to_contain_text("确需参加的，请填写理由")
    assert page.evaluate("document.documentElement.scrollWidth") <= w
    screenshot(page, f"meetx-district-form-{w}")
    page.fill("#id_summons_reason", "部署防汛防台，须各区镇主要负责同志到会领受任务")
    page.click("#form-submit")
    expect(page.locator("#district-meeting-detail")).to_be_visible()
    expect(page.locator("#summons-warning")).to_contain_text("部署防汛防台")
    assert page.evaluate("document.documentElement.scrollWidth") <= w
    screenshot(page, f"meetx-district-item-{w}")
    assert DistrictMeeting.objects.get().state == "vice_review"


@pytest.mark.parametrize("width", ["desk", "phone"])
def test_propose_a_topic_with_its_materials(width, live_server, login, org, screenshot, tmp_path):
    w, h = WIDTHS[width]
    target = meeting(org, _weekday_ahead(20), title="区政府第24次常务会议")
    material = tmp_path / "议题申报表.pdf"
    material.write_bytes(PDF_BYTES)
    page = login("dept1_clerk", viewport=(w, h))
    page.goto(f"{live_server.url}/meetings/topics/new/")
    page.select_option("#id_meeting", value=str(target.pk))
    page.fill("#id_title", "关于城区停车设施建设的议题")
    page.fill("#id_background", "城区停车位缺口较大。")
    page.fill("#id_proposed_decision", "同意三年建设计划。")
    page.fill("#id_unit_opinion", "建议同意。")
    page.set_input_files("#id_files", str(material))
    page.click("#form-submit")
    expect(page.locator("#topic-materials")).to_contain_text("议题申报表.pdf")
    assert page.evaluate("document.documentElement.scrollWidth") <= w
    screenshot(page, f"meetx-topic-item-{w}")
    topic = Topic.objects.get(title="关于城区停车设施建设的议题")
    assert topic.attachments.count() == 1


@pytest.mark.parametrize("width", ["desk", "phone"])
def test_the_meetings_panel_on_the_directors_dashboard(width, live_server, login, org, screenshot):
    today = timezone.localdate()
    for n, (kind, mode) in enumerate(
        [
            (MeetingKind.EXECUTIVE, MeetingMode.HYBRID),
            (MeetingKind.HEAD_OFFICE, MeetingMode.ONSITE),
            (MeetingKind.EXECUTIVE, MeetingMode.VIDEO),
        ]
    ):
        day = _weekday_before(today.replace(day=1) - dt.timedelta(days=30 * n + 1))
        meeting(org, day, kind, held=True, mode=mode, title=f"（补录）会议{n}")
        meeting(org, day.replace(year=day.year - 1), kind, held=True, title=f"（补录）上年会议{n}")
    ahead = meeting(org, _weekday_ahead(20), title="区政府第24次常务会议")
    propose(org, ahead)
    w, h = WIDTHS[width]
    page = login("director", viewport=(w, h))
    page.goto(f"{live_server.url}/dashboard/")
    panel = page.locator("#panel-meetings")
    expect(panel).to_contain_text("会议情况")
    expect(panel).to_contain_text("区政府第24次常务会议")
    page.wait_for_function(
        "document.querySelectorAll('.dash-chart svg').length === document.querySelectorAll('.dash-chart').length"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= w
    panel.screenshot(path=str(screenshot(page, f"meetx-dashboard-{w}").with_name(f"meetx-panel-{w}.png")))
    # A figure leads to the 会议台账 filtered alike.
    panel.locator("a.dash-kpi").first.click()
    expect(page.locator("#meeting-list")).to_contain_text("（补录）会议0")
    expect(page.locator("#meeting-list")).not_to_contain_text("上年会议")
    screenshot(page, f"meetx-list-{w}")

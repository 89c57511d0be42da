"""From a topic to a closed supervision item, in headless Chromium: a unit proposes a topic for a 区长办公会议, it goes
through its chain and the head puts it on the agenda (上会); the meeting is held; the office drafts the minutes in
the editor (议定事项 added by htmx); the justice head and the office director review, the vice head concerned gives
an opinion, the executive vice head signs and the head signs (签发, numbered); the office turns the decision into a
supervision item, which the unit signs for (签收), reports on (反馈), applies to close (办结), and the office verifies
(回访) and closes (销号). Screenshots at 1440 and 390 px go to test-artifacts/e2e/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from meetings import actions
from meetings.models import Meeting, MeetingKind, MeetingMode, MeetingState, Topic, TopicState
from meetings.models_minutes import Minutes, MinutesState
from supervision.models import State, SupervisionItem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1440, 390)


def _weekday_ahead(days: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _act(page: Any, url: str, verb: str, comment: str = "", **fields: str) -> None:
    """Press ``verb``'s button on the item page, with its comment and its own fields."""
    page.goto(url)
    form = page.locator(f"form:has(button[data-verb={verb}])")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator(f"button[data-verb={verb}]").click()
    page.wait_for_load_state()


def _shots(page: Any, url: str, name: str, screenshot: Any) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        screenshot(page, f"{name}-{width}")


def test_topic_to_signed_minutes_to_a_closed_supervision_item(live_server, login, org, screenshot):
    Group.objects.get_or_create(name="督查人员")
    base = live_server.url
    day = _weekday_ahead(3)
    meeting = actions.meeting_create(
        actor=org.office_clerk,
        kind=MeetingKind.HEAD_OFFICE,
        title="区长办公会议（港区专题）",
        date=day,
        start_time=dt.time(15),
        end_time=dt.time(16, 30),
        place="行政中心3号会议室",
        mode=MeetingMode.ONSITE,
    )

    # 议题: the unit's clerk proposes, its head confirms, the vice head studies it, the office checks, the head decides.
    clerk = login("dept1_clerk")
    clerk.goto(f"{base}/meetings/topics/new/")
    clerk.select_option("#id_meeting", str(meeting.pk))
    clerk.fill("#id_title", "关于海门港新区疏港公路建设的议题")
    clerk.fill("#id_background", "疏港通道不足，亟需建设。")
    clerk.fill("#id_proposed_decision", "同意疏港公路年内开工。")
    clerk.fill("#id_unit_opinion", "经委务会研究，建议同意。")
    clerk.click("main form button.btn-danger[type=submit]")
    topic = Topic.objects.get(title="关于海门港新区疏港公路建设的议题")
    topic_url = f"{base}/items/{topic.pk}/"
    _act(login("dept1_head"), topic_url, "approve")
    _act(login("vice1"), topic_url, "approve", "已专题研究，同意提交区长办公会议。")
    _act(login("deputy1"), topic_url, "approve")
    _act(login("head"), topic_url, "schedule", "同意上会。", meeting=str(meeting.pk))
    assert Topic.objects.get(pk=topic.pk).state == TopicState.SCHEDULED

    # The meeting's day comes (the test cannot wait for it): the office notifies and records it held.
    office = login("office_clerk")
    office.goto(f"{base}/meetings/{meeting.pk}/")
    office.click("#office-actions button:has-text('发出会议通知')")
    Meeting.objects.filter(pk=meeting.pk).update(date=timezone.localdate())
    office.goto(f"{base}/meetings/{meeting.pk}/")
    office.click("#office-actions button:has-text('登记会议已召开')")
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.HELD

    # 纪要: the office drafts it from the meeting page, adds a decision by htmx, submits.
    office.goto(f"{base}/meetings/{meeting.pk}/")
    office.click("#meeting-minutes button:has-text('起草会议纪要')")
    minutes = Minutes.objects.get(meeting=meeting)
    office.fill("#id_text", "会议同意海门港新区疏港公路年内开工建设，由区发改委牵头推进。")
    office.select_option("#id_lead_unit", str(org.units.dept1.pk))
    office.fill("#id_deadline", f"{timezone.localdate() + dt.timedelta(days=60):%Y-%m-%d}")
    office.click("#decision-add button[type=submit]")
    expect(office.locator("#decision-rows")).to_contain_text("疏港公路年内开工建设")
    assert office.evaluate("document.querySelectorAll('#decision-rows tbody tr').length") == 1
    _shots(office, f"{base}/meetings/minutes/{minutes.pk}/edit/", "minutes-editor", screenshot)
    office.set_viewport_size({"width": 1440, "height": 900})
    office.click("#minutes-submit")
    expect(office.locator("#item-state")).to_have_text("待司法局、办公室主任审核")

    minutes_url = f"{base}/items/{minutes.pk}/"
    _act(login("justice"), minutes_url, "approve", "经审核，内容合法。")
    _act(login("director"), minutes_url, "approve")
    _act(login("vice1"), minutes_url, "opinion", "同意，请抓紧推进。")  # the vice head concerned (dept1's)
    _act(login("exec_vice"), minutes_url, "approve")
    head = login("head")
    _act(head, minutes_url, "sign", "同意印发。")
    year = timezone.localdate().year
    expect(head.locator("#item-number")).to_have_text(f"区长办公会议纪要〔{year}〕第1期")
    assert Minutes.objects.get(pk=minutes.pk).state == MinutesState.SIGNED

    # 转督办 by the office director, in one click from the signed minutes.
    director = login("director")
    director.goto(minutes_url)
    director.locator("#decisions summary:has-text('转为督办事项')").click()
    director.locator("#decisions button:has-text('转督办')").click()
    expect(director.locator("#decisions")).to_contain_text("待签收")
    expect(director.locator("#decisions")).to_contain_text("绿灯")
    _shots(director, minutes_url, "minutes-signed", screenshot)
    _shots(director, f"{base}/meetings/{meeting.pk}/", "minutes-meeting", screenshot)
    director.set_viewport_size({"width": 1440, "height": 900})
    item = SupervisionItem.objects.get(minutes_decision__minutes=minutes)
    item_url = f"{base}/items/{item.pk}/"

    # 签收 → 反馈 → 办结 (the lead unit), 回访 → 销号 (the office).
    unit = login("dept1_head")
    _act(unit, item_url, "approve", "已签收。")
    _act(unit, item_url, "feedback", "已完成施工图审查，进入招标。", percent="60")
    _act(unit, item_url, "finish", "疏港公路已开工，办结。")
    expect(unit.locator("#item-state")).to_have_text("待回访")
    _act(director, item_url, "close", "实地核查属实，销号。", verify_method="on_site")
    expect(director.locator("#item-state")).to_have_text("已销号")
    assert SupervisionItem.objects.get(pk=item.pk).state == State.CLOSED
    _shots(director, minutes_url, "minutes-supervision-closed", screenshot)

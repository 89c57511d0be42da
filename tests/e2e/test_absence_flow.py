"""A vice head's absence end to end in real headless Chromium (第六条, 第四十四条): the vice head reports it → the head
approves → the office records the report to the district party committee → during the dates the delegate finds the
vice head's steps in their own 待办 marked 受副区长委托 and acts on one → the vice head comes back early (提前返回) and
the delegation ends with the new date: the day after, the delegate can no longer act. Screenshots at 1440 and 390 px
go to ``$TEST_ARTIFACTS_DIR/e2e/absence-flow-*.png``."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from haimen_gov.workflow.models import HistoryEntry
from leave import actions
from leave.models import Absence, AbsenceState, Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESK = (1440, 900)
PHONE = (390, 844)


def no_sideways_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def visit_of_dept1(org, countries: str) -> Visit:  # type: ignore[no-untyped-def]
    """A step of the vice head's: dept1's head files a visit, which waits on the vice head in charge (vice1)."""
    today = timezone.localdate()
    return actions.visit_create(
        actor=org.dept1_head,
        traveller_post=org.posts.dept1_head,
        countries=countries,
        purpose="经贸洽谈",
        members="",
        start=today + dt.timedelta(days=30),
        end=today + dt.timedelta(days=34),
        plan_entry=None,
        out_of_plan_reason="对方临时邀请",
    )


def test_a_vice_heads_absence_from_report_to_early_return(live_server, org, login, screenshot):
    today = timezone.localdate()
    first = visit_of_dept1(org, "德国")
    second = visit_of_dept1(org, "法国")

    # 1. The vice head reports the absence from the form (desk).
    vice1 = login("vice1", viewport=DESK)
    vice1.goto(f"{live_server.url}/leave/absences/new/")
    vice1.select_option("#id_category", label="出差")
    vice1.fill("#id_start", today.isoformat())
    vice1.fill("#id_end", (today + dt.timedelta(days=3)).isoformat())
    vice1.fill("#id_destination", "江苏省南京市")
    vice1.fill("#id_reason", "参加全省发展改革工作会议")
    vice1.fill("#id_contact", "13900000001")
    vice1.select_option("#id_acting", label=org.vice2.display_name)
    screenshot(vice1, "absence-flow-1-report-1440")
    vice1.get_by_role("button", name="报送区政府").click()
    expect(vice1.locator("#item-state")).to_have_text("待区长批准")
    absence = Absence.objects.get()
    item_url = f"{live_server.url}/items/{absence.pk}/"

    # 2. The head approves it (phone).
    head = login("head", viewport=PHONE)
    head.goto(item_url)
    head.locator('button[data-verb="approve"]').click()
    expect(head.locator("#item-state")).to_have_text("待报区委办备案")
    assert no_sideways_scroll(head)
    screenshot(head, "absence-flow-2-approved-390")

    # 3. The office records the report to the district party committee.
    director = login("director", viewport=DESK)
    director.goto(item_url)
    record = director.locator('form:has(button[data-verb="record"])')
    record.locator("textarea[name=comment]").fill("已电话报区委办公室备案。")
    record.locator('button[data-verb="record"]').click()
    expect(director.locator("#item-state")).to_have_text("已批准并备案")
    expect(director.locator("#absence-detail")).to_contain_text("受副区长委托")
    screenshot(director, "absence-flow-3-filed-1440")

    # 4. During the dates the delegate finds the vice head's steps in their 待办, 受副区长委托, and acts on one.
    for size, viewport in (("1440", DESK), ("390", PHONE)):
        vice2 = login("vice2", viewport=viewport)
        vice2.goto(f"{live_server.url}/inbox/")
        row = vice2.locator("tr", has_text="德国")
        expect(row).to_contain_text("受副区长委托")
        expect(vice2.locator("tr", has_text="法国")).to_contain_text("受副区长委托")
        assert no_sideways_scroll(vice2)
        screenshot(vice2, f"absence-flow-4-delegate-inbox-{size}")
    vice2.goto(f"{live_server.url}/items/{first.pk}/")
    vice2.locator('button[data-verb="approve"]').click()
    expect(vice2.locator("#item-state")).to_have_text("待区长同意")
    expect(vice2.locator("#history")).to_contain_text("受副区长委托")
    screenshot(vice2, "absence-flow-5-delegate-acted-390")
    entry = HistoryEntry.objects.get(item=first, verb="approve")
    assert (entry.actor, entry.post, entry.acting_label) == (org.vice2, org.posts.vice1, "受副区长委托")

    # 5. The vice head comes back early (phone): the absence and the delegation now end tomorrow.
    vice1_phone = login("vice1", viewport=PHONE)
    vice1_phone.goto(item_url)
    vice1_phone.locator("#shorten summary").click()
    vice1_phone.fill("#shorten input[name=end]", (today + dt.timedelta(days=1)).isoformat())
    vice1_phone.fill("#shorten input[name=reason]", "会议提前结束")
    vice1_phone.get_by_role("button", name="确认提前返回").click()
    expect(vice1_phone.locator(".alert-success")).to_contain_text("返回日期已修改")
    expect(vice1_phone.locator("#history")).to_contain_text("提前返回")
    assert no_sideways_scroll(vice1_phone)
    screenshot(vice1_phone, "absence-flow-6-early-return-390")
    absence = Absence.objects.select_related("delegation").get()
    assert absence.state == AbsenceState.FILED
    assert absence.delegation is not None
    assert absence.end == absence.delegation.end == today + dt.timedelta(days=1)

    # The day after the new end (still inside the original dates) the delegate no longer acts for the vice head.
    after = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(10), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(after, tick=True):
        vice2.goto(f"{live_server.url}/inbox/")
        expect(vice2.locator("body")).not_to_contain_text("受副区长委托")
        vice2.goto(f"{live_server.url}/items/{second.pk}/")
        expect(vice2.locator('button[data-verb="approve"]')).to_have_count(0)
        screenshot(vice2, "absence-flow-7-delegation-over-390")
        # The vice head, back, acts on it in person.
        vice1.goto(f"{live_server.url}/items/{second.pk}/")
        vice1.locator('button[data-verb="approve"]').click()
        expect(vice1.locator("#item-state")).to_have_text(re.compile("待区长同意"))
    assert HistoryEntry.objects.get(item=second, verb="approve").acting_label == "副区长"

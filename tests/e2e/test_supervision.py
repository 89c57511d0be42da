"""Supervision in headless Chromium: the office's board and an item page with its feedback timeline, reported on
from the page, at a phone's width and a desk's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from supervision import actions
from supervision.models import Feedback, SupervisionItem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _items(org):  # type: ignore[no-untyped-def]
    Group.objects.get_or_create(name="督查人员")
    green = actions.supervision_item_open(
        actor=org.director,
        title="关于加快推进海门港新区重点项目开工建设的督办",
        source="leader",
        source_reference="区长批示：请区发改委牵头抓紧推进",
        requirement="年内开工。",
        lead_unit=org.units.dept1,
        co_units=[org.units.dept2],
        due_workdays=40,
        cadence_days=5,
    )
    red = actions.supervision_item_open(
        actor=org.director,
        title="校园食品安全专项督查",
        source="special",
        requirement="完成全区学校食堂排查。",
        lead_unit=org.units.dept2,
        due_workdays=10,
        cadence_days=5,
    )
    for item in (green, red):
        for head in (org.dept1_head, org.dept2_head):
            if item.tasks.filter(status="open", post__holder=head).exists():
                actions.supervision_item_sign(item.pk, actor=head)
    SupervisionItem.objects.filter(pk=red.pk).update(due_on=dt.date(2020, 1, 1))
    return green, red


@pytest.mark.parametrize("width", [390, 1440])
def test_the_board_and_the_item_page_with_a_report_from_the_page(live_server, login, org, screenshot, width):
    green, _red = _items(org)
    office = login("director")
    office.set_viewport_size({"width": width, "height": 900})
    office.goto(f"{live_server.url}/supervision/board/")
    expect(office.locator("table.stack")).to_contain_text("校园食品安全专项督查")
    expect(office.locator("table.stack tbody tr").first).to_contain_text("红灯")
    assert office.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(office, f"supervision-board-{width}")

    unit = login("dept1_head")
    unit.set_viewport_size({"width": width, "height": 900})
    unit.goto(f"{live_server.url}/items/{green.pk}/")
    form = unit.locator("form:has(button[data-verb=feedback])")
    form.locator("textarea[name=comment]").fill("已完成项目立项和用地预审")
    form.locator("input[name=percent]").fill("35")
    form.locator("button[data-verb=feedback]").click()
    expect(unit.locator("#feedbacks")).to_contain_text("已完成项目立项和用地预审")
    expect(unit.locator("#supervision-detail")).to_contain_text("35%")
    assert Feedback.objects.get().percent == 35
    assert unit.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(unit, f"supervision-item-{width}")

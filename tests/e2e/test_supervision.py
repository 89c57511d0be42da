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


@pytest.mark.parametrize("width", [390, 1440])
def test_a_report_with_a_file_the_source_link_the_panel_and_the_bulletins(
    live_server, login, org, screenshot, width, tmp_path
):
    """The new pieces at both widths: a report with an attachment from the page (shown in the history), the item's
    source (a meeting item), the dashboard's supervision panel, the bulletins' list; a unit's menu lacks the office's
    entries."""
    from haimen_gov.workflow import actions as engine
    from supervision.models import Bulletin
    from tests.seals.helpers import PDF_BYTES
    from tests.workflow_app.models import Memo

    green, _red = _items(org)
    memo = engine.item_create(
        Memo, actor=org.director, title="区长办公会议议定：推进污水管网建设", unit=org.units.office
    )
    sourced = actions.supervision_item_open_from_source(
        memo, actor=org.director, lead_unit=org.units.dept1, due_workdays=20, cadence_days=5
    )
    actions.supervision_bulletin_issue()
    assert Bulletin.objects.exists()

    unit = login("dept1_head")
    unit.set_viewport_size({"width": width, "height": 900})
    unit.goto(f"{live_server.url}/items/{green.pk}/")
    assert unit.locator("[data-office-menu]").count() == 0
    pdf = tmp_path / "现场核查记录.pdf"
    pdf.write_bytes(PDF_BYTES)
    form = unit.locator("form:has(button[data-verb=feedback])")
    form.locator("textarea[name=comment]").fill("已完成项目立项，附现场核查记录")
    form.locator("input[name=percent]").fill("40")
    form.locator("input[name=files]").set_input_files(str(pdf))
    form.locator("button[data-verb=feedback]").click()
    expect(unit.locator("#feedbacks")).to_contain_text("现场核查记录.pdf")
    assert Feedback.objects.get().attachments.count() == 1
    assert unit.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(unit, f"supervision-feedback-file-{width}")

    office = login("director")
    office.set_viewport_size({"width": width, "height": 900})
    assert office.locator("[data-office-menu]").count() >= 4
    office.goto(f"{live_server.url}/items/{sourced.pk}/")
    expect(office.locator("#supervision-source")).to_contain_text("推进污水管网建设")
    screenshot(office, f"supervision-sourced-item-{width}")
    office.goto(f"{live_server.url}/dashboard/")
    expect(office.locator("#panel-supervision")).to_contain_text("红灯")
    office.locator("#panel-supervision").scroll_into_view_if_needed()
    assert office.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(office, f"supervision-dashboard-{width}")
    office.goto(f"{live_server.url}/supervision/bulletins/")
    expect(office.locator("#bulletins")).to_contain_text("督查通报")
    assert office.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(office, f"supervision-bulletins-{width}")

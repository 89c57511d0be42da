"""A unit's 请示 from submission to 办结, in the browser: the unit submits it → the office registers it (一事一请) →
拟办 → the deputy director 阅批 → 呈阅 bottom-up, the head's 批示 assigns it (批办) to a lead unit with a co-unit →
the co-unit's 会办意见 → the lead unit's answer → the office closes it. Screenshots at 1440 and 390 px go to
test-artifacts/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from documents.models import IncomingDocument, InState, MatterType

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "关于申请海门港新区排水管网改造资金的请示"
INSTRUCTION = "同意。请区教体局牵头，三厂街道会办，7个工作日内提出意见。"


def fire(page, verb: str, comment: str = "") -> None:  # type: ignore[no-untyped-def]
    form = page.locator(f"form:has(button[data-verb='{verb}'])")
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator(f"button[data-verb='{verb}']").click()
    page.wait_for_load_state()


def both_widths(page, screenshot, name: str) -> None:  # type: ignore[no-untyped-def]
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})


def test_a_units_request_to_the_heads_instruction_and_the_units_answer(live_server, login, org, screenshot):
    base = live_server.url

    # 第二十四条: the unit submits its 请示 to the district government, through the office.
    page = login("dept1_clerk", viewport=(1440, 900))
    page.goto(f"{base}/documents/incoming/submit/")
    page.select_option("#id_doc_type", "请示")
    page.fill("#id_title", TITLE)
    page.fill("#id_ref_number", "海发改〔2026〕99号")
    page.fill("#id_summary", "为解决港新区雨季积水问题，拟申请排水管网改造资金1200万元。妥否，请批示。")
    page.locator("#incoming-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/items/\d+/$"))
    pk = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.locator("#incoming-detail")).to_contain_text("海发改〔2026〕99号")

    # The office registers it, confirming one matter (一事一请), and drafts its 拟办意见.
    page = login("office_clerk", viewport=(1440, 900))
    page.goto(f"{base}/items/{pk}/")
    page.locator("form:has(button[data-verb='accept']) input[name=one_matter_confirmed]").check()
    fire(page, "accept")
    page.locator("form:has(button[data-verb='propose']) textarea[name=proposal]").fill(
        "拟呈李副区长、陈区长阅示，建议由区教体局牵头办理。"
    )
    fire(page, "propose")
    assert IncomingDocument.objects.get(pk=pk).state == InState.REVIEW

    # 第二十五条: the deputy director in charge 阅批; then bottom-up, the vice head in charge first.
    page = login("deputy1", viewport=(1440, 900))
    page.goto(f"{base}/items/{pk}/")
    fire(page, "approve", "同意拟办意见。")
    page = login("vice1", viewport=(1440, 900))
    page.goto(f"{base}/inbox/")
    row = page.locator("#inbox-table tbody tr", has_text=TITLE)
    expect(row).to_contain_text("阅件")
    both_widths(page, screenshot, "documents-flow-inbox-reading")
    page.goto(f"{base}/items/{pk}/")
    fire(page, "read", "拟同意，请区长阅示。")

    # The head's 批示 assigns the matter (批办): dept2 leads, town1 gives its opinion (第二十九条: 7 working days).
    page = login("head", viewport=(1440, 900))
    page.goto(f"{base}/items/{pk}/")
    form = page.locator("form:has(button[data-verb='read'])")
    form.locator("select[name=handling_unit]").select_option(str(org.units.dept2.pk))
    form.locator("select[name=matter_type]").select_option(MatterType.JOINT.value)
    form.locator("select[name=co_units]").select_option([str(org.units.town1.pk)])
    fire(page, "read", INSTRUCTION)
    doc = IncomingDocument.objects.get(pk=pk)
    assert doc.state == InState.HANDLING and doc.handling_unit == org.units.dept2
    expect(page.locator("#instructions")).to_contain_text(INSTRUCTION)
    both_widths(page, screenshot, "documents-flow-instruction")

    # 会办: the co-unit's head gives its opinion to the lead unit.
    page = login("town1_head", viewport=(1440, 900))
    page.goto(f"{base}/inbox/")
    expect(page.locator("#inbox-table tbody tr", has_text=TITLE)).to_contain_text("办件")
    page.goto(f"{base}/items/{pk}/")
    fire(page, "opinion", "我街道负责沿线群众工作和施工期间交通疏导。")
    expect(page.locator("#co-opinions")).to_contain_text("已提出")

    # The lead unit sees the opinion and answers (第二十九条), back to the office.
    page = login("dept2_head", viewport=(1440, 900))
    page.goto(f"{base}/items/{pk}/")
    expect(page.locator("#co-opinions")).to_contain_text("我街道负责沿线群众工作")
    both_widths(page, screenshot, "documents-flow-lead-unit")
    fire(page, "answer", "经会商三厂街道，拟于2027年汛期前完成改造，资金由区财政统筹安排。")
    assert IncomingDocument.objects.get(pk=pk).state == InState.ANSWERED

    # The office closes the matter (办结); the 处理笺 shows every step in order.
    page = login("office_clerk", viewport=(1440, 900))
    page.goto(f"{base}/items/{pk}/")
    fire(page, "close", "办理情况属实，同意办结。")
    assert IncomingDocument.objects.get(pk=pk).state == InState.CLOSED
    history = page.locator("body")
    for text in ("审核通过，登记", "提出拟办意见", "阅批同意，呈阅", "已阅", "会办意见", "报送办理结果", "办结"):
        expect(history).to_contain_text(text)
    both_widths(page, screenshot, "documents-flow-closed")
    page.goto(f"{base}/documents/board/?state=closed")
    expect(page.locator("#board")).to_contain_text(TITLE)
    both_widths(page, screenshot, "documents-flow-board")


def test_the_documents_panel_and_the_material_slots(live_server, login, org, screenshot):
    import datetime as dt

    from documents import actions
    from haimen_gov.org.models import Portfolio, PortfolioRole
    from tests.documents.test_dashboard import answer, assign
    from tests.documents.test_numbering import to_issue

    Portfolio.objects.create(unit=org.units.office, role=PortfolioRole.VICE_HEAD, post=org.posts.exec_vice)
    Portfolio.objects.create(unit=org.units.office, role=PortfolioRole.OFFICE_DEPUTY, post=org.posts.deputy1)
    today = dt.date.today()
    answer(assign(org, "关于城区背街小巷路灯维修的报告", org.units.dept2, today), org.dept2_head, today)
    assign(org, "关于农贸市场改造进展的报告", org.units.town1, today - dt.timedelta(days=20))
    actions.outgoing_issue(to_issue(org, "关于做好冬季安全生产工作的通知").pk, actor=org.office_clerk)

    page = login("director", viewport=(1440, 900))
    page.goto(f"{live_server.url}/dashboard/")
    panel = page.locator("#panel-documents")
    expect(panel).to_contain_text("交办公文办理时效")
    expect(panel).to_contain_text("海政办发")
    page.wait_for_function("document.querySelectorAll('#panel-documents .dash-chart svg').length === 2")
    panel.screenshot(path=str(screenshot(page, "documents-dashboard-1440").with_name("documents-panel-1440.png")))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    panel.screenshot(path=str(screenshot(page, "documents-dashboard-390").with_name("documents-panel-390.png")))
    # A figure opens its filtered list.
    panel.locator("a.dash-kpi").first.click()
    page.wait_for_url(re.compile(r"/documents/board/\?"))
    expect(page.locator("#board")).to_contain_text("路灯维修")

    page = login("dept1_clerk", viewport=(1440, 900))
    page.goto(f"{live_server.url}/documents/outgoing/new/")
    expect(page.locator("#materials-head")).to_contain_text("第二十八条材料")
    both_widths(page, screenshot, "documents-material-slots")

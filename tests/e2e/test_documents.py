"""The documents pages in headless Chromium at a phone's width and a desk's: the 收文 and 发文 registers (cards on a
phone) and the document page with its chain, screenshotted to test-artifacts/e2e/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from documents import actions
from documents.models import Category, IncomingDocument
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import NumberSeries
from tests.documents.helpers import draft

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def documents(org) -> int:  # type: ignore[no-untyped-def]
    actions.incoming_submit(
        actor=org.dept1_clerk,
        unit=org.units.dept1,
        doc_type="报告",
        title="关于2026年度防汛防台工作情况的报告",
        summary="建议增加防汛物资储备经费，妥否，请批复。",
    )
    actions.incoming_register(
        actor=org.office_clerk,
        sender="南通市人民政府办公室",
        sender_level="city",
        channel="telegram",
        doc_type="明传电报",
        title="关于做好2026年国庆假期安全防范工作的紧急通知",
        main_recipient="各县（市、区）人民政府",
        ref_number="通政办传〔2026〕45号",
        urgency="特急",
    )
    request = actions.incoming_submit(
        actor=org.dept1_clerk, unit=org.units.dept1, doc_type="请示", title="关于申请城市更新专项资金的请示"
    )
    actions.incoming_accept(request.pk, actor=org.office_clerk, one_matter_confirmed=True)
    actions.incoming_propose(
        request.pk,
        actor=org.office_clerk,
        proposal="拟请区教体局研究办理。",
        handling_unit=org.units.dept2,
        matter_type="within_power",
    )
    engine.item_fire(IncomingDocument, request.pk, verb="approve", actor=org.deputy1)
    actions.incoming_read(request.pk, actor=org.vice1, instruction="拟同意。")
    actions.incoming_read(request.pk, actor=org.head, instruction="请区教体局研究办理。")
    doc = draft(org.dept1_clerk, Category.TO_CITY, title="海门区人民政府关于申请2027年度重大项目用地计划指标的请示")
    for user in (org.deputy1, org.vice1, org.director):
        doc = actions.outgoing_approve(doc.pk, actor=user, comment="同意。")
    actions.outgoing_sign(doc.pk, actor=org.head, comment="同意上报。")
    actions.outgoing_issue(doc.pk, actor=org.office_clerk, series=NumberSeries.objects.get(code="haizhengfa"))
    return doc.pk


@pytest.mark.parametrize("width", [390, 1440])
def test_registers_and_document_page(live_server, login, org, screenshot, width):
    pk = documents(org)
    page = login("office_clerk")
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"{live_server.url}/documents/incoming/")
    expect(page.locator("#register")).to_contain_text("关于2026年度防汛防台工作情况的报告")
    expect(page.locator("#register")).to_contain_text("格式提示")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"documents-incoming-register-{width}")

    page.goto(f"{live_server.url}/documents/outgoing/?q=用地")
    expect(page.locator("#register")).to_contain_text("海政发〔")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"documents-outgoing-register-{width}")

    page.goto(f"{live_server.url}/items/{pk}/")
    expect(page.locator("#outgoing-detail")).to_contain_text("签发人")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"documents-outgoing-page-{width}")

    page.goto(f"{live_server.url}/documents/board/")
    expect(page.locator("#board")).to_contain_text("区教体局")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"documents-board-{width}")

    page.goto(f"{live_server.url}/documents/incoming/register/")
    expect(page.locator("#not-classified")).to_contain_text("不处理涉密公文")
    screenshot(page, f"documents-register-incoming-{width}")

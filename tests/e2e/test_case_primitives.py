"""The engine's second-edition primitives as people use them, in real Chromium: a reader marks 已阅 with a 批示 and
the next reader's turn comes; the office records a decision of 市政府 through the step's own form, at a phone's
width. Screenshots: test-artifacts/e2e/case-*.png."""

from __future__ import annotations

import datetime as dt

import pytest

from haimen_gov.workflow import actions
from tests.workflow_app.models import Case, CaseState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_reading_then_recording_a_city_decision_in_the_browser(live_server, login, org, screenshot):
    case = actions.item_create(
        Case, actor=org.dept1_clerk, title="关于重点项目推进情况的督办件", unit=org.units.dept1, start="reading"
    )
    actions.item_fire(Case, case.pk, verb="submit", actor=org.dept1_clerk)

    head = login("dept1_head")
    head.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert "来文单位" in head.inner_text("body")
    head.fill("#actions textarea[name=comment]", "请各单位抓紧推进。")
    screenshot(head, "case-reading-desk")
    head.click("button[data-verb=read]")
    head.wait_for_selector(".alert-success")
    assert "已阅" in head.inner_text("#timeline")
    assert Case.objects.get(pk=case.pk).state == CaseState.READING

    for reader in ("vice1", "head"):
        page = login(reader)
        page.goto(f"{live_server.url}{case.get_absolute_url()}")
        page.click("button[data-verb=read]")
        page.wait_for_selector(".alert-success")
    assert Case.objects.get(pk=case.pk).state == CaseState.EXTERNAL

    director = login("director")
    director.set_viewport_size({"width": 390, "height": 844})
    director.goto(f"{live_server.url}{case.get_absolute_url()}")
    director.fill("input[name=decided_by]", "市政府常务会议")
    director.fill("input[name=decided_on]", dt.date.today().isoformat())
    director.select_option("select[name=means]", "document")
    director.fill("input[name=reference]", "通政复〔2026〕12号")
    director.fill("textarea[name=decision]", "同意实施。")
    screenshot(director, "case-record-phone")
    director.click("button[data-verb=record]")
    director.wait_for_selector(".alert-success")
    assert "代市政府登记" in director.inner_text("#history")
    screenshot(director, "case-recorded-phone")
    assert Case.objects.get(pk=case.pk).state == CaseState.HANDLING

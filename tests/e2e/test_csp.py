"""Issue 9, item 10: under the strict Content-Security-Policy the pages still work in real Chromium: nothing is
refused, the 用印申请 form's off-site fields still toggle, the bell loads over htmx, Swagger UI renders."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.workflow.helpers import submitted_memo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def watch_csp(page):  # type: ignore[no-untyped-def]
    refused: list[str] = []
    page.on(
        "console",
        lambda msg: refused.append(f"{page.url}: {msg.text}") if "Content Security Policy" in msg.text else None,
    )
    return refused


def test_the_pages_work_under_the_policy(live_server, login, org, seals, screenshot):
    memo = submitted_memo(org)
    page = login("director")
    refused = watch_csp(page)

    for path in ["/", "/inbox/", f"/items/{memo.pk}/", "/notifications/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    page.locator("a[aria-label='通知']").click()
    expect(page.locator("#bell-list")).not_to_contain_text("加载中")

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("海门区人民政府工作平台 API")
    expect(page.locator(".opblock").first).to_be_visible()
    screenshot(page, "csp-api-docs")

    assert refused == []


def test_the_seal_form_toggles_its_offsite_fields_from_the_static_script(live_server, login, org, seals):
    page = login("dept1_clerk")
    refused = watch_csp(page)
    page.goto(f"{live_server.url}/seals/apply/")

    place = page.locator("#id_offsite_place")
    expect(place).to_be_hidden()
    page.locator("#id_offsite").check()
    expect(place).to_be_visible()

    assert refused == []

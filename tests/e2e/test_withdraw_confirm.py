"""撤回 asks for confirmation in the browser (issue 10): dismissing the dialog sends nothing; accepting it withdraws the
request, with the optional reason recorded as the applicant's own act."""

from __future__ import annotations

import pytest

from haimen_gov.workflow.models import HistoryEntry
from seals.models import SealRequest, State
from tests.seals.helpers import apply

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_withdraw_asks_first(live_server, login, seals, org, screenshot):
    request = apply(org.dept1_clerk, seals.gov, document_title="关于撤回确认的测试函")
    page = login("dept1_clerk", viewport=(390, 844))
    page.goto(f"{live_server.url}/items/{request.pk}/")
    form = page.locator("form[data-confirm]")
    form.locator("input[name=comment]").fill("材料有误，撤回修改。")
    messages: list[str] = []

    def dismiss(dialog):  # type: ignore[no-untyped-def]
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    form.locator("button[data-verb=withdraw]").click()
    page.wait_for_timeout(300)
    assert messages and "撤回" in messages[0]
    assert SealRequest.objects.get(pk=request.pk).state == State.REVIEW

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        form.locator("button[data-verb=withdraw]").click()
    assert SealRequest.objects.get(pk=request.pk).state == State.WITHDRAWN
    entry = HistoryEntry.objects.filter(item=request, verb="withdraw").get()
    assert entry.actor == org.dept1_clerk and entry.comment == "材料有误，撤回修改。"
    screenshot(page, "withdraw-confirmed-390")

"""第六条 / 第四十四条: while the head is away, the delegate signs "受区长委托".
第三十条: custody is never delegated."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from haimen_gov.org.models import Delegation
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import HistoryEntry, Notification, NotificationKind, Task
from seals import actions
from seals.models import SealRequest, State

from .helpers import advance, apply, fresh, open_posts, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_away(org) -> Delegation:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return Delegation.objects.create(
        post=org.posts.head,
        delegate=org.exec_vice,
        start=today,
        end=today,
        reason="赴省委党校脱产学习",
        created_by=org.head,
    )


def test_the_delegate_approves_for_the_head_and_the_trail_says_so(org, seals, head_away, client_for, api_client_for):
    request = advance(apply(org.dept1_clerk, seals.gov), State.APPROVAL)
    assert open_posts(request) == [org.posts.head]
    # The new task is announced to the delegate, since the head is away.
    assert Notification.objects.filter(user=org.exec_vice, kind=NotificationKind.NEW_TASK, item=request).exists()
    assert not Notification.objects.filter(user=org.head, kind=NotificationKind.NEW_TASK, item=request).exists()

    inbox = client_for(org.exec_vice).get("/inbox/").content.decode()
    assert request.title in inbox
    assert "受区长委托" in inbox
    detail = api_client_for(org.exec_vice).get(f"/api/v1/seals/requests/{request.pk}/").json()
    assert "approve" in detail["available_transitions"]

    response = client_for(org.exec_vice).post(
        f"/items/{request.pk}/transitions/approve/", {"comment": "同意用印。", "state": State.APPROVAL}
    )
    assert response.status_code == 302
    request = fresh(request)
    assert request.state == State.STAMPING

    entry = HistoryEntry.objects.filter(item=request, verb="approve").latest("id")
    # Both the person who acted and the post acted for are recorded.
    assert (entry.actor, entry.post, entry.acting_label) == (org.exec_vice, org.posts.head, "受区长委托")
    task = Task.objects.get(item=request, step="approval")
    assert (task.finished_by, task.acting_label) == (org.exec_vice, "受区长委托")

    detail = api_client_for(org.dept1_clerk).get(f"/api/v1/seals/requests/{request.pk}/").json()
    assert detail["history"][-1]["actor"] == "王海涛"
    assert detail["history"][-1]["acting_label"] == "受区长委托"

    page = client_for(org.dept1_clerk).get(f"/items/{request.pk}/").content.decode()
    assert "王海涛" in page and "受区长委托" in page

    pdf = client_for(org.dept1_clerk).get(f"/seals/requests/{request.pk}/form.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "王海涛" in text
    assert "受区长委托" in text


def test_the_delegation_ends_with_its_last_day(org, seals, head_away):
    request = advance(apply(org.dept1_clerk, seals.gov), State.APPROVAL)
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False), pytest.raises(engine.Forbidden):
        actions.seal_request_approve(request.pk, actor=org.exec_vice)
    assert fresh(request).state == State.APPROVAL


def test_the_head_keeps_the_authority_while_away(org, seals, head_away):
    request = advance(apply(org.dept1_clerk, seals.gov), State.APPROVAL)
    actions.seal_request_approve(request.pk, actor=org.head, comment="出差途中审签。")
    entry = HistoryEntry.objects.filter(item=request, verb="approve").latest("id")
    assert (entry.actor, entry.acting_label) == (org.head, "区长")


def test_a_revoked_delegation_gives_nothing(org, seals, head_away):
    head_away.revoked_at = timezone.now()
    head_away.save()
    request = advance(apply(org.dept1_clerk, seals.gov), State.APPROVAL)
    with pytest.raises(engine.Forbidden):
        actions.seal_request_approve(request.pk, actor=org.exec_vice)


def test_seal_custody_cannot_be_delegated(org, seals):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="印鉴保管不得委托他人代管"):
        Delegation.objects.create(
            post=org.posts.custodian, delegate=org.office_clerk, start=today, end=today, reason="休假"
        )
    assert not Delegation.objects.exists()


def test_no_one_registers_for_the_custodian(org, seals):
    request = advance(apply(org.dept1_clerk, seals.gov), State.STAMPING)
    # Not even the custodian's superior, the office director, who oversees every item.
    with pytest.raises(engine.Forbidden):
        actions.seal_request_register(request.pk, actor=org.director, stamped_copies=1)
    assert SealRequest.objects.get(pk=request.pk).state == State.STAMPING

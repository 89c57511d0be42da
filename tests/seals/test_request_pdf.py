"""用印申请单 (/seals/requests/<id>/form.pdf): the request's fields and every opinion, signer and capacity, in Chinese,
read back from the PDF with pypdf."""

from __future__ import annotations

import pytest
from django.utils import timezone

from haimen_gov.org.models import Delegation
from seals import actions
from seals.models import State

from .helpers import advance, apply, pdf_text

pytestmark = pytest.mark.django_db


def form_pdf(client, request) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/seals/requests/{request.pk}/form.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    return pdf_text(response.content)


def test_the_form_of_an_archived_request_has_every_opinion(org, seals, client_for):
    request = apply(org.dept1_clerk, seals.gov, document_title="重点项目请示", copies=3)
    actions.seal_request_approve(request.pk, actor=org.vice1, comment="同意，请陈区长审签。")
    actions.seal_request_approve(request.pk, actor=org.head, comment="同意用印。")
    request = actions.seal_request_register(request.pk, actor=org.custodian, stamped_copies=3, note="机要室用印")

    text = form_pdf(client_for(org.dept1_clerk), request)
    assert "用印申请单" in text
    assert request.archive_number in text
    for field in ("海门区人民政府印鉴", "重点项目请示", "海门区发展和改革委员会", "顾佳怡", "3份", "已用印归档"):
        assert field in text, field
    # The opinions: who, for which post, what they said.
    for opinion in (
        "分管领导审核",
        "李卫东",
        "同意，请陈区长审签。",
        "主要领导审签",
        "陈志明",
        "同意用印。",
        "用印登记",
        "胡静",
    ):
        assert opinion in text, opinion
    assert "受区长委托" not in text


def test_the_form_names_the_delegate_acting_for_the_head(org, seals, client_for):
    today = timezone.localdate()
    Delegation.objects.create(post=org.posts.head, delegate=org.exec_vice, start=today, end=today, reason="出访")
    request = advance(apply(org.dept1_clerk, seals.gov), State.APPROVAL, comment="同意，报区长。")
    actions.seal_request_approve(request.pk, actor=org.exec_vice, comment="同意。")

    text = form_pdf(client_for(org.vice1), request)
    assert "同意，报区长。" in text
    assert "王海涛" in text
    assert "受区长委托" in text


def test_the_form_shows_a_return_and_its_reason(org, seals, client_for):
    request = apply(org.dept1_clerk, seals.office)
    actions.seal_request_return(request.pk, actor=org.deputy1, comment="请附会议纪要。")
    text = form_pdf(client_for(org.dept1_clerk), request)
    assert "退回" in text
    assert "请附会议纪要。" in text
    assert "徐明" in text

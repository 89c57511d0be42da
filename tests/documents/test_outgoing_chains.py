"""The outgoing chains of 第二十六—二十八条, each walked end to end, with the wrong actors refused at each step.

规范性文件 (unit):   核稿 (分管副主任) → 合法性审查 (司法局) → 办公室主任审核 → 区长签发 → 编号印发
决定、议案:          核稿 → 办公室主任审核 → 区长签发 → 编号印发
向市政府请示报告、区政府名义、突发事件: 核稿 → 办公室主任 + 分管副区长审核（会签）→ 区长签发 → 编号印发
突发事件特殊紧急:    核稿 → 办公室主任登记区长、分管副区长同意并签发 → 编号印发
办公室名义:          核稿 → (重要事项: 区长同意 →) 办公室主任签发 → 编号印发
部门向区镇指示性公文 (第二十七条): 核稿 → 分管副区长审核 → 区长签发 → 本单位印发
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from documents import actions, selectors
from documents.models import Category, LegalityResult, OutgoingDocument, OutState
from haimen_gov.org.models import Delegation
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import Task

from .helpers import draft, fresh, materials, open_holders

pytestmark = pytest.mark.django_db


def approve(doc: OutgoingDocument, user, comment: str = "同意。") -> OutgoingDocument:  # type: ignore[no-untyped-def]
    return actions.outgoing_approve(doc.pk, actor=user, comment=comment)


def issue(doc: OutgoingDocument, clerk) -> OutgoingDocument:  # type: ignore[no-untyped-def]
    return actions.outgoing_issue(doc.pk, actor=clerk)


def test_normative_document_chain_with_legality_review(org):
    doc = draft(org.dept1_clerk, Category.NORMATIVE, series_code="haizhenggui", **materials())
    assert doc.state == OutState.OFFICE_CHECK
    assert open_holders(doc) == [org.deputy1]
    for wrong in (org.deputy2, org.office_clerk, org.dept1_head, org.outsider):
        with pytest.raises(engine.Forbidden):
            approve(doc, wrong)
    doc = approve(doc, org.deputy1)
    assert doc.state == OutState.LEGALITY
    assert open_holders(doc) == [org.justice]
    doc = actions.outgoing_legality_review(doc.pk, actor=org.justice, passed=True, opinion="经审查，合法。")
    assert doc.state == OutState.REVIEW and doc.legality_result == LegalityResult.PASSED
    assert open_holders(doc) == [org.director]
    doc = approve(doc, org.director)
    assert doc.state == OutState.SIGN and open_holders(doc) == [org.head]
    doc = actions.outgoing_sign(doc.pk, actor=org.head, comment="同意印发。")
    assert doc.state == OutState.TO_ISSUE
    assert fresh(doc).signed_by == org.head
    assert open_holders(doc) == [org.office_clerk]
    doc = issue(doc, org.office_clerk)
    doc = fresh(doc)
    assert doc.state == OutState.ISSUED
    assert doc.number == f"海政规〔{timezone.localdate().year}〕1号"
    assert doc.issued_on == timezone.localdate()
    assert selectors.legality_review_passed(doc) is True


def test_legality_review_needs_an_opinion_and_only_the_justice_head_gives_it(org):
    doc = approve(draft(org.dept1_clerk, Category.NORMATIVE, **materials()), org.deputy1)
    with pytest.raises(engine.CommentRequired):
        actions.outgoing_legality_review(doc.pk, actor=org.justice, passed=True, opinion="")
    for wrong in (org.head, org.director, org.dept1_clerk, org.vice2):
        with pytest.raises(engine.Forbidden):
            actions.outgoing_legality_review(doc.pk, actor=wrong, passed=True, opinion="合法。")
    assert fresh(doc).state == OutState.LEGALITY


def test_failed_legality_review_returns_the_draft_and_blocks_signing_and_agenda(org):
    doc = approve(draft(org.dept1_clerk, Category.NORMATIVE, **materials()), org.deputy1)
    assert selectors.legality_review_passed(doc.pk) is False  # not reviewed yet: not on an agenda
    doc = actions.outgoing_legality_review(doc.pk, actor=org.justice, passed=False, opinion="第五条与上位法抵触。")
    doc = fresh(doc)
    assert doc.state == OutState.RETURNED and doc.legality_result == LegalityResult.FAILED
    assert selectors.legality_review_passed(doc) is False


def test_signing_a_normative_document_without_a_review_is_refused(org):
    """Should a 规范性文件 ever reach 签发 without a passed review (data moved by hand), the head cannot sign it."""
    doc = draft(org.dept1_clerk, Category.NORMATIVE, **materials())
    OutgoingDocument.objects.filter(pk=doc.pk).update(state=OutState.SIGN, stage=OutState.SIGN)
    Task.objects.filter(item_id=doc.pk, step="check").update(step="sign", post=org.posts.head)
    with pytest.raises(ValidationError, match="第二十八条"):
        actions.outgoing_sign(doc.pk, actor=org.head)
    assert fresh(doc).state == OutState.SIGN and not fresh(doc).number


def test_a_unit_proposing_a_normative_document_must_bring_its_own_reviews(org, office_in_charge):
    # A summary in words is no material: each is a file in its own slot.
    with pytest.raises(ValidationError, match="公平竞争审查意见") as info:
        draft(
            org.dept1_clerk,
            Category.NORMATIVE,
            unit_legality_opinion="合法。",
            **materials(skip=("fair_competition", "consultation")),
        )
    assert set(info.value.message_dict) == {"material_fair_competition", "material_consultation"}
    assert "第二十八条" in str(info.value)
    assert not OutgoingDocument.objects.exclude(state=OutState.DRAFT).exists()
    # The office drafting one itself is not a unit's proposal.
    assert draft(org.office_clerk, Category.NORMATIVE).state == OutState.OFFICE_CHECK


def test_decision_goes_director_then_head(org):
    doc = approve(draft(org.dept1_clerk, Category.DECISION), org.deputy1)
    assert doc.state == OutState.REVIEW and open_holders(doc) == [org.director]
    with pytest.raises(engine.Forbidden):
        approve(doc, org.vice1)
    doc = approve(doc, org.director)
    assert open_holders(doc) == [org.head]
    for wrong in (org.vice1, org.exec_vice, org.dept1_head):
        with pytest.raises(engine.Forbidden):
            actions.outgoing_sign(doc.pk, actor=wrong)
    doc = actions.outgoing_sign(doc.pk, actor=org.head)
    assert doc.state == OutState.TO_ISSUE


@pytest.mark.parametrize("category", [Category.TO_CITY, Category.GOV_NAME, Category.EMERGENCY])
def test_director_and_vice_head_in_charge_review_then_head_signs(org, category):
    doc = approve(draft(org.dept1_clerk, category), org.deputy1)
    assert doc.state == OutState.REVIEW
    assert sorted(str(u and u.username) for u in open_holders(doc)) == ["director", "vice1"]
    with pytest.raises(engine.Forbidden):
        approve(doc, org.vice2)  # not in charge of dept1
    doc = approve(doc, org.vice1)
    assert doc.state == OutState.REVIEW  # 会签: the director still has to answer
    with pytest.raises(engine.Conflict):  # nothing to sign before the review is complete
        actions.outgoing_sign(doc.pk, actor=org.head)
    doc = approve(doc, org.director)
    assert doc.state == OutState.SIGN and open_holders(doc) == [org.head]
    doc = actions.outgoing_sign(doc.pk, actor=org.head)
    doc = issue(doc, org.office_clerk)
    assert fresh(doc).number.startswith("海政发〔")


def test_special_emergency_director_signs_with_recorded_consent(org):
    doc = approve(draft(org.dept1_clerk, Category.EMERGENCY, special_emergency=True), org.deputy1)
    assert doc.state == OutState.SIGN and open_holders(doc) == [org.director]
    now = timezone.now()
    consent: dict[str, Any] = {
        "head_consent_at": now - dt.timedelta(minutes=20),
        "head_consent_way": "phone",
        "vice_consent_at": now - dt.timedelta(minutes=10),
        "vice_consent_way": "in_person",
    }
    with pytest.raises(engine.Forbidden):
        actions.outgoing_sign_emergency(doc.pk, actor=org.head, **consent)
    # The plain 签发 is not the emergency path.
    with pytest.raises(engine.WorkflowError):
        actions.outgoing_sign(doc.pk, actor=org.director)
    doc = actions.outgoing_sign_emergency(doc.pk, actor=org.director, **consent)
    doc = fresh(doc)
    assert doc.state == OutState.TO_ISSUE and doc.signed_by == org.director
    assert doc.head_consent_way == "phone" and doc.vice_consent_way == "in_person"


def test_special_emergency_without_recorded_consent_is_refused(org):
    doc = approve(draft(org.dept1_clerk, Category.EMERGENCY, special_emergency=True), org.deputy1)
    with pytest.raises(ValidationError, match="须登记分管副区长同意的时间（第二十六条）"):
        actions.outgoing_sign_emergency(
            doc.pk,
            actor=org.director,
            head_consent_at=timezone.now(),
            head_consent_way="phone",
            vice_consent_at=None,
            vice_consent_way="",
        )
    doc = fresh(doc)
    assert doc.state == OutState.SIGN and doc.head_consent_at is None  # rolled back with the refusal


def test_special_emergency_only_for_emergencies(org):
    with pytest.raises(ValidationError):
        draft(org.dept1_clerk, Category.GOV_NAME, special_emergency=True)


def test_office_document_director_signs(org, office_in_charge):
    doc = draft(org.office_clerk, Category.OFFICE_NAME, series_code="haizhengbanfa")
    assert open_holders(doc) == [org.deputy1]
    doc = approve(doc, org.deputy1)
    assert doc.state == OutState.SIGN and open_holders(doc) == [org.director]
    with pytest.raises(engine.Forbidden):
        actions.outgoing_sign(doc.pk, actor=org.head)
    doc = actions.outgoing_sign(doc.pk, actor=org.director)
    doc = fresh(issue(doc, org.office_clerk))
    assert doc.number.startswith("海政办发〔") and doc.needs_no_seal_request


def test_important_office_document_needs_the_head_first(org, office_in_charge):
    doc = approve(draft(org.office_clerk, Category.OFFICE_NAME, important=True), org.deputy1)
    assert doc.state == OutState.HEAD_AGREE and open_holders(doc) == [org.head]
    with pytest.raises(engine.Forbidden):
        approve(doc, org.director)
    doc = approve(doc, org.head)
    assert doc.state == OutState.SIGN and open_holders(doc) == [org.director]


def test_only_the_office_drafts_in_its_name(org):
    with pytest.raises(ValidationError):
        draft(org.dept1_clerk, Category.OFFICE_NAME)


def test_unit_directive_to_towns_goes_vice_head_then_head(org):
    """第二十七条: a department's 指示性 document to the towns needs the vice head in charge and the head."""
    doc = draft(org.dept1_clerk, Category.UNIT_DIRECTIVE, series_code=None, recipients="各区镇人民政府（街道办事处）")
    assert doc.directive
    doc = approve(doc, org.deputy1)
    assert doc.state == OutState.REVIEW and open_holders(doc) == [org.vice1]
    with pytest.raises(engine.Forbidden):
        approve(doc, org.director)
    doc = approve(doc, org.vice1)
    assert open_holders(doc) == [org.head]
    doc = actions.outgoing_sign(doc.pk, actor=org.head)
    assert open_holders(doc) == [org.dept1_clerk]
    doc = fresh(issue(doc, org.dept1_clerk))
    assert doc.state == OutState.ISSUED and doc.number == "" and not doc.needs_no_seal_request


def test_a_delegate_signs_for_the_head(org):
    Delegation.objects.create(
        post=org.posts.head,
        delegate=org.exec_vice,
        start=timezone.localdate(),
        end=timezone.localdate() + dt.timedelta(days=3),
        reason="出差",
    )
    doc = approve(approve(draft(org.dept1_clerk, Category.DECISION), org.deputy1), org.director)
    with pytest.raises(engine.Forbidden):
        actions.outgoing_sign(doc.pk, actor=org.vice1)
    doc = actions.outgoing_sign(doc.pk, actor=org.exec_vice)
    assert fresh(doc).signed_by == org.exec_vice


def test_return_goes_back_to_the_drafter_who_resubmits(org):
    doc = draft(org.dept1_clerk, Category.DECISION)
    with pytest.raises(engine.CommentRequired):
        engine.item_fire(OutgoingDocument, doc.pk, verb="return", actor=org.deputy1)
    doc = engine.item_fire(OutgoingDocument, doc.pk, verb="return", actor=org.deputy1, comment="标题不规范。")
    assert doc.state == OutState.RETURNED
    doc = actions.outgoing_submit(doc.pk, actor=org.dept1_clerk)
    assert doc.state == OutState.OFFICE_CHECK and open_holders(doc) == [org.deputy1]


def test_the_drafting_unit_must_be_the_drafters(org):
    with pytest.raises(ValidationError):
        draft(org.dept1_clerk, Category.DECISION, unit=org.units.dept2)


def test_issuing_needs_a_series_for_government_documents(org):
    doc = draft(org.dept1_clerk, Category.DECISION, series_code=None)
    doc = approve(approve(doc, org.deputy1), org.director)
    doc = actions.outgoing_sign(doc.pk, actor=org.head)
    with pytest.raises(ValidationError):
        actions.outgoing_issue(doc.pk, actor=org.office_clerk)
    assert fresh(doc).state == OutState.TO_ISSUE
    with pytest.raises(engine.Forbidden):
        actions.outgoing_issue(doc.pk, actor=org.dept1_clerk)

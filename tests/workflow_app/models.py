"""A test-only workflow shaped like 第十九条/第二十条 minutes: every pattern the engine must support in one chain.

draft → office_review (或签: the office director OR the deputy in charge of the unit, 第二十条)
      → joint_review (会签: the justice head AND the office director, 第十九条)
      → exec_sign (the executive vice head)
      → head_sign (only when the memo touches funds: a conditional step, 第十九条)
      → issued
Any signer may return (退回) or reject (不同意); the submitter may withdraw (撤回) before anyone acted.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django_fsm import RETURN_VALUE, FSMField, transition

from haimen_gov.org.models import Post, Unit
from haimen_gov.workflow.models import Item


class MemoState(models.TextChoices):
    DRAFT = "draft", "草稿"
    OFFICE_REVIEW = "office_review", "办公室审核"
    JOINT_REVIEW = "joint_review", "会审"
    EXEC_SIGN = "exec_sign", "常务副区长签发"
    HEAD_SIGN = "head_sign", "区长审定"
    ISSUED = "issued", "已印发"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"
    REJECTED = "rejected", "未同意"


DECIDING = [MemoState.OFFICE_REVIEW, MemoState.JOINT_REVIEW, MemoState.EXEC_SIGN, MemoState.HEAD_SIGN]


class Urgency(models.TextChoices):
    NORMAL = "normal", "平件"
    URGENT = "urgent", "加急"
    VERY_URGENT = "very_urgent", "特急"


class Memo(Item):
    touches_funds = models.BooleanField(default=False)
    urgency = models.CharField("缓急", max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    state = FSMField(default=MemoState.DRAFT, choices=MemoState.choices, protected=True)

    class Meta:
        verbose_name = "测试纪要"

    @transition(
        field=state,
        source=[MemoState.DRAFT, MemoState.RETURNED],
        target=MemoState.OFFICE_REVIEW,
        custom={"verb": "submit", "by": "submitter"},
    )
    def submit(self) -> None:
        pass

    @transition(field=state, source=MemoState.OFFICE_REVIEW, target=MemoState.JOINT_REVIEW, custom={"verb": "approve"})
    @transition(field=state, source=MemoState.JOINT_REVIEW, target=MemoState.EXEC_SIGN, custom={"verb": "approve"})
    @transition(
        field=state,
        source=MemoState.EXEC_SIGN,
        target=RETURN_VALUE(MemoState.HEAD_SIGN, MemoState.ISSUED),
        custom={"verb": "approve"},
    )
    @transition(field=state, source=MemoState.HEAD_SIGN, target=MemoState.ISSUED, custom={"verb": "approve"})
    def approve(self) -> str:
        return MemoState.HEAD_SIGN if self.touches_funds else MemoState.ISSUED

    @transition(field=state, source=DECIDING, target=MemoState.RETURNED, custom={"verb": "return"})
    def return_(self) -> None:
        pass

    @transition(field=state, source=DECIDING, target=MemoState.REJECTED, custom={"verb": "reject"})
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=MemoState.OFFICE_REVIEW,
        target=MemoState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter"},
    )
    def withdraw(self) -> None:
        pass


# --------------------------------------------------------------------------- the second edition's primitives


class CaseState(models.TextChoices):
    DRAFT = "draft", "草稿"
    COUNTERSIGN = "countersign", "会签"
    READING = "reading", "呈阅"
    EXTERNAL = "external", "报市政府决定"
    HANDLING = "handling", "承办"
    FEEDBACK = "feedback", "督办反馈"
    DONE = "done", "已办结"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


CASE_STEPS = [CaseState.COUNTERSIGN, CaseState.READING, CaseState.EXTERNAL, CaseState.HANDLING, CaseState.FEEDBACK]


class MatterType(models.TextChoices):
    SIMPLE = "simple", "简易（5个工作日）"
    ORDINARY = "ordinary", "一般（7个工作日）"
    COMPLEX = "complex", "复杂（30个工作日）"


class ReadOrder(models.TextChoices):
    UP = "up", "自下而上"
    DOWN = "down", "自上而下"


class Case(Item):
    """A test-only 督办/来文 chain: 会签 by opinions (a dynamic signer set) → 呈阅 (readers in the item's order) →
    a decision of 市政府 recorded by the office → 承办 by a second unit's vice head (deadline from the matter type
    or an explicit date) → recurring feedback of several units → done. ``start`` says where submitting leads, so a
    test enters the step it proves directly."""

    start = models.CharField(max_length=20, choices=[(s.value, s.label) for s in CASE_STEPS])
    signers: models.ManyToManyField[Post, Any] = models.ManyToManyField("org.Post", blank=True, related_name="+")
    read_order = models.CharField(max_length=4, choices=ReadOrder.choices, default=ReadOrder.UP)
    matter_type = models.CharField(max_length=10, choices=MatterType.choices, default=MatterType.ORDINARY)
    due_on = models.DateField(null=True, blank=True)
    partner_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    feedback_units: models.ManyToManyField[Unit, Any] = models.ManyToManyField("org.Unit", blank=True, related_name="+")
    state = FSMField(default=CaseState.DRAFT, choices=CaseState.choices, protected=True)

    class Meta:
        verbose_name = "测试督办件"

    @transition(
        field=state,
        source=[CaseState.DRAFT, CaseState.RETURNED],
        target=RETURN_VALUE(*CASE_STEPS),
        custom={"verb": "submit", "by": "submitter", "label": "登记"},
    )
    def submit(self) -> str:
        return self.start

    @transition(field=state, source=CaseState.COUNTERSIGN, target=CaseState.READING, custom={"verb": "approve"})
    @transition(field=state, source=CaseState.HANDLING, target=CaseState.FEEDBACK, custom={"verb": "approve"})
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=CaseState.READING,
        target=CaseState.EXTERNAL,
        custom={"verb": "read", "label": "已阅", "comment_required": False},
    )
    def read(self) -> None:
        pass

    @transition(field=state, source=CaseState.EXTERNAL, target=CaseState.HANDLING, custom={"verb": "record"})
    def record(self) -> None:
        pass

    @transition(
        field=state,
        source=CaseState.FEEDBACK,
        target=CaseState.DONE,
        custom={"verb": "conclude", "by": "submitter", "label": "办结"},
    )
    def conclude(self) -> None:
        pass

    @transition(
        field=state,
        source=[CaseState.COUNTERSIGN, CaseState.EXTERNAL, CaseState.HANDLING],
        target=CaseState.RETURNED,
        custom={"verb": "return"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=[*CASE_STEPS, CaseState.RETURNED],
        target=CaseState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass

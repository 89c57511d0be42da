"""A test-only workflow shaped like 第十九条/第二十条 minutes: every pattern the engine must support in one chain.

draft → office_review (或签: the office director OR the deputy in charge of the unit, 第二十条)
      → joint_review (会签: the justice head AND the office director, 第十九条)
      → exec_sign (the executive vice head)
      → head_sign (only when the memo touches funds: a conditional step, 第十九条)
      → issued
Any signer may return (退回) or reject (不同意); the submitter may withdraw (撤回) before anyone acted.
"""

from __future__ import annotations

from django.db import models
from django_fsm import RETURN_VALUE, FSMField, transition

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

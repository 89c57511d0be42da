"""会议纪要 (第十九条): the minutes of a 常务会议, 区长办公会议 or 专题会议 — a workflow item — and its 议定事项
(decisions), each a row that can become a supervision item once the minutes are signed.

Imported at the end of ``meetings.models`` so that Django registers these models with the app.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from haimen_gov.org.models import Post, Unit
from haimen_gov.workflow.models import Item

from .models import Meeting, MeetingKind

# 第十九条: minutes are compulsory for these two kinds, whose chain runs through the justice head, the office director,
# the vice heads concerned, the executive vice head and the head.
FULL_CHAIN_KINDS = (MeetingKind.EXECUTIVE, MeetingKind.HEAD_OFFICE)
MINUTES_KINDS = (*FULL_CHAIN_KINDS, MeetingKind.TOPICAL)

# 纪要期号: one series per kind, restarting every year (workflow.numbering).
SERIES = {
    MeetingKind.EXECUTIVE: "minutes-executive",
    MeetingKind.HEAD_OFFICE: "minutes-head-office",
    MeetingKind.TOPICAL: "minutes-topical",
}
# The red mark of each kind's minutes (GB/T 9704 纪要标志).
MARKS = {
    MeetingKind.EXECUTIVE: "海门区人民政府常务会议纪要",
    MeetingKind.HEAD_OFFICE: "海门区人民政府区长办公会议纪要",
    MeetingKind.TOPICAL: "海门区人民政府专题会议纪要",
}

DEFAULT_DISTRIBUTION = "区政府领导，区各委办局，各区镇（街道），区各直属单位。"
MAX_DECISIONS = 50
MAX_CO_UNITS = 10


class MinutesFlag(models.TextChoices):
    # 第十九条: a 专题会议's minutes touching these matters go to the head for approval too.
    ORGANISATION = "organisation", _("机构设置")
    STAFFING = "staffing", _("人员编制")
    FUNDING = "funding", _("资金安排")
    POLICY = "policy", _("政策调整")
    AUDIT = "audit", _("审计事项")
    MAJOR_PROJECT = "major_project", _("重大项目")


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("起草中")
    REVIEW = "review", _("待司法局、办公室主任审核")
    OPINIONS = "opinions", _("待相关副区长提出意见")
    EXEC_SIGN = "exec_sign", _("待常务副区长签署")
    HEAD_SIGN = "head_sign", _("待区长签发")
    DEPUTY_REVIEW = "deputy_review", _("待办公室副主任审核")
    LEADER_SIGN = "leader_sign", _("待主持领导签发")
    HEAD_APPROVAL = "head_approval", _("待区长审批")
    SIGNED = "signed", _("已签发")
    RETURNED = "returned", _("已退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")


EDITABLE_STATES = (MinutesState.DRAFT, MinutesState.RETURNED)
REVIEW_STATES = (
    MinutesState.REVIEW,
    MinutesState.EXEC_SIGN,
    MinutesState.HEAD_SIGN,
    MinutesState.DEPUTY_REVIEW,
    MinutesState.LEADER_SIGN,
    MinutesState.HEAD_APPROVAL,
)


class Minutes(Item):
    """会议纪要 (第十九条). ``unit`` is the office, which drafts it; ``number`` (Item) is its 期号, taken at 签发."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="minutes")
    summary = models.TextField(_("会议概述"), max_length=3000)
    distribution = models.CharField(_("分送"), max_length=300, default=DEFAULT_DISTRIBUTION)
    # 专题会议 only: the matters that take the minutes to the head too (MinutesFlag values).
    flags = models.JSONField(_("涉及事项"), default=list, blank=True)
    # 专题会议 only: the office deputy director who attended or convened it on the leader's behalf, who reviews.
    reviewer = models.ForeignKey(
        Post,
        verbose_name=_("审核的办公室副主任"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_on = models.DateField(_("签发日期"), null=True, blank=True, editable=False)
    issue_year = models.PositiveSmallIntegerField(_("期号年份"), null=True, blank=True, editable=False)
    issue_no = models.PositiveIntegerField(_("期数"), null=True, blank=True, editable=False)
    # 出席 / 列席 / 请假, from the meeting's attendance records; read live until 签发, then kept as signed.
    present_line = models.TextField(_("出席"), blank=True, editable=False)
    observers_line = models.TextField(_("列席"), blank=True, editable=False)
    leave_line = models.TextField(_("请假"), blank=True, editable=False)
    state = FSMField(_("流程状态"), default=MinutesState.DRAFT, choices=MinutesState.choices, protected=True)

    class Meta:
        verbose_name = _("会议纪要")
        verbose_name_plural = _("会议纪要")
        constraints = [
            # One set of minutes per meeting (a withdrawn draft gives its place back).
            models.UniqueConstraint(
                fields=["meeting"], condition=~Q(state="withdrawn"), name="one_live_minutes_per_meeting"
            ),
        ]

    @property
    def full_chain(self) -> bool:
        return self.meeting.kind in FULL_CHAIN_KINDS

    @property
    def needs_head(self) -> bool:
        """第十九条: a flagged 专题会议's minutes go to the head too — unless the head chaired it and signs them."""
        from haimen_gov.org.models import PostKind

        return bool(self.flags) and self.meeting.convener.kind != PostKind.DISTRICT_HEAD

    @property
    def flag_labels(self) -> list[str]:
        labels = dict(MinutesFlag.choices)
        return [str(labels[f]) for f in self.flags if f in labels]

    @property
    def mark(self) -> str:
        return MARKS[MeetingKind(self.meeting.kind)]

    @property
    def issue_label(self) -> str:
        """〔2026〕第3期, under the red mark."""
        return f"〔{self.issue_year}〕第{self.issue_no}期" if self.issue_no else ""

    # ----------------------------------------------------------------- transitions: check and set state only

    @transition(
        field=state,
        source=[MinutesState.DRAFT, MinutesState.RETURNED],
        target=RETURN_VALUE(MinutesState.REVIEW, MinutesState.DEPUTY_REVIEW),
        custom={"verb": "submit", "by": "submitter", "label": "提交审核"},
    )
    def submit(self) -> str:
        return MinutesState.REVIEW if self.full_chain else MinutesState.DEPUTY_REVIEW

    @transition(
        field=state,
        source=MinutesState.REVIEW,
        target=MinutesState.OPINIONS,
        custom={"verb": "approve", "label": "审核同意", "style": "success"},
    )
    @transition(
        # Fired by the engine when the last vice head's opinion is in, or when no vice head is concerned.
        field=state,
        source=MinutesState.OPINIONS,
        target=MinutesState.EXEC_SIGN,
        custom={"verb": "approve", "label": "意见齐备"},
    )
    @transition(
        field=state,
        source=MinutesState.EXEC_SIGN,
        target=MinutesState.HEAD_SIGN,
        custom={"verb": "approve", "label": "签署同意，报区长签发", "style": "success"},
    )
    @transition(
        field=state,
        source=MinutesState.DEPUTY_REVIEW,
        target=MinutesState.LEADER_SIGN,
        custom={"verb": "approve", "label": "审核同意", "style": "success"},
    )
    def approve(self) -> str:
        return {
            MinutesState.REVIEW: MinutesState.OPINIONS,
            MinutesState.OPINIONS: MinutesState.EXEC_SIGN,
            MinutesState.EXEC_SIGN: MinutesState.HEAD_SIGN,
        }.get(self.state, MinutesState.LEADER_SIGN)

    @transition(
        field=state,
        source=MinutesState.HEAD_SIGN,
        target=MinutesState.SIGNED,
        custom={"verb": "sign", "label": "签发", "style": "success"},
    )
    @transition(
        field=state,
        source=MinutesState.LEADER_SIGN,
        target=RETURN_VALUE(MinutesState.HEAD_APPROVAL, MinutesState.SIGNED),
        custom={"verb": "sign", "label": "签发", "style": "success"},
    )
    @transition(
        field=state,
        source=MinutesState.HEAD_APPROVAL,
        target=MinutesState.SIGNED,
        custom={"verb": "sign", "label": "审批同意", "style": "success"},
    )
    def sign(self) -> str:
        if self.state == MinutesState.LEADER_SIGN and self.needs_head:
            return MinutesState.HEAD_APPROVAL
        return MinutesState.SIGNED

    @transition(
        field=state,
        source=list(REVIEW_STATES),
        target=MinutesState.RETURNED,
        custom={"verb": "return", "label": "退回修改", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=[MinutesState.DRAFT, MinutesState.REVIEW, MinutesState.DEPUTY_REVIEW, MinutesState.RETURNED],
        target=MinutesState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass


class MinutesDecision(models.Model):
    """议定事项: one decision of the minutes — what, who leads, who helps, by when — and, once the minutes are signed
    and the office turns it into one, its supervision item (第三十七条: 会议议定事项)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("议定事项"), max_length=500)
    lead_unit = models.ForeignKey(Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+")
    co_units: models.ManyToManyField[Unit, Any] = models.ManyToManyField(
        Unit, verbose_name=_("配合单位"), blank=True, related_name="+"
    )
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    supervision_item = models.OneToOneField(
        "supervision.SupervisionItem",
        verbose_name=_("督办事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="minutes_decision",
        editable=False,
    )

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["minutes", "order"], name="one_decision_per_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:30]}"

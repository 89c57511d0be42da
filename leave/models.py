"""外出报备 (第四十四条), 第三十四条 exceptions, 基层调研 (第四十六条).

An :class:`Absence` is a leader's written report of leaving Haimen, approved by the head and then reported to the
district party committee; its approval opens the delegation (委托, 第六条) of the leader's post for its dates. An
:class:`ExceptionRequest` asks the head to let a leader attend a unit's ceremony or forum, or write for it (第三十四条).
A :class:`ResearchTrip` is a plain log row of a leader's grassroots research (第四十六条), not a workflow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from haimen_gov.org.models import Delegation, Post, PostKind
from haimen_gov.workflow.models import Item

# 第四十四条: 副区长、区政府办公室主任以及各单位主要负责同志离开海门，应当事先向区政府书面报告. The head's own
# absence (区长离开海门) goes to the city government instead: see HEAD_KINDS.
REPORTING_KINDS = (
    PostKind.EXEC_VICE_HEAD,
    PostKind.VICE_HEAD,
    PostKind.OFFICE_DIRECTOR,
    PostKind.UNIT_HEAD,
    PostKind.JUSTICE_HEAD,
    PostKind.FINANCE_HEAD,
)

# 第四十四条: 区长离开海门，由区政府办公室分别向市政府办公室、区委办公室请示和报备.
HEAD_KINDS = (PostKind.DISTRICT_HEAD,)

# 第六条: 区长…期间，可委托负责常务工作的副区长或其他副区长主持区政府工作.
HEAD_DELEGATE_KINDS = (PostKind.EXEC_VICE_HEAD, PostKind.VICE_HEAD)

# 第三十四条 / 第四十六条: 区政府领导同志.
GOVERNMENT_LEADER_KINDS = (PostKind.DISTRICT_HEAD, PostKind.EXEC_VICE_HEAD, PostKind.VICE_HEAD)


def days_spanned(start: dt.date, end: dt.date) -> int:
    """Calendar days from ``start`` to ``end``, both counted: an absence's, a research trip's or a visit's length."""
    return (end - start).days + 1


class AbsenceKind(models.TextChoices):
    # 第四十四条: 出差出访、脱产学习、请假休假.
    TRIP = "trip", _("出差")
    VISIT = "visit", _("出访")
    STUDY = "study", _("脱产学习")
    LEAVE = "leave", _("请假休假")


class AbsenceState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVAL = "approval", _("待区长批准")
    FILING = "filing", _("待报区委办备案")
    # 第四十四条, the head's chain: the office asks the city government office and reports to the district party
    # committee office; the city's principal leader approves (recorded); the office reports to the city committee.
    REQUEST = "request", _("待向市政府办请示、报区委办")
    CITY = "city", _("待市政府批准")
    CITY_FILING = "city_filing", _("待报市委备案")
    FILED = "filed", _("已批准并备案")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("未同意")
    CANCELLED = "cancelled", _("已取消")


# States in which the leader is (or will be) away: the board and the warnings read these.
AWAY_STATES = (
    AbsenceState.APPROVAL,
    AbsenceState.FILING,
    AbsenceState.FILED,
    AbsenceState.REQUEST,
    AbsenceState.CITY,
    AbsenceState.CITY_FILING,
)
APPROVED_STATES = (AbsenceState.FILING, AbsenceState.CITY_FILING, AbsenceState.FILED)


class Absence(Item):
    """外出请示报备 (第四十四条): a leader's written report of leaving Haimen."""

    leader_post = models.ForeignKey(
        Post, verbose_name=_("外出领导（职务）"), on_delete=models.PROTECT, related_name="absences"
    )
    # Who held the post when the report was filed: the one away (and its applicant, see flow.filed_for).
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("外出领导"), on_delete=models.PROTECT, related_name="absences"
    )
    category = models.CharField(_("外出类别"), max_length=10, choices=AbsenceKind.choices)
    start = models.DateField(_("离开日期"))
    end = models.DateField(_("返回日期"))
    destination = models.CharField(_("前往地点"), max_length=100)
    reason = models.CharField(_("外出事由"), max_length=300)
    contact = models.CharField(_("外出期间联系方式"), max_length=50)
    # 第六条: who acts for the leader meanwhile; empty when nobody does (the office is then warned of open steps).
    acting = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("外出期间主持（代行）工作"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absences_acting",
    )
    # 第四十四条: 事先报告 — a report filed after the day of departure is a 补报.
    late = models.BooleanField(_("补报"), default=False)
    # 第四十四条: the head's absence follows the city's chain, not the head's approval. Fixed when the report is filed.
    for_head = models.BooleanField(_("区长外出"), default=False, editable=False)
    delegation = models.OneToOneField(
        Delegation,
        verbose_name=_("委托"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="absence",
        editable=False,
    )
    state = FSMField(_("流程状态"), default=AbsenceState.DRAFT, choices=AbsenceState.choices, protected=True)

    class Meta:
        verbose_name = _("外出请示报备")
        verbose_name_plural = _("外出请示报备")
        indexes = [models.Index(fields=["state", "start", "end"]), models.Index(fields=["leader_post", "start"])]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="absence_end_after_start")]

    def get_absolute_url(self) -> str:
        return reverse("workflow:item", args=[self.pk])

    @property
    def days(self) -> int:
        return days_spanned(self.start, self.end)

    def away_on(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def office_warnings(self) -> list[str]:
        """What the office is warned of (shown on the item page), while the absence stands."""
        from .selectors import warnings_for

        if self.state not in AWAY_STATES:
            return []
        return warnings_for([self])[self.pk].messages

    @property
    def shortenable(self) -> bool:
        return self.state in APPROVED_STATES and self.end > self.start

    # ----------------------------------------------------------------- transitions: check and set state only

    def _of_head(self) -> bool:
        return self.for_head

    def _not_of_head(self) -> bool:
        return not self.for_head

    _HEAD: Any = _of_head
    _NOT_HEAD: Any = _not_of_head

    @transition(
        field=state,
        source=[AbsenceState.DRAFT, AbsenceState.RETURNED],
        target=AbsenceState.APPROVAL,
        conditions=[_NOT_HEAD],
        custom={"verb": "submit", "by": "submitter", "label": "报送区政府"},
    )
    def submit(self) -> None:
        pass

    # 第四十四条: 区长离开海门，由区政府办公室分别向市政府办公室、区委办公室请示和报备.
    @transition(
        field=state,
        source=[AbsenceState.DRAFT, AbsenceState.RETURNED],
        target=AbsenceState.REQUEST,
        conditions=[_HEAD],
        custom={"verb": "submit", "by": "submitter", "label": "交区政府办公室请示报备"},
    )
    def submit_head(self) -> None:
        pass

    @transition(
        field=state,
        source=AbsenceState.REQUEST,
        target=AbsenceState.CITY,
        custom={"verb": "send", "label": "已向市政府办请示、报区委办", "style": "primary", "comment_required": True},
    )
    def send(self) -> None:
        pass

    # 第四十四条: 经市政府主要领导批准后 — a decision outside the portal, recorded by the office (ExternalDecision).
    @transition(
        field=state,
        source=AbsenceState.CITY,
        target=AbsenceState.CITY_FILING,
        custom={"verb": "record", "label": "登记市政府批准", "style": "success"},
    )
    def record_city(self) -> None:
        pass

    @transition(
        field=state,
        source=AbsenceState.CITY,
        target=AbsenceState.REJECTED,
        custom={"verb": "reject", "label": "市政府未批准", "style": "danger"},
    )
    def city_reject(self) -> None:
        pass

    # 第四十四条: 再按要求向市委报备.
    @transition(
        field=state,
        source=AbsenceState.CITY_FILING,
        target=AbsenceState.FILED,
        custom={"verb": "report", "label": "已报市委备案", "style": "success", "comment_required": True},
    )
    def report_city(self) -> None:
        pass

    # 第四十四条: 经区长批准同意后，再按要求向区委报备.
    @transition(
        field=state,
        source=AbsenceState.APPROVAL,
        target=AbsenceState.FILING,
        custom={"verb": "approve", "label": "批准", "style": "success"},
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=AbsenceState.FILING,
        target=AbsenceState.FILED,
        custom={"verb": "record", "label": "已报区委办备案", "style": "success", "comment_required": True},
    )
    def record(self) -> None:
        pass

    @transition(
        field=state,
        source=[AbsenceState.APPROVAL, AbsenceState.REQUEST],
        target=AbsenceState.RETURNED,
        custom={"verb": "return", "label": "退回修改", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=AbsenceState.APPROVAL,
        target=AbsenceState.REJECTED,
        custom={"verb": "reject", "label": "不同意", "style": "danger"},
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=[AbsenceState.APPROVAL, AbsenceState.REQUEST],
        target=AbsenceState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回报告", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass

    def _not_over(self) -> bool:
        return self.end >= timezone.localdate()

    _NOT_OVER: Any = _not_over  # django-stubs types conditions as taking any Model

    # An approved absence that has not ended can be called off; its delegation ends with it.
    @transition(
        field=state,
        source=list(APPROVED_STATES),
        target=AbsenceState.CANCELLED,
        conditions=[_NOT_OVER],
        custom={
            "verb": "cancel",
            "by": "submitter",
            "label": "取消外出",
            "style": "outline-danger",
            "comment_required": True,
        },
    )
    def cancel(self) -> None:
        pass

    def slip_fields(self) -> list[tuple[str, str]]:
        return [
            ("外出领导", f"{self.leader.display_name}（{self.leader_post.title}）"),
            ("外出类别", self.get_category_display()),
            ("外出时间", f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}（{self.days} 天）"),
            ("前往地点", self.destination),
            ("外出事由", self.reason),
            ("联系方式", self.contact),
            ("主持（代行）工作", self.acting.display_name if self.acting else "无"),
            ("报告方式", "补报" if self.late else "事先报告"),
            ("报批", "区政府办公室向市政府办公室请示、报区委办（第四十四条）" if self.for_head else "区长批准"),
        ]


class ExceptionKind(models.TextChoices):
    # 第三十四条: the activities leaders do not attend and the writings they do not give, unless arranged.
    GROUNDBREAKING = "groundbreaking", _("奠基活动")
    CELEBRATION = "celebration", _("庆祝会")
    ANNIVERSARY = "anniversary", _("纪念会")
    AWARD = "award", _("表彰会")
    EXPO = "expo", _("博览会")
    SEMINAR = "seminar", _("研讨会")
    FORUM = "forum", _("论坛")
    CONGRATULATION = "congratulation", _("贺信、贺电")
    INSCRIPTION = "inscription", _("题词、题字")
    PREFACE = "preface", _("作序")


WRITING_KINDS = (ExceptionKind.CONGRATULATION, ExceptionKind.INSCRIPTION, ExceptionKind.PREFACE)


class ExceptionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVAL = "approval", _("待区长审批")
    APPROVED = "approved", _("已同意（例外登记）")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("未同意")


class ExceptionRequest(Item):
    """第三十四条: a unit asks a district leader to attend its event, or to write for it; the head decides."""

    leader_post = models.ForeignKey(
        Post, verbose_name=_("邀请的区政府领导（职务）"), on_delete=models.PROTECT, related_name="exception_requests"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("邀请的区政府领导"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("类别"), max_length=20, choices=ExceptionKind.choices)
    event = models.CharField(_("活动或文稿名称"), max_length=200)
    event_date = models.DateField(_("活动日期"), null=True, blank=True)
    place = models.CharField(_("活动地点"), max_length=100, blank=True)
    reason = models.CharField(_("需作例外安排的理由"), max_length=500)
    state = FSMField(_("流程状态"), default=ExceptionState.DRAFT, choices=ExceptionState.choices, protected=True)

    class Meta:
        verbose_name = _("第三十四条例外事项")
        verbose_name_plural = _("第三十四条例外事项")
        indexes = [models.Index(fields=["leader_post", "state"])]

    def get_absolute_url(self) -> str:
        return reverse("workflow:item", args=[self.pk])

    @transition(
        field=state,
        source=[ExceptionState.DRAFT, ExceptionState.RETURNED],
        target=ExceptionState.APPROVAL,
        custom={"verb": "submit", "by": "submitter", "label": "报区长审批"},
    )
    def submit(self) -> None:
        pass

    # 第三十四条: 除区委、区政府统一安排外 — the head's approval records the exception.
    @transition(
        field=state,
        source=ExceptionState.APPROVAL,
        target=ExceptionState.APPROVED,
        custom={"verb": "approve", "label": "同意作例外安排", "style": "success"},
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=ExceptionState.APPROVAL,
        target=ExceptionState.RETURNED,
        custom={"verb": "return", "label": "退回修改", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=ExceptionState.APPROVAL,
        target=ExceptionState.REJECTED,
        custom={"verb": "reject", "label": "不同意", "style": "danger"},
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=ExceptionState.APPROVAL,
        target=ExceptionState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass

    def slip_fields(self) -> list[tuple[str, str]]:
        return [
            ("邀请的领导", f"{self.leader.display_name}（{self.leader_post.title}）"),
            ("类别", self.get_category_display()),
            ("活动或文稿", self.event),
            ("日期、地点", f"{self.event_date or '—'} {self.place}".strip()),
            ("例外理由", self.reason),
        ]


class ResearchTrip(models.Model):
    """基层调研 (第四十六条): one research trip of a district leader. A log row, not a workflow."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调研领导"), on_delete=models.PROTECT, related_name="research_trips"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    places = models.CharField(_("调研地点"), max_length=200)
    topic = models.CharField(_("调研主题"), max_length=200)
    findings = models.TextField(_("发现的问题和成果"), max_length=4000, blank=True)
    # 第四十六条: 坚持轻车简从，不扰民.
    frugality = models.CharField(_("轻车简从情况"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("基层调研")
        verbose_name_plural = _("基层调研")
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["leader", "start"])]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="research_end_after_start")]

    def __str__(self) -> str:
        return f"{self.topic}（{self.start}）"

    @property
    def days(self) -> int:
        return days_spanned(self.start, self.end)


# ------------------------------------------------------------------------------------------------- 出访 (第三十五条)


class VisitChain(models.TextChoices):
    # 第三十五条: 区长出访，经区委书记同意，按程序报市政府审批。副区长出访，经区长同意后报区委书记批准，按程序报市政府
    # 审批。各单位主要负责同志出访，逐级报相关区领导同意后，按程序审批。
    HEAD = "head", _("区长出访")
    VICE = "vice", _("副区长出访")
    UNIT = "unit", _("单位主要负责同志出访")


VISIT_CHAIN_OF_KIND = {
    PostKind.DISTRICT_HEAD: VisitChain.HEAD,
    PostKind.EXEC_VICE_HEAD: VisitChain.VICE,
    PostKind.VICE_HEAD: VisitChain.VICE,
    PostKind.UNIT_HEAD: VisitChain.UNIT,
    PostKind.JUSTICE_HEAD: VisitChain.UNIT,
    PostKind.FINANCE_HEAD: VisitChain.UNIT,
}


class VisitPlanEntry(models.Model):
    """计划管理 (第三十五条: 区政府组成人员因公出访实行计划管理): one planned visit of the year, collected by the office
    and approved with the year's plan by the head. A visit outside an approved entry is 计划外."""

    year = models.PositiveSmallIntegerField(_("计划年度"))
    traveller_post = models.ForeignKey(
        Post, verbose_name=_("出访人（职务）"), on_delete=models.PROTECT, related_name="visit_plan_entries"
    )
    countries = models.CharField(_("出访国家（地区）"), max_length=100)
    purpose = models.CharField(_("出访任务"), max_length=300)
    approx_start = models.DateField(_("预计出访时间（起）"))
    approx_end = models.DateField(_("预计出访时间（止）"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("列入时间"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("出访计划")
        verbose_name_plural = _("出访计划")
        ordering = ["year", "approx_start", "id"]
        indexes = [models.Index(fields=["year", "traveller_post"])]
        constraints = [
            models.CheckConstraint(condition=Q(approx_end__gte=F("approx_start")), name="visit_plan_end_after_start"),
            models.CheckConstraint(condition=Q(year__gte=2020, year__lte=2100), name="visit_plan_year_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.traveller_post.title}：{self.countries}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    def label(self) -> str:
        return f"{self.traveller_post.title}赴{self.countries}（{self.approx_start:%m月}—{self.approx_end:%m月}）"


class VisitState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_CHARGE = "in_charge", _("待分管区领导同意")
    HEAD = "head", _("待区长同意")
    SECRETARY = "secretary", _("待区委书记批准")
    CITY = "city", _("待市政府审批")
    PROCEDURE = "procedure", _("待按程序审批")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("未批准")
    CANCELLED = "cancelled", _("已取消")


VISIT_PENDING_STATES = (
    VisitState.IN_CHARGE,
    VisitState.HEAD,
    VisitState.SECRETARY,
    VisitState.CITY,
    VisitState.PROCEDURE,
)
# States in which a visit holds its plan entry (a second visit cannot use it meanwhile).
VISIT_LIVE_STATES = (*VISIT_PENDING_STATES, VisitState.APPROVED)


class Visit(Item):
    """出访 (第三十五条): a leader's or a unit head's visit abroad, in (or outside) the year's plan."""

    traveller_post = models.ForeignKey(
        Post, verbose_name=_("出访人（职务）"), on_delete=models.PROTECT, related_name="visits"
    )
    traveller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出访人"), on_delete=models.PROTECT, related_name="visits"
    )
    chain = models.CharField(_("审批程序"), max_length=10, choices=VisitChain.choices, editable=False)
    countries = models.CharField(_("出访国家（地区）"), max_length=100)
    purpose = models.CharField(_("出访任务"), max_length=300)
    members = models.CharField(_("团组成员"), max_length=300, blank=True)
    start = models.DateField(_("出发日期"))
    end = models.DateField(_("返回日期"))
    plan_entry = models.ForeignKey(
        VisitPlanEntry,
        verbose_name=_("列入的年度计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    # 第三十五条: 计划管理 — a visit outside the approved plan is marked and must say why.
    out_of_plan = models.BooleanField(_("计划外"), default=False, editable=False)
    out_of_plan_reason = models.CharField(_("计划外出访理由"), max_length=500, blank=True)
    state = FSMField(_("流程状态"), default=VisitState.DRAFT, choices=VisitState.choices, protected=True)

    class Meta:
        verbose_name = _("因公出访")
        verbose_name_plural = _("因公出访")
        indexes = [models.Index(fields=["traveller_post", "start"]), models.Index(fields=["state", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="visit_end_after_start"),
            # 第三十五条: out of the plan means no plan entry and a reason; in the plan means an entry.
            models.CheckConstraint(
                condition=Q(out_of_plan=False, plan_entry__isnull=False)
                | Q(out_of_plan=True, plan_entry__isnull=True) & ~Q(out_of_plan_reason=""),
                name="visit_in_plan_or_reasoned",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("workflow:item", args=[self.pk])

    @property
    def days(self) -> int:
        return days_spanned(self.start, self.end)

    # ----------------------------------------------------------------- the chain is fixed by who travels

    def _head_chain(self) -> bool:
        return self.chain == VisitChain.HEAD

    def _vice_chain(self) -> bool:
        return self.chain == VisitChain.VICE

    def _unit_chain(self) -> bool:
        return self.chain == VisitChain.UNIT

    _IS_HEAD: Any = _head_chain
    _IS_VICE: Any = _vice_chain
    _IS_UNIT: Any = _unit_chain

    # 区长出访，经区委书记同意.
    @transition(
        field=state,
        source=[VisitState.DRAFT, VisitState.RETURNED],
        target=VisitState.SECRETARY,
        conditions=[_IS_HEAD],
        custom={"verb": "submit", "by": "submitter", "label": "报区委书记"},
    )
    def submit_head(self) -> None:
        pass

    # 副区长出访，经区长同意.
    @transition(
        field=state,
        source=[VisitState.DRAFT, VisitState.RETURNED],
        target=VisitState.HEAD,
        conditions=[_IS_VICE],
        custom={"verb": "submit", "by": "submitter", "label": "报区长"},
    )
    def submit_vice(self) -> None:
        pass

    # 各单位主要负责同志出访，逐级报相关区领导同意: first the leader in charge of the unit.
    @transition(
        field=state,
        source=[VisitState.DRAFT, VisitState.RETURNED],
        target=VisitState.IN_CHARGE,
        conditions=[_IS_UNIT],
        custom={"verb": "submit", "by": "submitter", "label": "报分管区领导"},
    )
    def submit_unit(self) -> None:
        pass

    @transition(
        field=state,
        source=VisitState.IN_CHARGE,
        target=VisitState.HEAD,
        custom={"verb": "approve", "label": "同意", "style": "success"},
    )
    def agree_in_charge(self) -> None:
        pass

    # 副区长: 经区长同意后报区委书记批准.
    @transition(
        field=state,
        source=VisitState.HEAD,
        target=VisitState.SECRETARY,
        conditions=[_IS_VICE],
        custom={"verb": "approve", "label": "同意", "style": "success"},
    )
    def agree_head(self) -> None:
        pass

    # 单位主要负责同志: 逐级报区领导同意后，按程序审批.
    @transition(
        field=state,
        source=VisitState.HEAD,
        target=VisitState.PROCEDURE,
        conditions=[_IS_UNIT],
        custom={"verb": "approve", "label": "同意", "style": "success"},
    )
    def agree_head_for_unit(self) -> None:
        pass

    @transition(
        field=state,
        source=VisitState.SECRETARY,
        target=VisitState.CITY,
        custom={"verb": "approve", "label": "同意", "style": "success"},
    )
    def agree_secretary(self) -> None:
        pass

    # 按程序报市政府审批 / 按程序审批: decisions outside the portal, recorded by the office (ExternalDecision).
    @transition(
        field=state,
        source=[VisitState.CITY, VisitState.PROCEDURE],
        target=VisitState.APPROVED,
        custom={"verb": "record", "label": "登记审批结果", "style": "success"},
    )
    def record(self) -> None:
        pass

    @transition(
        field=state,
        source=[VisitState.IN_CHARGE, VisitState.HEAD, VisitState.SECRETARY],
        target=VisitState.RETURNED,
        custom={"verb": "return", "label": "退回修改", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=list(VISIT_PENDING_STATES),
        target=VisitState.REJECTED,
        custom={"verb": "reject", "label": "不同意", "style": "danger"},
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=[VisitState.IN_CHARGE, VisitState.HEAD, VisitState.SECRETARY],
        target=VisitState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass

    def _not_started(self) -> bool:
        return self.start >= timezone.localdate()

    _NOT_STARTED: Any = _not_started

    @transition(
        field=state,
        source=VisitState.APPROVED,
        target=VisitState.CANCELLED,
        conditions=[_NOT_STARTED],
        custom={
            "verb": "cancel",
            "by": "submitter",
            "label": "取消出访",
            "style": "outline-danger",
            "comment_required": True,
        },
    )
    def cancel(self) -> None:
        pass

    def slip_fields(self) -> list[tuple[str, str]]:
        plan = "计划外（" + self.out_of_plan_reason + "）" if self.out_of_plan else "列入年度计划"
        return [
            ("出访人", f"{self.traveller.display_name}（{self.traveller_post.title}）"),
            ("审批程序", self.get_chain_display()),
            ("出访国家（地区）", self.countries),
            ("出访任务", self.purpose),
            ("团组成员", self.members or "—"),
            ("出访时间", f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}（{self.days} 天）"),
            ("计划管理", plan),
        ]

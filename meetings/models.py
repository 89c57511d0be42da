"""会议制度 (第十四—二十三条): meetings, their attendees, and the workflow items around them — 议题 (agenda topics),
请假 (leave from a meeting), 新闻稿 (press releases) and a department's own system-wide meeting.

A meeting is run by the office (it creates, notifies, holds and archives it): a plain model with a state machine and
its own append-only log, not a workflow item, as nobody approves it. Everything that waits on a decision is an
``Item`` on the engine.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from haimen_gov.org.models import Post, PostKind, Unit
from haimen_gov.workflow.models import Item


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("区政府全体会议")  # 第十五条
    EXECUTIVE = "executive", _("区政府常务会议")  # 第十六条
    HEAD_OFFICE = "head_office", _("区长办公会议")  # 第十七条
    TOPICAL = "topical", _("区政府专题会议")  # 第十八条


# 第十五—十八条: how often each kind is held, as the rules put it.
CADENCE = {
    MeetingKind.PLENARY: "一般每年召开2次",
    MeetingKind.EXECUTIVE: "原则上每月召开1次",
    MeetingKind.HEAD_OFFICE: "原则上每两周召开1次",
    MeetingKind.TOPICAL: "根据需要召开",
}

# The same as an interval, for the office's board: when the next one of a kind is due after the last one held.
CADENCE_DAYS = {MeetingKind.PLENARY: 183, MeetingKind.EXECUTIVE: 31, MeetingKind.HEAD_OFFICE: 14}

# 第十六条: topics for a 常务会议 reach the office at least this many working days before it.
CUTOFF_WORKDAYS = {MeetingKind.EXECUTIVE: 5}


class MeetingMode(models.TextChoices):
    # 第二十三条: 提倡开短会、开视频会.
    ONSITE = "onsite", _("现场会议")
    VIDEO = "video", _("视频会议")
    HYBRID = "hybrid", _("现场+视频")


class MeetingState(models.TextChoices):
    PREPARING = "preparing", _("筹备中")
    NOTIFIED = "notified", _("已通知")
    HELD = "held", _("已召开")
    ARCHIVED = "archived", _("已归档")
    CANCELLED = "cancelled", _("已取消")


OPEN_MEETING_STATES = (MeetingState.PREPARING, MeetingState.NOTIFIED)


def minutes_between(start: dt.time, end: dt.time) -> int:
    """A meeting's length in minutes from its clock times (it starts and ends on its day)."""
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


class Meeting(FSMModelMixin, models.Model):
    kind = models.CharField(_("会议类别"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=120)
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=100)
    mode = models.CharField(_("形式"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.ONSITE)
    # 第十八条: a 专题会议 is called by the head or a vice head; the others by the head.
    convener = models.ForeignKey(
        Post, verbose_name=_("召集领导（职务）"), on_delete=models.PROTECT, related_name="meetings_convened"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("主持人"), on_delete=models.PROTECT, related_name="meetings_chaired"
    )
    # The post the chair acts for: the head's, or the executive vice head's when chairing on delegation. Leave from the
    # meeting is asked of the head or of this post (第二十二条).
    chair_post = models.ForeignKey(
        Post, verbose_name=_("主持人职务"), on_delete=models.PROTECT, related_name="meetings_chaired"
    )
    # "区长", or "受区长委托" when the executive vice head chairs on the head's delegation (第十六、十七条).
    chair_label = models.CharField(_("主持身份"), max_length=60)
    state = FSMField(_("状态"), default=MeetingState.PREPARING, choices=MeetingState.choices, protected=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["date", "start_time", "id"]
        indexes = [models.Index(fields=["date", "start_time"]), models.Index(fields=["kind", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", args=[self.pk])

    @property
    def cadence(self) -> str:
        return CADENCE[MeetingKind(self.kind)]

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.end_time))

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_MEETING_STATES

    @property
    def length_minutes(self) -> int:
        """How long it lasts, in minutes (第二十三条: 开短会)."""
        return minutes_between(self.start_time, self.end_time)

    # ----------------------------------------------------------------- transitions: check and set state only

    @transition(field=state, source=MeetingState.PREPARING, target=MeetingState.NOTIFIED)
    def notify(self) -> None:
        pass

    @transition(field=state, source=MeetingState.NOTIFIED, target=MeetingState.HELD)
    def hold(self) -> None:
        pass

    @transition(field=state, source=MeetingState.HELD, target=MeetingState.ARCHIVED)
    def archive(self) -> None:
        pass

    @transition(field=state, source=list(OPEN_MEETING_STATES), target=MeetingState.CANCELLED)
    def cancel(self) -> None:
        pass


class MeetingLog(models.Model):
    """What happened to a meeting (created, notified, rescheduled …), append-only like the engine's history."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=20)
    verb_label = models.CharField(_("操作"), max_length=30)
    comment = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("会议办理记录")
        verbose_name_plural = _("会议办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting} {self.verb_label}"


class AttendeeRole(models.TextChoices):
    MEMBER = "member", _("组成人员")
    FIXED = "fixed", _("固定列席")
    TOPIC_UNIT = "topic_unit", _("列席（议题单位）")
    INVITED = "invited", _("邀请列席")


class Attendance(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("确认参会")
    LEAVE_ASKED = "leave_asked", _("请假审批中")
    ON_LEAVE = "on_leave", _("已请假")


class Attendee(models.Model):
    """One person or post at a meeting. Invitees from 人大/政协 may have no account: then only ``name`` is set."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    role = models.CharField(_("参会身份"), max_length=12, choices=AttendeeRole.choices)
    post = models.ForeignKey(Post, verbose_name=_("职务"), null=True, blank=True, on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_seats"
    )
    name = models.CharField(_("姓名/职务"), max_length=100)
    status = models.CharField(_("参会状态"), max_length=12, choices=Attendance.choices, default=Attendance.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    substitute = models.CharField(_("代会人员"), max_length=100, blank=True)
    order = models.PositiveIntegerField(default=100)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "post"], condition=Q(post__isnull=False), name="one_seat_per_post"
            ),
        ]
        indexes = [models.Index(fields=["user", "meeting"])]

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------------------------- 议题 agenda topics


class TopicState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    UNIT_CONFIRM = "unit_confirm", _("待单位负责人确认")
    VICE_STUDY = "vice_study", _("待分管副区长专题研究")
    LEGALITY = "legality", _("待合法性审查")
    OFFICE_CHECK = "office_check", _("待区政府办公室审核")
    EXCEPTION = "exception", _("待区长批准逾期上会")
    HEAD_DECISION = "head_decision", _("待区长确定")
    SCHEDULED = "scheduled", _("已列入会议议程")
    DEFERRED = "deferred", _("暂缓上会")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("不同意上会")


class LegalityResult(models.TextChoices):
    PASS = "pass", _("审查通过")
    FAIL = "fail", _("审查未通过")


class Topic(Item):
    """议题申报表 (第十四条, 第十六条)."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("拟提交会议"),
        on_delete=models.PROTECT,
        related_name="topics",
        help_text=_("区长确定上会时可改为其他会议"),
    )
    by_leader = models.BooleanField(_("副区长提出"), default=False, editable=False)
    background = models.TextField(_("背景情况"), max_length=3000)
    proposed_decision = models.TextField(_("拟决策事项"), max_length=2000)
    units_consulted = models.CharField(_("征求意见单位"), max_length=300, blank=True)
    funding = models.CharField(_("涉及资金"), max_length=200, blank=True, help_text=_("如“区财政安排1200万元”"))
    is_normative = models.BooleanField(_("属于规范性文件"), default=False)
    # 第二十八条: the 规范性文件 itself, drafted in the documents app, whose legality review (recorded there by the
    # justice bureau) decides whether the topic may go on a 常务会议 agenda.
    document = models.ForeignKey(
        "documents.OutgoingDocument",
        verbose_name=_("规范性文件（公文）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 第十六条: the day the sponsor was reminded of the cut-off (claimed once; a 改期 clears it for the new date).
    cutoff_reminded_on = models.DateField(_("截止提醒日期"), null=True, blank=True, editable=False)
    # 第十四条: 相关副区长和工作部门会前都要专题研究，形成具体的工作意见.
    unit_opinion = models.TextField(_("主办单位工作意见"), max_length=2000)
    # When the topic reached the office (entered 办公室审核): what 第十六条's cut-off is measured on.
    reached_office_on = models.DateField(_("送达区政府办公室日期"), null=True, blank=True, editable=False)
    # 第十六条: the head's exception to the cut-off, kept on the item.
    exception_granted = models.BooleanField(_("区长特批逾期上会"), default=False, editable=False)
    exception_reason = models.CharField(_("特批理由"), max_length=300, blank=True, editable=False)
    # 第二十八条 (until the documents app records it): the justice bureau's legality review of a 规范性文件.
    legality_result = models.CharField(
        _("合法性审查结论"), max_length=10, choices=LegalityResult.choices, blank=True, editable=False
    )
    legality_note = models.CharField(_("合法性审查意见"), max_length=500, blank=True, editable=False)
    state = FSMField(_("流程状态"), default=TopicState.DRAFT, choices=TopicState.choices, protected=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        indexes = [models.Index(fields=["meeting", "state"])]

    def get_absolute_url(self) -> str:
        return reverse("workflow:item", args=[self.pk])

    @property
    def cutoff(self) -> dt.date | None:
        """第十六条: the last day this topic may reach the office for its meeting (None: no cut-off)."""
        from .composition import cutoff

        return cutoff(self.meeting.kind, self.meeting.date)

    @property
    def own_legality_review(self) -> bool:
        """A 规范性文件 topic without a document in the documents app: the justice bureau records its review on the
        topic itself (the fallback of topics proposed before the documents app recorded reviews)."""
        return self.is_normative and self.document_id is None

    @property
    def late(self) -> bool:
        """Reached (or, not there yet, would reach today) the office after the cut-off, without an exception."""
        last = self.cutoff
        arrived = self.reached_office_on or timezone.localdate()
        return last is not None and arrived > last and not self.exception_granted

    @transition(
        field=state,
        source=[TopicState.DRAFT, TopicState.RETURNED],
        target=RETURN_VALUE(TopicState.UNIT_CONFIRM, TopicState.OFFICE_CHECK, TopicState.LEGALITY),
        custom={"verb": "submit", "by": "submitter", "label": "提交议题"},
    )
    def submit(self) -> str:
        # 第十四条: a unit's clerk drafts and its head confirms; a vice head's own topic carries their opinion.
        if not self.by_leader:
            return TopicState.UNIT_CONFIRM
        return TopicState.LEGALITY if self.own_legality_review else TopicState.OFFICE_CHECK

    @transition(
        field=state,
        source=TopicState.UNIT_CONFIRM,
        target=TopicState.VICE_STUDY,
        custom={"verb": "approve", "label": "确认申报", "style": "success"},
    )
    @transition(
        field=state,
        source=TopicState.VICE_STUDY,
        target=RETURN_VALUE(TopicState.LEGALITY, TopicState.OFFICE_CHECK),
        # 第十四条: the vice head's pre-study opinion (专题研究) is the step's comment, and it is required.
        custom={"verb": "approve", "label": "同意上报（专题研究意见）", "style": "success", "comment_required": True},
    )
    @transition(
        field=state,
        source=TopicState.OFFICE_CHECK,
        target=TopicState.HEAD_DECISION,
        custom={"verb": "approve", "label": "审核完备，报区长确定", "style": "success"},
    )
    def approve(self) -> str:
        if self.state == TopicState.UNIT_CONFIRM:
            return TopicState.VICE_STUDY
        if self.state == TopicState.VICE_STUDY and self.own_legality_review:
            return TopicState.LEGALITY
        if self.state == TopicState.OFFICE_CHECK:
            return TopicState.HEAD_DECISION
        return TopicState.OFFICE_CHECK

    # 第二十八条: the justice bureau records its review (pass or fail); a failed review still reaches the office, but
    # the topic cannot go on a 常务会议 agenda.
    @transition(
        field=state,
        source=TopicState.LEGALITY,
        target=TopicState.OFFICE_CHECK,
        custom={"verb": "review", "label": "提交审查结论", "style": "success"},
    )
    def review(self) -> None:
        pass

    # 第十六条: the office asks the head for an exception to the cut-off; the head grants it (with a reason) or not.
    @transition(
        field=state,
        source=TopicState.OFFICE_CHECK,
        target=TopicState.EXCEPTION,
        custom={"verb": "ask_exception", "label": "报区长特批逾期上会", "style": "warning", "comment_required": True},
    )
    def ask_exception(self) -> None:
        pass

    @transition(
        field=state,
        source=TopicState.EXCEPTION,
        target=TopicState.OFFICE_CHECK,
        custom={"verb": "grant", "label": "特批上会", "style": "success"},
    )
    def grant(self) -> None:
        pass

    @transition(
        field=state,
        source=TopicState.EXCEPTION,
        target=TopicState.OFFICE_CHECK,
        custom={"verb": "deny", "label": "不予特批", "style": "danger", "comment_required": True},
    )
    def deny(self) -> None:
        pass

    # 第十四条: the head decides — 上会 into a meeting, 暂缓, or 不同意, each with a comment.
    @transition(
        field=state,
        source=TopicState.HEAD_DECISION,
        target=TopicState.SCHEDULED,
        custom={"verb": "schedule", "label": "同意上会", "style": "success", "comment_required": True},
    )
    def schedule(self) -> None:
        pass

    @transition(
        field=state,
        source=TopicState.HEAD_DECISION,
        target=TopicState.DEFERRED,
        custom={"verb": "defer", "label": "暂缓上会", "style": "warning", "comment_required": True},
    )
    def defer(self) -> None:
        pass

    @transition(
        field=state,
        source=TopicState.HEAD_DECISION,
        target=TopicState.REJECTED,
        custom={"verb": "reject", "label": "不同意", "style": "danger"},
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=[TopicState.UNIT_CONFIRM, TopicState.VICE_STUDY, TopicState.OFFICE_CHECK, TopicState.HEAD_DECISION],
        target=TopicState.RETURNED,
        custom={"verb": "return", "label": "退回修改", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=[TopicState.UNIT_CONFIRM, TopicState.OFFICE_CHECK],
        target=TopicState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回议题", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass


# --------------------------------------------------------------------------------------------- 请假 (第二十二条)


class LeaveState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVAL = "approval", _("待批准")
    APPROVED = "approved", _("已准假")
    REJECTED = "rejected", _("不准假")
    WITHDRAWN = "withdrawn", _("已撤回")


class LeaveRequest(Item):
    """会议请假 (第二十二条): asked of the head or the meeting's chair, either of whom decides (或签)."""

    attendee = models.ForeignKey(Attendee, verbose_name=_("参会人员"), on_delete=models.PROTECT, related_name="leaves")
    reason = models.CharField(_("请假事由"), max_length=300)
    substitute = models.CharField(_("代会人员"), max_length=100, blank=True, help_text=_("单位可安排他人代会"))
    state = FSMField(_("流程状态"), default=LeaveState.DRAFT, choices=LeaveState.choices, protected=True)

    class Meta:
        verbose_name = _("会议请假")
        verbose_name_plural = _("会议请假")
        constraints = [
            # One leave request in progress or granted per seat.
            models.UniqueConstraint(
                fields=["attendee"],
                condition=Q(state__in=["draft", "approval", "approved"]),
                name="one_live_leave_per_attendee",
            ),
        ]

    @transition(
        field=state,
        source=LeaveState.DRAFT,
        target=LeaveState.APPROVAL,
        custom={"verb": "submit", "by": "submitter", "label": "提交请假"},
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=LeaveState.APPROVAL,
        target=LeaveState.APPROVED,
        custom={"verb": "approve", "label": "准假", "style": "success"},
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=LeaveState.APPROVAL,
        target=LeaveState.REJECTED,
        custom={"verb": "reject", "label": "不准假", "style": "danger"},
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=LeaveState.APPROVAL,
        target=LeaveState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回请假", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass


# --------------------------------------------------------------------------------------------- 新闻稿 (第二十条)


class PressState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OFFICE_REVIEW = "office_review", _("待区政府办公室审定")
    LEADER_REVIEW = "leader_review", _("待区政府领导审定")
    APPROVED = "approved", _("已审定")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("不同意发布")


class PressRelease(Item):
    """会议新闻稿 (第二十条): 须经区政府办公室主任或相关副主任审定；如有需要，报区长、副区长审定."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), null=True, blank=True, on_delete=models.PROTECT, related_name="press"
    )
    body = models.TextField(_("稿件正文"), max_length=10000)
    leader = models.ForeignKey(
        Post,
        verbose_name=_("报区政府领导审定"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("需要时报区长或副区长审定"),
    )
    state = FSMField(_("流程状态"), default=PressState.DRAFT, choices=PressState.choices, protected=True)

    class Meta:
        verbose_name = _("会议新闻稿")
        verbose_name_plural = _("会议新闻稿")

    @transition(
        field=state,
        source=[PressState.DRAFT, PressState.RETURNED],
        target=PressState.OFFICE_REVIEW,
        custom={"verb": "submit", "by": "submitter", "label": "提交审定"},
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=PressState.OFFICE_REVIEW,
        target=RETURN_VALUE(PressState.LEADER_REVIEW, PressState.APPROVED),
        custom={"verb": "approve", "label": "审定同意", "style": "success"},
    )
    @transition(
        field=state,
        source=PressState.LEADER_REVIEW,
        target=PressState.APPROVED,
        custom={"verb": "approve", "label": "审定同意", "style": "success"},
    )
    def approve(self) -> str:
        if self.state == PressState.OFFICE_REVIEW and self.leader_id:
            return PressState.LEADER_REVIEW
        return PressState.APPROVED

    @transition(
        field=state,
        source=[PressState.OFFICE_REVIEW, PressState.LEADER_REVIEW],
        target=PressState.RETURNED,
        custom={"verb": "return", "label": "退回修改", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=[PressState.OFFICE_REVIEW, PressState.LEADER_REVIEW],
        target=PressState.REJECTED,
        custom={"verb": "reject", "label": "不同意发布", "style": "danger"},
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=PressState.OFFICE_REVIEW,
        target=PressState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass


# ------------------------------------------------------------------------ 部门本系统全区性会议 (第二十一条第二款)


class DeptMeetingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    VICE_REVIEW = "vice_review", _("待分管副区长审核")
    HEAD_APPROVAL = "head_approval", _("待区长批准")
    APPROVED = "approved", _("已批准")
    FILED = "filed", _("已备案")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("不同意")


# A department's meeting in these states holds its one place of the year.
DEPT_MEETING_LIVE = ("draft", "vice_review", "head_approval", "approved", "filed", "returned")


class DeptMeeting(Item):
    """各部门召开本系统全区性会议，每年不超过1次 (第二十一条)."""

    date = models.DateField(_("会议日期"))
    year = models.PositiveIntegerField(_("年度"), editable=False)
    place = models.CharField(_("地点"), max_length=100)
    scale = models.PositiveIntegerField(_("参会人数"))
    invites_towns = models.BooleanField(_("邀请区镇（街道）负责同志"), default=False)
    leader_attending = models.ForeignKey(
        Post,
        verbose_name=_("请区政府领导出席"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = FSMField(_("流程状态"), default=DeptMeetingState.DRAFT, choices=DeptMeetingState.choices, protected=True)

    class Meta:
        verbose_name = _("部门全区性会议")
        verbose_name_plural = _("部门全区性会议")
        constraints = [
            # 第二十一条: at most one a year per department, however many are submitted at once.
            models.UniqueConstraint(
                fields=["dept", "year"],
                condition=Q(state__in=DEPT_MEETING_LIVE),
                name="one_dept_meeting_a_year",
            ),
            models.CheckConstraint(condition=Q(scale__gte=1) & Q(scale__lte=5000), name="dept_meeting_scale"),
        ]

    # The department, copied from Item.unit: a constraint cannot span the parent table.
    dept = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)

    @property
    def needs_approval(self) -> bool:
        # 第二十一条: inviting town/street leaders, or a district leader attending, needs district approval.
        return self.invites_towns or self.leader_attending_id is not None

    @transition(
        field=state,
        source=[DeptMeetingState.DRAFT, DeptMeetingState.RETURNED],
        target=RETURN_VALUE(DeptMeetingState.VICE_REVIEW, DeptMeetingState.FILED),
        custom={"verb": "submit", "by": "submitter", "label": "提交"},
    )
    def submit(self) -> str:
        return DeptMeetingState.VICE_REVIEW if self.needs_approval else DeptMeetingState.FILED

    @transition(
        field=state,
        source=DeptMeetingState.VICE_REVIEW,
        target=DeptMeetingState.HEAD_APPROVAL,
        custom={"verb": "approve", "label": "审核同意", "style": "success"},
    )
    @transition(
        field=state,
        source=DeptMeetingState.HEAD_APPROVAL,
        target=DeptMeetingState.APPROVED,
        custom={"verb": "approve", "label": "批准", "style": "success"},
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=[DeptMeetingState.VICE_REVIEW, DeptMeetingState.HEAD_APPROVAL],
        target=DeptMeetingState.RETURNED,
        custom={"verb": "return", "label": "退回修改", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=[DeptMeetingState.VICE_REVIEW, DeptMeetingState.HEAD_APPROVAL],
        target=DeptMeetingState.REJECTED,
        custom={"verb": "reject", "label": "不同意", "style": "danger"},
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=DeptMeetingState.VICE_REVIEW,
        target=DeptMeetingState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass


# ------------------------------------------------------------------ 以区政府名义召开的全区性会议 (第二十一条第一款)


class DistrictMeetingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OFFICE_CHECK = "office_check", _("待区政府办公室核对会议决定")
    VICE_REVIEW = "vice_review", _("待分管副区长审核")
    HEAD_APPROVAL = "head_approval", _("待区长批准")
    APPROVED = "approved", _("已同意召开")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("不同意")


class DistrictBasis(models.TextChoices):
    # 第二十一条: 须经区政府常务会议或区长办公会议讨论决定，根据需要也可经分管副区长审核同意、报区长批准.
    DECISION = "decision", _("经区政府常务会议或区长办公会议讨论决定")
    APPROVAL = "approval", _("经分管副区长审核同意、报区长批准")


# The meetings whose decision may found a district-wide meeting (第二十一条).
DECIDING_KINDS = (MeetingKind.EXECUTIVE, MeetingKind.HEAD_OFFICE)


class DistrictMeeting(Item):
    """以区政府名义召开的全区性会议 (第二十一条第一款): founded on a decision of a 常务会议 or 区长办公会议, or on the
    vice head in charge's review and the head's approval. A vice head's district-wide meeting does not summon the
    towns' principal leaders unless a recorded reason says why."""

    date = models.DateField(_("会议日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=100)
    # 第二十三条: 全区性会议应尽可能采用电视电话、网络视频会议形式召开.
    mode = models.CharField(_("形式"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.VIDEO)
    scale = models.PositiveIntegerField(_("参会人数"))
    convener = models.ForeignKey(
        Post, verbose_name=_("召开会议的区政府领导"), on_delete=models.PROTECT, related_name="+"
    )
    summons_town_principals = models.BooleanField(_("要求各区镇（街道）主要负责同志参加"), default=False)
    summons_reason = models.CharField(_("确需主要负责同志参加的理由"), max_length=300, blank=True)
    basis = models.CharField(_("召开依据"), max_length=10, choices=DistrictBasis.choices)
    # 第二十一条: the 议定事项 of the signed minutes of the 常务会议 / 区长办公会议 that decided it.
    decision = models.ForeignKey(
        "meetings.MinutesDecision",
        verbose_name=_("会议议定事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="district_meetings",
    )
    state = FSMField(
        _("流程状态"), default=DistrictMeetingState.DRAFT, choices=DistrictMeetingState.choices, protected=True
    )

    class Meta:
        verbose_name = _("全区性会议")
        verbose_name_plural = _("全区性会议")
        indexes = [models.Index(fields=["date"])]
        constraints = [
            models.CheckConstraint(condition=Q(scale__gte=1) & Q(scale__lte=5000), name="district_meeting_scale"),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="district_meeting_ends_after_start"
            ),
            # 第二十一条: a decision basis names the minutes' 议定事项; an approval basis names none.
            models.CheckConstraint(
                condition=(Q(basis="decision") & Q(decision__isnull=False))
                | (~Q(basis="decision") & Q(decision__isnull=True)),
                name="district_meeting_decision_named",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("workflow:item", args=[self.pk])

    @property
    def by_vice_head(self) -> bool:
        return self.convener.kind in (PostKind.VICE_HEAD, PostKind.EXEC_VICE_HEAD)

    @property
    def summons_warning(self) -> bool:
        """第二十一条: 副区长召开的全区性会议，原则上不得要求各区镇（街道）主要负责同志参加."""
        return self.summons_town_principals and self.by_vice_head

    @transition(
        field=state,
        source=[DistrictMeetingState.DRAFT, DistrictMeetingState.RETURNED],
        target=RETURN_VALUE(DistrictMeetingState.OFFICE_CHECK, DistrictMeetingState.VICE_REVIEW),
        custom={"verb": "submit", "by": "submitter", "label": "提交"},
    )
    def submit(self) -> str:
        if self.basis == DistrictBasis.DECISION:
            return DistrictMeetingState.OFFICE_CHECK
        return DistrictMeetingState.VICE_REVIEW

    @transition(
        field=state,
        source=DistrictMeetingState.OFFICE_CHECK,
        target=DistrictMeetingState.APPROVED,
        custom={"verb": "approve", "label": "核对无误，同意召开", "style": "success"},
    )
    @transition(
        field=state,
        source=DistrictMeetingState.VICE_REVIEW,
        target=DistrictMeetingState.HEAD_APPROVAL,
        custom={"verb": "approve", "label": "审核同意，报区长批准", "style": "success"},
    )
    @transition(
        field=state,
        source=DistrictMeetingState.HEAD_APPROVAL,
        target=DistrictMeetingState.APPROVED,
        custom={"verb": "approve", "label": "批准召开", "style": "success"},
    )
    def approve(self) -> str:
        if self.state == DistrictMeetingState.VICE_REVIEW:
            return DistrictMeetingState.HEAD_APPROVAL
        return DistrictMeetingState.APPROVED

    @transition(
        field=state,
        source=[
            DistrictMeetingState.OFFICE_CHECK,
            DistrictMeetingState.VICE_REVIEW,
            DistrictMeetingState.HEAD_APPROVAL,
        ],
        target=DistrictMeetingState.RETURNED,
        custom={"verb": "return", "label": "退回修改", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=[
            DistrictMeetingState.OFFICE_CHECK,
            DistrictMeetingState.VICE_REVIEW,
            DistrictMeetingState.HEAD_APPROVAL,
        ],
        target=DistrictMeetingState.REJECTED,
        custom={"verb": "reject", "label": "不同意", "style": "danger"},
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=[DistrictMeetingState.OFFICE_CHECK, DistrictMeetingState.VICE_REVIEW],
        target=DistrictMeetingState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass


# 会议纪要 (第十九条) lives in its own module; imported here so that Django registers its models with the app.
from .models_minutes import Minutes, MinutesDecision  # noqa: E402, F401

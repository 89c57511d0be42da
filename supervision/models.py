"""督促检查 (第三十六—三十九条): the supervision item and its closed loop 督查 → 交办 → 反馈 → 回访 → 销号.

The item is an engine :class:`Item`: ``unit`` is the supervising unit (the office, or a unit the district designated,
第三十九条), ``lead_unit`` and ``co_units`` the units that carry it out. Its transitions only check and set state; the
rules that need the actor (only the lead unit applies for an extension or for closure) live in ``actions.py``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from haimen_gov.org.models import Post, Unit
from haimen_gov.workflow.models import Attachment, Item


class Source(models.TextChoices):
    # 第三十七条: the five sources of supervision.
    DECISION = "decision", _("上级决策部署")
    LEADER = "leader", _("领导交办")
    MEETING = "meeting", _("会议议定事项")
    SPECIAL = "special", _("专项督查")
    PUBLIC = "public", _("群众反映")


class VerifyMethod(models.TextChoices):
    # 第三十八条 回访; 第三十九条 “四不两直”.
    ON_SITE = "on_site", _("实地核查")
    PHONE = "phone", _("电话回访")
    DOCUMENTS = "documents", _("查阅资料")
    UNANNOUNCED = "unannounced", _("“四不两直”暗访")


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SIGNING = "signing", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    EXTENSION = "extension", _("延期审批")
    VERIFYING = "verifying", _("待回访")
    CLOSED = "closed", _("已销号")
    WITHDRAWN = "withdrawn", _("已撤回")


# What a designated unit may open (第三十七、三十九条): see ``scope_covers`` below.
DESIGNATED_SOURCES = (Source.SPECIAL, Source.DECISION, Source.PUBLIC)

OPEN_STATES = (State.SIGNING, State.IN_PROGRESS, State.EXTENSION, State.VERIFYING)
CLOSED_STATES = (State.CLOSED, State.WITHDRAWN)


def normalise_title(title: str) -> str:
    """The matter a title names, for 严禁重复督查: width-folded, lower case, without spaces and punctuation."""
    text = unicodedata.normalize("NFKC", title).lower()
    text = re.sub(r"[\s\W_]+", "", text)
    for filler in ("关于", "督办", "督查", "的通知", "事项"):
        text = text.replace(filler, "")
    return text.strip("的")[:200]


# 第三十九条 严禁越权督查: what a designated unit may open. Its designation's scope names matters, separated by
# 、，；/ or spaces ("行政执法、食品安全"). An item is within the scope when its title or requirement contains
# one of them: the whole term, or, for a term longer than SCOPE_CORE characters, its first SCOPE_CORE
# ("行政执法规范化" covers "行政执法案卷评查": a long term is usually a phrase whose first characters name the
# field). Both sides are compared width-folded, lower-case, without punctuation and without the words every
# supervision matter has (SCOPE_FILLERS). And a designated unit opens only the kinds of supervision a designation
# is for (DESIGNATED_SOURCES): a special inspection, the follow-up of a decision from above, a problem the public
# reports; the daily 督办 of leaders' 交办 and meeting decisions stays with the office (第三十七条).
SCOPE_CORE = 4
SCOPE_MAX_TERMS = 20
SCOPE_FILLERS = ("专项督查", "专项", "督查", "督办", "工作", "关于", "事项", "情况")
SCOPE_SEPARATORS = re.compile(r"[、，,；;/／\s]+")


def _scope_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\s\W_]+", "", text)
    for filler in SCOPE_FILLERS:
        text = text.replace(filler, "")
    return text


def scope_terms(scope: str) -> list[str]:
    """The matters a designation's scope names, normalised; terms of one character say nothing and are dropped."""
    terms = []
    for part in SCOPE_SEPARATORS.split(scope or ""):
        term = _scope_text(part)
        if len(term) >= 2 and term not in terms:
            terms.append(term)
    return terms[:SCOPE_MAX_TERMS]


def scope_covers(scope: str, *texts: str) -> bool:
    """Whether an item with ``texts`` (title, requirement) is within ``scope`` (the rule above)."""
    haystack = "".join(_scope_text(t) for t in texts)
    return any(term in haystack or term[:SCOPE_CORE] in haystack for term in scope_terms(scope))


class Designation(models.Model):
    """第三十九条: 区政府各工作部门未经区政府指定不得开展政府督查 — the district's designation of a unit for one matter,
    recorded by the office (a plain model: dates and scope are read in queries, not per-object permissions)."""

    unit = models.ForeignKey(Unit, verbose_name=_("被指定单位"), on_delete=models.PROTECT, related_name="designations")
    scope = models.CharField(_("督查事项范围"), max_length=200)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    reference = models.CharField(_("指定依据"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("督查指定")
        verbose_name_plural = _("督查指定")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="designation_dates_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.unit}：{self.scope}（{self.starts_on}—{self.ends_on}）"

    def covers(self, *, source: str, title: str, requirement: str = "") -> bool:
        """第三十九条: whether a matter is within this designation (its kind of supervision and its scope)."""
        return source in DESIGNATED_SOURCES and scope_covers(self.scope, title, requirement)


def _extension_not_asked(item: models.Model) -> bool:
    return not getattr(item, "extension_used", False)


class SupervisionItem(Item):
    """督办事项."""

    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    source_reference = models.CharField(
        _("来源依据"), max_length=200, blank=True, help_text=_("文件文号、领导批示内容、会议纪要期号、热线或来信编号")
    )
    requirement = models.TextField(_("督办要求"), max_length=2000)
    normalised_title = models.CharField(max_length=200, editable=False)
    lead_unit = models.ForeignKey(Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+")
    co_units: models.ManyToManyField[Unit, Any] = models.ManyToManyField(
        Unit, verbose_name=_("配合单位"), blank=True, related_name="+"
    )
    leader = models.ForeignKey(
        Post, verbose_name=_("分管领导"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The post the supervisor opened it as: 回访 and 销号 come back to it.
    opener_post = models.ForeignKey(Post, verbose_name=_("督查人职务"), on_delete=models.PROTECT, related_name="+")
    designation = models.ForeignKey(
        Designation, verbose_name=_("指定依据"), null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    due_on = models.DateField(_("办结期限"))
    cadence_days = models.PositiveSmallIntegerField(_("反馈周期（工作日）"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    extension_used = models.BooleanField(_("已申请延期"), default=False)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    extension_due_on = models.DateField(_("申请延至"), null=True, blank=True)
    sent_back_count = models.PositiveSmallIntegerField(_("退回续办次数"), default=0)
    completion_note = models.CharField(_("办结情况"), max_length=1000, blank=True)
    verify_method = models.CharField(_("回访方式"), max_length=12, choices=VerifyMethod.choices, blank=True)
    verify_note = models.CharField(_("回访情况"), max_length=1000, blank=True)
    done_on = models.DateField(_("申请办结日期"), null=True, blank=True)
    state = FSMField(_("流程状态"), default=State.DRAFT, choices=State.choices, protected=True)

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        indexes = [models.Index(fields=["lead_unit", "state"]), models.Index(fields=["due_on"])]
        constraints = [
            # 第三十九条 严禁重复督查、多头督查: one open item per matter and lead unit.
            models.UniqueConstraint(
                fields=["normalised_title", "lead_unit"],
                condition=~Q(state__in=["closed", "withdrawn"]),
                name="supervision_one_open_item_per_matter_unit",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="supervision_progress_percent"),
            models.CheckConstraint(condition=Q(cadence_days__gte=1), name="supervision_cadence_positive"),
        ]

    # ----------------------------------------------------------------- transitions: check and set state only

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SIGNING,
        custom={"verb": "submit", "by": "submitter", "label": "交办"},
    )
    def submit(self) -> None:
        pass

    # 第三十八条 交办: every unit signs for it (签收); the last signature starts the work.
    @transition(
        field=state,
        source=State.SIGNING,
        target=State.IN_PROGRESS,
        custom={"verb": "approve", "label": "签收", "style": "success"},
    )
    def sign(self) -> None:
        pass

    # 第三十八条 延期: once only, asked by the lead unit (actions check who).
    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.EXTENSION,
        conditions=[_extension_not_asked],
        custom={"verb": "extend", "label": "申请延期", "style": "warning", "comment_required": True},
    )
    def request_extension(self) -> None:
        pass

    @transition(
        field=state,
        source=State.EXTENSION,
        target=State.IN_PROGRESS,
        custom={"verb": "approve", "label": "同意延期", "style": "success"},
    )
    def grant_extension(self) -> None:
        pass

    @transition(
        field=state,
        source=State.EXTENSION,
        target=State.IN_PROGRESS,
        custom={"verb": "reject", "label": "不同意延期"},
    )
    def refuse_extension(self) -> None:
        pass

    # 第三十八条 办结申请 → 回访.
    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.VERIFYING,
        custom={"verb": "finish", "label": "申请办结", "style": "success", "comment_required": True},
    )
    def apply_finish(self) -> None:
        pass

    @transition(
        field=state,
        source=State.VERIFYING,
        target=State.CLOSED,
        custom={"verb": "close", "label": "回访销号", "style": "success"},
    )
    def close(self) -> None:
        pass

    @transition(
        field=state,
        source=State.VERIFYING,
        target=State.IN_PROGRESS,
        custom={"verb": "send_back", "label": "退回续办", "style": "danger", "comment_required": True},
    )
    def send_back(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.DRAFT, State.SIGNING],
        target=State.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Feedback(models.Model):
    """反馈 (第三十八条): one progress report of one unit. A co-unit's goes to the lead unit (``consolidated_into`` is
    the lead unit's report that took it up)."""

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="feedbacks")
    unit = models.ForeignKey(Unit, verbose_name=_("反馈单位"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT)
    text = models.TextField(_("进展情况"), max_length=2000)
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    is_lead = models.BooleanField(_("牵头单位反馈"))
    due_on = models.DateField(_("应反馈日期"))
    created_at = models.DateTimeField(_("反馈时间"), default=timezone.now)
    consolidated_into = models.ForeignKey(
        "self", verbose_name=_("汇总于"), null=True, blank=True, on_delete=models.PROTECT, related_name="consolidates"
    )
    # 第三十八条 反馈 (text, percentage, attachments): the report's files are the item's engine attachments (role
    # ``feedback``), stored with the report in one transaction; this says which report each came with.
    attachments: models.ManyToManyField[Attachment, Any] = models.ManyToManyField(
        Attachment, verbose_name=_("附件"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("督办反馈")
        verbose_name_plural = _("督办反馈")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"])]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="feedback_percent")]

    def __str__(self) -> str:
        return f"{self.unit} {self.percent}%"

    @property
    def on_time(self) -> bool:
        return timezone.localdate(self.created_at) <= self.due_on


class Bulletin(models.Model):
    """督查通报 (第三十八条): the periodic bulletin of red and amber items, issued by beat once per period (a month),
    with the PDF as it read on the day it was issued. The row is the claim: unique per period, written in the same
    transaction as the notices, so two workers (or a rerun) issue and notify once."""

    period = models.DateField(_("通报期间"), unique=True, help_text=_("所通报月份的第一天"))
    issued_at = models.DateTimeField(_("印发时间"), default=timezone.now)
    red = models.PositiveIntegerField(_("红灯事项"), default=0)
    amber = models.PositiveIntegerField(_("黄灯事项"), default=0)
    recipients = models.PositiveIntegerField(_("通知人数"), default=0)
    pdf = models.FileField(_("通报文件"), upload_to="supervision/bulletins/%Y/", max_length=200)

    class Meta:
        verbose_name = _("督查通报")
        verbose_name_plural = _("督查通报")
        ordering = ["-period"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"督查通报（{self.period.year}年{self.period.month}月）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supervision:bulletin_issued", args=[self.pk])

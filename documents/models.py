"""公文处理 (第二十四—二十九条): outgoing documents with their signing chains and numbers, incoming documents with their
registration checks and 退文, and the distribution of issued documents to units."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from haimen_gov.org.models import Post, Unit
from haimen_gov.workflow.models import Item, NumberSeries

# Bounds of what people type (STYLE: every text bounded).
BODY_MAX = 30000
NOTE_MAX = 2000


class Category(models.TextChoices):
    """Which chain an outgoing document goes through (第二十六条, 第二十七条)."""

    NORMATIVE = "normative", _("规范性文件（区政府名义）")
    DECISION = "decision", _("决定")
    MOTION = "motion", _("提请区人大常委会审议的议案")
    TO_CITY = "to_city", _("向市政府的请示、报告")
    GOV_NAME = "gov_name", _("以区政府名义发文")
    EMERGENCY = "emergency", _("突发事件、重要紧急信息（报市）")
    OFFICE_NAME = "office_name", _("以区政府办公室名义发文")
    UNIT_DIRECTIVE = "unit_directive", _("部门向区镇（街道）发指示性公文")


# 第二十六条: 规范性文件、决定和提请区人大常委会审议的议案 — 区政府办公室主任审核后，报区长签发.
DIRECTOR_THEN_HEAD = frozenset({Category.NORMATIVE, Category.DECISION, Category.MOTION})
# 第二十六条: 向市政府的请示、报告和以区政府名义发文 — 区政府办公室主任、分管副区长审核后，报区长签发.
DIRECTOR_VICE_THEN_HEAD = frozenset({Category.TO_CITY, Category.GOV_NAME, Category.EMERGENCY})
# 上行文: the 签发人 is printed next to the number (GB/T 9704 §7.2.4).
UPWARD = frozenset({Category.TO_CITY, Category.EMERGENCY})


# 紧急程度 of an outgoing document (GB/T 9704 §7.2.3); empty for an ordinary one.
OUTGOING_URGENCY = [("特急", "特急"), ("加急", "加急")]


# 第二十八条: what a unit proposing a 规范性文件 brings, each in its own upload slot (the attachment role → its label).
MATERIALS: dict[str, str] = {
    "legality_opinion": "本单位合法性审查意见",
    "fair_competition": "公平竞争审查意见",
    "consultation": "征求意见情况",
}
MATERIAL_TYPES = ("pdf", "ofd", "docx")


class Issuer(models.TextChoices):
    GOVERNMENT = "government", _("海门区人民政府")
    OFFICE = "office", _("海门区人民政府办公室")
    UNIT = "unit", _("拟稿单位")


class ConsentWay(models.TextChoices):
    PHONE = "phone", _("电话")
    IN_PERSON = "in_person", _("当面")


class OutState(models.TextChoices):
    DRAFT = "draft", _("拟稿")
    OFFICE_CHECK = "office_check", _("待核稿")
    LEGALITY = "legality", _("待合法性审查")
    HEAD_AGREE = "head_agree", _("待区长同意")
    REVIEW = "review", _("待审核")
    SIGN = "sign", _("待签发")
    TO_ISSUE = "to_issue", _("待印发")
    ISSUED = "issued", _("已印发")
    RETURNED = "returned", _("已退回拟稿人")
    REJECTED = "rejected", _("不予签发")
    CANCELLED = "cancelled", _("已作废")


OUT_DECIDING = [OutState.OFFICE_CHECK, OutState.HEAD_AGREE, OutState.REVIEW, OutState.SIGN]


class LegalityResult(models.TextChoices):
    NONE = "", _("未审查")
    PASSED = "passed", _("审查通过")
    FAILED = "failed", _("审查不通过")


class OutgoingDocument(Item):
    """发文稿纸: a draft from a unit or the office, through 核稿 and the chain of its category, to its number."""

    category = models.CharField(_("发文类别"), max_length=20, choices=Category.choices)
    important = models.BooleanField(
        _("重要事项"), default=False, help_text=_("以办公室名义发文涉及重要事项的，须经区长同意（第二十六条）")
    )
    special_emergency = models.BooleanField(
        _("特殊紧急情况"),
        default=False,
        help_text=_("突发事件特殊紧急情况下，经区长、分管副区长同意后由办公室主任签发（第二十六条）"),
    )
    directive = models.BooleanField(_("指示性公文"), default=False)
    series = models.ForeignKey(
        NumberSeries, verbose_name=_("发文字号系列"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    urgency = models.CharField(_("紧急程度"), max_length=4, blank=True, choices=OUTGOING_URGENCY)
    recipients = models.CharField(_("主送机关"), max_length=300)
    cc = models.CharField(_("抄送机关"), max_length=300, blank=True)
    body = models.TextField(_("正文"), max_length=BODY_MAX)
    attachment_names = models.TextField(_("附件说明"), max_length=NOTE_MAX, blank=True, help_text=_("每行一个附件名称"))
    note = models.CharField(_("附注"), max_length=200, blank=True)
    # 第二十八条: a summary of each material a unit proposing a 规范性文件 brings (optional; the files themselves go in
    # their upload slots, MATERIALS, and are what the submit checks).
    unit_legality_opinion = models.TextField(_("本单位合法性审查意见"), max_length=NOTE_MAX, blank=True)
    fair_competition_review = models.TextField(_("公平竞争审查意见"), max_length=NOTE_MAX, blank=True)
    consultation_record = models.TextField(_("征求意见情况"), max_length=NOTE_MAX, blank=True)
    # 第二十八条: the justice head's legality review.
    legality_result = models.CharField(
        _("合法性审查结论"), max_length=10, blank=True, default="", choices=LegalityResult.choices
    )
    # 第二十六条: the special emergency path — the head's and the vice head's consent, recorded by the director.
    head_consent_at = models.DateTimeField(_("区长同意时间"), null=True, blank=True)
    head_consent_way = models.CharField(_("区长同意方式"), max_length=10, blank=True, choices=ConsentWay.choices)
    vice_consent_at = models.DateTimeField(_("分管副区长同意时间"), null=True, blank=True)
    vice_consent_way = models.CharField(_("分管副区长同意方式"), max_length=10, blank=True, choices=ConsentWay.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    written_on = models.DateField(_("成文日期"), null=True, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    state = FSMField(_("流程状态"), default=OutState.DRAFT, choices=OutState.choices, protected=True)

    class Meta:
        verbose_name = _("发文")
        verbose_name_plural = _("发文")
        indexes = [models.Index(fields=["category", "state"]), models.Index(fields=["issued_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(special_emergency=False) | Q(category="emergency"), name="outgoing_special_only_emergency"
            )
        ]

    @property
    def issuer(self) -> str:
        if self.category == Category.OFFICE_NAME:
            return Issuer.OFFICE
        if self.category == Category.UNIT_DIRECTIVE:
            return Issuer.UNIT
        return Issuer.GOVERNMENT

    @property
    def issuer_name(self) -> str:
        return self.unit.name if self.issuer == Issuer.UNIT else str(Issuer(self.issuer).label)

    @property
    def upward(self) -> bool:
        return self.category in UPWARD

    @property
    def needs_legality_review(self) -> bool:
        # 第二十八条: 以区政府名义制发的规范性文件 … 由区司法局进行合法性审查.
        return self.category == Category.NORMATIVE

    @property
    def proposed_by_unit(self) -> bool:
        from haimen_gov.org.models import UnitKind

        return self.unit.kind not in (UnitKind.GOV_OFFICE, UnitKind.DISTRICT_GOV)

    @property
    def needs_no_seal_request(self) -> bool:
        """第三十一条: documents issued in the government's or the office's name are stamped without a request (the
        seals app's hook decides)."""
        if self.issuer == Issuer.UNIT:
            return False
        from haimen_gov.org.models import UnitKind
        from seals.actions import official_document_stamp_allowed

        kind = UnitKind.GOV_OFFICE if self.issuer == Issuer.OFFICE else UnitKind.DISTRICT_GOV
        return official_document_stamp_allowed(Unit(kind=kind))

    @property
    def legality_passed(self) -> bool:
        return self.legality_result == LegalityResult.PASSED

    def path(self) -> list[str]:
        """The states this document passes through, in order (第二十六—二十八条)."""
        steps: list[str] = [OutState.OFFICE_CHECK]
        if self.category == Category.EMERGENCY and self.special_emergency:
            return [*steps, OutState.SIGN, OutState.TO_ISSUE, OutState.ISSUED]
        if self.needs_legality_review:
            steps.append(OutState.LEGALITY)
        if self.category == Category.OFFICE_NAME:
            if self.important:
                steps.append(OutState.HEAD_AGREE)
        else:
            steps.append(OutState.REVIEW)
        return [*steps, OutState.SIGN, OutState.TO_ISSUE, OutState.ISSUED]

    def _next(self) -> str:
        path = self.path()
        return path[path.index(self.state) + 1]

    # ----------------------------------------------------------------- transitions: check and set state only

    @transition(
        field=state,
        source=[OutState.DRAFT, OutState.RETURNED],
        target=OutState.OFFICE_CHECK,
        custom={"verb": "submit", "by": "submitter", "label": "送核稿"},
    )
    def submit(self) -> None:
        # 第二十八条: 起草单位 … 应当提交本单位合法性审查意见、公平竞争审查意见、征求意见情况.
        # Each material is a file in its own slot (attachment role); a read, not a write.
        if self.needs_legality_review and self.proposed_by_unit:
            have = set(self.attachments.filter(role__in=list(MATERIALS)).values_list("role", flat=True))
            missing = {role: label for role, label in MATERIALS.items() if role not in have}
            if missing:
                raise ValidationError(
                    {
                        f"material_{role}": f"报送规范性文件须上传{label}（第二十八条）。"
                        for role, label in missing.items()
                    }
                )

    @transition(
        field=state,
        source=[OutState.OFFICE_CHECK, OutState.HEAD_AGREE, OutState.REVIEW],
        target=RETURN_VALUE(OutState.LEGALITY, OutState.HEAD_AGREE, OutState.REVIEW, OutState.SIGN),
        custom={"verb": "approve", "label": "同意", "style": "success"},
    )
    def approve(self) -> str:
        return self._next()

    # 第二十八条: the justice head's review; a negative one sends the draft back and it cannot be signed.
    @transition(
        field=state,
        source=OutState.LEGALITY,
        target=OutState.REVIEW,
        custom={"verb": "pass_review", "label": "合法性审查通过", "style": "success", "comment_required": True},
    )
    def pass_review(self) -> None:
        self.legality_result = LegalityResult.PASSED

    @transition(
        field=state,
        source=OutState.LEGALITY,
        target=OutState.RETURNED,
        custom={"verb": "fail_review", "label": "合法性审查不通过", "style": "danger", "comment_required": True},
    )
    def fail_review(self) -> None:
        self.legality_result = LegalityResult.FAILED

    @transition(
        field=state,
        source=OutState.SIGN,
        target=OutState.TO_ISSUE,
        conditions=[lambda doc: not doc.special_emergency],  # type: ignore[attr-defined]
        custom={"verb": "sign", "label": "签发", "style": "success"},
    )
    def sign(self) -> None:
        # 第二十八条: 未经合法性审查或者经审查不合法的，不得签发.
        if self.needs_legality_review and not self.legality_passed:
            raise ValidationError("规范性文件未经合法性审查或审查未通过，不得签发（第二十八条）。")

    # 第二十六条: 特殊紧急情况下，经区长、分管副区长同意后，由区政府办公室主任签发.
    @transition(
        field=state,
        source=OutState.SIGN,
        target=OutState.TO_ISSUE,
        conditions=[lambda doc: doc.special_emergency],  # type: ignore[attr-defined]
        custom={"verb": "sign_emergency", "label": "登记领导同意并签发", "style": "success"},
    )
    def sign_emergency(self) -> None:
        if not (self.head_consent_at and self.head_consent_way and self.vice_consent_at and self.vice_consent_way):
            raise ValidationError("须登记区长和分管副区长同意的时间和方式（电话或当面）后才能签发（第二十六条）。")

    @transition(
        field=state,
        source=OutState.TO_ISSUE,
        target=OutState.ISSUED,
        custom={"verb": "issue", "label": "编号印发", "style": "success"},
    )
    def issue(self) -> None:
        if self.issuer != Issuer.UNIT and not self.series_id:
            raise ValidationError({"series": "请选择发文字号系列。"})

    @transition(
        field=state,
        source=[*OUT_DECIDING, OutState.TO_ISSUE],
        target=OutState.RETURNED,
        custom={"verb": "return", "label": "退回拟稿人", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=[OutState.SIGN],
        target=OutState.REJECTED,
        custom={"verb": "reject", "label": "不予签发", "style": "danger"},
    )
    def reject(self) -> None:
        pass

    # A cancelled draft never took a number: numbers are taken only when issuing.
    @transition(
        field=state,
        source=[OutState.DRAFT, OutState.RETURNED],
        target=OutState.CANCELLED,
        custom={"verb": "withdraw", "by": "submitter", "label": "作废", "style": "outline-danger"},
    )
    def cancel(self) -> None:
        pass

    @property
    def amendable_by_submitter(self) -> bool:
        return self.state in (OutState.DRAFT, OutState.RETURNED)

    def material_slots(self) -> list[dict[str, Any]]:
        """第二十八条: each material's slot with its file (the latest of its role; the page's prefetched attachments,
        no query of its own) and the drafter's optional summary."""
        summaries = {
            "legality_opinion": self.unit_legality_opinion,
            "fair_competition": self.fair_competition_review,
            "consultation": self.consultation_record,
        }
        files: dict[str, Any] = {}
        for row in self.attachments.all():
            if row.role in MATERIALS:
                files[row.role] = row
        return [
            {"role": role, "label": label, "file": files.get(role), "summary": summaries.get(role, "")}
            for role, label in MATERIALS.items()
        ]

    def body_blocks(self) -> list[tuple[str, str]]:
        """The body as (kind, text): ``h2`` for 一、 headings, ``h3`` for （一） headings, ``p`` for paragraphs."""
        return body_blocks(self.body)

    def slip_fields(self) -> list[tuple[str, str]]:
        rows = [
            ("发文类别", self.get_category_display()),
            ("发文机关", self.issuer_name),
            ("主送", self.recipients),
            ("抄送", self.cc or "—"),
        ]
        if self.needs_legality_review:
            rows.append(("合法性审查", self.get_legality_result_display()))
        if self.signed_by_id:
            rows.append(("签发人", str(self.signed_by)))
        if self.number:
            rows.append(("发文字号", self.number))
        return rows


HEADING_1 = "一二三四五六七八九十"


def body_blocks(text: str) -> list[tuple[str, str]]:
    import re

    blocks: list[tuple[str, str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if re.match(rf"^[{HEADING_1}]+、", line):
            blocks.append(("h2", line))
        elif re.match(rf"^[（(][{HEADING_1}]+[）)]", line):
            blocks.append(("h3", line))
        else:
            blocks.append(("p", line))
    return blocks


class Distribution(models.Model):
    """分发: an issued document sent to a unit, with the unit's read receipt."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="distributions")
    unit = models.ForeignKey(Unit, verbose_name=_("收文单位"), on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("分发时间"), default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("分发")
        verbose_name_plural = _("分发")
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "unit"], name="one_distribution_per_unit")]
        indexes = [models.Index(fields=["unit", "read_at"])]

    def __str__(self) -> str:
        return f"{self.document} → {self.unit}"


# ---------------------------------------------------------------------------------------------------- incoming


class DocType(models.TextChoices):
    REQUEST = "请示", _("请示")
    REPORT = "报告", _("报告")
    NOTICE = "通知", _("通知")
    OPINION = "意见", _("意见")
    LETTER = "函", _("函")
    DECISION = "决定", _("决定")
    TELEGRAM = "明传电报", _("明传电报")
    OTHER = "其他", _("其他")


class Urgency(models.TextChoices):
    EXTRA = "特急", _("特急")
    URGENT = "加急", _("加急")
    NORMAL = "平件", _("平件")


class SenderLevel(models.TextChoices):
    """Where a document comes from (第二十五条: documents from above go to the head first)."""

    CENTRAL = "central", _("党中央、国务院及其部门")
    PROVINCE = "province", _("省委、省政府及其部门")
    CITY = "city", _("市委、市政府及其部门")
    UNIT = "unit", _("区级单位、区镇（街道）")
    OTHER = "other", _("其他")


ABOVE = frozenset({SenderLevel.CENTRAL, SenderLevel.PROVINCE, SenderLevel.CITY})


class Channel(models.TextChoices):
    PORTAL = "portal", _("平台报送")
    PAPER = "paper", _("纸质来文")
    EMAIL = "email", _("电子邮件")
    TELEGRAM = "telegram", _("机要明传")


# How the office registers what did not come through the portal.
REGISTERED_CHANNELS = [
    (Channel.PAPER.value, "纸质来文"),
    (Channel.EMAIL.value, "电子邮件"),
    (Channel.TELEGRAM.value, "机要明传"),
]


class InState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CHECK = "check", _("待审核登记")
    PROPOSAL = "proposal", _("待拟办")
    REVIEW = "review", _("待阅批")
    READING = "reading", _("呈阅中")
    HANDLING = "handling", _("承办中")
    ANSWERED = "answered", _("待审核办理结果")
    CLOSED = "closed", _("已办结")
    FILED = "filed", _("已阅知归档")
    RETURNED = "returned", _("已退文")
    WITHDRAWN = "withdrawn", _("已撤回")


class MatterType(models.TextChoices):
    """第二十九条: what the assigned matter is, which sets the unit's deadline."""

    WITHIN_POWER = "within_power", _("职权范围内事项（5个工作日内办结）")
    NEEDS_APPROVAL = "needs_approval", _("需报区政府审批事项（5个工作日内提出意见）")
    JOINT = "joint", _("需会同其他单位办理（7个工作日内由主办单位提出意见）")
    INVESTIGATION = "investigation", _("需调查研究（先说明情况，最长30个工作日）")
    URGENT = "urgent", _("特急、紧急事项（按区政府规定时限）")


# 第二十九条: the working days of each matter type (URGENT: the date the district sets).
MATTER_DAYS = {
    MatterType.WITHIN_POWER: 5,
    MatterType.NEEDS_APPROVAL: 5,
    MatterType.JOINT: 7,
    MatterType.INVESTIGATION: 30,
}


# 第二十九条: the lead unit's opinion is due in 7 working days; the co-units give theirs within 4, which leaves the lead
# unit 3 to take them up in its answer.
CO_OPINION_DAYS = 4
CO_UNITS_MAX = 10
CO_OPINION_LABEL = "会办意见"


class IncomingDocument(Item):
    """收文: a unit's 请示/报告 through the portal, or a document the office registers (第二十四条)."""

    channel = models.CharField(_("来文方式"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    sender = models.CharField(_("来文单位"), max_length=100)
    sender_level = models.CharField(_("来文层级"), max_length=10, choices=SenderLevel.choices)
    doc_type = models.CharField(_("文种"), max_length=10, choices=DocType.choices)
    ref_number = models.CharField(_("来文文号"), max_length=60, blank=True)
    urgency = models.CharField(_("缓急"), max_length=4, choices=Urgency.choices, default=Urgency.NORMAL)
    main_recipient = models.CharField(_("主送"), max_length=200)
    cc = models.CharField(_("抄送"), max_length=300, blank=True)
    pages = models.PositiveSmallIntegerField(_("页数"), default=1)
    received_on = models.DateField(_("收文日期"), default=timezone.localdate)
    summary = models.TextField(_("正文或摘要"), max_length=BODY_MAX, blank=True)
    # 第二十四条: 除领导同志交办事项外，不得直接向领导同志个人报送 — the assignment a leader gave, when there is one.
    leader_assignment = models.CharField(_("领导交办事项"), max_length=200, blank=True)
    # 第二十四条: 一事一请 — confirmed by the office clerk when accepting a 请示.
    one_matter_confirmed = models.BooleanField(_("已确认一事一请"), default=False)
    flags = models.JSONField(_("格式提示"), default=list, blank=True)
    # 第二十五条: the office's 拟办意见, the vice heads concerned (呈阅 of documents from above), the matter assigned.
    proposal = models.TextField(_("拟办意见"), max_length=NOTE_MAX, blank=True)
    concerned_vices: models.ManyToManyField[Post, Any] = models.ManyToManyField(
        Post, verbose_name=_("呈阅相关副区长"), blank=True, related_name="+"
    )
    handling_unit = models.ForeignKey(
        Unit, verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 第二十九条: 需会同其他单位办理 — the co-units give their opinions to the lead unit (handling_unit).
    co_units: models.ManyToManyField[Unit, Any] = models.ManyToManyField(
        Unit, verbose_name=_("会办单位"), blank=True, related_name="+"
    )
    matter_type = models.CharField(_("事项类型"), max_length=20, blank=True, choices=MatterType.choices)
    due_on = models.DateField(_("办理期限（特急、紧急）"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    state = FSMField(_("流程状态"), default=InState.DRAFT, choices=InState.choices, protected=True)

    class Meta:
        verbose_name = _("收文")
        verbose_name_plural = _("收文")
        indexes = [models.Index(fields=["received_on"]), models.Index(fields=["doc_type", "state"])]
        constraints = [models.CheckConstraint(condition=Q(pages__gte=1), name="incoming_pages_positive")]

    @property
    def from_above(self) -> bool:
        return self.sender_level in ABOVE

    @transition(
        field=state,
        source=InState.DRAFT,
        target=InState.CHECK,
        custom={"verb": "submit", "by": "submitter", "label": "报送区政府办公室"},
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=InState.DRAFT,
        target=InState.PROPOSAL,
        conditions=[lambda doc: doc.channel != Channel.PORTAL],  # type: ignore[attr-defined]
        custom={"verb": "register", "by": "submitter", "label": "登记"},
    )
    def register(self) -> None:
        pass

    # The office accepts the registration: 请示 only once the clerk confirmed one matter (一事一请, 第二十四条).
    @transition(
        field=state,
        source=InState.CHECK,
        target=InState.PROPOSAL,
        custom={"verb": "accept", "label": "审核通过，登记", "style": "success"},
    )
    def accept(self) -> None:
        if self.doc_type == DocType.REQUEST and not self.one_matter_confirmed:
            raise ValidationError("请示应当一文一事（第二十四条）：请先确认本件只请示一个事项。")

    # 第二十四条: 不符合规定的公文，区政府办公室退回呈报单位. Closed: the unit resubmits a new version.
    @transition(
        field=state,
        source=[InState.CHECK, InState.PROPOSAL],
        target=InState.RETURNED,
        custom={"verb": "return", "label": "退文", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=InState.PROPOSAL,
        target=InState.FILED,
        custom={"verb": "file", "label": "阅知归档", "style": "outline-secondary"},
    )
    def file(self) -> None:
        pass

    # 第二十五条: 区政府办公室提出拟办意见 → 分管副主任阅批 → 呈阅.
    @transition(
        field=state,
        source=InState.PROPOSAL,
        target=InState.REVIEW,
        custom={"verb": "propose", "label": "提出拟办意见", "style": "success"},
    )
    def propose(self) -> None:
        if not self.proposal.strip():
            raise ValidationError({"proposal": "请填写拟办意见（第二十五条）。"})

    @transition(
        field=state,
        source=InState.REVIEW,
        target=InState.READING,
        custom={"verb": "approve", "label": "阅批同意，呈阅", "style": "success"},
    )
    def approve(self) -> None:
        pass

    # The last reader's 已阅: to the unit the matter was assigned to (批办), else filed.
    @transition(
        field=state,
        source=InState.READING,
        target=RETURN_VALUE(InState.HANDLING, InState.FILED),
        custom={"verb": "read", "label": "已阅", "comment_required": False, "style": "success"},
    )
    def read(self) -> str:
        return InState.HANDLING if self.handling_unit_id else InState.FILED

    # 第二十九条: the unit answers back to the office, which closes the matter or sends it back.
    @transition(
        field=state,
        source=InState.HANDLING,
        target=InState.ANSWERED,
        custom={"verb": "answer", "label": "报送办理结果", "style": "success", "comment_required": True},
    )
    def answer(self) -> None:
        pass

    @transition(
        field=state,
        source=InState.ANSWERED,
        target=InState.CLOSED,
        custom={"verb": "close", "label": "办结", "style": "success"},
    )
    def close(self) -> None:
        pass

    @transition(
        field=state,
        source=InState.ANSWERED,
        target=InState.HANDLING,
        custom={"verb": "send_back", "label": "退回重办", "style": "warning", "comment_required": True},
    )
    def send_back(self) -> None:
        pass

    @transition(
        field=state,
        source=InState.CHECK,
        target=InState.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass

    def co_opinions(self) -> list[Any]:
        """The co-units' tasks of the current round (会办意见: open, given or lapsed), in one query; none unless the
        matter is handled with other units."""
        if self.matter_type != MatterType.JOINT:
            return []
        from haimen_gov.workflow.models import Task

        return list(
            Task.objects.filter(item=self, step="handling", extra=True, round=self.round)
            .select_related("post__unit", "finished_by")
            .order_by("id")
        )

    def slip_fields(self) -> list[tuple[str, str]]:
        return [
            ("来文单位", self.sender),
            ("文种", self.get_doc_type_display()),
            ("来文文号", self.ref_number or "—"),
            ("缓急", self.urgency),
            ("主送", self.main_recipient),
            ("抄送", self.cc or "—"),
            ("页数", str(self.pages)),
            ("收文日期", f"{self.received_on:%Y-%m-%d}"),
        ]

"""印鉴管理 (第三十—三十三条): the seal register and the seal-use request with its sign-off chain."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from haimen_gov.org.models import Post, PostKind, Unit
from haimen_gov.workflow.models import Item


class SealKind(models.TextChoices):
    # 第三十一条: which chain a use of the seal goes through.
    GOVERNMENT = "government", _("区政府印鉴（副区长审核，区长审签）")
    OFFICE = "office", _("区政府办公室印鉴（办公室副主任审核，办公室主任审签）")


class SealStatus(models.TextChoices):
    IN_USE = "in_use", _("在用")
    RETIRED = "retired", _("停用")


class Seal(models.Model):
    name = models.CharField(_("印鉴名称"), max_length=100, unique=True)
    owner_unit = models.ForeignKey(Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="seals")
    kind = models.CharField(_("审批路径"), max_length=20, choices=SealKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=SealStatus.choices, default=SealStatus.IN_USE)
    in_use_since = models.DateField(_("启用日期"), null=True, blank=True)
    retired_on = models.DateField(_("停用日期"), null=True, blank=True)
    # 第三十条: 由区政府办公室指定专人管理 … 不得委托他人代管 — a custodian post, which can never be delegated.
    custodian = models.ForeignKey(
        Post,
        verbose_name=_("保管人（职务）"),
        on_delete=models.PROTECT,
        related_name="seals_kept",
        limit_choices_to={"kind": PostKind.SEAL_CUSTODIAN},
    )
    room = models.CharField(_("存放地点"), max_length=100, help_text=_("用印须在保管人办公室进行（第三十三条）"))
    impression = models.ImageField(_("印模"), upload_to="seals/impressions/", blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("印鉴")
        verbose_name_plural = _("印鉴登记簿")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.custodian_id and self.custodian.kind != PostKind.SEAL_CUSTODIAN:
            raise ValidationError({"custodian": _("保管人必须是印鉴管理员职务（第三十条）。")})
        if self.status == SealStatus.RETIRED and not self.retired_on:
            raise ValidationError({"retired_on": _("停用的印鉴须填写停用日期。")})


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("待审核")
    APPROVAL = "approval", _("待审签")
    OFFSITE_APPROVAL = "offsite_approval", _("待批准异地用印")
    STAMPING = "stamping", _("待用印登记")
    ARCHIVED = "archived", _("已用印归档")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("未同意")


STAMPED_AT_EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
STAMPED_AT_LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)

DECIDING = [State.REVIEW, State.APPROVAL, State.OFFSITE_APPROVAL]
# Where the applicant may amend the request and add or remove its files: a draft, or returned to them.
EDITABLE = frozenset({State.DRAFT, State.RETURNED})


class SealRequest(Item):
    """用印申请单 (第三十一条)."""

    seal = models.ForeignKey(Seal, verbose_name=_("印鉴"), on_delete=models.PROTECT, related_name="requests")
    purpose = models.CharField(_("用印事由"), max_length=300)
    document_title = models.CharField(_("用印文件名称"), max_length=200)
    copies = models.PositiveIntegerField(_("用印份数"))
    offsite = models.BooleanField(_("异地用印"), default=False)
    offsite_place = models.CharField(_("异地用印地点"), max_length=200, blank=True)
    offsite_reason = models.CharField(_("异地用印理由"), max_length=300, blank=True)
    state = FSMField(_("流程状态"), default=State.DRAFT, choices=State.choices, protected=True)
    # 第三十二条: what the custodian registers after use, archived with the draft and the request form.
    stamped_at = models.DateTimeField(_("用印时间"), null=True, blank=True)
    stamped_copies = models.PositiveIntegerField(_("实际用印份数"), null=True, blank=True)
    register_note = models.CharField(_("登记备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("用印申请")
        verbose_name_plural = _("用印申请")
        indexes = [models.Index(fields=["seal", "state"]), models.Index(fields=["stamped_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1), name="seal_request_copies_positive"),
            # 第三十三条: an off-site use must say where and why.
            models.CheckConstraint(
                condition=Q(offsite=False) | (~Q(offsite_place="") & ~Q(offsite_reason="")),
                name="seal_request_offsite_place_reason",
            ),
            # Issue 9: a stamp time PostgreSQL stores but cannot read back (a BC year) broke every ledger reader.
            models.CheckConstraint(
                condition=Q(stamped_at__isnull=True)
                | Q(stamped_at__gte=STAMPED_AT_EARLIEST, stamped_at__lt=STAMPED_AT_LATEST),
                name="seal_request_stamped_at_sane",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("workflow:item", args=[self.pk])

    @property
    def is_government_seal(self) -> bool:
        return self.seal.kind == SealKind.GOVERNMENT

    # ----------------------------------------------------------------- transitions: check and set state only

    @transition(
        field=state,
        source=[State.DRAFT, State.RETURNED],
        target=State.REVIEW,
        custom={"verb": "submit", "by": "submitter", "label": "提交审批"},
    )
    def submit(self) -> None:
        pass

    # 第三十一条: review (vice head / deputy director in charge) → approval (head / office director).
    @transition(
        field=state,
        source=State.REVIEW,
        target=State.APPROVAL,
        custom={"verb": "approve", "label": "审核同意", "style": "success"},
    )
    @transition(
        field=state,
        source=State.APPROVAL,
        target=RETURN_VALUE(State.OFFSITE_APPROVAL, State.STAMPING),
        custom={"verb": "approve", "label": "审签同意", "style": "success"},
    )
    @transition(
        field=state,
        source=State.OFFSITE_APPROVAL,
        target=State.STAMPING,
        custom={"verb": "approve", "label": "批准异地用印", "style": "success"},
    )
    def approve(self) -> str:
        # 第三十三条: use elsewhere than the custodian's office needs the head or the office director as well.
        if self.state == State.APPROVAL and self.offsite:
            return State.OFFSITE_APPROVAL
        return State.STAMPING if self.state in (State.APPROVAL, State.OFFSITE_APPROVAL) else State.APPROVAL

    @transition(
        field=state,
        source=[*DECIDING, State.STAMPING],
        target=State.RETURNED,
        custom={"verb": "return", "label": "退回申请人", "style": "warning"},
    )
    def return_(self) -> None:
        pass

    @transition(
        field=state,
        source=DECIDING,
        target=State.REJECTED,
        custom={"verb": "reject", "label": "不同意", "style": "danger"},
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=State.REVIEW,
        target=State.WITHDRAWN,
        custom={"verb": "withdraw", "by": "submitter", "label": "撤回申请", "style": "outline-secondary"},
    )
    def withdraw(self) -> None:
        pass

    # 第三十二条: the custodian registers the use; the request is archived with its draft, attachments and form.
    @transition(
        field=state,
        source=State.STAMPING,
        target=State.ARCHIVED,
        custom={"verb": "register", "label": "登记用印并归档", "style": "success"},
    )
    def register(self) -> None:
        pass

    @property
    def archive_number(self) -> str:
        """第三十二条: the archive number, 用印〔YYYY〕N号 from the "seal" series, is the item's visible number."""
        return self.number

    def slip_fields(self) -> list[tuple[str, str]]:
        rows = [
            ("印鉴", self.seal.name),
            ("用印事由", self.purpose),
            ("用印文件", self.document_title),
            ("申请份数", f"{self.copies} 份"),
            ("用印地点", f"异地：{self.offsite_place}（{self.offsite_reason}）" if self.offsite else self.seal.room),
        ]
        if self.stamped_at:
            rows += [
                ("用印时间", timezone.localtime(self.stamped_at).strftime("%Y-%m-%d %H:%M")),
                ("实际用印份数", f"{self.stamped_copies} 份"),
                ("归档号", self.archive_number),
            ]
        return rows


class AttachmentKind(models.TextChoices):
    """The roles of a request's files (the engine's Attachment.role), declared in ``flow.ATTACHMENTS``."""

    DOCUMENT = "document", _("用印文件")
    ATTACHMENT = "attachment", _("附件")
    SCAN = "scan", _("用印后扫描件")


def attachment_path(instance: object, filename: str) -> str:
    """Referenced by migration 0001 only (the files now live on the engine's Attachment, workflow.models)."""
    from haimen_gov.workflow.models import attachment_path as engine_path

    return engine_path(instance, filename)  # type: ignore[arg-type]

"""The organisation as data: units, posts and who holds them, portfolios (分管) and delegations (委托).

SPEC §1: nothing here is hard-coded. Every approval step is addressed to a Post and resolved to a person when it is
acted on (see ``haimen_gov.org.routing``), so a reshuffle edited in the admin re-routes every open item.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who can log in. Chinese names go in ``full_name``; posts are held through ``Post.holder``."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_username()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        # The admin greets with this ("欢迎，李卫东"), never the login name when a Chinese name is known.
        return self.display_name


class UnitKind(models.TextChoices):
    DISTRICT_GOV = "district_gov", _("区人民政府")
    GOV_OFFICE = "gov_office", _("区政府办公室")
    DEPARTMENT = "department", _("工作部门")
    TOWN = "town", _("区镇（街道）")
    AFFILIATED = "affiliated", _("直属单位")
    VERTICAL = "vertical", _("垂直管理部门")
    PARTY_COMMITTEE = "party_committee", _("区委")
    PEOPLES_CONGRESS = "peoples_congress", _("区人大")
    CPPCC = "cppcc", _("区政协")
    DISCIPLINE = "discipline", _("区纪委监委")
    CITY_GOV = "city_gov", _("市政府")
    OTHER = "other", _("其他")


class Unit(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class PostKind(models.TextChoices):
    DISTRICT_HEAD = "district_head", _("区长")
    EXEC_VICE_HEAD = "exec_vice_head", _("常务副区长")
    VICE_HEAD = "vice_head", _("副区长")
    OFFICE_DIRECTOR = "office_director", _("区政府办公室主任")
    OFFICE_DEPUTY_DIRECTOR = "office_deputy_director", _("区政府办公室副主任")
    JUSTICE_HEAD = "justice_head", _("区司法局主要负责同志")
    FINANCE_HEAD = "finance_head", _("区财政局主要负责同志")
    UNIT_HEAD = "unit_head", _("单位主要负责同志")
    UNIT_CLERK = "unit_clerk", _("单位文书")
    SEAL_CUSTODIAN = "seal_custodian", _("印鉴管理员")
    PARTY_SECRETARY = "party_secretary", _("区委书记")
    PARTY_GROUP_MEMBER = "party_group_member", _("区政府党组成员")
    DISCIPLINE_OFFICER = "discipline_officer", _("区纪委监委负责同志")
    OTHER = "other", _("其他")


# 第三十条: 印鉴的保管不得委托他人代管 — these posts can never be delegated.
NON_DELEGABLE_KINDS = frozenset({PostKind.SEAL_CUSTODIAN})

# Posts whose holders lead the district government; they sort first in every list.
LEADER_KINDS = (PostKind.DISTRICT_HEAD, PostKind.EXEC_VICE_HEAD, PostKind.VICE_HEAD)


class Post(models.Model):
    """A position in a unit (区长, 某局局长, 印鉴管理员 …), held by at most one person at a time."""

    kind = models.CharField(_("职务类别"), max_length=30, choices=PostKind.choices, db_index=True)
    unit = models.ForeignKey(Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("职务名称"), max_length=100, help_text=_("如“副区长”“区司法局局长”"))
    holder = models.ForeignKey(
        User,
        verbose_name=_("任职人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    superior = models.ForeignKey(
        "self",
        verbose_name=_("上级职务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subordinates",
        help_text=_("逾期提醒升级时通知的职务"),
    )
    order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["holder", "kind"])]

    def __str__(self) -> str:
        # Which 副区长 is which: the admin's pickers and lists name the holder too ("副区长 李卫东"). Lists that show
        # posts join the holder (list_select_related, the admin's get_queryset).
        if self.holder_id is None:
            return f"{self.title}（空缺）"
        return f"{self.title} {self.holder.display_name}"  # type: ignore[union-attr]

    @property
    def delegable(self) -> bool:
        return self.kind not in NON_DELEGABLE_KINDS


class PortfolioRole(models.TextChoices):
    VICE_HEAD = "vice_head", _("分管副区长")
    OFFICE_DEPUTY = "office_deputy", _("分管办公室副主任")


class Portfolio(models.Model):
    """分管: which leader post is in charge of a unit. One post per role per unit."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="portfolios")
    role = models.CharField(_("分管类别"), max_length=20, choices=PortfolioRole.choices)
    post = models.ForeignKey(Post, verbose_name=_("分管职务"), on_delete=models.CASCADE, related_name="portfolios")

    class Meta:
        verbose_name = _("分管关系")
        verbose_name_plural = _("分管关系")
        constraints = [models.UniqueConstraint(fields=["unit", "role"], name="one_portfolio_per_unit_role")]

    def __str__(self) -> str:
        return f"{self.post} {self.get_role_display()} {self.unit}"

    ALLOWED_KINDS = {
        PortfolioRole.VICE_HEAD: {PostKind.VICE_HEAD, PostKind.EXEC_VICE_HEAD},
        PortfolioRole.OFFICE_DEPUTY: {PostKind.OFFICE_DEPUTY_DIRECTOR},
    }

    def clean(self) -> None:
        if self.post_id and self.post.kind not in self.ALLOWED_KINDS[PortfolioRole(self.role)]:
            raise ValidationError({"post": _("该职务不能担任此类分管。")})


class Delegation(models.Model):
    """委托 (第六条, 第四十四条): a post's authority given to a person for a date range, both ends included."""

    post = models.ForeignKey(Post, verbose_name=_("委托职务"), on_delete=models.CASCADE, related_name="delegations")
    delegate = models.ForeignKey(
        User, verbose_name=_("受托人"), on_delete=models.CASCADE, related_name="delegations_received"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    reason = models.CharField(_("委托事由"), max_length=200)
    created_by = models.ForeignKey(
        User, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("委托")
        verbose_name_plural = _("委托")
        ordering = ["-start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="delegation_end_after_start"),
        ]
        indexes = [models.Index(fields=["post", "start", "end"]), models.Index(fields=["delegate", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.post} → {self.delegate}（{self.start}至{self.end}）"

    def clean(self) -> None:
        # 第三十条: 印鉴的保管不得委托他人代管.
        if self.post_id and not self.post.delegable:
            raise ValidationError({"post": _("印鉴保管不得委托他人代管（第三十条）。")})
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("结束日期不能早于开始日期。")})
        if self.post_id and self.delegate_id and self.post.holder_id == self.delegate_id:
            raise ValidationError({"delegate": _("不能委托给本人。")})

    def save(self, *args: object, **kwargs: object) -> None:
        # The admin calls clean(); this guards every other path, so no code can create a custodian delegation.
        if self.post_id and not self.post.delegable:
            raise ValidationError(_("印鉴保管不得委托他人代管（第三十条）。"))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

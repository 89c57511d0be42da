from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from haimen_gov.org.models import Unit, User
from haimen_gov.org.routing import units_of
from haimen_gov.workflow.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    MultipleFileField,
    MultipleFileInput,
    TransitionForm,
    local_text,
    style_fields,
)
from haimen_gov.workflow.lists import ListFilterForm
from haimen_gov.workflow.models import HistoryEntry

from .models import Seal, SealRequest, SealStatus, State

TYPES = ("pdf", "ofd", "docx", "jpg", "png")


class SealRequestForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label="申请单位", empty_label=None)
    seal = forms.ModelChoiceField(Seal.objects.none(), label="印鉴", empty_label="请选择印鉴")
    document_title = forms.CharField(label="用印文件名称", max_length=200)
    purpose = forms.CharField(label="用印事由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    copies = forms.IntegerField(label="用印份数", min_value=1, max_value=9999, initial=1)
    offsite = forms.BooleanField(label="异地用印（不在印鉴管理员办公室用印）", required=False)
    offsite_place = forms.CharField(label="异地用印地点", max_length=200, required=False)
    offsite_reason = forms.CharField(label="异地用印理由", max_length=300, required=False)
    # The input is named "files" like the API's; the form's own ``files`` (the uploads) is untouched by a field.
    # Not required here: a draft may be saved without files; submitting needs one (the flow's Attachments).
    files = MultipleFileField(label="用印文件及附件", required=False, types=TYPES)  # type: ignore[assignment]

    def __init__(self, *args: Any, user: User, instance: SealRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.filter(
            pk__in=[u.pk for u in units_of(user)]
        )
        cast(forms.ModelChoiceField, self.fields["seal"]).queryset = Seal.objects.filter(
            status=SealStatus.IN_USE
        ).select_related("owner_unit")
        if instance is not None:
            self.fields["unit"].disabled = True
            self.fields["seal"].disabled = True
        style_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("offsite"):
            # 第三十三条
            if not (data.get("offsite_place") or "").strip():
                self.add_error("offsite_place", "异地用印须填写地点（第三十三条）。")
            if not (data.get("offsite_reason") or "").strip():
                self.add_error("offsite_reason", "异地用印须说明理由（第三十三条）。")
        return data


class RegisterForm(TransitionForm):
    """What the custodian registers after use (第三十二条), declared once: the item page's form, the page and API
    ``register`` transitions and ``actions.seal_request_register`` all go through it."""

    stamped_at = BoundedDateTimeField(label="用印时间", required=False, past=True, help_text="不填则记为登记时间")
    stamped_copies = forms.IntegerField(
        label="实际用印份数",
        min_value=1,
        max_value=9999,
        error_messages={"required": "请填写实际用印份数。", "min_value": "实际用印份数至少为 1。"},
    )
    scans = MultipleFileField(label="用印后扫描件", required=False, types=TYPES, widget=MultipleFileInput, help_text="")
    note = forms.CharField(label="登记备注", max_length=300, required=False)

    item: SealRequest

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # 实际用印份数 starts at the approved copies (issue 10).
        self.fields["stamped_copies"].initial = self.item.copies

    def approved_at(self) -> Any:
        """When the request reached the custodian (its last entry into 待用印登记)."""
        entered = (
            HistoryEntry.objects.filter(item_id=self.item.pk, to_state=State.STAMPING)
            .exclude(from_state=State.STAMPING)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        return entered or self.item.created_at

    def clean_stamped_at(self) -> Any:
        when = self.cleaned_data.get("stamped_at")
        approved = self.approved_at()
        if when is not None and when < approved:
            # 第三十二条: a use is registered after the request was approved, never before.
            raise ValidationError(f"用印时间不能早于申请审批通过的时间（{local_text(approved)}）。")
        return when

    def clean_stamped_copies(self) -> int:
        copies: int = self.cleaned_data["stamped_copies"]
        if copies > self.item.copies:
            raise ValidationError(f"实际用印份数不能超过批准的 {self.item.copies} 份。")
        return copies

    def apply(self) -> None:
        from .actions import register_apply

        register_apply(self.item, actor=self.actor, **self.cleaned_data)  # type: ignore[arg-type]


def _offsite(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    return qs.filter(offsite=value == "1") if value in ("0", "1") else qs


class LedgerFilter(ListFilterForm):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    seal = forms.ModelChoiceField(Seal.objects.all(), label="印鉴", required=False, empty_label="全部印鉴")
    unit = forms.ModelChoiceField(Unit.objects.all(), label="单位", required=False, empty_label="全部单位")
    applicant = forms.CharField(label="申请人", required=False, max_length=100)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *State.choices])
    offsite = forms.ChoiceField(
        label="异地", required=False, choices=[("", "全部"), ("1", "异地用印"), ("0", "本地用印")]
    )
    start = BoundedDateField(label="起始日期", required=False)
    end = BoundedDateField(label="截止日期", required=False)
    # The dashboard's "uses this month" link here: by the time of use (用印时间), not of the application.
    used_start = BoundedDateField(label="用印起始", required=False)
    used_end = BoundedDateField(label="用印截止", required=False)

    lookups = {
        "q": ("title", "purpose", "document_title", "number"),
        "seal": "seal",
        "unit": "unit",
        "applicant": ("submitter__username", "submitter__full_name"),
        # The item's stage, which the engine keeps equal to the request's state: on workflow_item, beside created_at,
        # so that the default page (archived, newest first) reads 20 rows off an index (item_stage_newest).
        "state": "stage",
        "offsite": _offsite,
        "start": "created_at__date__gte",
        "end": "created_at__date__lte",
        "used_start": "stamped_at__date__gte",
        "used_end": "stamped_at__date__lte",
    }
    # The ledger lists finished uses (archived) unless another state (or 全部状态) is chosen (issue 10).
    defaults = {"state": State.ARCHIVED}
    choice_labels = {"seal": "name", "unit": "name"}  # Seal.__str__, Unit.__str__
    ranges = (("start", "end"), ("used_start", "used_end"))

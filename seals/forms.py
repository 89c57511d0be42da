from __future__ import annotations

from typing import Any, cast

from django import forms

from haimen_gov.org.models import Unit, User
from haimen_gov.org.routing import units_of

from .models import Seal, SealRequest, SealStatus
from .validators import ALLOWED_LABEL, check_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError("请上传用印文件。")
        for f in files:
            check_upload(f)
        return list(files)


ACCEPT = ".pdf,.ofd,.docx,.jpg,.jpeg,.png"


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
    files = MultipleFileField(  # type: ignore[assignment]
        label="用印文件及附件", required=False, help_text=f"支持{ALLOWED_LABEL}，可多选"
    )

    def __init__(self, *args: Any, user: User, instance: SealRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.filter(
            pk__in=[u.pk for u in units_of(user)]
        )
        cast(forms.ModelChoiceField, self.fields["seal"]).queryset = Seal.objects.filter(
            status=SealStatus.IN_USE
        ).select_related("owner_unit")
        self.fields["files"].widget.attrs["accept"] = ACCEPT
        self.fields["files"].required = instance is None
        if instance is not None:
            self.fields["unit"].disabled = True
            self.fields["seal"].disabled = True
        for name, field in self.fields.items():
            css = "form-check-input" if name == "offsite" else "form-control"
            if name in ("unit", "seal"):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("offsite"):
            # 第三十三条
            if not (data.get("offsite_place") or "").strip():
                self.add_error("offsite_place", "异地用印须填写地点（第三十三条）。")
            if not (data.get("offsite_reason") or "").strip():
                self.add_error("offsite_reason", "异地用印须说明理由（第三十三条）。")
        return data


class RegisterForm(forms.Form):
    """What the custodian registers after use (第三十二条)."""

    stamped_at = forms.DateTimeField(
        label="用印时间",
        required=False,
        help_text="不填则记为登记时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control form-control-sm"}),
        error_messages={"invalid": "用印时间格式错误。"},
    )
    stamped_copies = forms.IntegerField(
        label="实际用印份数",
        min_value=1,
        max_value=9999,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
        error_messages={"required": "请填写实际用印份数。", "min_value": "实际用印份数至少为 1。"},
    )
    scans = MultipleFileField(
        label="用印后扫描件",
        required=False,
        widget=MultipleFileInput(attrs={"class": "form-control form-control-sm", "accept": ACCEPT}),
    )

    actor: User  # set by the view before the engine calls apply()

    def apply(self, request: SealRequest) -> None:
        """Called by the engine inside the locked transaction."""
        from .actions import register_apply

        scans = [(f, check_upload(f)) for f in self.cleaned_data.get("scans") or []]
        register_apply(
            request,
            actor=self.actor,
            stamped_at=self.cleaned_data.get("stamped_at"),
            stamped_copies=self.cleaned_data["stamped_copies"],
            scans=scans,
        )


class LedgerFilter(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    seal = forms.ModelChoiceField(Seal.objects.all(), label="印鉴", required=False, empty_label="全部印鉴")
    unit = forms.ModelChoiceField(Unit.objects.all(), label="单位", required=False, empty_label="全部单位")
    applicant = forms.CharField(label="申请人", required=False)
    state = forms.ChoiceField(label="状态", required=False)
    offsite = forms.ChoiceField(
        label="异地", required=False, choices=[("", "全部"), ("1", "异地用印"), ("0", "本地用印")]
    )
    start = forms.DateField(
        label="起始日期",
        required=False,
        error_messages={"invalid": "起始日期格式错误（YYYY-MM-DD）。"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label="截止日期",
        required=False,
        error_messages={"invalid": "截止日期格式错误（YYYY-MM-DD）。"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # The dashboard's "uses this month" link here: by the time of use (用印时间), not of the application.
    used_start = forms.DateField(
        label="用印起始",
        required=False,
        error_messages={"invalid": "用印起始日期格式错误（YYYY-MM-DD）。"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    used_end = forms.DateField(
        label="用印截止",
        required=False,
        error_messages={"invalid": "用印截止日期格式错误（YYYY-MM-DD）。"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import State

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["state"]).choices = [("", "全部状态"), *State.choices]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if name in ("seal", "unit", "state", "offsite")
                else "form-control form-control-sm",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "截止日期不能早于起始日期。")
        if data.get("used_start") and data.get("used_end") and data["used_end"] < data["used_start"]:
            self.add_error("used_end", "用印截止日期不能早于用印起始日期。")
        return data

"""The fields of the supervision transitions (declared once, used by the item page and by the actions) and the
page that opens an item."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone

from haimen_gov.org.models import LEADER_KINDS, Post, Unit, UnitKind
from haimen_gov.workflow.forms import MultipleFileField, TransitionForm
from haimen_gov.workflow.uploads import DOCUMENT_TYPES, max_bytes, types_label

from .models import Designation, Source, VerifyMethod

_INPUT = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}
MAX_DAYS_AHEAD = 3 * 366  # no deadline further than three years away
# A feedback's files: documents and photos, checked by content (uploads.check_upload), each within UPLOAD_MAX_MB.
FEEDBACK_FILE_TYPES = DOCUMENT_TYPES
FEEDBACK_MAX_FILES = 5


def check_file_count(files: list[Any]) -> list[Any]:
    if len(files) > FEEDBACK_MAX_FILES:
        raise forms.ValidationError(f"每次反馈最多上传 {FEEDBACK_MAX_FILES} 个附件。")
    return files


def check_future_date(value: dt.date | None, label: str) -> None:
    today = timezone.localdate()
    if value is not None and (value < today or value > today + dt.timedelta(days=MAX_DAYS_AHEAD)):
        raise forms.ValidationError(f"{label}须在今天至三年内。")


class ActionForm(TransitionForm):
    """A supervision transition's own fields; its checks and settings are ``actions.transition_apply`` (the page, the
    API and the actions all come through the engine's ``item_fire(data=…)``). The comment is the extension's reason,
    the completion note or the visit's account."""

    verb = ""

    def apply(self) -> None:
        from . import actions

        comment = str(self.data.get("comment", ""))[:2000].strip()
        data = {**self.cleaned_data, "reason": comment, "note": comment, "text": comment}
        actions.transition_apply(self.item, actor=self.actor, verb=self.verb, data=data)  # type: ignore[arg-type]


class ExtensionRequestForm(ActionForm):
    verb = "extend"
    extension_due_on = forms.DateField(
        label="申请延至",
        widget=forms.DateInput(attrs={**_INPUT, "type": "date"}),
        error_messages={"required": "请填写申请延至的日期。", "invalid": "日期格式错误（YYYY-MM-DD）。"},
    )

    def clean_extension_due_on(self) -> dt.date:
        value = self.cleaned_data["extension_due_on"]
        check_future_date(value, "申请延至的日期")
        return cast(dt.date, value)


class ExtensionDecisionForm(ActionForm):
    verb = "approve"


class FinishForm(ActionForm):
    verb = "finish"


class SendBackForm(ActionForm):
    verb = "send_back"


class VerifyForm(ActionForm):
    verb = "close"
    verify_method = forms.ChoiceField(
        label="回访方式",
        choices=VerifyMethod.choices,
        widget=forms.Select(attrs=_SELECT),
        error_messages={"required": "请选择回访方式。", "invalid_choice": "回访方式无效。"},
    )


class FeedbackForm(ActionForm):
    """反馈: the percentage here, the progress text in the comment (the engine's report text)."""

    verb = "feedback"
    percent = forms.IntegerField(
        label="完成进度（%）",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs=_INPUT),
        error_messages={
            "required": "请填写完成进度。",
            "min_value": "完成进度须在 0—100 之间。",
            "max_value": "完成进度须在 0—100 之间。",
            "invalid": "完成进度须为整数。",
        },
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label="附件（可选）",
        required=False,
        types=FEEDBACK_FILE_TYPES,
        help_text=f"支持{types_label(FEEDBACK_FILE_TYPES)}，最多 {FEEDBACK_MAX_FILES} 个，"
        f"每个不超过 {max_bytes() // 2**20} MB",
    )

    def clean_files(self) -> list[Any]:
        return check_file_count(self.cleaned_data.get("files") or [])


class OpenForm(forms.Form):
    """督查立项: the matter, its source, who carries it out, by when, and how often they report."""

    title = forms.CharField(label="督办事项", max_length=200, widget=forms.TextInput(attrs=_INPUT))
    source = forms.ChoiceField(label="来源", choices=Source.choices, widget=forms.Select(attrs=_SELECT))
    source_reference = forms.CharField(
        label="来源依据",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
        help_text="文件文号、领导批示内容、热线或来信编号",
    )
    requirement = forms.CharField(label="督办要求", max_length=2000, widget=forms.Textarea(attrs={**_INPUT, "rows": 4}))
    lead_unit = forms.ModelChoiceField(Unit.objects.none(), label="牵头单位", widget=forms.Select(attrs=_SELECT))
    co_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), label="配合单位", required=False, widget=forms.SelectMultiple(attrs=_SELECT)
    )
    leader = forms.ModelChoiceField(
        Post.objects.none(), label="分管领导", required=False, widget=forms.Select(attrs=_SELECT)
    )
    due_on = forms.DateField(
        label="办结期限（日期）", required=False, widget=forms.DateInput(attrs={**_INPUT, "type": "date"})
    )
    due_workdays = forms.IntegerField(
        label="或：办结时限（工作日）",
        required=False,
        min_value=1,
        max_value=250,
        widget=forms.NumberInput(attrs=_INPUT),
    )
    cadence_days = forms.IntegerField(
        label="反馈周期（工作日）",
        min_value=1,
        max_value=60,
        initial=5,
        widget=forms.NumberInput(attrs=_INPUT),
        help_text="每 N 个工作日反馈一次；按月反馈填 21",
    )
    designation = forms.ModelChoiceField(
        Designation.objects.none(),
        label="指定依据",
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    confirm_similar = forms.BooleanField(label="已查看相似事项，确认不重复", required=False)

    def __init__(self, *args: Any, designations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.exclude(kind__in=[UnitKind.CITY_GOV, UnitKind.DISTRICT_GOV]).order_by("order", "id")
        cast(forms.ModelChoiceField, self.fields["lead_unit"]).queryset = units
        cast(forms.ModelMultipleChoiceField, self.fields["co_units"]).queryset = units
        cast(forms.ModelChoiceField, self.fields["leader"]).queryset = Post.objects.filter(
            kind__in=LEADER_KINDS
        ).order_by("order", "id")
        if designations is not None:
            cast(forms.ModelChoiceField, self.fields["designation"]).queryset = designations

    def clean_due_on(self) -> dt.date | None:
        value = self.cleaned_data.get("due_on")
        check_future_date(value, "办结期限")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("due_on") and not data.get("due_workdays"):
            raise forms.ValidationError("请填写办结期限（日期或工作日数）。")
        lead, co = data.get("lead_unit"), data.get("co_units") or []
        if lead is not None and lead in co:
            self.add_error("co_units", "配合单位不能包括牵头单位。")
        return data

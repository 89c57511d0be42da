"""Forms of the minutes editor (第十九条): every field bounded here, at the edge; the actions check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from haimen_gov.org.models import Post, PostKind, Unit, UnitKind
from haimen_gov.workflow.forms import TransitionForm

from .forms import DATE, _style
from .models import MeetingKind
from .models_minutes import MAX_CO_UNITS, Minutes, MinutesFlag

DECISION_UNIT_KINDS = (
    UnitKind.GOV_OFFICE,
    UnitKind.DEPARTMENT,
    UnitKind.TOWN,
    UnitKind.AFFILIATED,
    UnitKind.VERTICAL,
)


def decision_units() -> Any:
    return Unit.objects.filter(active=True, kind__in=DECISION_UNIT_KINDS).order_by("order", "id")


class MinutesForm(forms.Form):
    summary = forms.CharField(label="会议概述", max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    distribution = forms.CharField(label="分送", max_length=300)
    flags = forms.MultipleChoiceField(
        label="涉及事项（专题会议：涉及以下事项的须报区长审批）",
        choices=MinutesFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reviewer = forms.ModelChoiceField(
        Post.objects.filter(kind=PostKind.OFFICE_DEPUTY_DIRECTOR).select_related("holder"),
        label="审核的办公室副主任（专题会议：参会或受委托召集的副主任）",
        required=False,
    )

    def __init__(self, *args: Any, topical: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not topical:
            del self.fields["flags"]
            del self.fields["reviewer"]
        else:
            self.fields["reviewer"].label_from_instance = lambda post: (  # type: ignore[attr-defined]
                f"{post.title} {post.holder.display_name if post.holder else '（空缺）'}"
            )
        _style(self)
        if "flags" in self.fields:
            self.fields["flags"].widget.attrs["class"] = "form-check-input"


class DecisionForm(forms.Form):
    text = forms.CharField(label="议定事项", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = forms.ModelChoiceField(decision_units(), label="牵头单位", empty_label="请选择")
    co_units = forms.ModelMultipleChoiceField(decision_units(), label="配合单位", required=False)
    deadline = forms.DateField(
        label="完成时限", required=False, widget=DATE, error_messages={"invalid": "日期格式错误（YYYY-MM-DD）。"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = decision_units()  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = decision_units()  # type: ignore[attr-defined]
        self.fields["co_units"].widget.attrs["size"] = 4
        _style(self)

    def clean_co_units(self) -> Any:
        units = self.cleaned_data.get("co_units") or []
        if len(units) > MAX_CO_UNITS:
            raise forms.ValidationError(f"配合单位最多{MAX_CO_UNITS}个。")
        return units


class SuperviseForm(forms.Form):
    """议定事项 → 督办: the deadline (default: the decision's own) and the feedback rhythm."""

    due_on = forms.DateField(
        label="办结期限", required=False, widget=DATE, error_messages={"invalid": "日期格式错误（YYYY-MM-DD）。"}
    )
    cadence_days = forms.IntegerField(label="反馈周期（工作日）", min_value=1, max_value=60, initial=5)


class SubmitForm(TransitionForm):
    """提交审核, from the editor, the item page and the API alike (checked by the engine inside the row lock): the
    minutes carry at least one decision, and a 专题会议's name the deputy director who reviews them."""

    def clean(self) -> dict[str, Any]:
        minutes: Minutes = self.item  # type: ignore[assignment]
        if not minutes.decisions.exists():
            raise forms.ValidationError("请至少填写一项议定事项（第十九条：纪要载明会议议定事项）。")
        if minutes.meeting.kind == MeetingKind.TOPICAL:
            reviewer = minutes.reviewer
            if reviewer is None:
                raise forms.ValidationError("请选择审核纪要的区政府办公室副主任（第十九条）。")
            if self.actor is not None and reviewer.holder_id == self.actor.pk:
                raise forms.ValidationError("审核纪要的办公室副主任不能是起草人本人。")
        return super().clean() or {}

    def apply(self) -> None:
        pass

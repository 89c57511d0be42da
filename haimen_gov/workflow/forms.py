"""Forms the engine supplies to the flows that declare them (``Flow.action_forms``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from haimen_gov.org.models import User

from .models import DecisionMeans, ExternalDecision, Item

_INPUT = {"class": "form-control form-control-sm"}


class ExternalDecisionForm(forms.Form):
    """What an office post records of a decision taken outside the portal, in a step declared with ``records_for``
    (``action_forms={"record": ExternalDecisionForm}``): who decided, when, how, what, on what evidence."""

    decided_by = forms.CharField(
        label="决定人",
        max_length=60,
        widget=forms.TextInput(attrs=_INPUT),
        error_messages={"required": "请填写决定人。", "max_length": "决定人不能超过 60 字。"},
    )
    decided_on = forms.DateField(
        label="决定日期",
        widget=forms.DateInput(attrs={**_INPUT, "type": "date"}),
        error_messages={"required": "请填写决定日期。", "invalid": "决定日期格式错误（YYYY-MM-DD）。"},
    )
    means = forms.ChoiceField(
        label="决定方式",
        choices=DecisionMeans.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={"required": "请选择决定方式。", "invalid_choice": "决定方式无效。"},
    )
    reference = forms.CharField(
        label="文号",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
        error_messages={"max_length": "文号不能超过 60 字。"},
    )
    decision = forms.CharField(
        label="决定内容",
        max_length=500,
        widget=forms.Textarea(attrs={**_INPUT, "rows": 2}),
        error_messages={"required": "请填写决定内容。", "max_length": "决定内容不能超过 500 字。"},
    )
    evidence = forms.CharField(
        label="依据说明",
        max_length=500,
        required=False,
        help_text="如批复文件、电话记录、当面交办的情况",
        widget=forms.Textarea(attrs={**_INPUT, "rows": 2}),
        error_messages={"max_length": "依据说明不能超过 500 字。"},
    )

    actor: User  # set by the view before the engine calls apply()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        means, reference = data.get("means"), data.get("reference")
        if means == DecisionMeans.DOCUMENT and not reference:
            self.add_error("reference", "以文件决定的，请填写文号。")
        return data

    def apply(self, item: Item) -> None:
        """Called by the engine inside the locked transaction, before the step's ``record`` transition."""
        from .flows import flow_for

        flow = flow_for(item)
        step = flow.step_for(item.state)  # type: ignore[attr-defined]
        if step is None or not step.records_for:
            raise ValidationError("当前环节不需要登记外部决定。")
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise ValidationError("决定日期不能晚于今天。")
        if decided_on < timezone.localtime(item.created_at).date():
            raise ValidationError("决定日期不能早于事项创建日期。")
        ExternalDecision.objects.update_or_create(
            item=item,
            step=step.code,
            round=item.round,
            defaults={
                "body": step.records_for,
                "decided_by": self.cleaned_data["decided_by"],
                "decided_on": decided_on,
                "means": self.cleaned_data["means"],
                "reference": self.cleaned_data.get("reference") or "",
                "decision": self.cleaned_data["decision"],
                "evidence": self.cleaned_data.get("evidence") or "",
                "recorded_by": self.actor,
                "recorded_at": timezone.now(),
            },
        )

"""The engine's page forms.

Every POST parameter of the item page's actions goes through one of these, so junk (a non-numeric id, "²", a
100,000-character comment, a missing field) is a Chinese message, never a 500; and the forms the engine supplies to
the flows that declare them (``Flow.action_forms``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from haimen_gov.org.models import Post, User

from .limits import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH
from .models import DecisionMeans, ExternalDecision, Item, Notification, Task, TaskStatus

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


def _text(label: str, *, required: bool = False, max_length: int = TEXT_MAX_LENGTH) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={
            "required": f"请填写{label}。",
            "max_length": f"{label}不能超过 {max_length} 个字。",
        },
    )


def _post_field(message: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Post.objects.select_related("holder"),
        error_messages={"required": message, "invalid_choice": message},
    )


class TransitionForm(forms.Form):
    """What every transition posts besides the flow's own fields (``Flow.action_forms``)."""

    comment = _text("意见")
    state = forms.CharField(required=False, max_length=40)
    next = forms.CharField(required=False, max_length=500)


class AddSignerForm(forms.Form):
    post = _post_field("请选择加签职务。")
    comment = _text("说明")


class ReassignForm(forms.Form):
    """流程干预. ``item``: the item page's form also names which of the item's open tasks to move."""

    task = forms.ModelChoiceField(
        Task.objects.none(),
        required=False,
        error_messages={"invalid_choice": "请选择要改派的待办环节。"},
    )
    post = _post_field("请选择改派职务。")
    reason = _text("改派理由", required=True)

    def __init__(self, *args: Any, item_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if item_id is not None:
            field = self.fields["task"]
            field.required = True
            field.error_messages["required"] = "请选择要改派的待办环节。"
            field.queryset = Task.objects.filter(item_id=item_id, status=TaskStatus.OPEN)  # type: ignore[attr-defined]


class CopyForm(forms.Form):
    """传阅: only to people who hold a post."""

    users = forms.ModelMultipleChoiceField(
        User.objects.filter(is_active=True, posts__isnull=False).distinct(),
        error_messages={
            "required": "请选择传阅对象。",
            "invalid_choice": "传阅对象须为在职人员。",
            "invalid_pk_value": "请选择传阅对象。",
        },
    )
    note = _text("附言", max_length=NOTE_MAX_LENGTH)


class CopyCommentForm(forms.Form):
    """阅示: a 传阅 recipient's comment."""

    comment = _text("阅示意见", required=True)


class NotificationsReadForm(forms.Form):
    """Marks the user's own notices read: all of them, or those named by ``ids``."""

    ids = forms.ModelMultipleChoiceField(
        Notification.objects.none(),
        required=False,
        error_messages={"invalid_choice": "通知不存在。", "invalid_pk_value": "通知不存在。"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = Notification.objects.filter(user=user)  # type: ignore[attr-defined]


def first_error(form: forms.Form) -> str:
    return next(str(error) for errors in form.errors.values() for error in errors)

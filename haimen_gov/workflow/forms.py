"""The engine's page forms: every POST parameter of the item page's actions goes through one of these, so junk
(a non-numeric id, "²", a 100,000-character comment, a missing field) is a Chinese message, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms

from haimen_gov.org.models import Post, User

from .limits import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH
from .models import Notification, Task, TaskStatus


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

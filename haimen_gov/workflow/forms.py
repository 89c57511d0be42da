"""The engine's forms.

Every POST parameter of the item page's actions goes through one of these, so junk (a non-numeric id, "²", a
100,000-character comment, a missing field) is a Chinese message, never a 500. Besides them, the pieces every
chapter uses: bounded date/datetime fields, the multi-file upload field, and :class:`TransitionForm`, the one
declaration of a transition's own fields.

Bounds (issue 9): no date input in the portal accepts a value before :data:`EARLIEST` (a typo such as 0001-01-01 is
stored by PostgreSQL as a BC timestamp that cannot be read back) or, for what already happened, after now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from haimen_gov.org.models import Post, User

from .limits import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH
from .models import Item, Notification, Task, TaskStatus
from .uploads import DOCUMENT_TYPES, accept_attribute, check_upload, types_label

_INPUT = {"class": "form-control form-control-sm"}

#: The earliest date any date or datetime input accepts.
EARLIEST = dt.date(2000, 1, 1)
#: The latest date any date input accepts (a plan or a deadline, not only the past).
LATEST = dt.date(2099, 12, 31)
#: Clock skew allowed for "not in the future" (a browser's clock a little ahead of the server's).
FUTURE_SKEW = dt.timedelta(minutes=5)

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def local_text(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


def datetime_bounds_error(
    value: dt.datetime, *, label: str, past: bool = False, not_before: dt.datetime | None = None
) -> str | None:
    """The Chinese refusal of a datetime outside the portal's bounds, or None. Shared by the form field below and the
    API's ``api.BoundedDateTimeSerializerField``: not before :data:`EARLIEST` (or ``not_before``), not after now
    (``past``) or :data:`LATEST`."""
    earliest = timezone.make_aware(dt.datetime.combine(EARLIEST, dt.time()))
    lower = max(earliest, not_before) if not_before else earliest
    if value < lower:
        return f"{label}不能早于 {local_text(lower)}。"
    if past and value > timezone.now() + FUTURE_SKEW:
        return f"{label}不能晚于当前时间。"
    upper = timezone.make_aware(dt.datetime.combine(LATEST, dt.time.max))
    if value > upper:
        return f"{label}不能晚于 {local_text(upper)}。"
    return None


class BoundedDateTimeField(forms.DateTimeField):
    """A datetime between ``not_before`` (default :data:`EARLIEST`) and, with ``past=True``, now; otherwise
    :data:`LATEST`. A form may narrow ``not_before`` per instance (e.g. "not before the request was approved")."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})

    def __init__(self, *, past: bool = False, not_before: dt.datetime | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATETIME_INPUT_FORMATS)
        messages = {"invalid": f"{kwargs.get('label') or '时间'}格式错误。"}
        messages.update(kwargs.pop("error_messages", {}) or {})
        super().__init__(error_messages=messages, **kwargs)
        self.past = past
        self.not_before = not_before

    def to_python(self, value: Any) -> dt.datetime | None:
        try:
            return super().to_python(value)
        except (OverflowError, ValueError) as exc:  # a year the time zone database cannot place
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            message = datetime_bounds_error(
                value, label=str(self.label or "时间"), past=self.past, not_before=self.not_before
            )
            if message:
                raise ValidationError(message, code="bounds")


class BoundedDateField(forms.DateField):
    """A date between :data:`EARLIEST` and :data:`LATEST` (or today, with ``past=True``)."""

    widget = forms.DateInput(attrs={"type": "date"})

    def __init__(self, *, past: bool = False, **kwargs: Any) -> None:
        messages = {"invalid": f"{kwargs.get('label') or '日期'}格式错误（YYYY-MM-DD）。"}
        messages.update(kwargs.pop("error_messages", {}) or {})
        super().__init__(error_messages=messages, **kwargs)
        self.past = past

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        label = self.label or "日期"
        upper = timezone.localdate() if self.past else LATEST
        if value < EARLIEST:
            raise ValidationError(f"{label}不能早于 {local_text(EARLIEST)}。", code="min_value")
        if value > upper:
            raise ValidationError(f"{label}不能晚于 {local_text(upper)}。", code="max_value")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked by content against ``types`` (keys of ``uploads.FILE_TYPES``)."""

    widget = MultipleFileInput

    def __init__(self, *, types: Iterable[str] = DOCUMENT_TYPES, **kwargs: Any) -> None:
        self.types = tuple(types)
        kwargs.setdefault("help_text", f"支持{types_label(self.types)}，可多选")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", accept_attribute(self.types))

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        for f in files:
            check_upload(f, allowed=self.types)
        return list(files)


def style_fields(form: forms.BaseForm, *, small: bool = False) -> None:
    """Bootstrap classes on every widget (select, checkbox, text)."""
    size = "-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = f"form-select form-select{size}" if small else "form-select"
        else:
            css = f"form-control form-control{size}" if small else "form-control"
        widget.attrs.setdefault("class", css)


class TransitionForm(forms.Form):
    """A transition's own fields, declared once (``Flow.action_forms = {"register": RegisterForm}``).

    The item page renders it (``TransitionForm(item=item)``, so initial values may come from the item); the page
    view, the API (``POST …/transitions/<verb>/``, JSON or multipart) and the app's action all hand their input to
    ``item_fire(..., data=, files=)``, which validates it with this form inside the item's row lock and calls
    :meth:`apply`. Subclasses declare fields, may ``clean_*`` against ``self.item``, and implement :meth:`apply`.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        *,
        item: Item,
        actor: User | None = None,
        **kwargs: Any,
    ) -> None:
        if files is not None and not isinstance(files, MultiValueDict):
            files = MultiValueDict({k: list(v) if isinstance(v, list | tuple) else [v] for k, v in files.items()})
        super().__init__(data, files, **kwargs)
        self.item = item
        self.actor = actor
        style_fields(self, small=True)

    def apply(self) -> None:
        """Set the cleaned fields on ``self.item`` (inside the engine's transaction, before the transition)."""
        raise NotImplementedError

    def error_dict(self) -> dict[str, list[str]]:
        return {name: [str(e) for e in errors] for name, errors in self.errors.items()}


class ExternalDecisionForm(TransitionForm):
    """What an office post records of a decision taken outside the portal, in a step declared with ``records_for``
    (``action_forms={"record": ExternalDecisionForm}``): who decided, when, how, what, on what evidence."""

    decided_by = forms.CharField(
        label="决定人",
        max_length=60,
        widget=forms.TextInput(attrs=_INPUT),
        error_messages={"required": "请填写决定人。", "max_length": "决定人不能超过 60 字。"},
    )
    decided_on = BoundedDateField(
        label="决定日期",
        past=True,
        widget=forms.DateInput(attrs={**_INPUT, "type": "date"}),
        error_messages={"required": "请填写决定日期。", "invalid": "决定日期格式错误（YYYY-MM-DD）。"},
    )
    means = forms.ChoiceField(
        label="决定方式",
        choices=[],
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import DecisionMeans

        super().__init__(*args, **kwargs)
        self.fields["means"].choices = DecisionMeans.choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        from .models import DecisionMeans

        data = super().clean() or {}
        means, reference = data.get("means"), data.get("reference")
        if means == DecisionMeans.DOCUMENT and not reference:
            self.add_error("reference", "以文件决定的，请填写文号。")
        return data

    def clean_decided_on(self) -> dt.date:
        decided_on: dt.date = self.cleaned_data["decided_on"]
        if decided_on < timezone.localtime(self.item.created_at).date():
            raise ValidationError("决定日期不能早于事项创建日期。")
        return decided_on

    def apply(self) -> None:
        """Called by the engine inside the locked transaction, before the step's ``record`` transition."""
        from .flows import flow_for
        from .models import ExternalDecision

        item = self.item
        step = flow_for(item).step_for(item.state)  # type: ignore[attr-defined]
        if step is None or not step.records_for:
            raise ValidationError("当前环节不需要登记外部决定。")
        ExternalDecision.objects.update_or_create(
            item=item,
            step=step.code,
            round=item.round,
            defaults={
                "body": step.records_for,
                "decided_by": self.cleaned_data["decided_by"],
                "decided_on": self.cleaned_data["decided_on"],
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


class TransitionCommentForm(forms.Form):
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

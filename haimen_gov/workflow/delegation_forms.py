"""The portal's delegation forms (委托): every POST parameter bounded, a Chinese message for each bad one."""

from __future__ import annotations

from typing import Any

from django import forms

from haimen_gov.org.models import Post, User

from . import selectors
from .actions.delegations import DELEGATING_KINDS


class DelegationForm(forms.Form):
    post = forms.ModelChoiceField(label="委托职务", queryset=Post.objects.none(), empty_label="选择职务…")
    delegate = forms.TypedChoiceField(label="受托人", coerce=int, empty_value=None)
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="委托事由", max_length=200, widget=forms.TextInput(attrs={"placeholder": "如：赴省参加会议"})
    )

    def __init__(self, *args: Any, viewer: User, office: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = Post.objects.filter(kind__in=DELEGATING_KINDS).select_related("holder", "unit")
        self.fields["post"].queryset = posts if office else posts.filter(holder=viewer)  # type: ignore[attr-defined]
        self.fields["post"].label_from_instance = lambda p: str(p)  # type: ignore[attr-defined]
        groups = selectors.user_choices(viewer, leaders_only=True)
        self.fields["delegate"].choices = [("", "选择受托人…"), *[(unit, options) for unit, options in groups]]  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name in ("post", "delegate") else "form-control form-control-sm"
            field.widget.attrs["class"] = css
        self.fields["delegate"].widget.attrs["data-picker"] = ""
        self.error_messages_zh()

    def error_messages_zh(self) -> None:
        for field in self.fields.values():
            field.error_messages.update({"required": f"请填写{field.label}。", "invalid": f"{field.label}格式不正确。"})
        self.fields["post"].error_messages["invalid_choice"] = "不能委托该职务。"
        self.fields["delegate"].error_messages["invalid_choice"] = "请从列表中选择受托人。"

    def clean_delegate(self) -> User:
        user = User.objects.filter(pk=self.cleaned_data["delegate"], is_active=True).first()
        if user is None:
            raise forms.ValidationError("请从列表中选择受托人。")
        return user


class ShortenForm(forms.Form):
    end = forms.DateField(
        label="新的结束日期", error_messages={"required": "请填写新的结束日期。", "invalid": "日期格式不正确。"}
    )

from __future__ import annotations

from typing import Any

from django import forms

from haimen_gov.workflow.flows import all_flows

from .scope import Scope

DUE_CHOICES = [
    ("overdue", "已逾期"),
    ("soon", "即将到期"),
    ("today", "今日到期"),
    ("late3", "逾期1–3个工作日"),
    ("late10", "逾期4–10个工作日"),
    ("late10plus", "逾期10个工作日以上"),
    ("stuck", "无人可办"),
]


def kind_choices() -> list[tuple[str, str]]:
    return [
        (f"{flow.model._meta.app_label}.{flow.model._meta.model_name}", str(flow.model._meta.verbose_name))
        for flow in all_flows()
    ]


class DrillForm(forms.Form):
    """The filters of the lists behind the dashboard's figures. Every field bounded; a bad one is a 400."""

    unit = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="申请单位",
        error_messages={"invalid_choice": "所选单位不存在或不在您的分管范围内。"},
    )
    kind = forms.ChoiceField(required=False, label="类别", error_messages={"invalid_choice": "事项类别不存在。"})
    state = forms.SlugField(required=False, max_length=40, label="状态", error_messages={"invalid": "状态代码无效。"})
    step = forms.SlugField(required=False, max_length=40, label="环节", error_messages={"invalid": "环节代码无效。"})
    post = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, label="职务", error_messages={"invalid": "职务编号无效。"}
    )
    due = forms.ChoiceField(
        required=False,
        choices=[("", "全部"), *DUE_CHOICES],
        label="时限",
        error_messages={"invalid_choice": "时限筛选无效。"},
    )
    finished = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=366,
        label="近N天已办",
        error_messages={"invalid": "天数应为整数。", "min_value": "天数至少为 1。", "max_value": "天数不能超过 366。"},
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "全部单位")] + [  # type: ignore[attr-defined]
            (str(u["id"]), u["short_name"] or u["name"]) for u in scope.units
        ]
        self.fields["kind"].choices = [("", "全部类别"), *kind_choices()]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm",
            )

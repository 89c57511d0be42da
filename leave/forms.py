from __future__ import annotations

from typing import Any, cast

from django import forms

from haimen_gov.org.models import Post, Unit, User
from haimen_gov.org.routing import units_of
from haimen_gov.workflow.flows import flow_for
from haimen_gov.workflow.forms import BoundedDateField, ExternalDecisionForm
from haimen_gov.workflow.lists import ListFilterForm

from .models import (
    APPROVED_STATES,
    AWAY_STATES,
    GOVERNMENT_LEADER_KINDS,
    HEAD_KINDS,
    REPORTING_KINDS,
    VISIT_CHAIN_OF_KIND,
    AbsenceKind,
    AbsenceState,
    ExceptionKind,
    VisitPlanEntry,
    VisitState,
)

DATE_ERRORS = {"invalid": "日期格式错误（YYYY-MM-DD）。", "required": "请填写日期。"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


def _people() -> Any:
    """Who may act for a leader: a person holding a post (第六条: for the head, the exec vice head or a vice head)."""
    return User.objects.filter(is_active=True, posts__isnull=False).distinct().order_by("username")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        holder = obj.holder.display_name if obj.holder_id else "空缺"
        return f"{obj.title}（{obj.unit.short_name or obj.unit.name}）· {holder}"


class AbsenceForm(forms.Form):
    leader_post = PostChoiceField(Post.objects.none(), label="外出领导", empty_label=None)
    category = forms.ChoiceField(label="外出类别", choices=AbsenceKind.choices)
    start = _date("离开日期")
    end = _date("返回日期")
    destination = forms.CharField(label="前往地点", max_length=100)
    reason = forms.CharField(label="外出事由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    contact = forms.CharField(label="外出期间联系方式", max_length=50)
    acting = PersonChoiceField(
        _people(),
        label="外出期间主持（代行）工作",
        required=False,
        empty_label="无人代行",
        help_text="批准后自动为其开通外出期间的委托（第六条）；区长外出未选择的，由常务副区长主持工作",
    )

    def __init__(self, *args: Any, user: User, office: bool, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # 第四十四条: the head's own absence too — the office files it with the city government office.
        kinds = (*HEAD_KINDS, *REPORTING_KINDS)
        posts = Post.objects.filter(kind__in=kinds, holder__isnull=False).select_related("unit", "holder")
        if not office:
            posts = posts.filter(holder=user)
        cast(forms.ModelChoiceField, self.fields["leader_post"]).queryset = posts.order_by("order", "id")
        if editing:
            self.fields["leader_post"].disabled = True
            self.fields["leader_post"].required = False
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "返回日期不能早于离开日期。")
        return data


class ShortenForm(forms.Form):
    end = _date("新的返回日期")
    reason = forms.CharField(label="提前返回原因", max_length=200)


class BoardFilter(forms.Form):
    late = forms.BooleanField(label="只看补报", required=False)


class ExceptionForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label="邀请单位", empty_label=None)
    leader_post = PostChoiceField(Post.objects.none(), label="邀请的区政府领导", empty_label="请选择")
    category = forms.ChoiceField(label="类别", choices=ExceptionKind.choices)
    event = forms.CharField(label="活动或文稿名称", max_length=200)
    event_date = _date("活动日期", required=False)
    place = forms.CharField(label="活动地点", max_length=100, required=False)
    reason = forms.CharField(label="需作例外安排的理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.filter(
            pk__in=[u.pk for u in units_of(user)]
        )
        cast(forms.ModelChoiceField, self.fields["leader_post"]).queryset = (
            Post.objects.filter(kind__in=GOVERNMENT_LEADER_KINDS, holder__isnull=False)
            .select_related("unit", "holder")
            .order_by("order", "id")
        )
        _style(self)


class ResearchTripForm(forms.Form):
    leader = PersonChoiceField(User.objects.none(), label="调研领导", empty_label=None)
    start = _date("开始日期")
    end = _date("结束日期")
    places = forms.CharField(label="调研地点", max_length=200)
    topic = forms.CharField(label="调研主题", max_length=200)
    findings = forms.CharField(
        label="发现的问题和成果", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    frugality = forms.CharField(
        label="轻车简从情况",
        max_length=500,
        required=False,
        help_text="随行人员、车辆，是否打招呼、陪同（第四十六条）",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, leaders: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["leader"]).queryset = leaders
        if editing:
            self.fields["leader"].disabled = True
            self.fields["leader"].required = False
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期。")
        return data


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2020, max_value=2100, required=False)


class RecordForm(ExternalDecisionForm):
    """``record`` in the leave flows: at a step declared with ``records_for`` (市政府批准, 按程序审批) the engine's
    record of the outside decision; at 报区委办备案 (a report the office made, told in its comment) nothing to ask."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        step = flow_for(self.item).step_for(self.item.state)  # type: ignore[attr-defined]
        self.records = step is not None and bool(step.records_for)
        if not self.records:
            self.fields = {}

    def apply(self) -> None:
        if self.records:
            super().apply()


def _text(label: str, max_length: int, *, required: bool = True, rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        error_messages={"required": f"请填写{label}。", "max_length": f"{label}不能超过 {max_length} 个字。"},
    )


def _traveller_posts() -> Any:
    return (
        Post.objects.filter(kind__in=list(VISIT_CHAIN_OF_KIND), holder__isnull=False)
        .select_related("unit", "holder")
        .order_by("unit__order", "order", "id")
    )


class PlanEntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.year}年 {obj.label()}：{obj.purpose[:20]}"


class VisitForm(forms.Form):
    """出访报批 (第三十五条)."""

    traveller_post = PostChoiceField(Post.objects.none(), label="出访人", empty_label=None)
    countries = _text("出访国家（地区）", 100)
    purpose = _text("出访任务", 300, rows=3)
    members = _text("团组成员", 300, required=False)
    start = _date("出发日期")
    end = _date("返回日期")
    plan_entry = PlanEntryChoiceField(
        VisitPlanEntry.objects.none(),
        label="列入的年度出访计划",
        required=False,
        empty_label="未列入计划（计划外）",
        help_text="只列出经区长批准的计划",
    )
    out_of_plan_reason = _text("计划外出访理由", 500, required=False, rows=2)

    def __init__(self, *args: Any, user: User, office: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = _traveller_posts()
        if not office:
            posts = posts.filter(holder=user)
        cast(forms.ModelChoiceField, self.fields["traveller_post"]).queryset = posts
        cast(forms.ModelChoiceField, self.fields["plan_entry"]).queryset = (
            VisitPlanEntry.objects.filter(approved_at__isnull=False, traveller_post__in=posts)
            .select_related("traveller_post")
            .order_by("year", "approx_start", "id")
        )
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "返回日期不能早于出发日期。")
        return data


class PlanEntryForm(forms.Form):
    """计划管理 (第三十五条): one planned visit in the year's plan."""

    year = forms.IntegerField(
        label="计划年度",
        min_value=2020,
        max_value=2100,
        error_messages={"required": "请填写计划年度。", "invalid": "年度须为数字。"},
    )
    traveller_post = PostChoiceField(Post.objects.none(), label="出访人", empty_label="请选择")
    countries = _text("出访国家（地区）", 100)
    purpose = _text("出访任务", 300, rows=2)
    approx_start = _date("预计出访时间（起）")
    approx_end = _date("预计出访时间（止）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["traveller_post"]).queryset = _traveller_posts()
        _style(self)


def _in_plan(qs: Any, value: str) -> Any:
    return qs.filter(out_of_plan=value == "0")


class VisitFilter(ListFilterForm):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    year = forms.IntegerField(label="年度", required=False, min_value=2020, max_value=2100)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *VisitState.choices])
    plan = forms.ChoiceField(label="计划", required=False, choices=[("", "全部"), ("1", "列入计划"), ("0", "计划外")])

    lookups = {
        "q": ("title", "countries", "purpose", "traveller__full_name"),
        "year": "start__year",
        "state": "state",
        "plan": _in_plan,
    }


def _absence_status(qs: Any, value: str) -> Any:
    if value == "approved":
        return qs.filter(state__in=APPROVED_STATES)
    if value == "away":
        return qs.filter(state__in=AWAY_STATES)
    return qs.filter(state=value)


class AbsenceFilter(ListFilterForm):
    """外出台账: the dashboard's "away today / this week" figures link here with the same dates."""

    q = forms.CharField(label="搜索", required=False, max_length=100)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态"), ("approved", "已批准"), ("away", "已报告（含待批）"), *AbsenceState.choices],
    )
    first = BoundedDateField(label="外出期间自", required=False)
    last = BoundedDateField(label="至", required=False)
    leader = forms.IntegerField(
        label="领导编号", required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    lookups = {
        "q": ("title", "destination", "reason", "leader__full_name"),
        "status": _absence_status,
        # Absences overlapping first…last.
        "first": "end__gte",
        "last": "start__lte",
        "leader": "leader_id",
    }
    ranges = (("first", "last"),)

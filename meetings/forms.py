"""Forms of the meeting pages and of the transitions that need more than a comment. Every field is bounded here, at
the edge; the actions check the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from haimen_gov.org.models import LEADER_KINDS, Post, PostKind, Unit, UnitKind
from haimen_gov.workflow.forms import MultipleFileField, TransitionForm
from haimen_gov.workflow.lists import ListFilterForm

from .models import (
    DECIDING_KINDS,
    OPEN_MEETING_STATES,
    DistrictBasis,
    LegalityResult,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingState,
    Topic,
)
from .models_minutes import MinutesDecision, MinutesState


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def open_meetings() -> Any:
    return Meeting.objects.filter(state__in=OPEN_MEETING_STATES, date__gte=timezone.localdate()).order_by(
        "date", "start_time"
    )


class MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        from .composition import cutoff

        last = cutoff(obj.kind, obj.date)
        # 第十六条: every unit sees the day its topic must reach the office.
        return f"{obj.date:%Y-%m-%d} {obj.title}" + (f"（申报截止 {last:%m月%d日}）" if last else "")


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会议类别", choices=MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=120)
    date = forms.DateField(label="日期", widget=DATE, error_messages={"invalid": "日期格式错误（YYYY-MM-DD）。"})
    start_time = forms.TimeField(label="开始时间", widget=TIME, error_messages={"invalid": "时间格式错误。"})
    end_time = forms.TimeField(label="结束时间", widget=TIME, error_messages={"invalid": "时间格式错误。"})
    place = forms.CharField(label="地点", max_length=100)
    mode = forms.ChoiceField(label="形式（第二十三条）", choices=MeetingMode.choices)
    convener = forms.ModelChoiceField(
        Post.objects.filter(kind__in=LEADER_KINDS).select_related("holder"),
        label="召集领导（专题会议）",
        required=False,
    )
    vice_posts = forms.ModelMultipleChoiceField(
        Post.objects.filter(kind__in=[PostKind.VICE_HEAD]).select_related("holder"),
        label="相关副区长（区长办公会议）",
        required=False,
    )
    units = forms.ModelMultipleChoiceField(
        Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.TOWN, UnitKind.AFFILIATED, UnitKind.VERTICAL]),
        label="参加单位（专题会议）",
        required=False,
    )
    invited = forms.CharField(
        label="邀请列席（区人大、区政协等，每行一位）",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_invited(self) -> list[str]:
        names = [line.strip() for line in (self.cleaned_data.get("invited") or "").splitlines() if line.strip()]
        if any(len(name) > 100 for name in names) or len(names) > 30:
            raise forms.ValidationError("邀请列席每行不超过100字，最多30位。")
        return names


class RescheduleForm(forms.Form):
    date = forms.DateField(label="新日期", widget=DATE, error_messages={"invalid": "日期格式错误（YYYY-MM-DD）。"})
    start_time = forms.TimeField(label="开始时间", widget=TIME, error_messages={"invalid": "时间格式错误。"})
    end_time = forms.TimeField(label="结束时间", widget=TIME, error_messages={"invalid": "时间格式错误。"})
    reason = forms.CharField(label="改期理由", max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300, required=False)


class TopicForm(forms.Form):
    meeting = MeetingChoice(open_meetings(), label="拟提交会议", empty_label="请选择会议")
    title = forms.CharField(label="议题名称", max_length=200)
    background = forms.CharField(label="背景情况", max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    proposed_decision = forms.CharField(label="拟决策事项", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    units_consulted = forms.CharField(label="征求意见单位", max_length=300, required=False)
    funding = forms.CharField(label="涉及资金", max_length=200, required=False)
    is_normative = forms.BooleanField(label="属于规范性文件（须经合法性审查，第二十八条）", required=False)
    document: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label="关联的规范性文件（公文管理中本单位起草的，由区司法局审查）",
        required=False,
        empty_label="（无）",
    )
    unit_opinion = forms.CharField(
        label="主办单位工作意见（专题研究，第十四条）", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # 第十六条: the 申报表's materials; the input is named "files" like the API's.
    files = MultipleFileField(label="议题申报材料", required=False)  # type: ignore[assignment]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = open_meetings()  # type: ignore[attr-defined]
        self.fields["document"].queryset = normative_documents(user)  # type: ignore[attr-defined]
        _style(self)


def normative_documents(user: Any) -> Any:
    """The 规范性文件 of the user's own units, newest first: what a topic may name (第二十八条)."""
    from documents.models import Category, OutgoingDocument
    from haimen_gov.org.routing import units_of

    units = [u.pk for u in units_of(user)] if user is not None else []
    return OutgoingDocument.objects.filter(category=Category.NORMATIVE, unit_id__in=units).order_by("-id")


class LeaveForm(forms.Form):
    reason = forms.CharField(label="请假事由", max_length=300)
    substitute = forms.CharField(label="代会人员（单位可安排）", max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class PressForm(forms.Form):
    meeting = MeetingChoice(Meeting.objects.order_by("-date"), label="会议", required=False, empty_label="（无）")
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))
    leader = forms.ModelChoiceField(
        Post.objects.filter(kind__in=LEADER_KINDS), label="报区政府领导审定（可选）", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class DeptMeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=200)
    date = forms.DateField(label="日期", widget=DATE, error_messages={"invalid": "日期格式错误（YYYY-MM-DD）。"})
    place = forms.CharField(label="地点", max_length=100)
    scale = forms.IntegerField(label="参会人数", min_value=1, max_value=5000)
    invites_towns = forms.BooleanField(label="邀请各区镇（街道）负责同志", required=False)
    leader_attending = forms.ModelChoiceField(
        Post.objects.filter(kind__in=LEADER_KINDS), label="请区政府领导出席（可选）", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class DecisionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.minutes.number}第{obj.order}项：{obj.text[:60]}"


# How far back the page offers signed decisions (the API takes any signed one by id).
DECISIONS_OFFERED_DAYS = 730


def deciding_decisions() -> Any:
    """第二十一条: the 议定事项 of signed 常务会议 and 区长办公会议 minutes of the last two years, newest first."""
    since = timezone.localdate() - dt.timedelta(days=DECISIONS_OFFERED_DAYS)
    return (
        MinutesDecision.objects.filter(
            minutes__meeting__kind__in=DECIDING_KINDS,
            minutes__state=MinutesState.SIGNED,
            minutes__signed_on__gte=since,
        )
        .select_related("minutes")
        .order_by("-minutes__signed_on", "-minutes_id", "order")
    )


class DistrictMeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=200)
    date = forms.DateField(label="日期", widget=DATE, error_messages={"invalid": "日期格式错误（YYYY-MM-DD）。"})
    start_time = forms.TimeField(label="开始时间", widget=TIME, error_messages={"invalid": "时间格式错误。"})
    end_time = forms.TimeField(label="结束时间", widget=TIME, error_messages={"invalid": "时间格式错误。"})
    place = forms.CharField(label="地点", max_length=100)
    mode = forms.ChoiceField(
        label="形式（第二十三条：尽可能采用视频会议）", choices=MeetingMode.choices, initial=MeetingMode.VIDEO
    )
    scale = forms.IntegerField(label="参会人数", min_value=1, max_value=5000)
    convener = forms.ModelChoiceField(
        Post.objects.filter(kind__in=LEADER_KINDS).select_related("holder").order_by("order", "id"),
        label="召开会议的区政府领导",
        empty_label="请选择",
    )
    basis = forms.ChoiceField(label="召开依据（第二十一条）", choices=DistrictBasis.choices, widget=forms.RadioSelect)
    decision = DecisionChoice(
        deciding_decisions(),
        label="常务会议、区长办公会议纪要议定事项",
        required=False,
        empty_label="（依据会议决定时选择）",
        error_messages={"invalid_choice": "所选议定事项不存在或其纪要尚未签发。"},
    )
    summons_town_principals = forms.BooleanField(label="要求各区镇（街道）主要负责同志参加", required=False)
    summons_reason = forms.CharField(
        label="确需主要负责同志参加的理由",
        max_length=300,
        required=False,
        help_text="副区长召开的全区性会议，原则上不得要求各区镇（街道）主要负责同志参加（第二十一条），确需参加须写明理由。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = deciding_decisions()  # type: ignore[attr-defined]
        _style(self)
        self.fields["basis"].widget.attrs["class"] = "form-check-input"


# --------------------------------------------------------------------- transition forms (the engine calls apply)


class ScheduleForm(TransitionForm):
    """区长确定上会: the meeting the topic goes into (第十四条)."""

    meeting = MeetingChoice(open_meetings(), label="列入会议", empty_label="请选择会议")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = open_meetings()  # type: ignore[attr-defined]

    def apply(self) -> None:
        from .actions import schedule_apply

        schedule_apply(self.item, meeting=self.cleaned_data["meeting"])  # type: ignore[arg-type]


class ExceptionForm(TransitionForm):
    """第十六条: the head's exception to the cut-off, with its reason."""

    reason = forms.CharField(label="特批理由", max_length=300)

    def apply(self) -> None:
        topic: Topic = self.item  # type: ignore[assignment]
        topic.exception_granted = True
        topic.exception_reason = self.cleaned_data["reason"]


class LegalityForm(TransitionForm):
    """第二十八条: the justice bureau's legality review of a 规范性文件."""

    result = forms.ChoiceField(label="审查结论", choices=LegalityResult.choices)
    note = forms.CharField(label="审查意见", max_length=500, required=False)

    def apply(self) -> None:
        topic: Topic = self.item  # type: ignore[assignment]
        topic.legality_result = self.cleaned_data["result"]
        topic.legality_note = self.cleaned_data.get("note") or ""


# --------------------------------------------------------------------- 会议台账 (the dashboard's figures link here)


def _held(qs: Any, value: str) -> Any:
    if value == "held":
        return qs.filter(state__in=[MeetingState.HELD, MeetingState.ARCHIVED])
    return qs.filter(state=value)


def _video(qs: Any, value: str) -> Any:
    return qs.exclude(mode=MeetingMode.ONSITE) if value == "1" else qs.filter(mode=MeetingMode.ONSITE)


def _concerning(qs: Any, unit: Unit) -> Any:
    from django.db.models import Exists, OuterRef

    from .models import Attendee, AttendeeRole, TopicState

    topics = Topic.objects.filter(meeting=OuterRef("pk"), unit=unit).exclude(
        state__in=[TopicState.WITHDRAWN, TopicState.DRAFT]
    )
    seats = Attendee.objects.filter(meeting=OuterRef("pk"), post__unit=unit).exclude(role=AttendeeRole.FIXED)
    return qs.filter(Exists(topics) | Exists(seats))


class MeetingListFilter(ListFilterForm):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    kind = forms.ChoiceField(label="会议类别", required=False, choices=[("", "全部类别"), *MeetingKind.choices])
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月份", required=False, min_value=1, max_value=12)
    through = forms.IntegerField(label="截至月份", required=False, min_value=1, max_value=12)
    video = forms.ChoiceField(
        label="形式", required=False, choices=[("", "全部"), ("1", "视频（含现场+视频）"), ("0", "现场")]
    )
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), ("held", "已召开（含归档）"), *MeetingState.choices]
    )
    unit = forms.ModelChoiceField(Unit.objects.all(), label="涉及单位", required=False, empty_label="全部单位")

    choice_labels = {"unit": "name"}  # Unit.__str__
    lookups = {
        "q": ("title", "place"),
        "kind": "kind",
        "year": "date__year",
        "month": "date__month",
        "through": "date__month__lte",
        "video": _video,
        "state": _held,
        "unit": _concerning,
    }
    defaults = {"state": "held"}

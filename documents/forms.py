"""Forms of the documents pages; each bounds what it accepts and says what is wrong in Chinese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone

from haimen_gov.org.models import Post, PostKind, Unit, User
from haimen_gov.workflow.forms import (
    BoundedDateField,
    BoundedDateTimeField,
    MultipleFileField,
    TransitionForm,
    style_fields,
)
from haimen_gov.workflow.lists import ListFilterForm
from haimen_gov.workflow.models import NumberSeries

from .models import (
    BODY_MAX,
    MATERIAL_TYPES,
    MATERIALS,
    NOTE_MAX,
    REGISTERED_CHANNELS,
    Category,
    ConsentWay,
    DocType,
    IncomingDocument,
    OutgoingDocument,
    SenderLevel,
    Urgency,
)


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class IssueForm(TransitionForm):
    """编号印发: the series of the 发文字号 and the 成文日期 (the signing day unless given)."""

    item: OutgoingDocument

    series = forms.ModelChoiceField(
        NumberSeries.objects.exclude(code__in=["seal"]),
        label="发文字号系列",
        required=False,
        empty_label="（沿用拟稿时选择）",
        error_messages={"invalid_choice": "发文字号系列无效。"},
    )
    written_on = BoundedDateField(label="成文日期", required=False, past=True)

    def apply(self) -> None:
        doc = self.item
        if self.cleaned_data.get("series"):
            doc.series = self.cleaned_data["series"]
        if self.cleaned_data.get("written_on"):
            doc.written_on = self.cleaned_data["written_on"]
        doc.save(update_fields=["series", "written_on"])


class EmergencySignForm(TransitionForm):
    """第二十六条: the director records how and when the head and the vice head in charge agreed."""

    item: OutgoingDocument

    head_consent_at = BoundedDateTimeField(
        label="区长同意时间", past=True, error_messages={"required": "须登记区长同意的时间（第二十六条）。"}
    )
    head_consent_way = forms.ChoiceField(
        label="区长同意方式",
        choices=ConsentWay.choices,
        error_messages={"required": "须登记区长同意的方式：电话或当面（第二十六条）。"},
    )
    vice_consent_at = BoundedDateTimeField(
        label="分管副区长同意时间", past=True, error_messages={"required": "须登记分管副区长同意的时间（第二十六条）。"}
    )
    vice_consent_way = forms.ChoiceField(
        label="分管副区长同意方式",
        choices=ConsentWay.choices,
        error_messages={"required": "须登记分管副区长同意的方式：电话或当面（第二十六条）。"},
    )

    def apply(self) -> None:
        from .actions import record_consent

        record_consent(self.item, **self.cleaned_data)


class MaterialField(forms.FileField):
    """One 第二十八条 material's upload slot: a single PDF, OFD or DOCX file, checked by content and size."""

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        from haimen_gov.workflow.uploads import accept_attribute, types_label

        super().__init__(
            label=label,
            required=False,
            help_text=f"单位报送规范性文件必传；{types_label(MATERIAL_TYPES)}，一个文件",
            error_messages={"invalid": f"{label}：请选择文件。", "empty": f"{label}：文件为空。"},
            **kwargs,
        )
        self.widget.attrs["accept"] = accept_attribute(MATERIAL_TYPES)

    def clean(self, data: Any, initial: Any = None) -> Any:
        from haimen_gov.workflow.uploads import check_upload

        upload = super().clean(data, initial)
        if upload:
            try:
                check_upload(upload, allowed=MATERIAL_TYPES)
            except forms.ValidationError as exc:
                raise forms.ValidationError([f"{self.label}：{m}" for m in exc.messages]) from exc
        return upload or None


def material_fields() -> dict[str, MaterialField]:
    return {f"material_{role}": MaterialField(label=label) for role, label in MATERIALS.items()}


class MaterialUploadForm(forms.Form):
    """Replace one material of a draft or returned document (its own slot)."""

    role = forms.ChoiceField(
        label="材料", choices=list(MATERIALS.items()), error_messages={"invalid_choice": "材料类别无效。"}
    )
    file = MaterialField(label="文件")

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if not upload:
            raise forms.ValidationError("请选择要上传的文件。")
        return upload


class OutgoingForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label="拟稿单位", empty_label=None)
    category = forms.ChoiceField(label="发文类别", choices=Category.choices)
    title = forms.CharField(label="标题", max_length=200)
    recipients = forms.CharField(label="主送机关", max_length=300)
    cc = forms.CharField(label="抄送机关", max_length=300, required=False)
    series = forms.ModelChoiceField(
        NumberSeries.objects.exclude(code__in=["seal"]),
        label="发文字号系列",
        required=False,
        empty_label="由办公室印发时选择",
    )
    urgency = forms.ChoiceField(
        label="紧急程度", required=False, choices=[("", "—"), ("特急", "特急"), ("加急", "加急")]
    )
    important = forms.BooleanField(label="重要事项（办公室名义发文须经区长同意）", required=False)
    special_emergency = forms.BooleanField(label="特殊紧急情况（突发事件，由办公室主任签发）", required=False)
    directive = forms.BooleanField(label="指示性公文", required=False)
    body = forms.CharField(
        label="正文",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="每段一行；“一、”开头为一级标题，“（一）”开头为二级标题。",
    )
    attachment_names = forms.CharField(
        label="附件说明", max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label="附注", max_length=200, required=False)
    unit_legality_opinion = forms.CharField(
        label="本单位合法性审查意见（摘要，可选）",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    fair_competition_review = forms.CharField(
        label="公平竞争审查意见（摘要，可选）",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label="附件（正文定稿、附件等）", required=False, types=("pdf", "ofd", "docx")
    )
    consultation_record = forms.CharField(
        label="征求意见情况（摘要，可选）",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        from haimen_gov.org.routing import units_of

        super().__init__(*args, **kwargs)
        self.fields.update(material_fields())
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units_of(user)])  # type: ignore[attr-defined]
        _style(self)


class IncomingForm(forms.Form):
    """A unit's 请示/报告 through the portal, or a document the office registers (第二十四条)."""

    doc_type = forms.ChoiceField(label="文种", choices=DocType.choices)
    title = forms.CharField(label="标题", max_length=200)
    ref_number = forms.CharField(label="文号", max_length=60, required=False)
    urgency = forms.ChoiceField(label="缓急", choices=Urgency.choices, initial=Urgency.NORMAL)
    main_recipient = forms.CharField(label="主送", max_length=200, initial="海门区人民政府")
    cc = forms.CharField(label="抄送", max_length=300, required=False)
    pages = forms.IntegerField(label="页数", min_value=1, max_value=9999, initial=1)
    summary = forms.CharField(
        label="正文或摘要", max_length=BODY_MAX, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    leader_assignment = forms.CharField(
        label="领导交办事项（仅报送领导交办事项时填写）", max_length=200, required=False
    )
    files = MultipleFileField(label="来文文件（PDF 或 OFD）", required=False, types=("pdf", "ofd"))  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class RegisterIncomingForm(IncomingForm):
    """The office registers a paper or e-mail arrival, or a document from above."""

    sender = forms.CharField(label="来文单位", max_length=100)
    sender_level = forms.ChoiceField(label="来文层级", choices=SenderLevel.choices)
    channel = forms.ChoiceField(label="来文方式", choices=REGISTERED_CHANNELS)
    received_on = forms.DateField(
        label="收文日期",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "收文日期格式错误。"},
    )

    def clean_received_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("收文日期不能晚于今天。")
        return day


class IncomingFilter(ListFilterForm):
    q = forms.CharField(label="搜索（标题、文号、来文单位）", required=False, max_length=100)
    doc_type = forms.ChoiceField(label="文种", required=False, choices=[("", "全部文种"), *DocType.choices])
    urgency = forms.ChoiceField(label="缓急", required=False, choices=[("", "全部"), *Urgency.choices])
    state = forms.ChoiceField(label="状态", required=False)
    start = BoundedDateField(label="收文起始", required=False)
    end = BoundedDateField(label="收文截止", required=False)

    lookups = {
        "q": ("title", "ref_number", "sender"),
        "doc_type": "doc_type",
        "urgency": "urgency",
        "state": "state",
        "start": "received_on__gte",
        "end": "received_on__lte",
    }
    ranges = (("start", "end"),)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import InState

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "全部状态"), *InState.choices]  # type: ignore[attr-defined]


class OutgoingFilter(ListFilterForm):
    q = forms.CharField(label="搜索（标题、发文字号、拟稿单位）", required=False, max_length=100)
    category = forms.ChoiceField(label="发文类别", required=False, choices=[("", "全部类别"), *Category.choices])
    state = forms.ChoiceField(label="状态", required=False)
    start = BoundedDateField(label="印发起始", required=False)
    end = BoundedDateField(label="印发截止", required=False)

    # The dashboard's drill-down (第二十七条 by series): carried as hidden parameters, so the page runs no query to
    # offer every series and unit as choices.
    series = forms.SlugField(
        label="发文字号系列",
        required=False,
        max_length=40,
        widget=forms.HiddenInput,
        error_messages={"invalid": "发文字号系列无效。"},
    )
    unit = forms.IntegerField(
        label="拟稿单位",
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        error_messages={"invalid": "拟稿单位无效。"},
    )

    lookups = {
        "q": ("title", "number", "unit__name"),
        "category": "category",
        "series": "series__code",
        "unit": "unit_id",
        "state": "state",
        "start": "issued_on__gte",
        "end": "issued_on__lte",
    }
    ranges = (("start", "end"),)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import OutState

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "全部状态"), *OutState.choices]  # type: ignore[attr-defined]


class AcceptForm(TransitionForm):
    """The clerk accepts a unit's submission; for a 请示 they confirm 一事一请 (第二十四条)."""

    item: IncomingDocument

    one_matter_confirmed = forms.BooleanField(label="已核实：本件请示一文一事", required=False)

    def apply(self) -> None:
        if self.cleaned_data.get("one_matter_confirmed"):
            self.item.one_matter_confirmed = True
            self.item.save(update_fields=["one_matter_confirmed"])


def check_assignment(
    *, unit: Unit | None, matter_type: str, due_on: dt.date | None, co_units: Iterable[Unit] = ()
) -> None:
    """第二十九条: a matter assigned to a unit has a type (its deadline) or, 特急/紧急, a date the district sets; a
    matter handled with other units names them (会办单位), and only such a matter does."""
    from .models import CO_UNITS_MAX, MatterType

    co = list(co_units)
    if unit is None:
        if matter_type or due_on or co:
            raise forms.ValidationError("请选择承办单位。")
        return
    if matter_type == MatterType.JOINT and not co:
        raise forms.ValidationError("需会同其他单位办理的事项，请选择会办单位（第二十九条）。")
    if co and matter_type != MatterType.JOINT:
        raise forms.ValidationError("只有“需会同其他单位办理”的事项才能指定会办单位（第二十九条）。")
    if any(u.pk == unit.pk for u in co):
        raise forms.ValidationError("承办（主办）单位不能同时作为会办单位。")
    if len(co) > CO_UNITS_MAX:
        raise forms.ValidationError(f"会办单位最多 {CO_UNITS_MAX} 个。")
    if not matter_type:
        raise forms.ValidationError("请选择事项类型（第二十九条）。")
    if matter_type == MatterType.URGENT and due_on is None:
        raise forms.ValidationError("特急、紧急事项须确定办理期限（第二十九条）。")
    if due_on is not None and due_on < timezone.localdate():
        raise forms.ValidationError("办理期限不能早于今天。")


class _AssignFields(TransitionForm):
    item: IncomingDocument

    handling_unit = forms.ModelChoiceField(
        Unit.objects.filter(active=True).exclude(kind__in=["district_gov", "city_gov", "other"]),
        label="承办单位（批办、转办）",
        required=False,
        empty_label="不交办",
    )
    matter_type = forms.ChoiceField(label="事项类型（第二十九条）", required=False)
    co_units: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        Unit.objects.filter(active=True).exclude(kind__in=["district_gov", "city_gov", "other", "gov_office"]),
        label="会办单位（需会同其他单位办理的事项）",
        required=False,
        error_messages={"invalid_choice": "会办单位无效。", "invalid_pk_value": "会办单位无效。"},
    )
    due_on = BoundedDateField(label="办理期限（特急、紧急事项）", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import MatterType

        super().__init__(*args, **kwargs)
        self.fields["matter_type"].choices = [("", "—"), *MatterType.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_assignment(
            unit=data.get("handling_unit"),
            matter_type=data.get("matter_type", ""),
            due_on=data.get("due_on"),
            co_units=data.get("co_units") or (),
        )
        return data

    def assign(self) -> None:
        from .actions import assign_matter

        doc = self.item
        if self.cleaned_data.get("handling_unit"):
            assign_matter(
                doc,
                unit=self.cleaned_data["handling_unit"],
                matter_type=self.cleaned_data["matter_type"],
                due_on=self.cleaned_data.get("due_on"),
                co_units=self.cleaned_data.get("co_units") or (),
            )


class ProposalForm(_AssignFields):
    """拟办 (第二十五条): the office's proposal, the vice heads concerned, and the unit it proposes to handle it."""

    proposal = forms.CharField(
        label="拟办意见",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写拟办意见（第二十五条）。", "max_length": "拟办意见不能超过 2000 字。"},
    )
    concerned_vices: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=Post.objects.filter(kind=PostKind.VICE_HEAD).order_by("order", "id"),
        label="呈阅相关副区长（上级来文）",
        required=False,
    )

    field_order = ["proposal", "concerned_vices", "handling_unit", "matter_type", "co_units", "due_on"]

    def apply(self) -> None:
        doc = self.item
        doc.proposal = self.cleaned_data["proposal"].strip()
        doc.save(update_fields=["proposal"])
        doc.concerned_vices.set(self.cleaned_data.get("concerned_vices") or [])
        self.assign()


class AssignForm(_AssignFields):
    """A reader's 批示 may assign the matter to a unit (批办、转办, 第二十五条)."""

    def apply(self) -> None:
        self.assign()


class AnswerForm(TransitionForm):
    """第二十九条: the lead unit's answer takes up the co-units' opinions (会办意见). It waits for every co-unit whose
    time has not run out; a co-unit past its deadline is named in the history instead."""

    item: IncomingDocument

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        waiting = [t for t in self.item.co_opinions() if t.status == "open" and t.due_date >= today]
        if waiting:
            names = "、".join(f"{t.post.unit.name}（{t.due_date:%m月%d日}前）" for t in waiting)
            raise forms.ValidationError(
                f"会办单位尚未提出意见：{names}。请待会办单位提出意见并汇总后再报送（第二十九条）。"
            )
        return data

    def apply(self) -> None:
        from haimen_gov.workflow.actions.history import history_append
        from haimen_gov.workflow.flows import flow_for

        lapsed = [t.post.unit.name for t in self.item.co_opinions() if t.status == "open"]
        if lapsed:
            history_append(
                self.item,
                flow=flow_for(self.item),
                actor=self.actor,
                verb="co_lapsed",
                verb_label="会办单位逾期未提出意见",
                comment="、".join(lapsed),
            )


class SuperviseForm(forms.Form):
    """批示 → 督查: which 批示 (a history entry of the document), and optionally the lead unit and the due date when
    the document's own (its handling unit, its handling deadline) should not be taken."""

    entry = forms.IntegerField(
        min_value=1, max_value=2**31 - 1, error_messages={"required": "请选择领导批示。", "invalid": "批示无效。"}
    )
    lead_unit = forms.ModelChoiceField(
        Unit.objects.filter(active=True).exclude(kind__in=["district_gov", "city_gov", "other"]),
        required=False,
        error_messages={"invalid_choice": "牵头单位无效。"},
    )
    due_on = BoundedDateField(label="办结期限", required=False)

    def clean_due_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("due_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError("办结期限不能早于今天。")
        return day


class BoardFilter(forms.Form):
    """承办看板's filters (and the dashboard's drill-down): every parameter bounded, a bad one a Chinese 400."""

    q = forms.CharField(label="搜索（标题、文号、来文单位）", required=False, max_length=100)
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), ("handling", "承办中"), ("answered", "待审核办理结果"), ("closed", "已办结")],
        error_messages={"invalid_choice": "状态无效。"},
    )
    matter_type = forms.ChoiceField(
        label="事项类型", required=False, error_messages={"invalid_choice": "事项类型无效。"}
    )
    unit = forms.ModelChoiceField(
        Unit.objects.filter(active=True).order_by("order", "id"),
        label="承办单位",
        required=False,
        empty_label="全部单位",
        error_messages={"invalid_choice": "承办单位无效。"},
    )
    timeliness = forms.ChoiceField(
        label="时效",
        required=False,
        choices=[("", "全部"), ("on_time", "按时办结"), ("late", "逾期办结"), ("overdue", "在办已逾期")],
        error_messages={"invalid_choice": "时效无效。"},
    )
    answered_start = BoundedDateField(label="报送结果起始", required=False)
    answered_end = BoundedDateField(label="报送结果截止", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import MatterType

        super().__init__(*args, **kwargs)
        short = [(value, str(label).split("（")[0]) for value, label in MatterType.choices]
        self.fields["matter_type"].choices = [("", "全部"), *short]  # type: ignore[attr-defined]
        style_fields(self, small=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("answered_start"), data.get("answered_end")
        if start and end and end < start:
            self.add_error("answered_end", "报送结果截止不能早于起始。")
        return data

"""会议纪要 pages (第十九条): draft from a meeting, the editor with its 议定事项 rows (htmx adds and removes them),
the GB/T 9704 纪要 PDF, the list, and a signed decision turned into a supervision item."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from haimen_gov.org.models import User
from haimen_gov.pdf import fit_mark_font_size, pdf_response
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.views import client_ip, errors_to_form, get_visible_item

from . import actions_minutes as actions
from . import selectors_minutes as selectors
from .forms_minutes import DecisionForm, MinutesForm, SuperviseForm
from .models import MeetingKind
from .models_minutes import EDITABLE_STATES, Minutes, MinutesDecision
from .views import _meeting

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _minutes(request: HttpRequest, pk: int) -> Minutes:
    item = get_visible_item(request, pk)
    if not isinstance(item, Minutes):
        raise Http404("未找到该纪要。")
    return item


def _refusal(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, engine.WorkflowError):
        messages.error(request, exc.message)
    elif isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)


@require_POST
def minutes_new(request: HttpRequest, pk: int) -> HttpResponse:
    """起草纪要 from the meeting page (the office)."""
    meeting = _meeting(request, pk)
    try:
        minutes = actions.minutes_create(actor=_user(request), meeting=meeting, ip=client_ip(request))
    except (engine.WorkflowError, ValidationError) as exc:
        _refusal(request, exc)
        return redirect(meeting.get_absolute_url())
    messages.success(request, "纪要草稿已建立，请填写会议概述和议定事项。")
    return redirect("meetings:minutes_edit", minutes.pk)


def _editor_context(minutes: Minutes, form: MinutesForm, decision_form: DecisionForm) -> dict[str, Any]:
    return {
        "minutes": minutes,
        "item": minutes,
        "form": form,
        "decision_form": decision_form,
        "decisions": selectors.decisions(minutes),
        "lines": actions.minutes_lines(minutes),
        "topical": minutes.meeting.kind == MeetingKind.TOPICAL,
    }


def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """纪要编辑: the drafter's page while the minutes are a draft or returned; everyone else reads the item page."""
    minutes = _minutes(request, pk)
    user = _user(request)
    if minutes.submitter_id != user.pk or minutes.state not in EDITABLE_STATES:
        return redirect(minutes.get_absolute_url())
    topical = minutes.meeting.kind == MeetingKind.TOPICAL
    initial = {
        "summary": minutes.summary,
        "distribution": minutes.distribution,
        "flags": minutes.flags,
        "reviewer": minutes.reviewer_id,
    }
    form = MinutesForm(request.POST or None, initial=initial, topical=topical)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            minutes = actions.minutes_update(
                minutes.pk,
                actor=user,
                summary=data["summary"],
                distribution=data["distribution"],
                flags=data.get("flags") or [],
                reviewer=data.get("reviewer"),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        except engine.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            if request.POST.get("then") == "submit":
                try:
                    actions.minutes_submit(minutes.pk, actor=user, ip=client_ip(request))
                except (engine.WorkflowError, ValidationError) as exc:
                    _refusal(request, exc)
                    return redirect("meetings:minutes_edit", minutes.pk)
                messages.success(request, "纪要已提交审核。")
                return redirect(minutes.get_absolute_url())
            messages.success(request, "已保存。")
            return redirect("meetings:minutes_edit", minutes.pk)
    minutes = _minutes(request, pk)
    return render(request, "meetings/minutes_edit.html", _editor_context(minutes, form, DecisionForm()))


def _decisions_fragment(request: HttpRequest, minutes: Minutes, decision_form: DecisionForm) -> HttpResponse:
    context = {
        "minutes": minutes,
        "decisions": selectors.decisions(minutes),
        "decision_form": decision_form,
        "editing": True,
    }
    return render(request, "meetings/_minutes_decisions.html", context)


@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a 议定事项 row: the htmx request gets the rows back (with the form's errors), a plain POST the page."""
    minutes = _minutes(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.decision_add(
                minutes.pk,
                actor=_user(request),
                text=data["text"],
                lead_unit=data["lead_unit"],
                co_units=data["co_units"],
                deadline=data.get("deadline"),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        except engine.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            form = DecisionForm()
    if request.htmx:  # type: ignore[attr-defined]
        return _decisions_fragment(request, minutes, form)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("meetings:minutes_edit", minutes.pk)


@require_POST
def decision_remove(request: HttpRequest, pk: int, decision: int) -> HttpResponse:
    minutes = _minutes(request, pk)
    form = DecisionForm()
    try:
        actions.decision_remove(minutes.pk, decision, actor=_user(request))
    except engine.WorkflowError as exc:
        form.add_error(None, exc.message)
        if not request.htmx:  # type: ignore[attr-defined]
            messages.error(request, exc.message)
    if request.htmx:  # type: ignore[attr-defined]
        return _decisions_fragment(request, minutes, form)
    return redirect("meetings:minutes_edit", minutes.pk)


@require_POST
def decision_supervise(request: HttpRequest, pk: int, decision: int) -> HttpResponse:
    """议定事项 → 督办事项 in one click (the office, after 签发)."""
    minutes = _minutes(request, pk)
    if not MinutesDecision.objects.filter(pk=decision, minutes=minutes).exists():
        raise Http404("未找到该议定事项。")
    form = SuperviseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(minutes.get_absolute_url())
    try:
        row = actions.decision_to_supervision(
            decision,
            actor=_user(request),
            due_on=form.cleaned_data.get("due_on"),
            cadence_days=form.cleaned_data.get("cadence_days") or 5,
            ip=client_ip(request),
        )
    except (engine.WorkflowError, ValidationError) as exc:
        _refusal(request, exc)
        return redirect(minutes.get_absolute_url())
    messages.success(request, f"已转为督办事项，交{row.lead_unit.name}签收办理。")
    return redirect(minutes.get_absolute_url())


DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 45 → 四十五 (up to 99: a minutes holds at most 50 decisions)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def minutes_pdf_context(minutes: Minutes) -> dict[str, Any]:
    """The context of meetings/minutes_pdf.html (pdf/minutes.html, GB/T 9704 纪要)."""
    lines = actions.minutes_lines(minutes)
    mark = minutes.mark
    return {
        "issuer": mark,
        "issuer_font_size": fit_mark_font_size(mark),
        "meeting_number": minutes.issue_label or "（未签发）",
        "date": minutes.signed_on,
        "title": minutes.meeting.title,
        "summary": minutes.summary,
        "decisions": [(chinese_numeral(d.order), d) for d in selectors.decisions(minutes)],
        "attendees": lines.present,
        "observers": lines.observers,
        "absentees": lines.leave,
        "distribution": minutes.distribution,
        "printer": "海门区人民政府办公室",
        "print_date": minutes.signed_on,
        "doc_title": minutes.number or minutes.title,
    }


def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _minutes(request, pk)
    name = f"{minutes.number or '会议纪要草稿'}.pdf"
    return pdf_response("meetings/minutes_pdf.html", minutes_pdf_context(minutes), filename=name, request=request)


def minutes_list(request: HttpRequest) -> HttpResponse:
    """纪要台账: the minutes the user may see, a page at a time (a fixed number of queries)."""
    page = Paginator(selectors.minutes_for(_user(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "meetings/minutes_list.html", {"page": page})

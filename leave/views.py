"""Leave pages: report an absence, my absences, the office's 去向 board, 第三十四条 exceptions, the research log and
its progress. Phone-first: leaders use these from their phones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from haimen_gov.org.models import User
from haimen_gov.org.routing import units_of
from haimen_gov.rows import render_rows
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.lists import Column, ListPage
from haimen_gov.workflow.paging import KeysFirst
from haimen_gov.workflow.selectors import visible_items
from haimen_gov.workflow.views import client_ip, form_action, get_visible_item, viewer_posts

from . import actions, rows, selectors
from .forms import (
    AbsenceFilter,
    AbsenceForm,
    BoardFilter,
    ExceptionForm,
    PlanEntryForm,
    ResearchTripForm,
    ShortenForm,
    VisitFilter,
    VisitForm,
    YearForm,
)
from .models import HEAD_KINDS, REPORTING_KINDS, VISIT_CHAIN_OF_KIND, Absence, ResearchTrip, Visit, VisitPlanEntry

PAGE_SIZE = 20

# What a reporter fills in and may amend while the report is a draft or returned (the leader is chosen once).
AMENDABLE = ("category", "start", "end", "destination", "reason", "contact", "acting")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _office(request: HttpRequest) -> bool:
    return selectors.is_office(_user(request), viewer_posts(request))


def _may_report(request: HttpRequest) -> bool:
    kinds = (*HEAD_KINDS, *REPORTING_KINDS)
    return _office(request) or any(kind in kinds for _pk, kind in viewer_posts(request))


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "leave/refused.html", {"message": message}, status=403)


def absence_new(request: HttpRequest) -> HttpResponse:
    """外出请示报备 (第四十四条)."""
    user = _user(request)
    if not _may_report(request):
        return _refuse(request, "外出报备由区政府领导、区政府办公室主任、各单位主要负责同志本人或区政府办公室填报。")
    form = AbsenceForm(request.POST or None, user=user, office=_office(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = form_action(
            form,
            lambda: actions.absence_create(
                actor=user,
                leader_post=data["leader_post"],
                **{f: data[f] for f in AMENDABLE},
                submit=request.POST.get("action") != "draft",
                ip=client_ip(request),
            ),
        )
        if item is not None:
            if item.for_head and item.submitted_at:
                messages.info(request, "区长外出报告已交区政府办公室，由其向市政府办公室请示、向区委办公室报备。")
            if item.late:
                messages.warning(request, "离开日期已过，本报告记为补报（第四十四条要求事先报告）。")
            messages.success(request, "已报送区政府，等待区长批准。" if item.submitted_at else "已保存草稿。")
            return redirect(item.get_absolute_url())
    return render(request, "leave/absence_form.html", {"form": form})


def absence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_visible_item(request, pk)
    if not isinstance(item, Absence) or user.pk not in (item.submitter_id, item.leader_id):
        raise Http404("未找到该报告。")
    if item.state not in actions.EDITABLE:
        messages.error(request, "报告已在审批中，不能修改。")
        return redirect(item.get_absolute_url())
    initial = {f: getattr(item, f) for f in AMENDABLE} | {"leader_post": item.leader_post}
    form = AbsenceForm(request.POST or None, user=user, office=True, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def amend() -> Absence:
            amended = actions.absence_update(item.pk, actor=user, **{f: data[f] for f in AMENDABLE})
            if request.POST.get("action") != "draft":
                amended = actions.absence_submit(item.pk, actor=user, ip=client_ip(request))
            return amended

        if form_action(form, amend) is not None:
            messages.success(request, "已重新报送。" if request.POST.get("action") != "draft" else "已保存。")
            return redirect(item.get_absolute_url())
    return render(request, "leave/absence_form.html", {"form": form, "item": item})


@require_POST
def absence_shorten(request: HttpRequest, pk: int) -> HttpResponse:
    """Come back early: the absence and its delegation end on the new date."""
    item = get_visible_item(request, pk)
    if not isinstance(item, Absence):
        raise Http404("未找到该报告。")
    form = ShortenForm(request.POST)
    if form.is_valid():
        shortened = form_action(
            form,
            lambda: actions.absence_shorten(
                item.pk,
                actor=_user(request),
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            ),
        )
        if shortened is not None:
            messages.success(request, "返回日期已修改，委托随之调整。")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect(item.get_absolute_url())


def absence_mine(request: HttpRequest) -> HttpResponse:
    """我的外出报备: filed by me or for me."""
    mine = selectors.absences_of(_user(request))
    page = _rows_page(request, KeysFirst(mine.values(*rows.ABSENCE_FIELDS), mine), rows.my_absence)
    context = {
        "page": page,
        "may_report": _may_report(request),
        "rows_html": render_rows("leave/absence_mine_rows.jinja", {"rows": page.object_list}),
    }
    return render(request, "leave/absence_mine.html", context)


def board(request: HttpRequest) -> HttpResponse:
    """领导去向 (the office's board): who is away today and this week, where, until when, who acts for whom."""
    if not _office(request):
        return _refuse(request, "领导去向由区政府办公室查看。")
    form = BoardFilter(request.GET or None)
    late_only = bool(form.is_valid() and form.cleaned_data.get("late"))
    today = timezone.localdate()
    monday, sunday, away = selectors.board(today, late_only=late_only)
    context = {
        "form": form,
        "late_only": late_only,
        "today": today,
        "monday": monday,
        "sunday": sunday,
        "today_html": _board_rows([r for r in away if r.away_today], "今天领导均在海门"),
        "week_html": _board_rows([r for r in away if not r.away_today], "本周无其他外出安排"),
        "delegations": selectors.other_delegations(monday, sunday),
    }
    if late_only:
        reports = selectors.late_reports()
        late = _rows_page(request, KeysFirst(reports.values(*rows.ABSENCE_FIELDS), reports), rows.late_absence)
        context["late"] = late
        context["late_html"] = render_rows("leave/late_rows.jinja", {"rows": late.object_list})
    return render(request, "leave/board.html", context)


def _board_rows(away: list[selectors.BoardRow], empty: str) -> SafeString:
    """A table of the board: its rows, or ``empty`` when nobody is in it."""
    return render_rows("leave/board_rows.jinja", {"rows": [rows.board_row(r) for r in away], "empty": empty})


def _rows_page(request: HttpRequest, found: Any, row: Callable[[dict[str, Any]], dict[str, object]]) -> Page:
    """The requested page of ``found`` (plain values; for absences a paging.KeysFirst, their keys found first: ordered
    by their dates, a page of 20 otherwise joins every item of every chapter), each row shown as ``row`` works it out
    (leave.rows, issue 16)."""
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [row(r) for r in page.object_list]
    return page


def _absence_rows(request: HttpRequest) -> QuerySet[Absence]:
    qs = selectors.absences().exclude(state="draft")
    return visible_items(_user(request), qs, posts=viewer_posts(request))  # type: ignore[return-value]


ABSENCES = ListPage(
    title="外出报备台账",
    url_name="leave:absences",
    ascii_name="absences",
    filter_form=AbsenceFilter,
    queryset=_absence_rows,
    table_template="leave/_absence_table.html",
    ordering=("-start", "-id"),
    columns=(
        Column("外出领导", lambda r: r.leader.display_name, width="5em", nowrap=True),
        Column("职务", lambda r: r.leader_post.title, width="8em"),
        Column("类别", lambda r: r.get_category_display(), width="4.5em", nowrap=True),
        Column("前往地点", lambda r: r.destination, width="8em"),
        Column("离开", lambda r: r.start, width="6em", nowrap=True),
        Column("返回", lambda r: r.end, width="6em", nowrap=True),
        Column("主持（代行）工作", lambda r: r.acting.display_name if r.acting else "", width="5em", nowrap=True),
        Column("补报", lambda r: r.late, width="3em", nowrap=True),
        Column("外出事由", lambda r: r.reason, pdf=False),
        Column("状态", lambda r: r.stage_label, width="7em", nowrap=True),
    ),
    note="依据《南通市海门区人民政府工作规则》第六条、第四十四条登记。",
    fields=rows.ABSENCE_FIELDS,
    row=rows.ledger_absence,
    rows_template="leave/ledger_rows.jinja",
)


def absences_list(request: HttpRequest) -> HttpResponse:
    """外出报备台账: the reports the viewer may see (the office: every one), filtered by the days away."""
    return ABSENCES.page(request)


def absences_csv(request: HttpRequest) -> StreamingHttpResponse:
    return ABSENCES.csv(request)


def absences_pdf(request: HttpRequest) -> HttpResponse:
    return ABSENCES.pdf(request)


# ----------------------------------------------------------------------------------------- 第三十四条 exceptions


def exception_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not units_of(user):
        return _refuse(request, "邀请区政府领导须以本人任职的单位提出。")
    form = ExceptionForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        item = form_action(
            form, lambda: actions.exception_create(actor=user, **form.cleaned_data, ip=client_ip(request))
        )
        if item is not None:
            messages.success(request, "已报区长审批。")
            return redirect(item.get_absolute_url())
    return render(request, "leave/exception_form.html", {"form": form})


def exception_list(request: HttpRequest) -> HttpResponse:
    """第三十四条 exceptions: the office sees every one; others those of their units or about them."""
    qs = selectors.exceptions_visible(_user(request), _office(request))
    page = _rows_page(request, qs.values(*rows.EXCEPTION_FIELDS), rows.exception)
    rows_html = render_rows("leave/exception_rows.jinja", {"rows": page.object_list})
    return render(request, "leave/exception_list.html", {"page": page, "rows_html": rows_html})


# ------------------------------------------------------------------------------------------------ 基层调研


def _research_leaders(request: HttpRequest) -> Any:
    leaders = selectors.research_leaders()
    return leaders if _office(request) else leaders.filter(pk=_user(request).pk)


def _research_readers(request: HttpRequest) -> Any:
    """Whose trips the viewer reads: the office's and the head's (who leads the government) every leader's."""
    if any(kind in HEAD_KINDS for _pk, kind in viewer_posts(request)):
        return selectors.research_leaders()
    return _research_leaders(request)


def research_list(request: HttpRequest) -> HttpResponse:
    """The research log (第四十六条): a leader's own trips; the office and the head see every leader's
    (``?leader=<id>``: one leader's, the dashboard's link)."""
    leaders = _research_readers(request)
    qs = ResearchTrip.objects.filter(leader__in=leaders).select_related("leader").order_by("-start", "-id")
    leader = request.GET.get("leader", "")
    if leader.isdigit() and len(leader) < 10:
        qs = qs.filter(leader_id=int(leader))
    year = request.GET.get("year", "")
    if year.isdigit() and 2020 <= int(year) <= 2100:
        qs = qs.filter(start__year__lte=int(year), end__year__gte=int(year))
    page = _rows_page(request, qs.values(*rows.TRIP_FIELDS), rows.trip)
    context = {
        "page": page,
        "may_log": _research_leaders(request).exists(),
        "rows_html": render_rows("leave/research_rows.jinja", {"rows": page.object_list}),
    }
    return render(request, "leave/research_list.html", context)


def research_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    leaders = _research_leaders(request)
    if not leaders.exists():
        return _refuse(request, "基层调研由区政府领导同志本人或区政府办公室登记。")
    form = ResearchTripForm(request.POST or None, leaders=leaders, initial={"leader": user})
    posted = request.method == "POST" and form.is_valid()
    if posted and form_action(form, lambda: actions.research_trip_create(actor=user, **form.cleaned_data)) is not None:
        messages.success(request, "调研已登记。")
        return redirect("leave:research")
    return render(request, "leave/research_form.html", {"form": form})


def research_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    trip = ResearchTrip.objects.filter(pk=pk, leader__in=_research_leaders(request)).select_related("leader").first()
    if trip is None:
        raise Http404("未找到该调研记录。")
    fields = actions.TRIP_FIELDS
    initial = {f: getattr(trip, f) for f in fields} | {"leader": trip.leader}
    form = ResearchTripForm(request.POST or None, leaders=_research_leaders(request), editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_action(form, lambda: actions.research_trip_update(trip.pk, actor=user, **{f: data[f] for f in fields})):
            messages.success(request, "已保存。")
            return redirect("leave:research")
    return render(request, "leave/research_form.html", {"form": form, "trip": trip})


def research_progress(request: HttpRequest) -> HttpResponse:
    """Each leader's research days this year against the target (第四十六条: 不少于1个月) and the pace by today."""
    today = timezone.localdate()
    form = YearForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or today.year
    progress = selectors.research_progress(year, today, _research_readers(request))
    return render(
        request,
        "leave/research_progress.html",
        {"rows": progress, "year": year, "target": selectors.research_target_days(), "today": today},
    )


# ------------------------------------------------------------------------------------------------- 出访 (第三十五条)


def _may_file_visit(request: HttpRequest) -> bool:
    return _office(request) or any(kind in VISIT_CHAIN_OF_KIND for _pk, kind in viewer_posts(request))


def visit_new(request: HttpRequest) -> HttpResponse:
    """出访报批: the traveller (or the office for them) files a visit, in the plan or out of it with a reason."""
    user = _user(request)
    if not _may_file_visit(request):
        return _refuse(request, "出访报批由区政府领导、各单位主要负责同志本人或区政府办公室填报。")
    form = VisitForm(request.POST or None, user=user, office=_office(request))
    if request.method == "POST" and form.is_valid():
        item = form_action(
            form,
            lambda: actions.visit_create(
                actor=user,
                **form.cleaned_data,
                submit=request.POST.get("action") != "draft",
                ip=client_ip(request),
            ),
        )
        if item is not None:
            if item.out_of_plan:
                messages.warning(request, "本次出访未列入年度计划，已标记为计划外（第三十五条）。")
            messages.success(request, "已报批。" if item.submitted_at else "已保存草稿。")
            return redirect(item.get_absolute_url())
    return render(request, "leave/visit_form.html", {"form": form})


def _visit_rows(request: HttpRequest) -> QuerySet[Visit]:
    qs = Visit.objects.select_related("traveller_post", "traveller", "unit", "plan_entry").exclude(state="draft")
    return visible_items(_user(request), qs, posts=viewer_posts(request))  # type: ignore[return-value]


VISITS = ListPage(
    title="因公出访",
    url_name="leave:visits",
    ascii_name="visits",
    filter_form=VisitFilter,
    queryset=_visit_rows,
    table_template="leave/_visit_table.html",
    ordering=("-start", "-id"),
    columns=(
        Column("出访人", lambda r: r.traveller.display_name, width="5em", nowrap=True),
        Column("职务", lambda r: r.traveller_post.title, width="8em"),
        Column("国家（地区）", lambda r: r.countries, width="8em"),
        Column("出访任务", lambda r: r.purpose),
        Column("出发", lambda r: r.start, width="6em", nowrap=True),
        Column("返回", lambda r: r.end, width="6em", nowrap=True),
        Column("计划", lambda r: "计划外" if r.out_of_plan else "列入计划", width="4.5em", nowrap=True),
        Column("计划外理由", lambda r: r.out_of_plan_reason, pdf=False),
        Column("状态", lambda r: r.stage_label, width="7em", nowrap=True),
    ),
    note="依据《南通市海门区人民政府工作规则》第三十五条，因公出访实行计划管理。",
    fields=rows.VISIT_FIELDS,
    row=rows.visit,
    rows_template="leave/visit_rows.jinja",
)


def visits(request: HttpRequest) -> HttpResponse:
    """因公出访台账: the visits the viewer may see (the office: every one)."""
    return VISITS.page(request)


def visits_csv(request: HttpRequest) -> StreamingHttpResponse:
    return VISITS.csv(request)


def visits_pdf(request: HttpRequest) -> HttpResponse:
    return VISITS.pdf(request)


def visit_plan(request: HttpRequest) -> HttpResponse:
    """年度出访计划 (第三十五条: 计划管理): the office lists planned visits, the head approves the year's plan."""
    today = timezone.localdate()
    year_form = YearForm(request.GET or None)
    year = (year_form.cleaned_data.get("year") if year_form.is_valid() else None) or today.year
    office = _office(request)
    form = PlanEntryForm(request.POST or None, initial={"year": year}) if office else None
    if request.method == "POST":
        if form is None:
            return _refuse(request, "出访计划由区政府办公室汇总填报（第三十五条）。")
        data = form.cleaned_data if form.is_valid() else None
        entry = form_action(form, lambda: actions.visit_plan_add(actor=_user(request), **data)) if data else None
        if entry is not None:
            messages.success(request, "已列入出访计划，待区长批准。")
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    entries = list(
        VisitPlanEntry.objects.filter(year=year)
        .select_related("traveller_post", "traveller_post__holder", "approved_by")
        .order_by("approx_start", "id")
    )
    context = {
        "form": form,
        "year": year,
        "years": [today.year - 1, today.year, today.year + 1],
        "entries": entries,
        "pending": sum(1 for e in entries if not e.approved),
        "may_approve": actions.acts_for_head(_user(request)),
        "office": office,
    }
    return render(request, "leave/visit_plan.html", context)


@require_POST
def visit_plan_approve(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.POST)
    if not form.is_valid() or not form.cleaned_data.get("year"):
        messages.error(request, "年度无效。")
        return redirect("leave:visit_plan")
    year = form.cleaned_data["year"]
    try:
        count = actions.visit_plan_approve(year, actor=_user(request))
    except engine.WorkflowError as exc:
        return _refuse(request, exc.message)
    messages.success(request, f"已批准 {year} 年出访计划 {count} 项。" if count else "没有待批准的计划。")
    return redirect(f"{reverse('leave:visit_plan')}?year={year}")


@require_POST
def visit_plan_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        actions.visit_plan_remove(pk, actor=_user(request))
    except engine.Forbidden as exc:
        return _refuse(request, exc.message)
    except engine.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已移出计划。")
    return redirect("leave:visit_plan")

"""Supervision pages: open an item (from scratch or from a source), my unit's items, the office's board, the
appraisal table with CSV/PDF, the 督办单 and the 督查通报 PDFs. The item page itself is the engine's."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from haimen_gov.org.models import Unit, User
from haimen_gov.org.routing import acting_post_ids
from haimen_gov.pdf import content_disposition, pdf_response
from haimen_gov.rows import render_rows
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import Notification
from haimen_gov.workflow.paging import CountedPaginator, KeysFirst
from haimen_gov.workflow.views import client_ip, errors_to_form, get_visible_item, viewer_posts

from . import actions, selectors
from .forms import OpenForm
from .models import Bulletin, Designation, Source, SupervisionItem

BOARD_LIMIT = 200
# The board pages as the other lists do (20 rows a page); it showed up to 200 rows at once (issue 16).
BOARD_PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _office_only(request: HttpRequest) -> actions.Opener:
    opener = actions.opener_for(_user(request))
    if opener is None and not _user(request).is_superuser:
        raise engine.Forbidden("只有区政府办公室督查人员或经区政府指定的单位可以使用此页面（第三十九条）。")
    return opener  # type: ignore[return-value]


def open_item(request: HttpRequest) -> HttpResponse:
    """督查立项 (第三十七、三十九条): from scratch, or ``?from=<item id>`` from a minutes decision or a 批示."""
    user = _user(request)
    opener = actions.opener_for(user)
    if opener is None:
        return render(request, "supervision/refused.html", {"article": actions.ARTICLE_39}, status=403)
    source_item = None
    source_pk = request.GET.get("from") or request.POST.get("from")
    if source_pk:
        if not str(source_pk).isdigit():
            raise Http404("未找到来源事项。")
        source_item = get_visible_item(request, int(source_pk))
    initial: dict[str, Any] = {}
    if source_item is not None:
        initial = {
            "title": source_item.title,
            "source_reference": source_item.number or source_item.title,
            "source": actions.default_source(source_item),
        }
    designations = (
        Designation.objects.filter(pk__in=[d.pk for d in opener.designations]) if opener.designations else None
    )
    form = OpenForm(request.POST or None, initial=initial, designations=designations)
    similar: list[tuple[SupervisionItem, float]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        similar = actions.similar_items(data["title"])
        if similar and not data.get("confirm_similar"):
            form.add_error("confirm_similar", "存在相似的在办督办事项，请核对后勾选“确认不重复”再提交。")
        else:
            try:
                item = actions.supervision_item_open(
                    actor=user,
                    title=data["title"],
                    source=data["source"],
                    source_reference=data["source_reference"],
                    requirement=data["requirement"],
                    lead_unit=data["lead_unit"],
                    co_units=data["co_units"],
                    leader=data["leader"],
                    due_on=data["due_on"],
                    due_workdays=data["due_workdays"],
                    cadence_days=data["cadence_days"],
                    designation=data["designation"],
                    source_item=source_item,
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            except engine.WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "督办事项已交办，待各单位签收。")
                return redirect(item.get_absolute_url())
    elif request.GET.get("title"):
        similar = actions.similar_items(request.GET["title"][:200])
    context = {"form": form, "similar": similar, "source_item": source_item, "opener": opener}
    return render(request, "supervision/open.html", context)


def similar(request: HttpRequest) -> HttpResponse:
    """The similar open items, as the title is typed (htmx fragment)."""
    _office_only(request)
    title = (request.GET.get("title") or "")[:200]
    return render(request, "supervision/_similar.html", {"similar": actions.similar_items(title) if title else []})


def mine(request: HttpRequest) -> HttpResponse:
    """My unit's items (lead or co-unit) with the next feedback due."""
    user = _user(request)
    unit_ids = list(Unit.objects.filter(posts__pk__in=acting_post_ids(user)).values_list("pk", flat=True).distinct())
    rows = list(selectors.unit_items(unit_ids)[:BOARD_LIMIT])
    return render(request, "supervision/mine.html", {"rows": rows, "today": timezone.localdate()})


def _board_units(request: HttpRequest) -> tuple[frozenset[int] | None, bool]:
    """Whose items the board shows: the office (and a designated unit) every unit's; the district head too (from the
    dashboard); a vice head those of the units in their portfolio (分管). Anyone else is refused (第三十九条)."""
    from haimen_gov.dashboard.scope import scope_for

    user = _user(request)
    if user.is_superuser or actions.opener_for(user) is not None:
        return None, True
    scope = scope_for(user, viewer_posts(request))
    if scope is None:
        raise engine.Forbidden(
            "只有区政府办公室督查人员、经区政府指定的单位和区政府领导可以查看督查看板（第三十九条）。"
        )
    return scope.unit_ids, False


def board(request: HttpRequest) -> HttpResponse:
    """The office's board: by source, by unit, and every open item, worst light first, paged like the other lists.
    Filters (each figure of the dashboard's panel links here): light, source, lead unit, due this week."""
    lead_unit_ids, supervisor = _board_units(request)
    light = request.GET.get("light", "")
    light = light if light in selectors.LIGHT_CODES else ""
    source = request.GET.get("source", "")
    source = source if source in Source.values else ""
    raw_unit = request.GET.get("unit", "")
    unit = Unit.objects.filter(pk=int(raw_unit)).first() if raw_unit.isdigit() and len(raw_unit) < 10 else None
    if unit is not None and lead_unit_ids is not None and unit.pk not in lead_unit_ids:
        unit = None  # not in the leader's portfolio: the filter shows nothing of it
        lead_unit_ids = frozenset()
    due_week = request.GET.get("due") == "week"
    today = timezone.localdate()
    by_source, by_unit = selectors.board_figures(today, lead_unit_ids)
    listed = selectors.items(
        light=light, source=source, unit=unit, lead_unit_ids=lead_unit_ids, due_this_week=due_week, today=today
    )
    # The lights sorted first over the items alone, then only the page's 20 rows joined (paging.KeysFirst); the
    # unfiltered board's first page from its prepared statement.
    unfiltered = lead_unit_ids is None and not (light or source or unit or due_week)
    first = (selectors.FIRST_PAGE_ROWS, lambda: selectors.board_first_page(today)) if unfiltered else None
    rows_first = KeysFirst(selectors.board_values(listed), listed, first=first)
    paginator: Paginator = Paginator(rows_first, BOARD_PAGE_SIZE)
    if unit is None and not due_week:
        # The rows are the figures by source already counted: no COUNT query of the pager's own.
        count = selectors.board_count(by_source, light=light, source=source)
        paginator = CountedPaginator(rows_first, BOARD_PAGE_SIZE, count=count)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = selectors.board_rows(page.object_list)
    context = {
        "rows": rows,
        # The rows of the list and of both tables are Jinja2 (haimen_gov.rows); the page around them is Django's.
        "rows_html": render_rows("supervision/board_rows.jinja", {"rows": rows}),
        "by_source_html": render_rows("supervision/board_by_source.jinja", {"by_source": by_source}),
        "by_unit_html": render_rows("supervision/board_by_unit.jinja", {"by_unit": by_unit}),
        "page": page,
        "querystring": query.urlencode(),
        "light": light,
        "source": source,
        "unit": unit,
        "due_week": due_week,
        "supervisor": supervisor,
        "sources": selectors.source_labels().items(),
        "today": today,
    }
    return render(request, "supervision/board.html", context)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


APPRAISAL_HEADER = [
    "单位",
    "交办事项",
    "按期办结",
    "逾期办结",
    "退回续办",
    "当前逾期",
    "应反馈次数",
    "按时反馈",
    "反馈及时率",
]


def _appraisal_rows(year: int) -> list[list[str]]:
    return [
        [
            r.unit,
            str(r.received),
            str(r.closed_on_time),
            str(r.closed_late),
            str(r.sent_back),
            str(r.overdue_now),
            str(r.feedback_due),
            str(r.feedback_on_time),
            r.punctuality,
        ]
        for r in selectors.appraisal(year)
    ]


def appraisal(request: HttpRequest) -> HttpResponse:
    """督查与考核相结合 (第三十八条): the table for the annual 考核."""
    _office_only(request)
    year = _year(request)
    context = {"year": year, "header": APPRAISAL_HEADER, "rows": _appraisal_rows(year)}
    return render(request, "supervision/appraisal.html", context)


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is written as text."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def appraisal_csv(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    year = _year(request)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(APPRAISAL_HEADER)
    for row in _appraisal_rows(year):
        writer.writerow([neutralise(cell) for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="supervision-appraisal-{year}.csv"'
    return response


def appraisal_pdf(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    year = _year(request)
    context = {
        "title": f"{year}年度督查考核情况表",
        "header": APPRAISAL_HEADER,
        "rows": _appraisal_rows(year),
        "omit_red_header": True,
        "signer": "南通市海门区人民政府办公室",
        "date": timezone.localdate(),
    }
    return pdf_response("supervision/appraisal_pdf.html", context, filename=f"督查考核{year}.pdf", request=request)


def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """督办单: the assignment notice, GB/T 9704 layout."""
    item = get_visible_item(request, pk)
    if not isinstance(item, SupervisionItem):
        raise Http404("未找到该督办事项。")
    co_units = "、".join(u.name for u in item.co_units.all())
    # 第三十八条 反馈: the files the units reported with, listed under the notice (附件), oldest first.
    attachments = [
        f"{a.original_name}（{f.unit.name}{timezone.localtime(f.created_at):%Y年%-m月%-d日}反馈）"
        for f in item.feedbacks.all()
        for a in f.attachments.all()
    ]
    context = {
        "attachments": attachments,
        "issuer": "南通市海门区人民政府办公室",
        "doc_number": f"督办〔{timezone.localtime(item.submitted_at or item.created_at).year}〕{item.pk}号",
        "title": "督  办  单",
        "item": item,
        "co_units": co_units,
        "recipients": f"{item.lead_unit.name}{('，' + co_units) if co_units else ''}：",
        "signer": "南通市海门区人民政府办公室",
        "date": timezone.localtime(item.submitted_at or item.created_at).date(),
    }
    return pdf_response("supervision/notice_pdf.html", context, filename=f"督办单-{item.pk}.pdf", request=request)


def bulletin_pdf(request: HttpRequest) -> HttpResponse:
    """督查通报 as of today: every red and amber item."""
    _office_only(request)
    today = timezone.localdate()
    rows = list(selectors.bulletin_items(today)[: selectors.BULLETIN_LIMIT])
    context = selectors.bulletin_context(rows, today=today)
    return pdf_response("supervision/bulletin_pdf.html", context, filename="督查通报.pdf", request=request)


def bulletins(request: HttpRequest) -> HttpResponse:
    """The monthly bulletins beat issued (one query), and today's live one."""
    _office_only(request)
    rows = list(Bulletin.objects.order_by("-period")[:120])
    return render(request, "supervision/bulletins.html", {"rows": rows})


def bulletin_issued(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An issued bulletin's PDF, as it read on the day: for the office (and designated units) and for those it was
    sent to; 404 for anyone else."""
    bulletin = Bulletin.objects.filter(pk=pk).first()
    if bulletin is None:
        raise Http404("未找到该督查通报。")
    user = _user(request)
    sent_to_user = Notification.objects.filter(user=user, url=bulletin.get_absolute_url()).exists()
    if not sent_to_user and not user.is_superuser and actions.opener_for(user) is None:
        raise Http404("未找到该督查通报。")
    response = FileResponse(bulletin.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{bulletin.title}.pdf")
    return response

"""Documents pages: drafting, the GB/T 9704 PDF, distribution, a unit's submission, the office's registration, and
the 收文 / 发文 registers with CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from haimen_gov.org.models import Unit, UnitKind, User
from haimen_gov.org.routing import units_of
from haimen_gov.pdf import fit_mark_font_size, pdf_response
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.views import client_ip, get_visible_item

from . import actions, selectors
from .forms import IncomingForm, OutgoingForm, RegisterFilter, RegisterIncomingForm
from .models import Distribution, IncomingDocument, InState, Issuer, OutgoingDocument, OutState

PAGE_SIZE = 20
CSV_LIMIT = 5000


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _errors_to_form(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def outgoing_new(request: HttpRequest) -> HttpResponse:
    """拟稿 (第二十六条)."""
    user = _user(request)
    if not units_of(user):
        raise Http404
    form = OutgoingForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = actions.outgoing_create(
                actor=user,
                unit=data["unit"],
                category=data["category"],
                title=data["title"],
                series=data.get("series"),
                submit=request.POST.get("save") != "draft",
                ip=client_ip(request),
                **{name: data[name] for name in actions.OUT_FIELDS},
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except engine.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已送核稿。" if doc.state != OutState.DRAFT else "已保存草稿。")
            return redirect(doc.get_absolute_url())
    return render(request, "documents/outgoing_form.html", {"form": form})


def outgoing_pdf_context(doc: OutgoingDocument) -> dict[str, Any]:
    """The context of pdf/official.html for ``doc`` (GB/T 9704)."""
    issuer = doc.issuer_name
    mark = f"{issuer}文件"
    return {
        "issuer": mark,
        "issuer_font_size": fit_mark_font_size(mark),
        "doc_number": doc.number,
        "urgency": doc.urgency,
        # GB/T 9704 §7.2.4: 上行文 print the 签发人 on the number's line.
        "signers": [doc.signed_by.display_name] if doc.upward and doc.signed_by else [],
        "title": doc.title,
        "recipients": f"{doc.recipients.rstrip('：:')}：",
        "blocks": doc.body_blocks(),
        "attachments": [line.strip() for line in doc.attachment_names.splitlines() if line.strip()],
        "signer": issuer,
        "date": doc.written_on or (timezone.localtime(doc.signed_at).date() if doc.signed_at else None),
        "note": doc.note,
        "cc": f"{doc.cc.rstrip('。')}。" if doc.cc else "",
        "printer": "海门区人民政府办公室" if doc.issuer != Issuer.UNIT else issuer,
        "print_date": doc.issued_on,
    }


def outgoing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The document as GB/T 9704 PDF: for whoever may see the item, and for the units it was distributed to."""
    unit_ids = [u.pk for u in units_of(_user(request))]
    distributed = Distribution.objects.filter(document_id=pk, unit_id__in=unit_ids).exists()
    if not distributed and not isinstance(get_visible_item(request, pk), OutgoingDocument):
        raise Http404
    item = OutgoingDocument.objects.select_related("unit", "signed_by", "series").get(pk=pk)
    name = f"{item.number or '公文草稿'}.pdf"
    return pdf_response("documents/official_pdf.html", outgoing_pdf_context(item), filename=name, request=request)


def distribute(request: HttpRequest, pk: int) -> HttpResponse:
    """分发 to units (the office); each unit signs for it."""
    item = get_visible_item(request, pk)
    if not isinstance(item, OutgoingDocument):
        raise Http404
    units = (
        Unit.objects.filter(active=True).exclude(kind__in=[UnitKind.CITY_GOV, UnitKind.OTHER]).order_by("order", "id")
    )
    if request.method == "POST":
        chosen = [u for u in units if str(u.pk) in set(request.POST.getlist("units"))]
        try:
            rows = actions.outgoing_distribute(item.pk, actor=_user(request), units=chosen)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except engine.WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已分发至 {len(rows)} 个单位。")
            return redirect(item.get_absolute_url())
    sent = set(Distribution.objects.filter(document_id=item.pk).values_list("unit_id", flat=True))
    return render(request, "documents/distribute.html", {"item": item, "units": units, "sent": sent})


def received(request: HttpRequest) -> HttpResponse:
    """My unit's distributed documents, to sign for (read receipts)."""
    unit_ids = [u.pk for u in units_of(_user(request))]
    rows = (
        Distribution.objects.filter(unit_id__in=unit_ids)
        .select_related("document", "unit", "read_by")
        .order_by("read_at", "-sent_at", "-id")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documents/received.html", {"page": page})


@require_POST
def distribution_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        actions.distribution_mark_read(pk, actor=_user(request))
    except Distribution.DoesNotExist as exc:
        raise Http404 from exc
    except engine.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已签收。")
    return redirect("documents:received")


def submit_incoming(request: HttpRequest) -> HttpResponse:
    """第二十四条: a unit submits its 请示/报告 to the district government through the office."""
    user = _user(request)
    units = [u for u in units_of(user) if u.kind not in (UnitKind.GOV_OFFICE, UnitKind.DISTRICT_GOV)]
    if not units:
        raise Http404
    old = None
    old_pk = request.GET.get("supersedes") or request.POST.get("supersedes")
    if old_pk and old_pk.isdigit():
        old = IncomingDocument.objects.filter(pk=int(old_pk), submitter=user, state=InState.RETURNED).first()
    initial = {}
    if old is not None:
        initial = {f: getattr(old, f) for f in ("doc_type", "title", "ref_number", "urgency", "main_recipient", "cc")}
        initial.update(pages=old.pages, summary=old.summary, leader_assignment=old.leader_assignment)
    form = IncomingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            doc = actions.incoming_submit(
                actor=user,
                unit=old.unit if old else units[0],
                supersedes=old,
                ip=client_ip(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except engine.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已报送区政府办公室。")
            return redirect(doc.get_absolute_url())
    return render(
        request, "documents/incoming_form.html", {"form": form, "old": old, "unit": units[0], "office": False}
    )


def register_incoming(request: HttpRequest) -> HttpResponse:
    """The office registers a paper or e-mail arrival or a document from above."""
    if not selectors.is_office_staff(_user(request)):
        raise PermissionDenied("只有区政府办公室可以登记来文。")
    form = RegisterIncomingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = actions.incoming_register(actor=_user(request), ip=client_ip(request), **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except engine.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已登记。")
            return redirect(doc.get_absolute_url())
    return render(request, "documents/incoming_form.html", {"form": form, "office": True})


INCOMING_HEADER = ["收文日期", "来文单位", "文种", "文号", "标题", "缓急", "页数", "状态"]
OUTGOING_HEADER = ["发文字号", "标题", "发文类别", "拟稿单位", "签发人", "印发日期", "状态"]


def _incoming_row(d: IncomingDocument) -> list[str]:
    return [
        f"{d.received_on:%Y-%m-%d}",
        d.sender,
        d.doc_type,
        d.ref_number,
        d.title,
        d.urgency,
        str(d.pages),
        d.stage_label,
    ]


def _outgoing_row(d: OutgoingDocument) -> list[str]:
    issued = f"{d.issued_on:%Y-%m-%d}" if d.issued_on else ""
    signer = d.signed_by.display_name if d.signed_by else ""
    return [d.number, d.title, d.get_category_display(), d.unit.name, signer, issued, d.stage_label]


def _register(request: HttpRequest, kind: str) -> HttpResponse:
    incoming = kind == "incoming"
    states = [(str(value), str(label)) for value, label in (InState.choices if incoming else OutState.choices)]
    form = RegisterFilter(request.GET or None, states=states)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    select = selectors.incoming_register if incoming else selectors.outgoing_register
    qs = select(_user(request), **filters)
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(INCOMING_HEADER if incoming else OUTGOING_HEADER)
        for row in qs[:CSV_LIMIT]:
            writer.writerow(_incoming_row(row) if incoming else _outgoing_row(row))  # type: ignore[arg-type]
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        name = "incoming" if incoming else "outgoing"
        response["Content-Disposition"] = f'attachment; filename="{name}-register.csv"'
        return response
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/register.html",
        {
            "page": page,
            "form": form,
            "incoming": incoming,
            "title": "收文登记簿" if incoming else "发文登记簿",
            "query": query.urlencode(),
            "office": selectors.is_office_staff(_user(request)),
        },
    )


def incoming_list(request: HttpRequest) -> HttpResponse:
    return _register(request, "incoming")


def outgoing_list(request: HttpRequest) -> HttpResponse:
    return _register(request, "outgoing")


def board(request: HttpRequest) -> HttpResponse:
    """承办看板: assigned matters with their deadlines, overdue first (第二十九条)."""
    q = (request.GET.get("q") or "")[:100]
    state = request.GET.get("state") or ""
    if state not in ("handling", "answered", "closed"):
        state = ""
    rows = selectors.assignments(_user(request), state=state, q=q)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/board.html",
        {"page": page, "q": q, "state": state, "today": timezone.localdate(), "query": query.urlencode()},
    )


def home(request: HttpRequest) -> HttpResponse:
    return redirect("documents:incoming")

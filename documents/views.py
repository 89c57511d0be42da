"""Documents pages: drafting, the GB/T 9704 PDF, distribution, a unit's submission, the office's registration, and
the 收文 / 发文 registers with CSV export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from haimen_gov.context_processors import NAV_COUNT_CAP
from haimen_gov.org.models import Unit, UnitKind, User
from haimen_gov.org.routing import units_of
from haimen_gov.pdf import fit_mark_font_size, pdf_response
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.flows import choice_labels
from haimen_gov.workflow.lists import Column, ListPage, cell_text, display_name_in
from haimen_gov.workflow.templatetags.workflow_tags import item_url
from haimen_gov.workflow.views import client_ip, errors_to_form, get_visible_item, viewer_posts

from . import actions, selectors
from .forms import (
    BoardFilter,
    IncomingFilter,
    IncomingForm,
    MaterialUploadForm,
    OutgoingFilter,
    OutgoingForm,
    RegisterIncomingForm,
    SuperviseForm,
)
from .models import (
    MATERIALS,
    Category,
    Distribution,
    IncomingDocument,
    InState,
    Issuer,
    OutgoingDocument,
    OutState,
    Urgency,
)

PAGE_SIZE = 20
CSV_LIMIT = 5000


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def outgoing_new(request: HttpRequest) -> HttpResponse:
    """拟稿 (第二十六条)."""
    user = _user(request)
    if not units_of(user):
        raise Http404
    form = OutgoingForm(request.POST or None, request.FILES or None, user=user)
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
                files=data["files"],
                materials={role: data.get(f"material_{role}") for role in MATERIALS},
                ip=client_ip(request),
                **{name: data[name] for name in actions.OUT_FIELDS},
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
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
    form = IncomingForm(request.POST or None, request.FILES or None, initial=initial)
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
            errors_to_form(form, exc)
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
    form = RegisterIncomingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = actions.incoming_register(actor=_user(request), ip=client_ip(request), **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        except engine.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已登记。")
            return redirect(doc.get_absolute_url())
    return render(request, "documents/incoming_form.html", {"form": form, "office": True})


def _incoming_row(d: dict[str, Any]) -> dict[str, object]:
    """What a row of the incoming register shows (documents/_incoming_table.html), from INCOMING.fields."""
    state = d["state"]
    return {
        "received_on": cell_text(d["received_on"]),
        "sender": d["sender"],
        "doc_type": d["doc_type"],
        "ref_number": d["ref_number"] or "—",
        "url": item_url(d["pk"]),
        "title": d["title"],
        "flags": d["flags"],
        "flags_text": " ".join(map(str, d["flags"] or ())),
        "urgency": d["urgency"],
        "urgent": d["urgency"] != Urgency.NORMAL,
        "badge": "text-bg-warning"
        if state == "returned"
        else "text-bg-success"
        if state == "filed"
        else "text-bg-primary",
        "stage": d["stage_label"],
    }


_CATEGORY_LABELS = choice_labels(Category.choices)


def _outgoing_row(d: dict[str, Any]) -> dict[str, object]:
    """What a row of the outgoing register shows (documents/_outgoing_table.html), from OUTGOING.fields."""
    state = d["state"]
    return {
        "number": d["number"] or "—",
        "url": item_url(d["pk"]),
        "title": d["title"],
        "category": _CATEGORY_LABELS.get(d["category"], d["category"]),  # get_category_display
        "unit": d["unit__short_name"] or d["unit__name"],
        "signed_by": display_name_in(d, "signed_by") or "—",
        "issued_on": cell_text(d["issued_on"]) or "—",
        "badge": "text-bg-success"
        if state == "issued"
        else "text-bg-warning"
        if state in ("returned", "rejected")
        else "text-bg-primary",
        "stage": d["stage_label"],
    }


INCOMING = ListPage(
    title="收文登记簿",
    url_name="documents:incoming",
    ascii_name="incoming-register",
    filter_form=IncomingFilter,
    queryset=lambda request: selectors.incoming_register(_user(request), viewer_posts(request)),
    table_template="documents/_incoming_table.html",
    ordering=("-received_on", "-id"),
    columns=(
        Column("收文日期", lambda d: d.received_on, width="6.5em", nowrap=True),
        Column("来文单位", lambda d: d.sender, width="10em"),
        Column("文种", lambda d: d.doc_type, width="4em", nowrap=True),
        Column("文号", lambda d: d.ref_number, width="9em", nowrap=True),
        Column("标题", lambda d: d.title),
        Column("缓急", lambda d: d.urgency, width="3em", nowrap=True),
        Column("页数", lambda d: d.pages, width="3em", nowrap=True),
        Column("格式提示", lambda d: "；".join(d.flags), pdf=False),
        Column("状态", lambda d: d.stage_label, width="7em", nowrap=True),
    ),
    note="依据《南通市海门区人民政府工作规则》第二十四条登记。",
    count_cap=NAV_COUNT_CAP,  # "共 999+ 条" past the cap, as the seal ledger
    fields=(
        "pk",
        "received_on",
        "sender",
        "doc_type",
        "ref_number",
        "title",
        "flags",
        "urgency",
        "state",
        "stage_label",
    ),
    row=_incoming_row,
    rows_template="documents/incoming_rows.jinja",
)

OUTGOING = ListPage(
    title="发文登记簿",
    url_name="documents:outgoing",
    ascii_name="outgoing-register",
    filter_form=OutgoingFilter,
    queryset=lambda request: selectors.outgoing_register(_user(request), viewer_posts(request)),
    table_template="documents/_outgoing_table.html",
    columns=(
        Column("发文字号", lambda d: d.number, width="10em", nowrap=True),
        Column("标题", lambda d: d.title),
        Column("发文类别", lambda d: d.get_category_display(), width="10em"),
        Column("拟稿单位", lambda d: d.unit.name, width="9em"),
        Column("签发人", lambda d: d.signed_by.display_name if d.signed_by else "", width="4.5em", nowrap=True),
        Column("印发日期", lambda d: d.issued_on, width="6.5em", nowrap=True),
        Column("状态", lambda d: d.stage_label, width="6em", nowrap=True),
    ),
    note="依据《南通市海门区人民政府工作规则》第二十六—二十八条登记。",
    count_cap=NAV_COUNT_CAP,  # "共 999+ 条" past the cap, as the seal ledger
    fields=(
        "pk",
        "number",
        "title",
        "category",
        "unit__name",
        "unit__short_name",
        "signed_by__full_name",
        "signed_by__username",
        "issued_on",
        "state",
        "stage_label",
    ),
    row=_outgoing_row,
    rows_template="documents/outgoing_rows.jinja",
)


def incoming_list(request: HttpRequest) -> HttpResponse:
    return INCOMING.page(request)


def incoming_csv(request: HttpRequest) -> StreamingHttpResponse:
    return INCOMING.csv(request)


def incoming_pdf(request: HttpRequest) -> HttpResponse:
    return INCOMING.pdf(request)


def outgoing_list(request: HttpRequest) -> HttpResponse:
    return OUTGOING.page(request)


def outgoing_csv(request: HttpRequest) -> StreamingHttpResponse:
    return OUTGOING.csv(request)


def outgoing_pdf_list(request: HttpRequest) -> HttpResponse:
    return OUTGOING.pdf(request)


def board(request: HttpRequest) -> HttpResponse:
    """承办看板: assigned matters with their deadlines, overdue first (第二十九条)."""
    form = BoardFilter(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "documents/board.html", {"form": form, "page": None}, status=400)
    data = form.cleaned_data if request.GET else {}
    rows = selectors.assignments(
        _user(request),
        state=data.get("state") or "",
        q=data.get("q") or "",
        matter_type=data.get("matter_type") or "",
        unit=data["unit"].pk if data.get("unit") else None,
        answered_start=data.get("answered_start"),
        answered_end=data.get("answered_end"),
        timeliness=data.get("timeliness") or "",
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/board.html",
        {"form": form, "page": page, "today": timezone.localdate(), "query": query.urlencode()},
    )


@require_POST
def material_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """第二十八条: the drafter puts one material in its slot (replacing the earlier file)."""
    item = get_visible_item(request, pk)
    if not isinstance(item, OutgoingDocument):
        raise Http404
    form = MaterialUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(item.get_absolute_url())
    try:
        actions.outgoing_material_upload(
            item.pk,
            actor=_user(request),
            role=form.cleaned_data["role"],
            upload=form.cleaned_data["file"],
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except engine.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已上传{MATERIALS[form.cleaned_data['role']]}。")
    return redirect(item.get_absolute_url())


@require_POST
def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    """批示 → 督查 in one click (the office): the new supervision item, linked to this document."""
    item = get_visible_item(request, pk)
    if not isinstance(item, IncomingDocument):
        raise Http404
    form = SuperviseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(item.get_absolute_url())
    try:
        opened = actions.incoming_supervise(
            item.pk,
            actor=_user(request),
            entry_id=form.cleaned_data["entry"],
            lead_unit=form.cleaned_data.get("lead_unit"),
            due_on=form.cleaned_data.get("due_on"),
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except engine.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已根据领导批示立为督查事项，待承办单位签收。")
        return redirect(opened.get_absolute_url())
    return redirect(item.get_absolute_url())


def home(request: HttpRequest) -> HttpResponse:
    return redirect("documents:incoming")

"""Seal pages: apply, my requests, the custodian's queue, the ledger (台账) with CSV/PDF export, the register."""

from __future__ import annotations

import csv
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from haimen_gov.exports import neutralise
from haimen_gov.org.models import User
from haimen_gov.org.routing import units_of
from haimen_gov.pdf import pdf_response
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow import selectors
from haimen_gov.workflow.views import client_ip, errors_to_form, get_visible_item, slip_context

from . import actions
from .forms import LedgerFilter, SealRequestForm
from .models import Seal, SealAttachment, SealRequest

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# What an applicant fills in and may amend while the request is a draft or returned (the unit and seal are chosen
# once).
AMENDABLE = ("purpose", "document_title", "copies", "offsite", "offsite_place", "offsite_reason")


def _amendable(data: dict[str, Any]) -> dict[str, Any]:
    """The form's amendable fields and uploaded files, as the create and update actions take them."""
    return {**{f: data[f] for f in AMENDABLE}, "files": data["files"]}


def apply(request: HttpRequest) -> HttpResponse:
    """用印申请 (第三十一条): anyone with a post applies for their unit."""
    user = _user(request)
    if not units_of(user):
        return render(request, "seals/no_post.html", status=403)
    form = SealRequestForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = actions.seal_request_create(
                actor=user,
                unit=data["unit"],
                seal=data["seal"],
                **_amendable(data),
                submit=request.POST.get("action") != "draft",
                ip=client_ip(request),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        except engine.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, "用印申请已提交，请在“我的用印申请”中查看进度。" if item.submitted_at else "已保存草稿。"
            )
            return redirect(item.get_absolute_url())
    return render(request, "seals/apply.html", {"form": form})


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Amend a draft or a returned request, then resubmit it."""
    user = _user(request)
    item = get_visible_item(request, pk)
    if not isinstance(item, SealRequest) or item.submitter_id != user.pk:
        raise Http404("未找到该申请。")
    if item.state not in actions.EDITABLE:
        messages.error(request, "申请已在审批中，不能修改。")
        return redirect(item.get_absolute_url())
    initial = {f: getattr(item, f) for f in AMENDABLE}
    initial.update(unit=item.unit, seal=item.seal)
    form = SealRequestForm(request.POST or None, request.FILES or None, user=user, instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.seal_request_update(item.pk, actor=user, **_amendable(data))
            if request.POST.get("action") != "draft":
                actions.seal_request_submit(item.pk, actor=user, ip=client_ip(request))
        except ValidationError as exc:
            errors_to_form(form, exc)
        except engine.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已重新提交。" if request.POST.get("action") != "draft" else "已保存。")
            return redirect(item.get_absolute_url())
    return render(request, "seals/apply.html", {"form": form, "item": item})


def _requests() -> QuerySet[SealRequest]:
    return SealRequest.objects.select_related("seal", "unit", "submitter")


def mine(request: HttpRequest) -> HttpResponse:
    qs = _requests().filter(submitter=_user(request)).order_by("-created_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "seals/mine.html", {"page": page})


def stamp_queue(request: HttpRequest) -> HttpResponse:
    """The custodian's queue: approved requests waiting to be stamped and registered."""
    tasks = (
        selectors.inbox(_user(request))
        .filter(step="stamping", item__kind__app_label="seals")
        .select_related("item__sealrequest", "item__sealrequest__seal")
    )
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "seals/stamp_queue.html", {"page": page, "today": timezone.localdate()})


def _ledger_queryset(request: HttpRequest) -> tuple[LedgerFilter, QuerySet[SealRequest]]:
    user = _user(request)
    form = LedgerFilter(request.GET or None)
    qs = cast(
        "QuerySet[SealRequest]",
        selectors.visible_items(user, _requests().exclude(state="draft")),  # type: ignore[arg-type]
    )
    # An invalid field (a mistyped date) is reported on the page and left out; the valid ones still filter, so a
    # typo never widens the list (or the CSV/PDF export) to everything.
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    if data.get("q"):
        qs = qs.filter(
            Q(title__icontains=data["q"])
            | Q(purpose__icontains=data["q"])
            | Q(document_title__icontains=data["q"])
            | Q(number__icontains=data["q"])
        )
    if data.get("seal"):
        qs = qs.filter(seal=data["seal"])
    if data.get("unit"):
        qs = qs.filter(unit=data["unit"])
    if data.get("applicant"):
        qs = qs.filter(
            Q(submitter__username__icontains=data["applicant"]) | Q(submitter__full_name__icontains=data["applicant"])
        )
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    if data.get("offsite") in ("0", "1"):
        qs = qs.filter(offsite=data["offsite"] == "1")
    if data.get("start"):
        qs = qs.filter(created_at__date__gte=data["start"])
    if data.get("end"):
        qs = qs.filter(created_at__date__lte=data["end"])
    if data.get("used_start"):
        qs = qs.filter(stamped_at__date__gte=data["used_start"])
    if data.get("used_end"):
        qs = qs.filter(stamped_at__date__lte=data["used_end"])
    return form, qs.order_by("-created_at", "-id")  # type: ignore[return-value]


def ledger(request: HttpRequest) -> HttpResponse:
    """用印台账 (第三十二条)."""
    form, qs = _ledger_queryset(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "querystring": query.urlencode()}
    template = "seals/_ledger_table.html" if getattr(request, "htmx", False) else "seals/ledger.html"
    return render(request, template, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


LEDGER_HEADER = [
    "归档号",
    "印鉴",
    "申请单位",
    "申请人",
    "用印文件",
    "用印事由",
    "申请份数",
    "异地用印",
    "异地地点",
    "状态",
    "申请时间",
    "用印时间",
    "实际份数",
]


def _ledger_row(r: SealRequest) -> list[str]:
    return [
        r.archive_number,
        r.seal.name,
        r.unit.name,
        r.submitter.display_name,
        r.document_title,
        r.purpose,
        str(r.copies),
        "是" if r.offsite else "否",
        r.offsite_place,
        r.stage_label,
        timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
        timezone.localtime(r.stamped_at).strftime("%Y-%m-%d %H:%M") if r.stamped_at else "",
        str(r.stamped_copies or ""),
    ]


def ledger_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, qs = _ledger_queryset(request)
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield "\ufeff"  # BOM: Excel on Windows then opens the Chinese text correctly
        yield writer.writerow(LEDGER_HEADER)
        for r in qs.iterator(chunk_size=500):
            yield writer.writerow([neutralise(cell) for cell in _ledger_row(r)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        "attachment; filename=\"seal-ledger.csv\"; filename*=UTF-8''%E7%94%A8%E5%8D%B0%E5%8F%B0%E8%B4%A6.csv"
    )
    return response


LEDGER_PDF_LIMIT = 2000


def ledger_pdf(request: HttpRequest) -> HttpResponse:
    _form, qs = _ledger_queryset(request)
    rows = [_ledger_row(r) for r in qs[:LEDGER_PDF_LIMIT]]
    return pdf_response(
        "seals/ledger_pdf.html",
        {
            "rows": rows,
            "header": LEDGER_HEADER,
            "truncated": len(rows) >= LEDGER_PDF_LIMIT,
            "printed_at": timezone.localtime(),
            "title": "用印台账",
        },
        filename="用印台账.pdf",
        request=request,
    )


def register(request: HttpRequest) -> HttpResponse:
    """印鉴登记簿: every seal, its custodian and where it is kept (edited in the admin)."""
    seals = Seal.objects.select_related("owner_unit", "custodian", "custodian__holder").order_by("id")
    return render(request, "seals/register.html", {"seals": seals})


def request_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """用印申请单 with every opinion, signer, post acted for and date."""
    item = get_visible_item(request, pk)
    if not isinstance(item, SealRequest):
        raise Http404("未找到该申请。")
    context = slip_context(item)
    context.update(title="用印申请单", number=item.number)
    return pdf_response("seals/request_pdf.html", context, filename=f"用印申请单-{item.pk}.pdf", request=request)


def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Download an attachment; only for those who may see its request (404 otherwise)."""
    row = SealAttachment.objects.filter(pk=pk).only("request_id").first()
    if row is None:
        raise Http404("附件不存在。")
    get_visible_item(request, row.request_id)
    row = SealAttachment.objects.get(pk=pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件文件已丢失，请联系区政府办公室。") from exc
    response = FileResponse(handle, content_type=row.content_type, as_attachment=False, filename=row.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response

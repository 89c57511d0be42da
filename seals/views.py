"""Seal pages: apply, my requests, the custodian's queue, the ledger (台账) with CSV/PDF export, the register."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from haimen_gov.context_processors import NAV_COUNT_CAP
from haimen_gov.org.models import User
from haimen_gov.org.routing import units_of
from haimen_gov.pdf import pdf_response
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow import selectors
from haimen_gov.workflow.lists import Column, ListPage, cell_text, display_name_in
from haimen_gov.workflow.templatetags.workflow_tags import item_url, tone
from haimen_gov.workflow.views import client_ip, errors_to_form, get_visible_item, slip_context, viewer_posts

from . import actions
from .forms import LedgerFilter, SealRequestForm
from .models import Seal, SealRequest

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


def _ledger_rows(request: HttpRequest) -> QuerySet[SealRequest]:
    # Submitted requests the viewer may see, with what the columns read joined: one query per page.
    rows = _requests().exclude(state="draft")
    return selectors.visible_items(_user(request), rows, posts=viewer_posts(request))  # type: ignore[return-value]


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _ledger_row(r: dict[str, Any]) -> dict[str, object]:
    """What a row of the ledger's table shows (seals/_ledger_table.html), from LEDGER.fields."""
    return {
        "number": r["number"] or "—",  # SealRequest.archive_number
        "seal": r["seal__name"],
        "unit": r["unit__short_name"] or r["unit__name"],
        "submitter": display_name_in(r, "submitter"),
        "url": item_url(r["pk"]),
        "document_title": r["document_title"],
        "copies": str(r["stamped_copies"] or r["copies"]),
        "offsite": r["offsite"],
        "created": cell_text(r["created_at"]),
        "stamped": cell_text(r["stamped_at"]) or "—",
        "tone": tone(r["state"]),
        "stage": r["stage_label"],
    }


LEDGER = ListPage(
    title="用印台账",
    url_name="seals:ledger",
    ascii_name="seal-ledger",
    filter_form=LedgerFilter,
    queryset=_ledger_rows,
    table_template="seals/_ledger_table.html",
    columns=(
        Column("归档号", lambda r: r.archive_number, width="9em", nowrap=True),
        Column("印鉴", lambda r: r.seal.name, width="11em"),
        Column("申请单位", lambda r: r.unit.name, width="9em"),
        Column("申请人", lambda r: r.submitter.display_name, width="4.5em", nowrap=True),
        Column("用印文件", lambda r: r.document_title),
        Column("用印事由", lambda r: r.purpose, pdf=False),
        Column("申请份数", lambda r: r.copies, width="3.5em", nowrap=True),
        Column("异地用印", lambda r: r.offsite, width="3.5em", nowrap=True),
        Column("异地地点", lambda r: r.offsite_place, pdf=False),
        Column("状态", lambda r: r.stage_label, width="6.5em", nowrap=True),
        Column("申请时间", lambda r: _local(r.created_at), width="7.5em", nowrap=True),
        Column("用印时间", lambda r: _local(r.stamped_at), width="7.5em", nowrap=True),
        Column("实际份数", lambda r: r.stamped_copies, width="3.5em", nowrap=True),
    ),
    note="依据《南通市海门区人民政府工作规则》第三十二条登记。",
    count_cap=NAV_COUNT_CAP,  # tens of thousands of uses: "共 999+ 条" past the cap, as the inbox
    fields=(
        "pk",
        "number",
        "seal__name",
        "unit__name",
        "unit__short_name",
        "submitter__full_name",
        "submitter__username",
        "document_title",
        "stamped_copies",
        "copies",
        "offsite",
        "created_at",
        "stamped_at",
        "state",
        "stage_label",
    ),
    row=_ledger_row,
    rows_template="seals/ledger_rows.jinja",
    # The office (and every overseer) sees every request: its ledger as the menu opens it is the same for all of them.
    prepared_first_page=lambda request: selectors.sees_everything(_user(request), viewer_posts(request)),
)


def ledger(request: HttpRequest) -> HttpResponse:
    """用印台账 (第三十二条): finished uses by default, other states behind the filter."""
    return LEDGER.page(request)


def ledger_csv(request: HttpRequest) -> StreamingHttpResponse:
    return LEDGER.csv(request)


def ledger_pdf(request: HttpRequest) -> HttpResponse:
    return LEDGER.pdf(request)


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

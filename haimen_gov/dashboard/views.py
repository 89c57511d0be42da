"""领导驾驶舱 pages: the dashboard (the whole one for the office director and deputies, a leader's view for the head
and the vice heads), the lists behind its figures, and its exports. Anybody else gets a 403 page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import DurationField, ExpressionWrapper, F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from haimen_gov.workflow.dashboard import ageing_cutoffs, stuck_tasks
from haimen_gov.workflow.models import Item, Task, TaskStatus

from . import exports
from .figures import Dashboard, build, viewer_scope
from .forms import DrillForm
from .scope import Query, Scope

PAGE_SIZE = 20


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/forbidden.html", status=403)


def _dashboard(request: HttpRequest) -> Dashboard | HttpResponse:
    """The dashboard for this request's filters; a 403 page or a 400 page with the filter's message otherwise."""
    scope = viewer_scope(request)
    if scope is None:
        return forbidden(request)
    result = build(request, scope, request.GET)
    if not isinstance(result, Dashboard):
        return render(request, "dashboard/bad_filter.html", {"form": result, "scope": scope}, status=400)
    return result


def dashboard(request: HttpRequest) -> HttpResponse:
    dash = _dashboard(request)
    if isinstance(dash, HttpResponse):
        return dash
    query = request.GET.copy()
    minutes = max(round(settings.DASHBOARD_REFRESH_SECONDS / 60), 1)
    return render(
        request, "dashboard/page.html", {"dash": dash, "querystring": query.urlencode(), "refresh_minutes": minutes}
    )


def report_pdf(request: HttpRequest) -> HttpResponse:
    dash = _dashboard(request)
    return dash if isinstance(dash, HttpResponse) else exports.pdf(request, dash)


def tables_xlsx(request: HttpRequest) -> HttpResponse:
    dash = _dashboard(request)
    return dash if isinstance(dash, HttpResponse) else exports.xlsx(dash)


def tables_csv(request: HttpRequest) -> HttpResponse:
    dash = _dashboard(request)
    return dash if isinstance(dash, HttpResponse) else exports.csv_response(dash)


# ------------------------------------------------------------------------------------------------ the lists behind


def _drill(request: HttpRequest) -> tuple[Scope, DrillForm, dict[str, Any]] | HttpResponse:
    scope = viewer_scope(request)
    if scope is None:
        return forbidden(request)
    form = DrillForm(request.GET or None, scope=scope)
    if request.GET and not form.is_valid():
        return render(request, "dashboard/bad_filter.html", {"form": form, "scope": scope}, status=400)
    data = form.cleaned_data if request.GET else {}
    return scope, form, data


def _units(qs: QuerySet[Any], scope: Scope, data: dict[str, Any], column: str) -> QuerySet[Any]:
    if data.get("unit") is not None:
        return qs.filter(**{column: data["unit"]})
    if scope.unit_ids is not None:
        return qs.filter(**{f"{column}__in": scope.unit_ids})
    return qs


def _kind(qs: QuerySet[Any], data: dict[str, Any], prefix: str) -> QuerySet[Any]:
    if data.get("kind"):
        app_label, model = data["kind"].split(".")
        qs = qs.filter(**{f"{prefix}kind__app_label": app_label, f"{prefix}kind__model": model})
    return qs


def _render_list(request: HttpRequest, template: str, form: DrillForm, qs: QuerySet[Any], **extra: Any) -> HttpResponse:
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "querystring": query.urlencode(), "today": timezone.localdate(), **extra}
    return render(request, template, context)


def items(request: HttpRequest) -> HttpResponse:
    """在办事项: the open items behind the work-in-flight figures."""
    drill = _drill(request)
    if isinstance(drill, HttpResponse):
        return drill
    scope, form, data = drill
    qs = Item.objects.filter(submitted_at__isnull=False, closed_at__isnull=True)
    qs = _kind(_units(qs, scope, data, "unit_id"), data, "")
    if data.get("state"):
        qs = qs.filter(stage=data["state"])
    qs = qs.select_related("unit", "kind", "submitter").order_by("submitted_at", "id")
    return _render_list(request, "dashboard/items.html", form, qs, title="在办事项")


def tasks(request: HttpRequest) -> HttpResponse:
    """待办明细: the open tasks behind the overdue, ageing and stuck figures, or (``finished``) the tasks a step
    finished in the last N days, slowest first."""
    drill = _drill(request)
    if isinstance(drill, HttpResponse):
        return drill
    scope, form, data = drill
    today = timezone.localdate()
    finished = data.get("finished")
    qs: QuerySet[Task]
    if finished:
        since = timezone.now() - dt.timedelta(days=finished)
        qs = Task.objects.filter(status=TaskStatus.DONE, finished_at__gte=since).annotate(
            spent=ExpressionWrapper(F("finished_at") - F("created_at"), output_field=DurationField())
        )
        order: tuple[str, ...] = ("-spent", "id")
    elif data.get("due") == "stuck":
        qs = stuck_tasks(Query(scope=scope, today=today))
        order = ("due_date", "id")
    else:
        qs = Task.objects.filter(status=TaskStatus.OPEN)
        order = ("due_date", "id")
    qs = _kind(_units(qs, scope, data, "item__unit_id"), data, "item__")
    if data.get("step"):
        qs = qs.filter(step=data["step"])
    if data.get("post"):
        qs = qs.filter(post_id=data["post"])
    due = data.get("due")
    if due and due != "stuck" and not finished:
        cuts = ageing_cutoffs(today)
        ranges = {
            "overdue": {"due_date__lt": today},
            "soon": {"due_date__gt": today, "due_date__lte": cuts["soon"]},
            "today": {"due_date": today},
            "late3": {"due_date__lt": today, "due_date__gte": cuts["cut3"]},
            "late10": {"due_date__lt": cuts["cut3"], "due_date__gte": cuts["cut10"]},
            "late10plus": {"due_date__lt": cuts["cut10"]},
        }
        qs = qs.filter(**ranges[due])
    qs = qs.select_related("item", "item__unit", "item__kind", "post", "post__holder", "finished_by").order_by(*order)
    title = "已办环节（用时最长在前）" if finished else "待办明细"
    return _render_list(request, "dashboard/tasks.html", form, qs, title=title, finished=bool(finished))

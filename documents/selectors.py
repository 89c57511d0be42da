"""Reads of the documents app: one query per list, filtered by who may see what."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from haimen_gov.org.models import PostKind, User
from haimen_gov.org.routing import acting_posts
from haimen_gov.workflow import selectors as engine_selectors

from .models import Category, Distribution, IncomingDocument, LegalityResult, OutgoingDocument


def legality_review_passed(document: OutgoingDocument | int) -> bool:
    """第二十八条: whether a 规范性文件 passed the justice bureau's legality review — the condition for signing it and
    for putting it on a 常务会议 agenda. The meetings app asks here with the document (or its id) a topic refers
    to: ``documents.selectors.legality_review_passed(topic.document_id)``. A document of any other category needs no
    review and answers True; an unknown id answers False."""
    pk = document.pk if isinstance(document, OutgoingDocument) else document
    row = OutgoingDocument.objects.filter(pk=pk).values("category", "legality_result").first()
    if row is None:
        return False
    if row["category"] != Category.NORMATIVE:
        return True
    return bool(row["legality_result"] == LegalityResult.PASSED)


def is_office_staff(user: User) -> bool:
    """The office's registers are for the office (its staff and director) and the district head."""
    kinds = {kind for _pk, kind in acting_posts(user)}
    if user.is_superuser or kinds & {PostKind.OFFICE_DIRECTOR, PostKind.OFFICE_DEPUTY_DIRECTOR, PostKind.DISTRICT_HEAD}:
        return True
    from haimen_gov.org.models import Post, UnitKind

    return Post.objects.filter(holder=user, kind=PostKind.UNIT_CLERK, unit__kind=UnitKind.GOV_OFFICE).exists()


def _search(qs: QuerySet[Any], q: str, fields: tuple[str, ...]) -> QuerySet[Any]:
    cond = Q()
    for name in fields:
        cond |= Q(**{f"{name}__icontains": q})
    return qs.filter(cond)


def incoming_register(user: User) -> QuerySet[IncomingDocument]:
    """收文登记簿: the office sees every document; others what the engine lets them see. One query per page."""
    qs = IncomingDocument.objects.select_related("unit", "submitter")
    if not is_office_staff(user):
        qs = engine_selectors.visible_items(user, qs)  # type: ignore[assignment]
    return qs


def outgoing_register(user: User) -> QuerySet[OutgoingDocument]:
    """发文登记簿: the office sees every document; others what the engine lets them see. One query per page."""
    qs = OutgoingDocument.objects.select_related("unit", "submitter", "signed_by")
    if not is_office_staff(user):
        qs = engine_selectors.visible_items(user, qs)  # type: ignore[assignment]
    return qs


def distributions_for(document: OutgoingDocument) -> QuerySet[Distribution]:
    return Distribution.objects.filter(document=document).select_related("unit", "read_by").order_by("id")


def assignments(user: User, *, state: str = "", q: str = "") -> QuerySet[IncomingDocument]:
    """承办看板: matters assigned to units (第二十九条) with their open handling task's deadline, in one query. The
    office and the head see all; a unit sees what was assigned to it."""
    from django.db.models import OuterRef, Subquery

    from haimen_gov.org.routing import units_of
    from haimen_gov.workflow.models import Task, TaskStatus

    open_handling = Task.objects.filter(item=OuterRef("pk"), step="handling", status=TaskStatus.OPEN).order_by("id")
    qs = (
        IncomingDocument.objects.filter(handling_unit__isnull=False)
        .exclude(state__in=["proposal", "review", "reading"])
        .select_related("handling_unit", "unit")
        .annotate(task_due=Subquery(open_handling.values("due_date")[:1]))
    )
    if not is_office_staff(user):
        qs = qs.filter(handling_unit__in=[u.pk for u in units_of(user)])
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = _search(qs, q, ("title", "ref_number", "sender"))
    return qs.order_by("closed_at", "task_due", "-assigned_at", "-id")

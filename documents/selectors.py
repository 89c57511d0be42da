"""Reads of the documents app: one query per list, filtered by who may see what."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
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


def is_office_staff(user: User, posts: list[tuple[int, str]] | None = None) -> bool:
    """The office's registers are for the office (its staff and director) and the district head. ``posts``: the
    user's acting (id, kind) pairs, when known."""
    kinds = {kind for _pk, kind in (acting_posts(user) if posts is None else posts)}
    if user.is_superuser or kinds & {PostKind.OFFICE_DIRECTOR, PostKind.OFFICE_DEPUTY_DIRECTOR, PostKind.DISTRICT_HEAD}:
        return True
    from haimen_gov.org.models import Post, UnitKind

    return Post.objects.filter(holder=user, kind=PostKind.UNIT_CLERK, unit__kind=UnitKind.GOV_OFFICE).exists()


def _search(qs: QuerySet[Any], q: str, fields: tuple[str, ...]) -> QuerySet[Any]:
    cond = Q()
    for name in fields:
        cond |= Q(**{f"{name}__icontains": q})
    return qs.filter(cond)


def incoming_register(user: User, posts: list[tuple[int, str]] | None = None) -> QuerySet[IncomingDocument]:
    """收文登记簿: the office sees every document; others what the engine lets them see. One query per page.
    ``posts``: the user's acting (id, kind) pairs, when known."""
    posts = acting_posts(user) if posts is None else posts
    qs = IncomingDocument.objects.select_related("unit", "submitter")
    if not is_office_staff(user, posts):
        qs = engine_selectors.visible_items(user, qs, posts=posts)  # type: ignore[assignment]
    return qs


def outgoing_register(user: User, posts: list[tuple[int, str]] | None = None) -> QuerySet[OutgoingDocument]:
    """发文登记簿: the office sees every document; others what the engine lets them see. One query per page.
    ``posts``: the user's acting (id, kind) pairs, when known."""
    posts = acting_posts(user) if posts is None else posts
    # The register is ordered by the item's date: named by kind, PostgreSQL reads the outgoing items off the item
    # table's kind index instead of every item of every chapter (a seq scan of 100,000 rows, issue 16).
    kind = ContentType.objects.get_for_model(OutgoingDocument)
    qs = OutgoingDocument.objects.filter(kind=kind).select_related("unit", "submitter", "signed_by")
    if is_office_staff(user, posts):
        return qs
    visible = engine_selectors.visible_items(user, qs, posts=posts)
    if any(kind in (PostKind.EXEC_VICE_HEAD, PostKind.VICE_HEAD) for _pk, kind in posts):
        # A vice head sees what the units in their portfolio issued (the dashboard's 第二十七条 figures link here).
        from haimen_gov.org.models import Portfolio, PortfolioRole

        portfolio = Portfolio.objects.filter(role=PortfolioRole.VICE_HEAD, post_id__in=[pk for pk, _kind in posts])
        return visible | qs.filter(state="issued", unit_id__in=portfolio.values("unit_id"))  # type: ignore[return-value]
    return visible  # type: ignore[return-value]


def distributions_for(document: OutgoingDocument) -> QuerySet[Distribution]:
    return Distribution.objects.filter(document=document).select_related("unit", "read_by").order_by("id")


def with_answer(user: User, *, include_all: bool = False) -> QuerySet[IncomingDocument]:
    """Matters assigned to units (第二十九条) in one query, each with ``task_due`` (its open handling task's deadline),
    and ``answered_on`` / ``answered_due`` (the day of the unit's last answer and the deadline of the task it
    answered). ``include_all``: every matter (the dashboard scopes by unit itself); else those ``user`` may see on the
    承办看板: the office and the head all, a vice head the units in their portfolio, a unit what it leads or
    co-handles (会办)."""
    from django.db.models import Exists, OuterRef, Subquery
    from django.db.models.functions import TruncDate

    from haimen_gov.org.models import Portfolio, PortfolioRole
    from haimen_gov.org.routing import units_of
    from haimen_gov.workflow.actions.permissions import NOT_ACTED
    from haimen_gov.workflow.models import Task, TaskStatus

    handling = Task.objects.filter(item=OuterRef("pk"), step="handling", extra=False)
    open_handling = handling.filter(status=TaskStatus.OPEN).order_by("id")
    answered = handling.filter(status=TaskStatus.DONE).exclude(decision__in=NOT_ACTED).order_by("-finished_at", "-id")
    qs = (
        IncomingDocument.objects.filter(handling_unit__isnull=False)
        .exclude(state__in=["proposal", "review", "reading"])
        .annotate(
            task_due=Subquery(open_handling.values("due_date")[:1]),
            answered_on=Subquery(answered.annotate(day=TruncDate("finished_at")).values("day")[:1]),
            answered_due=Subquery(answered.values("due_date")[:1]),
        )
    )
    if include_all or is_office_staff(user):
        return qs
    posts = acting_posts(user)
    mine = [u.pk for u in units_of(user)]
    co = IncomingDocument.co_units.through.objects.filter(incomingdocument_id=OuterRef("pk"), unit_id__in=mine)
    # The lead unit, the co-units (会办) that give it their opinions, and the vice heads over either.
    cond = Q(handling_unit__in=mine) | Q(Exists(co))
    if any(kind in (PostKind.EXEC_VICE_HEAD, PostKind.VICE_HEAD) for _pk, kind in posts):
        portfolio = Portfolio.objects.filter(role=PortfolioRole.VICE_HEAD, post_id__in=[pk for pk, _kind in posts])
        cond |= Q(handling_unit__in=portfolio.values("unit_id"))
    return qs.filter(cond)


BOARD_TIMELINESS = ("on_time", "late", "overdue")


def assignments(
    user: User,
    *,
    state: str = "",
    q: str = "",
    matter_type: str = "",
    unit: int | None = None,
    answered_start: Any = None,
    answered_end: Any = None,
    timeliness: str = "",
) -> QuerySet[IncomingDocument]:
    """承办看板: matters assigned to units (第二十九条) with their open handling task's deadline, in one query, narrowed
    by the board's filters (the dashboard's figures link here with the same ones)."""
    from django.db.models import F

    qs = with_answer(user).select_related("handling_unit", "unit")
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = _search(qs, q, ("title", "ref_number", "sender"))
    if matter_type:
        qs = qs.filter(matter_type=matter_type)
    if unit is not None:
        qs = qs.filter(handling_unit_id=unit)
    if answered_start is not None:
        qs = qs.filter(answered_on__gte=answered_start)  # type: ignore[misc]  # annotations of with_answer
    if answered_end is not None:
        qs = qs.filter(answered_on__lte=answered_end)  # type: ignore[misc]  # annotations of with_answer
    if timeliness == "on_time":
        qs = qs.filter(answered_on__lte=F("answered_due"))  # type: ignore[misc]  # annotations of with_answer
    elif timeliness == "late":
        qs = qs.filter(answered_on__gt=F("answered_due"))  # type: ignore[misc]  # annotations of with_answer
    elif timeliness == "overdue":
        from django.utils import timezone

        qs = qs.filter(task_due__lt=timezone.localdate())  # type: ignore[misc]  # annotations of with_answer
    return qs.order_by("closed_at", "task_due", "-assigned_at", "-id")

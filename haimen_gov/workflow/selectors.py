"""Reads that span models or filter by permission: one queryset per list, never a check per row."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BigIntegerField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from haimen_gov.org.models import Post, PostKind, User
from haimen_gov.org.routing import acting_post_ids, acting_posts

from .models import LINK_ROLES, CarbonCopy, Item, ItemLink, LinkKind, Notification, Task, TaskStatus

# Posts that oversee every item: the district head and the office director (who "watches everything").
OVERSEER_KINDS = (PostKind.DISTRICT_HEAD, PostKind.OFFICE_DIRECTOR)


def _view_any_granted(user: User) -> Exists:
    """The ``view_any_item`` permission, granted to the user or a group of theirs, as a subquery."""
    from django.contrib.auth.models import Permission

    return Exists(
        Permission.objects.filter(codename="view_any_item", content_type__app_label="workflow").filter(
            Q(user=user) | Q(group__user=user)
        )
    )


def visibility_q(user: User, post_ids: list[int]) -> Q:
    """Who may see an item: its submitter, the head of its unit, anyone who has or had a task on it (in person or
    by delegation), anyone it was copied to, anyone it was shared with (django-guardian)."""
    from guardian.models import UserObjectPermission

    head_units = Post.objects.filter(pk__in=post_ids, kind__in=[PostKind.UNIT_HEAD]).values("unit_id")
    shared = (
        UserObjectPermission.objects.filter(
            user=user,
            permission__codename="view_item",
            content_type__app_label="workflow",
            content_type__model="item",
        )
        .annotate(item_id=Cast("object_pk", BigIntegerField()))
        .values("item_id")
    )
    return (
        Q(submitter=user)
        | Q(unit_id__in=head_units)
        | Q(Exists(Task.objects.filter(item=OuterRef("pk"), post_id__in=post_ids)))
        | Q(Exists(CarbonCopy.objects.filter(item=OuterRef("pk"), user=user)))
        | Q(pk__in=shared)
    )


def visible_items(
    user: User, qs: QuerySet[Item] | None = None, *, posts: list[tuple[int, str]] | None = None
) -> QuerySet[Item]:
    """The items ``user`` may see, in one query. ``posts``: the user's acting (id, kind) pairs, when known."""
    qs = Item.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    posts = acting_posts(user) if posts is None else posts
    if user.is_superuser or any(kind in OVERSEER_KINDS for _pk, kind in posts):
        return qs
    return qs.filter(visibility_q(user, [pk for pk, _kind in posts]) | Q(_view_any_granted(user)))


def inbox(user: User, post_ids: list[int] | None = None) -> QuerySet[Task]:
    """待办: open tasks addressed to any post the user acts for today, soonest deadline first. Joined: what the
    queues show (item, unit, kind, post), not the submitter, whom no queue shows: that join alone took PostgreSQL's
    planning of this query from 0.5 to 1.3 ms, more than running it (0.2 ms for a page of a 25,000-task inbox)."""
    ids = acting_post_ids(user) if post_ids is None else post_ids
    return (
        Task.objects.filter(status=TaskStatus.OPEN, post_id__in=ids)
        .select_related("item", "item__unit", "item__kind", "post")
        .order_by("due_date", "id")
    )


def done_by(user: User) -> QuerySet[Task]:
    """已办."""
    return (
        Task.objects.filter(finished_by=user, status=TaskStatus.DONE)
        .select_related("item", "item__unit", "item__kind", "post")
        .order_by("-finished_at", "-id")
    )


def submitted_by(user: User) -> QuerySet[Item]:
    """我发起的."""
    return Item.objects.filter(submitter=user).select_related("unit", "kind").order_by("-created_at", "-id")


def copies_for(user: User) -> QuerySet[CarbonCopy]:
    """传阅."""
    return (
        CarbonCopy.objects.filter(user=user)
        .select_related("item", "item__unit", "item__kind", "sent_by")
        .order_by("read_at", "-created_at")
    )


def notifications_for(user: User) -> QuerySet[Notification]:
    # task_ids (a gathered reminder's list, up to one id per open task) is read only by the page that lists them.
    return Notification.objects.filter(user=user).defer("task_ids").order_by("-created_at", "-id")


@dataclass(frozen=True)
class LinkedItem:
    """An item linked to the one shown, and what it is to it (来源事项, 派生事项 …)."""

    role: str
    kind: str
    item: Item
    link: ItemLink


def item_links(item: Item, user: User, *, posts: list[tuple[int, str]] | None = None) -> list[LinkedItem]:
    """The items linked to ``item`` that ``user`` may see, in one query (a link to an item of a unit the user has
    nothing to do with is not shown: its title would leak)."""
    visible = visible_items(user, posts=posts).values("pk")
    links = (
        ItemLink.objects.filter(
            Q(from_item_id=item.pk, to_item__in=visible) | Q(to_item_id=item.pk, from_item__in=visible)
        )
        .select_related("from_item", "to_item")
        .order_by("created_at", "id")
    )
    result = []
    for link in links:
        outgoing = link.from_item_id == item.pk
        role = LINK_ROLES[LinkKind(link.kind)][0 if outgoing else 1]
        result.append(LinkedItem(role, link.kind, link.to_item if outgoing else link.from_item, link))
    return result

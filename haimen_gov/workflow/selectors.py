"""Reads that span models or filter by permission: one queryset per list, never a check per row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, NullIf

from haimen_gov.org.models import Post, PostKind, User
from haimen_gov.org.routing import acting_post_ids, acting_posts
from haimen_gov.prepared import PreparedValues

from .models import (
    LINK_ROLES,
    CarbonCopy,
    HistoryEntry,
    Item,
    ItemLink,
    LinkKind,
    Notification,
    Task,
    TaskStatus,
)

# Posts that oversee every item: the district head and the office director (who "watches everything").
OVERSEER_KINDS = (PostKind.DISTRICT_HEAD, PostKind.OFFICE_DIRECTOR)


def _view_any_granted(user: User | int) -> Exists:
    """The ``view_any_item`` permission, granted to the user or a group of theirs, as a subquery."""
    from django.contrib.auth.models import Permission

    return Exists(
        Permission.objects.filter(codename="view_any_item", content_type__app_label="workflow").filter(
            Q(user=user) | Q(group__user=user)
        )
    )


def visibility_q(user: User | int, post_ids: list[int] | Any) -> Q:
    """Who may see an item: its submitter, the head of its unit, anyone who has or had a task on it (in person or
    by delegation), anyone it was copied to, anyone it was shared with (django-guardian). ``user``: the user or
    their id; ``post_ids``: the ids of the posts they act for, or an expression giving them."""
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


def _visible_q(user: User | int, post_ids: list[int] | Any) -> Q:
    """visibility_q, or the ``view_any_item`` permission."""
    return visibility_q(user, post_ids) | Q(_view_any_granted(user))


def sees_everything(user: User, posts: list[tuple[int, str]]) -> bool:
    """A superuser, and whoever acts for an overseeing post (``posts``: (id, kind) pairs), sees every item."""
    return user.is_superuser or any(kind in OVERSEER_KINDS for _pk, kind in posts)


def visible_items(
    user: User, qs: QuerySet[Item] | None = None, *, posts: list[tuple[int, str]] | None = None
) -> QuerySet[Item]:
    """The items ``user`` may see, in one query. ``posts``: the user's acting (id, kind) pairs, when known."""
    qs = Item.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    posts = acting_posts(user) if posts is None else posts
    if sees_everything(user, posts):
        return qs
    return qs.filter(_visible_q(user, [pk for pk, _kind in posts]))


def _visible_kind(pk: int, user: int, posts: list[int]) -> QuerySet[Any, Any]:
    # The posts as one array parameter: an IN list would take a placeholder per post, and a statement of its own for
    # each number of posts.
    post_ids = RawSQL("SELECT unnest(%s::bigint[])", (posts,))
    return Item.objects.filter(Q(pk=pk) & _visible_q(user, post_ids)).order_by().values("kind_id")[:1]


_ITEM_KIND = PreparedValues("item_kind", lambda pk: Item.objects.filter(pk=pk).order_by().values("kind_id")[:1], pk=int)
_VISIBLE_ITEM_KIND = PreparedValues("visible_item_kind", _visible_kind, pk=int, user=int, posts=list)


def visible_item_kind(user: User, pk: int, *, posts: list[tuple[int, str]]) -> int | None:
    """The kind (content type id) of item ``pk`` if ``user`` may see it (as ``visible_items`` decides), else None,
    whether the item does not exist or is not theirs to see. One statement, compiled once per process and prepared
    once per connection (PostgreSQL). ``posts``: the user's acting (id, kind) pairs."""
    if not user.is_authenticated:
        return None
    if sees_everything(user, posts):
        rows = _ITEM_KIND(pk=pk)
    elif connection.vendor == "postgresql":
        rows = _VISIBLE_ITEM_KIND(pk=pk, user=user.pk, posts=[post for post, _kind in posts])
    else:  # no array parameters (SQLite under make run)
        return visible_items(user, posts=posts).filter(pk=pk).values_list("kind_id", flat=True).first()
    return rows[0]["kind_id"] if rows else None


def inbox(user: User | None, post_ids: list[int] | None = None) -> QuerySet[Task]:
    """待办: open tasks addressed to any post the user acts for today (``post_ids``, when the caller has them; then
    ``user`` may be None), soonest deadline first. Joined: what the queues show (item, unit, kind, post), not the
    submitter, whom no queue shows: that join alone took PostgreSQL's planning of this query from 0.5 to 1.3 ms, more
    than running it (0.2 ms for a page of a 25,000-task inbox)."""
    if post_ids is None:
        if user is None:
            raise TypeError("inbox: the user, or the posts they act for")
        post_ids = acting_post_ids(user)
    return (
        Task.objects.filter(status=TaskStatus.OPEN, post_id__in=post_ids)
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


def display_name(path: str) -> Any:
    """``User.display_name`` in SQL for the user at ``path``: the full name, else the login name ("" for nobody)."""
    return Coalesce(NullIf(F(f"{path}__full_name"), Value("")), F(f"{path}__username"), Value(""))


def with_acting_today(tasks: QuerySet[Task], on: dt.date | None = None) -> QuerySet[Task]:
    """Annotates each task with ``acting_today``: the name of whoever acts for its post on ``on`` (today) by
    delegation (委托), empty when the holder does, in the tasks' own query (as routing.who_acts_for: the latest
    delegation wins; seal custody is never delegated, 第三十条)."""
    from django.db.models import Case, CharField, Subquery, When

    from haimen_gov.org.models import NON_DELEGABLE_KINDS
    from haimen_gov.org.routing import active_delegations

    delegate = (
        active_delegations(on)
        .filter(post_id=OuterRef("post_id"))
        .exclude(delegate_id=OuterRef("post__holder_id"))
        .order_by("-start", "-id")
        .annotate(name=display_name("delegate"))
        .values("name")[:1]
    )
    return tasks.annotate(
        acting_today=Case(
            When(Q(status=TaskStatus.OPEN) & ~Q(post__kind__in=list(NON_DELEGABLE_KINDS)), then=Subquery(delegate)),
            default=Value(""),
            output_field=CharField(),
        )
    )


# The columns an inbox row reads (decorate_inbox_rows, workflow/inbox_rows.jinja), as plain values: no model objects.
INBOX_ROW_FIELDS = (
    *("id", "item_id", "step", "step_label", "post_id", "extra", "created_at", "due_date", "due_estimated"),
    *("item__title", "item__number", "item__kind__app_label", "item__kind__model"),
    *("item__unit__name", "item__unit__short_name", "post__title", "post__holder_id"),
)


_INBOX_FIRST_PAGES: dict[int, PreparedValues] = {}


def inbox_first_page(post_id: int, rows: int) -> list[dict[str, Any]]:
    """The first ``rows`` rows of ``inbox(user, [post_id]).values(*INBOX_ROW_FIELDS)`` (the inbox of one who acts for
    one post, as the menu opens it: unfiltered, soonest deadline first), from a statement compiled once per process
    and prepared once per connection: PostgreSQL planned this query in more time than it ran it (issue 16). One post
    only: its plan, kept for every post, reads the post's open tasks in deadline order off ``task_open_inbox``;
    a kept plan for a list of posts does not know how many there are and walks every open task by deadline."""
    statement = _INBOX_FIRST_PAGES.get(rows)
    if statement is None:
        statement = _INBOX_FIRST_PAGES.setdefault(
            rows,
            PreparedValues(
                f"inbox_first_page_{rows}",
                lambda post: inbox(None, [post]).values(*INBOX_ROW_FIELDS)[:rows],
                post=int,
            ),
        )
    return statement(post=post_id)


def decorate_inbox_rows(
    tasks: list[dict[str, Any]], today: dt.date, viewer_id: int | None = None
) -> list[dict[str, Any]]:
    """The rows of 待办 from the values of ``INBOX_ROW_FIELDS``: what each row shows, worked out here once per page
    rather than with an ``{% include %}`` or ``{% url %}`` per row: the item's link (``url``), the working days left
    (``remaining``, ``late``: from the in-process calendar, no query), the deadline's tone (``due_tone``), and whether
    the task may be approved in a batch (``batchable``: a step that approves without a comment or a form). And the
    row's texts (issue 16): ``title``, ``number``, ``kind_name``, ``unit_label``, ``post_title``, ``delegated`` (acting
    for a post the viewer ``viewer_id`` does not hold), ``arrived`` (m-d H:i, local time), ``due_label`` (Y-m-d) and
    ``mark`` (阅件/办件)."""
    from django.apps import apps
    from django.utils import timezone

    from haimen_gov.workdays import calendar

    from .flows import flow_for
    from .templatetags.workflow_tags import item_url
    from .tones import due_tone

    rows = []
    for task in tasks:
        try:
            model = apps.get_model(task["item__kind__app_label"], task["item__kind__model"])
        except LookupError:
            model = None
        try:
            flow = flow_for(model) if model is not None else None
        except LookupError:
            flow = None
        step = next((s for s in flow.steps.values() if s.code == task["step"]), None) if flow else None
        batchable = bool(
            not task["extra"] and step and flow and "approve" in step.verbs and "approve" not in flow.action_forms
        )
        due, remaining = task["due_date"], calendar.workdays_between(today, task["due_date"]).days
        rows.append(
            {
                "pk": task["id"],
                "item_id": task["item_id"],
                "extra": task["extra"],
                "step_label": task["step_label"],
                "due_estimated": task["due_estimated"],
                "title": task["item__title"],
                "number": task["item__number"],
                "kind_name": str(model._meta.verbose_name) if model is not None else task["item__kind__model"],
                "unit_label": task["item__unit__short_name"] or task["item__unit__name"],
                "post_title": task["post__title"],
                "delegated": task["post__holder_id"] != viewer_id,
                "arrived": timezone.localtime(task["created_at"]).strftime("%m-%d %H:%M"),
                "due_label": due.isoformat(),
                "url": item_url(task["item_id"]),
                "remaining": remaining,
                "late": -remaining,
                "due_tone": due_tone(due, today),
                "batchable": batchable,
                "mark": step_mark(step, extra=task["extra"]),
            }
        )
    return rows


def step_mark(step: Any, *, extra: bool) -> str:
    """阅件 or 办件 for a task of ``step`` (``Step.mark``); an opinion asked of another post (``extra``: 加签、会办) in
    a marked step is something to handle."""
    if step is None or not step.mark:
        return ""
    return "办件" if extra else str(step.mark)


def task_mark(task: Task, step: Any = ...) -> str:
    """阅件 or 办件: what the task is in 待办 — its step's own mark (``Step.mark``), read in process (no query); an
    opinion asked of another post (加签、会办) in a marked step is something to handle. ``step``: the task's step,
    when the caller has looked it up."""
    if step is ...:
        from .flows import flow_for

        model = task.item.kind.model_class()
        try:
            flow = flow_for(model) if model is not None else None
        except LookupError:
            flow = None
        step = next((s for s in flow.steps.values() if s.code == task.step), None) if flow else None
    return step_mark(step, extra=task.extra)


# Posts that are not a leader's: never offered where a leader is meant (加签, 流程干预, delegation's posts).
NOT_LEADER_KINDS = (PostKind.UNIT_CLERK, PostKind.SEAL_CUSTODIAN)


def person_label(name: str, post_title: str, unit: Any) -> str:
    """How a picker names a person: 姓名（职务·单位）, never the login name."""
    return f"{name}（{post_title}·{unit.short_name or unit.name}）"


def post_choices(viewer: User) -> list[tuple[str, list[tuple[int, str]]]]:
    """The posts a leader may be asked for (加签) or a task moved to (流程干预), grouped by unit in the units' order
    and each unit's posts in theirs (the district head first): (unit, [(post id, 姓名（职务·单位）)]). Clerks and the
    custodian are left out, and so are the viewer's own posts. One query."""
    posts = (
        Post.objects.select_related("holder", "unit")
        .exclude(kind__in=NOT_LEADER_KINDS)
        .exclude(holder=viewer)
        .order_by("unit__order", "unit_id", "order", "id")
    )
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for post in posts:
        name = post.holder.display_name if post.holder else "空缺"
        groups.setdefault(post.unit_id, (post.unit.name, []))[1].append(
            (post.pk, person_label(name, post.title, post.unit))
        )
    return list(groups.values())


def user_choices(viewer: User, *, leaders_only: bool = False) -> list[tuple[str, list[tuple[int, str]]]]:
    """Everyone who holds a post, but the viewer, for 传阅 (``leaders_only``: no clerk or custodian, for a delegate):
    grouped by unit, in the order of their posts; a person with several posts is listed once, under the first. One
    query."""
    posts = Post.objects.filter(holder__is_active=True)
    if leaders_only:
        posts = posts.exclude(kind__in=NOT_LEADER_KINDS)
    posts = (
        posts.exclude(holder=viewer).select_related("holder", "unit").order_by("unit__order", "unit_id", "order", "id")
    )
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    seen: set[int] = set()
    for post in posts:
        holder = post.holder
        if holder is None or holder.pk in seen:
            continue
        seen.add(holder.pk)
        groups.setdefault(post.unit_id, (post.unit.name, []))[1].append(
            (holder.pk, person_label(holder.display_name, post.title, post.unit))
        )
    return list(groups.values())


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
    visible = visible_items(user, posts=posts)
    # The item's few links first, then whether each linked item is visible (an EXISTS per link). Written as
    # ``to_item IN (visible items)``, PostgreSQL hashed every item the viewer may see — all 110,000 for the office,
    # 40 ms — to keep one link (issue 16).
    links = (
        ItemLink.objects.filter(
            Q(from_item_id=item.pk) & Q(Exists(visible.filter(pk=OuterRef("to_item_id"))))
            | Q(to_item_id=item.pk) & Q(Exists(visible.filter(pk=OuterRef("from_item_id"))))
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


# --------------------------------------------------------------------------- the item page
# Its reads are compiled once per process and prepared once per connection (haimen_gov.prepared.PreparedValues): the
# page pays for running them, not for building and planning them (issue 16). Each returns rows of what the page
# shows, not model instances.


@dataclass
class TaskRow:
    """One of an item's tasks as its page reads it: the columns the rules and the timeline look at, the post's
    title, the names of the post's holder ("" when vacant), of who finished it and of whoever acts for the post today
    by delegation ("" when nobody does). What the timeline shows of it is set by ``timeline.timeline``."""

    pk: int
    step: str
    step_label: str
    round: int
    post_id: int
    extra: bool
    status: str
    decision: str
    comment: str
    due_date: dt.date
    due_estimated: bool
    finished_at: dt.datetime | None
    acting_label: str
    acting_today: str | None
    post_title: str
    holder_name: str
    finished_by_name: str
    # What the timeline shows, set by timeline.describe_tasks.
    decision_label: str = ""
    finished_label: str = ""
    acting_for: bool = False
    due_label: str = ""
    due_tone: str = ""
    nudge_url: str = ""


def _item_tasks(item_id: int, day: dt.date) -> QuerySet[Any, Any]:
    return (
        with_acting_today(Task.objects.filter(item_id=item_id), on=day)
        .order_by("created_at", "id")
        .values(  # type: ignore[misc]  # "acting_today": with_acting_today's annotation, unknown to the stubs
            "pk",
            "step",
            "step_label",
            "round",
            "post_id",
            "extra",
            "status",
            "decision",
            "comment",
            "due_date",
            "due_estimated",
            "finished_at",
            "acting_label",
            "acting_today",
            post_title=F("post__title"),
            holder_name=display_name("post__holder"),
            finished_by_name=display_name("finished_by"),
        )
    )


_ITEM_TASKS = PreparedValues("item_tasks", _item_tasks, item_id=int, day=dt.date)


def item_page_tasks(item_id: int, today: dt.date) -> list[TaskRow]:
    """All of the item's tasks, oldest first, in one query (whoever acts for each open one on ``today``)."""
    return [TaskRow(**row) for row in _ITEM_TASKS(item_id=item_id, day=today)]


@dataclass
class HistoryRow:
    """One history entry as the item page reads it, with the names of its actor ("" for the system) and post."""

    pk: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    post_title: str
    acting_label: str
    verb: str
    verb_label: str
    step_label: str
    from_state: str
    to_state: str
    to_state_label: str
    comment: str
    # What the history table shows, set by timeline.describe_history.
    at_label: str = ""
    action_label: str = ""
    acting_class: str = ""
    comment_html: str = ""


_ITEM_HISTORY = PreparedValues(
    "item_history",
    lambda item_id: (
        HistoryEntry.objects.filter(item_id=item_id)
        .order_by("at", "id")
        .values(
            "pk",
            "at",
            "actor_id",
            "acting_label",
            "verb",
            "verb_label",
            "step_label",
            "from_state",
            "to_state",
            "to_state_label",
            "comment",
            actor_name=display_name("actor"),
            post_title=Coalesce(F("post__title"), Value("")),
        )
    ),
    item_id=int,
)


def item_page_history(item_id: int) -> list[HistoryRow]:
    """The item's history, oldest first, in one query."""
    return [HistoryRow(**row) for row in _ITEM_HISTORY(item_id=item_id)]


@dataclass
class CopyRow:
    """One 传阅 of the item: to whom (their name) and whether they have read it."""

    user_id: int
    user_name: str
    read_at: dt.datetime | None


_ITEM_COPIES = PreparedValues(
    "item_copies",
    lambda item_id: (
        CarbonCopy.objects.filter(item_id=item_id)
        .order_by("created_at")
        .values("user_id", "read_at", user_name=display_name("user"))
    ),
    item_id=int,
)


def item_page_copies(item_id: int) -> list[CopyRow]:
    """Whom the item was copied to (传阅), in the order it was, in one query."""
    return [CopyRow(**row) for row in _ITEM_COPIES(item_id=item_id)]

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

# The navigation counts up to this many of each and then shows "999+" (templatetags ``nav_count``): counting stops
# at NAV_COUNT_CAP + 1 rows, so a page costs the same for an inbox of 25,000 tasks as for one of 1,000.
NAV_COUNT_CAP = 999
PORTAL_NAME = "海门区人民政府工作平台"

# One statement, written out rather than built with the ORM: it runs on every page, and compiling the equivalent
# queryset (four subqueries over the acting posts) cost more CPU than PostgreSQL takes to answer it. The posts are
# those of ``org.routing.acting_posts`` (held, or delegated today and not a seal custodian's), so the inbox count is
# exactly the number of rows of ``workflow.selectors.inbox``. Each count reads at most ``limit`` entries of a partial
# index (task_open_inbox, notification_unread) and never the heap for a vacuumed table.
# The same statement returns those posts, one row each (the counts repeated; one row of NULLs for none), in the order
# of acting_posts: a page's view (``workflow.views.viewer_posts``) and the leave menu take them from here instead of a
# query of their own.
_NAV_SQL = """
WITH posts AS (
    SELECT p.id FROM {post} p WHERE p.holder_id = %(user)s
    UNION
    SELECT p.id FROM {post} p JOIN {delegation} d ON d.post_id = p.id
    WHERE d.delegate_id = %(user)s AND d.start <= %(day)s AND d."end" >= %(day)s AND d.revoked_at IS NULL
      AND p.kind <> %(custodian)s
)
SELECT * FROM (SELECT
    (SELECT count(*) FROM (SELECT 1 FROM {task} t
        WHERE t.status = %(open)s AND t.post_id IN (SELECT id FROM posts) LIMIT %(limit)s) s),
    (SELECT count(*) FROM (SELECT 1 FROM {task} t
        WHERE t.status = %(open)s AND t.post_id IN (SELECT id FROM posts) AND t.due_date < %(day)s LIMIT %(limit)s) s),
    (SELECT count(*) FROM (SELECT 1 FROM {notification} n
        WHERE n.user_id = %(user)s AND n.read_at IS NULL LIMIT %(limit)s) s),
    (SELECT count(*) FROM (SELECT 1 FROM {copy} c
        WHERE c.user_id = %(user)s AND c.read_at IS NULL LIMIT %(limit)s) s),
    (SELECT count(*) FROM posts),
    (SELECT count(*) FROM {post} p WHERE p.holder_id = %(user)s),
    (SELECT count(*) FROM {post} p WHERE p.holder_id = %(user)s AND p.kind = %(custodian)s),
    (SELECT count(*) FROM {post} p WHERE p.holder_id = %(user)s AND p.kind IN ({delegating})),
    (SELECT count(*) FROM {post} p WHERE p.id IN (SELECT id FROM posts) AND p.kind IN ({dashboard_kinds}))
) counts
LEFT JOIN {post} ap ON ap.id IN (SELECT id FROM posts)
ORDER BY ap."order", ap.id
"""


def nav_counts(user: Any, today: dt.date | None = None) -> dict[str, int]:
    return nav_counts_and_posts(user, today)[0]


def nav_counts_and_posts(user: Any, today: dt.date | None = None) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """The navigation's counts (待办, overdue, unread notices, unread copies) in one query. Each is exact up to
    NAV_COUNT_CAP; above it, the count is NAV_COUNT_CAP + 1 ("999+"). The same query tells what the menus offer:
    ``acting`` posts acted for today (none: no 待办 queue), ``held`` posts held in person (none: nothing to apply
    for), ``custodian`` seal custodian posts held (the 待用印登记 queue is theirs alone), ``leader`` posts held that
    may be delegated from the portal (委托), ``dashboard`` whether the user may open the dashboard (acts for a
    leader's or the office's post today). With them, (id, kind) of the posts acted for, as
    ``org.routing.acting_posts`` gives them."""
    from haimen_gov.dashboard.scope import DASHBOARD_KINDS
    from haimen_gov.org.models import Delegation, Post, PostKind
    from haimen_gov.workflow.actions.delegations import DELEGATING_KINDS
    from haimen_gov.workflow.models import CarbonCopy, Notification, Task, TaskStatus

    sql = _NAV_SQL.format(
        post=Post._meta.db_table,
        delegation=Delegation._meta.db_table,
        task=Task._meta.db_table,
        notification=Notification._meta.db_table,
        copy=CarbonCopy._meta.db_table,
        delegating=", ".join(f"%(delegating{n})s" for n in range(len(DELEGATING_KINDS))),
        dashboard_kinds=", ".join(f"%(dashboard{n})s" for n in range(len(DASHBOARD_KINDS))),
    )
    params = {
        "user": user.pk,
        "day": today or timezone.localdate(),
        "custodian": PostKind.SEAL_CUSTODIAN.value,
        "open": TaskStatus.OPEN.value,
        "limit": NAV_COUNT_CAP + 1,
        **{f"dashboard{n}": kind.value for n, kind in enumerate(sorted(DASHBOARD_KINDS))},
        **{f"delegating{n}": kind.value for n, kind in enumerate(DELEGATING_KINDS)},
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    inbox, overdue, unread, copies, acting, held, custodian, leader, dashboard = rows[0][:9]
    posts = [(row[9], row[10]) for row in rows if row[9] is not None]
    counts = {
        "inbox": inbox,
        "overdue": overdue,
        "unread": unread,
        "copies": copies,
        "acting": acting,
        "held": held,
        "custodian": custodian,
        "leader": leader,
        "dashboard": dashboard,
    }
    return counts, posts


def request_nav_counts(request: HttpRequest) -> dict[str, int]:
    """The user's nav counts, queried once per request: a view that needs them (the inbox's pager) shares them with
    the navigation."""
    counts: dict[str, int] | None = getattr(request, "_nav_counts", None)
    if counts is None:
        counts, posts = nav_counts_and_posts(request.user)
        request._nav_counts = counts  # type: ignore[attr-defined]
        if getattr(request, "_acting_posts", None) is None:
            request._acting_posts = posts  # type: ignore[attr-defined]
    return counts


def portal(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"portal_name": PORTAL_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["nav"] = SimpleLazyObject(lambda: request_nav_counts(request))
    return context

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from haimen_gov import prepared

# The navigation counts up to this many of each and then shows "999+" (templatetags ``nav_count``): counting stops
# at NAV_COUNT_CAP + 1 rows, so a page costs the same for an inbox of 25,000 tasks as for one of 1,000.
NAV_COUNT_CAP = 999
PORTAL_NAME = "海门区人民政府工作平台"

# One statement, written out rather than built with the ORM: it runs on every page, and compiling the equivalent
# queryset (four subqueries over the acting posts) cost more CPU than PostgreSQL takes to answer it. The posts are
# those of ``org.routing.acting_posts`` (held, or delegated today and not a seal custodian's), so the inbox count is
# exactly the number of rows of ``workflow.selectors.inbox``. Each count reads at most ``limit`` entries of a partial
# index (task_open_inbox, notification_unread) and never the heap for a vacuumed table.
_NAV_SQL = """
WITH posts AS (
    SELECT p.id FROM {post} p WHERE p.holder_id = %(user)s
    UNION
    SELECT p.id FROM {post} p JOIN {delegation} d ON d.post_id = p.id
    WHERE d.delegate_id = %(user)s AND d.start <= %(day)s AND d."end" >= %(day)s AND d.revoked_at IS NULL
      AND p.kind <> %(custodian)s
), counts AS (
SELECT
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
    (SELECT count(*) FROM {post} p WHERE p.id IN (SELECT id FROM posts) AND p.kind IN ({dashboard_kinds})),
    EXISTS (SELECT 1 FROM {post} p JOIN {unit} u ON u.id = p.unit_id
        WHERE p.id IN (SELECT id FROM posts) AND u.kind = %(gov_office)s
          AND (p.kind IN ({office_kinds}) OR EXISTS (SELECT 1 FROM {user_groups} ug JOIN {group} g ON g.id = ug.group_id
               WHERE ug.user_id = %(user)s AND g.name = %(staff_group)s))),
    EXISTS (SELECT 1 FROM {designation} d JOIN {post} p ON p.unit_id = d.unit_id
        WHERE p.id IN (SELECT id FROM posts) AND d.starts_on <= %(day)s AND d.ends_on >= %(day)s),
    EXISTS (SELECT 1 FROM {post} p WHERE p.id IN (SELECT id FROM posts) AND p.kind IN ({reporting_kinds})),
    EXISTS (SELECT 1 FROM {post} p WHERE p.id IN (SELECT id FROM posts) AND p.kind IN ({gov_leader_kinds}))
)
SELECT counts.*, a.id, a.kind FROM counts LEFT JOIN {post} a ON a.id IN (SELECT id FROM posts) ORDER BY a.id
"""


def _placeholders(name: str, values: Any) -> tuple[str, dict[str, str]]:
    """``%(name0)s, %(name1)s …`` and their parameters, for ``IN (…)`` over a list of kinds."""
    values = list(values)
    return (
        ", ".join(f"%({name}{n})s" for n in range(len(values))),
        {f"{name}{n}": str(value) for n, value in enumerate(values)},
    )


@functools.cache
def _nav_statement() -> str:
    """The navigation's statement, with the constants of the code written in (the kinds and states it counts)."""
    from django.contrib.auth.models import Group

    from haimen_gov.dashboard.scope import DASHBOARD_KINDS
    from haimen_gov.org.models import Delegation, Post, PostKind, Unit, UnitKind, User
    from haimen_gov.workflow.actions.delegations import DELEGATING_KINDS
    from haimen_gov.workflow.models import CarbonCopy, Notification, Task, TaskStatus
    from leave.models import GOVERNMENT_LEADER_KINDS, REPORTING_KINDS
    from supervision.actions import OFFICE_LEAD_KINDS
    from supervision.models import Designation

    office_kinds, office_params = _placeholders("office", OFFICE_LEAD_KINDS)
    reporting_kinds, reporting_params = _placeholders("reporting", REPORTING_KINDS)
    gov_leader_kinds, gov_leader_params = _placeholders("gov_leader", GOVERNMENT_LEADER_KINDS)
    fixed: dict[str, int | str] = {
        "custodian": PostKind.SEAL_CUSTODIAN.value,
        "open": TaskStatus.OPEN.value,
        "limit": NAV_COUNT_CAP + 1,
        "gov_office": UnitKind.GOV_OFFICE.value,
        **{f"dashboard{n}": kind.value for n, kind in enumerate(sorted(DASHBOARD_KINDS))},
        **{f"delegating{n}": kind.value for n, kind in enumerate(DELEGATING_KINDS)},
        **office_params,
        **reporting_params,
        **gov_leader_params,
    }
    sql = _NAV_SQL.format(
        post=Post._meta.db_table,
        unit=Unit._meta.db_table,
        delegation=Delegation._meta.db_table,
        task=Task._meta.db_table,
        notification=Notification._meta.db_table,
        copy=CarbonCopy._meta.db_table,
        user_groups=User.groups.through._meta.db_table,
        group=Group._meta.db_table,
        designation=Designation._meta.db_table,
        delegating=", ".join(f"%(delegating{n})s" for n in range(len(DELEGATING_KINDS))),
        dashboard_kinds=", ".join(f"%(dashboard{n})s" for n in range(len(DASHBOARD_KINDS))),
        office_kinds=office_kinds,
        reporting_kinds=reporting_kinds,
        gov_leader_kinds=gov_leader_kinds,
    )
    # The code's constants written into the text, so that the plan prepared once (a generic plan) sees them: the
    # partial indexes (task_open_inbox: status = 'open') only serve a statement whose state is a constant.
    for name, value in fixed.items():
        sql = sql.replace(f"%({name})s", prepared.literal(value))
    return sql


def nav_counts(user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """The navigation's counts (待办, overdue, unread notices, unread copies) in one query. Each is exact up to
    NAV_COUNT_CAP; above it, the count is NAV_COUNT_CAP + 1 ("999+"). The same query tells what the menus offer:
    ``acting`` posts acted for today (none: no 待办 queue), ``held`` posts held in person (none: nothing to apply
    for), ``custodian`` seal custodian posts held (the 待用印登记 queue is theirs alone), ``leader`` posts held that
    may be delegated from the portal (委托), ``dashboard`` whether the user may open the dashboard (acts for a
    leader's or the office's post today).

    ``posts``: the (id, kind) of the posts acted for today — ``org.routing.acting_posts``, read by
    ``workflow.views.viewer_posts`` from here so that a page does not ask for them again.

    And who the user is for the office-only menus, from the same statement: ``office`` acts today for the district
    government office as its director or a deputy, or as one of its 督查人员 (the group ``SUPERVISION_STAFF_GROUP``)
    — a superuser counts as the office; ``designated`` acts for a unit the district designated for supervision today
    (第三十九条, ``supervision.Designation``); ``reporting`` holds or acts for a post that reports its absences
    (外出报备, 第四十四条); ``gov_leader`` for a head's or vice head's post (基层调研, 第四十六条)."""
    params = {"user": user.pk, "day": today or timezone.localdate(), "staff_group": settings.SUPERVISION_STAFF_GROUP}
    # On every page: prepared once per database connection (haimen_gov.prepared), so planned once, not per request.
    rows = prepared.fetch_all("nav_counts", _nav_statement(), params)
    # One row per acting post (the counts repeated on each), or one row without a post for nobody's.
    row = rows[0]
    inbox, overdue, unread, copies, acting, held, custodian, leader, dashboard = row[:9]
    office, designated, reporting, gov_leader = (bool(flag) for flag in row[9:13])
    return {
        "posts": [(pk, kind) for *_counts, pk, kind in rows if pk is not None],
        "office": office or bool(getattr(user, "is_superuser", False)),
        "designated": designated,
        "reporting": reporting,
        "gov_leader": gov_leader,
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


def request_nav_counts(request: HttpRequest) -> dict[str, Any]:
    """The user's nav counts, queried once per request: a view that needs them (the inbox's pager) shares them with
    the navigation."""
    counts: dict[str, Any] | None = getattr(request, "_nav_counts", None)
    if counts is None:
        counts = nav_counts(request.user)
        request._nav_counts = counts  # type: ignore[attr-defined]
    return counts


def portal(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"portal_name": PORTAL_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["nav"] = SimpleLazyObject(lambda: request_nav_counts(request))
    return context

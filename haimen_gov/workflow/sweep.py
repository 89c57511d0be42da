"""Deadline reminders (SPEC §7; the deadlines of 第十六条, 第二十九条 and every step's working days).

Beat runs :func:`sweep` every few minutes. Each reminder is one row of ``workflow_notification`` per
(task, kind, day), inserted by a single ``INSERT … SELECT … ON CONFLICT DO NOTHING`` per kind: the row is the claim.
A worker killed mid-sweep rolls its transaction back and the next sweep inserts the same rows; two sweeps at once
serialise on the unique index and the loser inserts nothing (rows are inserted in task order, so two sweeps wait on
each other in the same order and cannot deadlock). Set-based SQL keeps a sweep over a million open tasks to a few
index scans.

The "day" of a reminder is the day it is about: the sweep's day for "due today", "overdue" and "escalated" (one a
day), but the task's ``remind_on`` for "due soon", which is sent once however many sweeps (and days off) fall
between ``remind_on`` and the due date.

E-mail follows from the rows: :func:`deliver_emails` leases pending rows (``UPDATE … WHERE email_claimed_at IS NULL
OR lease expired``), sends, and marks them sent. Each message carries a Message-ID derived from the row id, so
should a worker die between sending and marking, the re-send is recognisably the same message.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone

from haimen_gov import workdays

from .models import EmailStatus, Notification, NotificationKind, SweepMark

log = logging.getLogger(__name__)

EMAIL_LEASE = dt.timedelta(minutes=10)
EMAIL_BATCH = 200


@dataclass
class SweepResult:
    due_soon: int = 0
    due_today: int = 0
    overdue: int = 0
    escalated: int = 0

    @property
    def total(self) -> int:
        return self.due_soon + self.due_today + self.overdue + self.escalated


# The person who acts for each post on the day: an active delegation's delegate, else the holder
# (org.routing.who_acts_for, in SQL). Seal-custodian posts never have delegations (第三十条; Delegation.save refuses
# them). Resolved once per post (a few dozen rows) and joined: looked up for every task row instead, it cost four
# index probes a row, most of the sweep's reading time over a million open tasks.
_ACTING = """(
    SELECT p.id AS post_id, COALESCE(d.delegate_id, p.holder_id) AS user_id
    FROM org_post p
    LEFT JOIN org_delegation d
        ON d.post_id = p.id AND d.start <= %(today)s AND d."end" >= %(today)s AND d.revoked_at IS NULL
        -- the latest-starting active delegation (then the latest registered), as in routing.who_acts_for
        AND NOT EXISTS (
            SELECT 1 FROM org_delegation e
            WHERE e.post_id = p.id AND e.start <= %(today)s AND e."end" >= %(today)s AND e.revoked_at IS NULL
              AND (e.start > d.start OR (e.start = d.start AND e.id > d.id))
        )
)"""

_INSERT = """
INSERT INTO workflow_notification
    (user_id, kind, task_id, item_id, day, title, body, url, created_at, email_status)
SELECT r.user_id, %(kind)s, r.task_id, r.item_id, r.day,
       %(prefix)s || r.title, r.step_label || %(suffix)s, r.url, %(now)s,
       CASE WHEN u.email <> '' THEN 'pending' ELSE 'none' END
FROM (
    SELECT t.id AS task_id, t.item_id, i.title, t.step_label, '/items/' || CAST(t.item_id AS varchar(20)) || '/' AS url,
           a.user_id AS user_id, {day} AS day
    FROM workflow_task t
    JOIN workflow_item i ON i.id = t.item_id
    {join}
    JOIN {acting} a ON a.post_id = {post}
    WHERE t.status = 'open' AND {condition} {since}
) r
JOIN org_user u ON u.id = r.user_id
WHERE u.is_active
ORDER BY r.task_id
ON CONFLICT DO NOTHING
"""


def _insert(
    kind: str,
    *,
    condition: str,
    prefix: str,
    suffix: str,
    today: dt.date,
    post: str = "t.post_id",
    join: str = "",
    day: str = "%(today)s",
    since: dt.datetime | None = None,
) -> int:
    sql = _INSERT.format(
        condition=condition,
        acting=_ACTING,
        post=post,
        join=join,
        day=day,
        since="AND t.created_at >= %(since)s" if since is not None else "",
    )
    params: dict[str, Any] = {
        "kind": kind,
        "today": today,
        "now": timezone.now(),
        "prefix": prefix,
        "suffix": suffix,
        "since": since,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


# Transactions that create tasks last well under this: a task committed after a sweep started but created (its
# created_at set) before it is still seen by the next sweep.
SWEEP_OVERLAP = dt.timedelta(minutes=10)


def sweep(today: dt.date | None = None) -> SweepResult:
    """Insert today's reminders for every open task, each exactly once. Returns how many were new."""
    today = today or timezone.localdate()
    result = SweepResult()
    started_at = timezone.now()
    with transaction.atomic():
        mark = SweepMark.objects.filter(day=today).first()
        # After the day's first complete sweep, only tasks created since can have unclaimed reminders for today.
        since = mark.started_at - SWEEP_OVERLAP if mark is not None else None
        if connection.vendor == "postgresql":
            # Compiling these plans (JIT) took ~2 s a statement over a million open tasks, more than it saved.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        result.due_soon = _insert(
            NotificationKind.DUE_SOON,
            condition="t.remind_on <= %(today)s AND t.due_date > %(today)s",
            prefix="【即将到期】",
            suffix="，即将到期，请及时办理。",
            today=today,
            since=since,
            # Keyed on remind_on, not today: once per task, not again on the weekend before a Monday deadline.
            day="t.remind_on",
        )
        result.due_today = _insert(
            NotificationKind.DUE_TODAY,
            condition="t.due_date = %(today)s",
            prefix="【今日到期】",
            suffix="，今日到期，请及时办理。",
            today=today,
            since=since,
        )
        # Overdue reminders go out on working days only; escalation from the configured overdue working day on,
        # to whoever acts for the post above (org.Post.superior).
        if workdays.is_workday(today).workday:
            result.overdue = _insert(
                NotificationKind.OVERDUE,
                condition="t.due_date < %(today)s",
                prefix="【已逾期】",
                suffix="，已超过办理期限，请尽快办理。",
                today=today,
                since=since,
            )
            result.escalated = _insert(
                NotificationKind.ESCALATED,
                condition="t.escalate_on <= %(today)s AND sp.superior_id IS NOT NULL",
                prefix="【逾期督办】",
                suffix="，下级承办已逾期多日，请督促办理。",
                today=today,
                post="sp.superior_id",
                join="JOIN org_post sp ON sp.id = t.post_id",
                since=since,
            )
        if mark is None:
            SweepMark.objects.bulk_create([SweepMark(day=today, started_at=started_at)], ignore_conflicts=True)
    if result.total:
        log.info("sweep %s: %s", today, result)
    return result


def deliver_emails(limit: int = EMAIL_BATCH) -> int:
    """Send pending e-mails under a lease. Returns how many were sent."""
    now = timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            ids = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(email_status=EmailStatus.PENDING)
                .exclude(email_claimed_at__gt=now - EMAIL_LEASE)
                .order_by("id")
                .values_list("id", flat=True)[:limit]
            )
            if not ids:
                return sent
            Notification.objects.filter(pk__in=ids).update(email_claimed_at=timezone.now())
        rows = Notification.objects.filter(pk__in=ids, email_status=EmailStatus.PENDING).select_related("user")
        conn = get_connection()
        for row in rows:
            if not row.user.email or not row.user.is_active:
                # The address was removed (or the account closed) after the row was written: nothing to send, and
                # retrying every lease would never succeed.
                Notification.objects.filter(pk=row.pk, email_status=EmailStatus.PENDING).update(
                    email_status=EmailStatus.NONE
                )
                continue
            message = EmailMessage(
                subject=row.title,
                body=f"{row.user.display_name}：\n\n{row.body}\n\n{_absolute(row.url)}\n\n—— 海门区人民政府工作平台",
                to=[row.user.email],
                headers={"Message-ID": f"<notification-{row.pk}@haimen-portal>"},
                connection=conn,
            )
            try:
                message.send()
            except Exception:  # leave it pending: the lease expires and it is retried
                log.warning("e-mail for notification %s failed; will retry", row.pk, exc_info=True)
                continue
            Notification.objects.filter(pk=row.pk, email_status=EmailStatus.PENDING).update(
                email_status=EmailStatus.SENT, email_sent_at=timezone.now()
            )
            sent += 1
        if len(ids) < limit:
            return sent


def _absolute(url: str) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "")
    return f"{base}{url}" if url else base

"""Deadline reminders (SPEC §7; the deadlines of 第十六条, 第二十九条 and every step's working days).

Beat runs :func:`sweep` every few minutes. Each task's reminder is claimed exactly once by a row of
``workflow_reminder`` per (day, kind, task), inserted by a single ``INSERT … SELECT … RETURNING`` per kind; what one
sweep claimed for one person becomes one notification (and one e-mail) in the same transaction: about the task when
there is one, else gathering them ("您有 12 件待办已超过办理期限", with a page listing them). A worker killed
mid-sweep rolls its transaction back and the next sweep claims the same rows; sweeps take turns on an advisory lock,
so the second of two at once sees the first's claims and adds nothing (and the primary key refuses a second claim
whatever happens). Set-based SQL over narrow, index-only reads keeps the day's first sweep over a million open
tasks to a few seconds; later sweeps that day read only the tasks created since (SweepMark).

The "day" of a reminder is the day it is about: the sweep's day for "due today", "overdue" and "escalated" (one a
day), but the task's ``remind_on`` for "due soon", which is sent once however many sweeps (and days off) fall
between ``remind_on`` and the due date.

E-mail follows from the notifications: :func:`deliver_emails` leases pending rows (``UPDATE … WHERE
email_claimed_at IS NULL OR lease expired``), sends, and marks them sent. Each message carries a Message-ID derived
from the row id, so should a worker die between sending and marking, the re-send is recognisably the same message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone

from haimen_gov import workdays
from haimen_gov.org.models import User

from .models import EmailStatus, Notification, NotificationKind, Reminder, SweepMark, Task

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

# Claim the reminders of one kind: one row per task not claimed yet. Sweeps run one at a time (SWEEP_LOCK), so a plain
# INSERT with NOT EXISTS is enough and half the cost of ON CONFLICT's speculative insertion over a million rows; the
# primary key still refuses a second claim should anything else ever write one. RETURNING gives back what this sweep
# claimed.
_CLAIM = """
INSERT INTO workflow_reminder (day, kind, task_id, user_id)
SELECT r.day, %(kind)s, r.task_id, r.user_id
FROM (
    SELECT t.id AS task_id, a.user_id AS user_id, {day} AS day
    FROM workflow_task t
    {join}
    JOIN {acting} a ON a.post_id = {post}
    WHERE t.status = 'open' AND {condition} {since}
) r
JOIN org_user u ON u.id = r.user_id
WHERE u.is_active
  AND NOT EXISTS (
    SELECT 1 FROM workflow_reminder c WHERE c.day = r.day AND c.kind = %(kind)s AND c.task_id = r.task_id
  )
RETURNING task_id, user_id
"""

# pg_advisory_xact_lock key of the sweep: two beats (or a redelivered message beside a running sweep) take turns;
# the second sees the first's committed claims and adds nothing.
SWEEP_LOCK = 0x68_61_69_6D_65_6E_01  # "haimen" + 1


@dataclass(frozen=True)
class Wording:
    """What a reminder says: about one task (its title, then its step and ``one``), or about ``{n}`` tasks."""

    prefix: str
    one: str
    many_title: str
    many_body: str


WORDING = {
    NotificationKind.DUE_SOON: Wording(
        "【即将到期】",
        "，即将到期，请及时办理。",
        "【即将到期】您有 {n} 件待办即将到期",
        "共 {n} 件待办即将到期，请及时办理。",
    ),
    NotificationKind.DUE_TODAY: Wording(
        "【今日到期】",
        "，今日到期，请及时办理。",
        "【今日到期】您有 {n} 件待办今日到期",
        "共 {n} 件待办今日到期，请及时办理。",
    ),
    NotificationKind.OVERDUE: Wording(
        "【已逾期】",
        "，已超过办理期限，请尽快办理。",
        "【已逾期】您有 {n} 件待办已超过办理期限",
        "共 {n} 件待办已超过办理期限，请尽快办理。",
    ),
    NotificationKind.ESCALATED: Wording(
        "【逾期督办】",
        "，下级承办已逾期多日，请督促办理。",
        "【逾期督办】下级承办的 {n} 件待办已逾期多日",
        "下级承办的 {n} 件待办已逾期多日，请督促办理。",
    ),
}


def _remind(
    kind: str,
    *,
    condition: str,
    today: dt.date,
    post: str = "t.post_id",
    join: str = "",
    day: str = "%(today)s",
    since: dt.datetime | None = None,
    horizon: dt.date | None = None,
) -> int:
    """Claim today's reminders of ``kind`` and notify each recipient once for all the tasks claimed for them.
    Returns how many tasks were claimed."""
    sql = _CLAIM.format(
        condition=condition,
        acting=_ACTING,
        post=post,
        join=join,
        day=day,
        since="AND t.created_at >= %(since)s" if since is not None else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"kind": kind, "today": today, "since": since, "horizon": horizon})
        claimed = cursor.fetchall()
    if claimed:
        _notify(kind, today, claimed)
    return len(claimed)


def _notify(kind: str, today: dt.date, claimed: list[tuple[int, int]]) -> None:
    """One notification per recipient, in the sweep's transaction: about the task itself when there is one, else
    gathering them (its page lists them)."""
    by_user: dict[int, list[int]] = defaultdict(list)
    for task_id, user_id in claimed:
        by_user[user_id].append(task_id)
    single = {ids[0] for ids in by_user.values() if len(ids) == 1}
    tasks = {
        t["id"]: t for t in Task.objects.filter(pk__in=single).values("id", "item_id", "item__title", "step_label")
    }
    emails = dict(User.objects.filter(pk__in=by_user).values_list("id", "email"))
    words, now = WORDING[NotificationKind(kind)], timezone.now()
    rows = []
    for user_id, ids in by_user.items():
        ids.sort()
        common = {
            "user_id": user_id,
            "kind": kind,
            "day": today,
            "count": len(ids),
            "task_ids": ids,
            "created_at": now,
            "email_status": EmailStatus.PENDING if emails.get(user_id) else EmailStatus.NONE,
        }
        if len(ids) == 1:
            task = tasks[ids[0]]
            rows.append(
                Notification(
                    **common,
                    task_id=task["id"],
                    item_id=task["item_id"],
                    title=(words.prefix + task["item__title"])[:250],
                    body=task["step_label"] + words.one,
                    url=f"/items/{task['item_id']}/",
                )
            )
        else:
            n = f"{len(ids):,}"
            rows.append(
                Notification(**common, title=words.many_title.format(n=n), body=words.many_body.format(n=n), url="")
            )
    Notification.objects.bulk_create(rows, batch_size=500)


# Transactions that create tasks last well under this: a task committed after a sweep started but created (its
# created_at set) before it is still seen by the next sweep.
SWEEP_OVERLAP = dt.timedelta(minutes=10)


def sweep(today: dt.date | None = None) -> SweepResult:
    """Insert today's reminders for every open task, each exactly once. Returns how many were new."""
    today = today or timezone.localdate()
    result = SweepResult()
    started_at = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # One sweep at a time (SWEEP_LOCK); the lock ends with the transaction, or with a killed worker's
                # connection.
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])
                # Room for the anti-join against the day's claims to stay in memory. (JIT compilation, which cost
                # ~2 s a statement here, is off for every connection: settings.DATABASES.)
                cursor.execute("SET LOCAL work_mem = '64MB'")
        mark = SweepMark.objects.filter(day=today).first()
        # After the day's first complete sweep, only tasks created since can have unclaimed reminders for today.
        since = mark.started_at - SWEEP_OVERLAP if mark is not None else None
        result.due_soon = _remind(
            NotificationKind.DUE_SOON,
            # Not a remind_on so old that its claim may have been pruned (prune_reminders): never a second time.
            condition="t.remind_on <= %(today)s AND t.remind_on > %(horizon)s AND t.due_date > %(today)s",
            today=today,
            since=since,
            horizon=claims_kept_from(today),
            # Keyed on remind_on, not today: once per task, not again on the weekend before a Monday deadline.
            day="t.remind_on",
        )
        result.due_today = _remind(
            NotificationKind.DUE_TODAY,
            condition="t.due_date = %(today)s",
            today=today,
            since=since,
        )
        # Overdue reminders go out on working days only; escalation from the configured overdue working day on,
        # to whoever acts for the post above (org.Post.superior).
        if workdays.is_workday(today).workday:
            result.overdue = _remind(
                NotificationKind.OVERDUE,
                condition="t.due_date < %(today)s",
                today=today,
                since=since,
            )
            result.escalated = _remind(
                NotificationKind.ESCALATED,
                condition="t.escalate_on <= %(today)s AND sp.superior_id IS NOT NULL",
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


def claims_kept_from(today: dt.date) -> dt.date:
    """The oldest day whose reminder claims are kept: older ones are pruned, and never claimed again."""
    return today - dt.timedelta(days=settings.REMINDER_CLAIM_DAYS)


def prune_reminders(today: dt.date | None = None) -> int:
    """Delete reminder claims older than ``REMINDER_CLAIM_DAYS`` (default 60) days, a day at a time, each in its own
    transaction. An old claim can no longer matter: "due today", "overdue" and "escalated" are claimed for the sweep's
    own day, and the sweep never claims "due soon" for a ``remind_on`` older than the kept days."""
    before = claims_kept_from(today or timezone.localdate())
    deleted = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT day FROM workflow_reminder WHERE day < %s ORDER BY day", [before])
        days = [row[0] for row in cursor.fetchall()]
    for day in days:
        with transaction.atomic():
            deleted += Reminder.objects.filter(day=day).delete()[0]
    if deleted:
        log.info("pruned %s reminder claims before %s", deleted, before)
    return deleted


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
        rows = list(Notification.objects.filter(pk__in=ids, email_status=EmailStatus.PENDING).select_related("user"))
        listed = _listed_tasks(rows)
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
                body=f"{row.user.display_name}：\n\n{row.body}\n{_listing(row, listed)}\n{_absolute(row.link)}\n\n"
                "—— 海门区人民政府工作平台",
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


MAIL_LISTED = 10


def _listed_tasks(rows: list[Notification]) -> dict[int, Task]:
    """The tasks the e-mails of ``rows`` name (the first few of each gathered reminder), in one query."""
    ids = {i for row in rows if row.is_digest for i in (row.task_ids or [])[:MAIL_LISTED]}
    return {t.pk: t for t in Task.objects.filter(pk__in=ids).select_related("item")} if ids else {}


def _listing(row: Notification, found: dict[int, Task]) -> str:
    """For a reminder gathering several tasks: the first few of them, one a line (the link lists them all)."""
    if not row.is_digest:
        return ""
    ids = (row.task_ids or [])[:MAIL_LISTED]
    lines = [
        f"  · {task.item.title}（{task.step_label}，期限 {task.due_date:%Y-%m-%d}）"
        for task in (found[i] for i in ids if i in found)
    ]
    if row.count > len(ids):
        lines.append(f"  …… 等 {row.count:,} 件，详见：")
    return "\n" + "\n".join(lines) + "\n"


def _absolute(url: str) -> str:
    """E-mails are read outside the portal: every link in them is absolute, on PORTAL_BASE_URL."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return f"{base}{url}" if url else base

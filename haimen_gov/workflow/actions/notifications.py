"""Notices (站内通知) and the e-mails that follow them.

A notice is a row written in the transaction of the change it reports; its e-mail is asked of a worker once that
transaction commits (:func:`deliver_emails_on_commit`), and the sweep sends whatever the worker missed."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from haimen_gov.org.models import User

from ..models import EmailStatus, Item, Notification, Task

log = logging.getLogger(__name__)


def notify(
    users: Iterable[User],
    *,
    kind: str,
    item: Item | None,
    title: str,
    body: str = "",
    task: Task | None = None,
    actor: User | None = None,
    url: str = "",
) -> None:
    """Write one notice per user, each marked for e-mail when the user has an address. ``actor``: whoever did what
    the notice reports, who is never told of their own act. ``url``: where the notice leads when it is about
    something other than an item (a meeting); an item's notice leads to the item."""
    if actor is not None:
        users = [user for user in users if user.pk != actor.pk]
    url = item.get_absolute_url() if item is not None else url
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind=kind,
                item=item,
                task=task,
                title=title[:250],
                body=body,
                url=url,
                email_status=EmailStatus.PENDING if user.email else EmailStatus.NONE,
            )
            for user in users
        ]
    )


# After a failed publish, a process leaves the broker alone this long: a publish to a dead broker costs up to
# CELERY_BROKER_CONNECTION_TIMEOUT, which one request in this interval pays instead of every write.
BROKER_RETRY_SECONDS = 10.0
_broker_retry_at = 0.0


def queue_email_delivery() -> None:
    """Ask a worker to send pending e-mails now. If the broker is down, the next sweep sends them."""
    global _broker_retry_at
    from ..tasks import deliver_emails

    if time.monotonic() < _broker_retry_at:
        log.info("broker unavailable a moment ago; pending e-mails wait for the next sweep")
        return
    try:
        deliver_emails.apply_async(retry=False, expires=600)
    except Exception as exc:
        _broker_retry_at = time.monotonic() + BROKER_RETRY_SECONDS
        log.warning("broker unavailable (%s); pending e-mails wait for the next sweep", exc)


def reset_broker_breaker() -> None:
    """Try the broker on the next publish again (tests)."""
    global _broker_retry_at
    _broker_retry_at = 0.0


def deliver_emails_on_commit() -> None:
    """Queue :func:`queue_email_delivery` for when the current transaction commits (tests replace it here)."""
    transaction.on_commit(queue_email_delivery)


def notifications_settle(tasks: Iterable[Task] | None = None, *, item: Item | None = None) -> int:
    """Marks handled (read) the unread notices about tasks that are no longer open: ``tasks`` just finished, or every
    finished or cancelled task of ``item``. Nobody needs to be told again about what is done."""
    now = timezone.now()
    qs = Notification.objects.filter(read_at__isnull=True)
    if tasks is not None:
        qs = qs.filter(task_id__in=[t.pk for t in tasks])
    elif item is not None:
        qs = qs.filter(task__item=item).exclude(task__status="open")
    else:
        return 0
    return qs.update(read_at=now)


def notification_mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())

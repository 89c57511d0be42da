"""Two sweeps (and two e-mail senders) at the same moment, on real PostgreSQL: two threads, two connections.

To be sure the sweeps really overlap, the test holds the first row both will insert in a transaction of its own
until both are waiting on it, then lets go: they race for every row from then on.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from haimen_gov.workflow import sweep as sweep_module
from haimen_gov.workflow.models import EmailStatus, Notification, NotificationKind, Reminder, Task, TaskStatus

from .conftest import backends_waiting_for_their_turn_to_sweep, backends_waiting_on_reminder_insert, claim_held_open

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DAY = dt.date(2026, 9, 10)  # the third overdue working day of memos submitted on 3 Sep


def in_threads(target: Callable[[], Any], count: int = 2) -> tuple[list[threading.Thread], list[Any], list[Any]]:
    """Start ``count`` threads that pass a barrier together and call ``target``; returns threads, results, errors."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, results, errors


def wait_for(check: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_two_sweeps_at_once_insert_each_reminder_once_without_errors(org, submit_memo):
    for n in range(6):
        submit_memo(dt.date(2026, 9, 3), title=f"第{n + 1}份纪要")
    open_tasks = Task.objects.filter(status=TaskStatus.OPEN)
    assert open_tasks.count() == 12
    first = open_tasks.order_by("id").first()
    assert first is not None

    with claim_held_open(first, NotificationKind.OVERDUE, DAY):
        threads, results, errors = in_threads(lambda: sweep_module.sweep(DAY))
        # One sweep gets to the held row and waits on it; the other waits for its turn (sweeps take turns).
        wait_for(lambda: backends_waiting_on_reminder_insert() == 1, "a sweep to wait on the held row")
        wait_for(lambda: backends_waiting_for_their_turn_to_sweep() == 1, "the other sweep to wait for its turn")
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == 2
    # Every open task: an overdue reminder and an escalation, each inserted by exactly one of the two sweeps.
    assert sum(r.total for r in results) == 24
    keys = Counter(Reminder.objects.values_list("task_id", "kind", "day"))
    assert len(keys) == 24 and set(keys.values()) == {1}
    assert {task for task, _kind, _day in keys} == set(open_tasks.values_list("id", flat=True))


def test_two_senders_at_once_send_each_mail_once(org, mailoutbox):
    users = [org.director, org.head, org.vice1, org.vice2, org.justice, org.finance]
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=users[n % len(users)],
                kind=NotificationKind.COPY,
                title=f"【传阅】第{n}份",
                email_status=EmailStatus.PENDING,
            )
            for n in range(60)
        ]
    )

    threads, results, errors = in_threads(lambda: sweep_module.deliver_emails(limit=7))
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sum(results) == 60
    sent = Counter(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert sent == Counter({f"<notification-{r.pk}@haimen-portal>": 1 for r in rows})
    assert not Notification.objects.filter(email_status=EmailStatus.PENDING).exists()

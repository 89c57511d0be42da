"""Fixtures for the deadline-reminder tests: memos submitted on a chosen day, the reminders they got, and an isolated
Celery broker for the test process.

The test-only Memo workflow (tests/workflow_app) opens two tasks on submission (或签): one for the office director's
post, one for the post of the office deputy director in charge of the unit (``deputy1`` for dept1). Their superiors
(Post.superior) are the executive vice head's post and the office director's post.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DEFAULT_DB_ALIAS, connections

from haimen_gov.celery import app as celery_app
from haimen_gov.workflow.actions import item_create, item_fire
from haimen_gov.workflow.models import Reminder, Task, TaskStatus
from tests.factories import Org
from tests.workflow_app.models import Memo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour`` o'clock in Haimen."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.fixture
def submit_memo(org: Org, settings: Any) -> Callable[..., Memo]:
    """``submit_memo(day)``: dept1's clerk drafts and submits a memo at 09:00 on ``day``; its office review is due
    two working days later (WORKFLOW_DUE_DAYS), so that there is a working day for the "due soon" reminder."""
    settings.WORKFLOW_DUE_DAYS = {"tests.memo.office_review": 2}

    def submit(day: dt.date, title: str = "关于推进重点项目建设的会议纪要") -> Memo:
        with time_machine.travel(at(day), tick=False):
            memo = item_create(Memo, actor=org.dept1_clerk, title=title, unit=org.units.dept1)
            return item_fire(Memo, memo.pk, verb="submit", actor=org.dept1_clerk)

    return submit


def tasks_by_post(memo: Memo, org: Org) -> dict[str, Task]:
    """The memo's open tasks keyed by the cast name of their post: ``{"director": …, "deputy1": …}``."""
    names = {post.pk: name for name, post in vars(org.posts).items()}
    tasks = {names[t.post_id]: t for t in Task.objects.filter(item=memo, status=TaskStatus.OPEN)}
    assert set(tasks) == {"director", "deputy1"}, tasks
    return tasks


def reminder_rows(**filters: Any) -> list[tuple[Any, str, Any, str]]:
    """Reminder claims (workflow.Reminder) as (task id, kind, day, username), ordered by day, kind and task."""
    qs = Reminder.objects.filter(**filters).order_by("day", "kind", "task_id")
    return list(qs.values_list("task_id", "kind", "day", "user__username"))


# --------------------------------------------------------------------------- the broker


def broker_url_for_tests() -> str:
    """REDIS_URL's server, database TEST_BROKER_DB (5 unless set): never the database the portal uses. Two test runs
    on one machine at once (separate worktrees) set different TEST_BROKER_DB so their workers never share a queue."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    db = int(os.environ.get("TEST_BROKER_DB", "5"))
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def reset_broker_connections() -> None:
    """Drop the app's pooled broker connections, so that the next publish connects to the broker configured now."""
    pool, celery_app._pool = celery_app._pool, None  # type: ignore[attr-defined]
    if pool is not None:
        pool.force_close_all()
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]


@contextmanager
def broker(monkeypatch: pytest.MonkeyPatch, url: str, **transport_options: Any) -> Iterator[None]:
    """Point this process's Celery app at ``url``. Celery reads the CELERY_BROKER_URL environment variable before
    its configuration, so both are set."""
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    options = {**celery_app.conf.broker_transport_options, **transport_options}
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", options)
    reset_broker_connections()
    try:
        yield
    finally:
        reset_broker_connections()


@pytest.fixture
def keyprefix() -> str:
    """A Redis key prefix of this test's own: its queues cannot meet any other test run's on a shared database."""
    return f"reminders-test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture(autouse=True)
def _isolated_broker(monkeypatch: pytest.MonkeyPatch, keyprefix: str) -> Iterator[None]:
    """Whatever these tests publish (``queue_email_delivery`` on commit) goes to a queue of their own, not to the
    shared broker where a worker of another run would pick it up."""
    url = broker_url_for_tests()
    with broker(monkeypatch, url, global_keyprefix=keyprefix):
        yield
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        keys = list(client.scan_iter(match=f"{keyprefix}*"))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass  # nothing was published, or the broker is gone: nothing of ours to clean


# --------------------------------------------------------------------------- holding a sweep up


@contextmanager
def claim_held_open(task: Task, kind: str, day: dt.date) -> Iterator[None]:
    """Insert the reminder claim (day, kind, task) in a transaction of a separate connection and keep it open: a sweep
    that gets to the same row waits on the primary key until the block ends, when the insert is rolled back."""
    conn = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        conn.set_autocommit(False)
        with conn.cursor() as cursor:
            cursor.execute(
                "INSERT INTO workflow_reminder (day, kind, task_id, user_id) VALUES (%s, %s, %s, %s)",
                [day, kind, task.pk, task.post.holder_id],
            )
        yield
    finally:
        conn.rollback()
        conn.close()


def backends_of(application_name: str) -> int:
    """How many connections the processes that named themselves ``application_name`` hold to the test database."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [application_name],
        )
        return int(cursor.fetchone()[0])


def backends_waiting_on_reminder_insert(application_name: str | None = None) -> int:
    """How many connections to the test database are blocked in a reminder INSERT waiting for a lock."""
    sql = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        " AND query LIKE %s"
    )
    params: list[Any] = ["%INSERT INTO workflow_reminder%"]
    if application_name is not None:
        sql += " AND application_name = %s"
        params.append(application_name)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def backends_waiting_for_their_turn_to_sweep() -> int:
    """How many connections to the test database wait for the sweep's advisory lock (another sweep is running)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'"
            " AND query LIKE %s",
            ["%pg_advisory_xact_lock%"],
        )
        return int(cursor.fetchone()[0])

"""The sweep and the e-mail outbox under a real Celery worker process (``celery -A haimen_gov worker --pool=solo``):
sent through the broker, killed with SIGKILL in the middle of a sweep, and with Redis restarting under it.

Each test starts its own worker(s) against the pytest-django test database (``transactional_db``: the worker sees
committed rows only) and a broker of its own: Redis database 5 under a key prefix of the test's own, or, for the
restart, a private ``redis-server`` on a free port (the shared server on 6379 is never touched). Workers write e-mail
with Django's file backend; a message's Message-ID names its notification, so "sent once" is counted from the files.
Workers are always killed in teardown; their log is printed there (pytest shows it when a test fails) and quoted in
every time-out.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings

from haimen_gov.workflow.actions import item_create, item_fire
from haimen_gov.workflow.models import EmailStatus, Notification, NotificationKind, Reminder, Task
from haimen_gov.workflow.tasks import sweep
from tests.factories import Org
from tests.workflow_app.models import Memo, MemoState

from .conftest import (
    backends_of,
    backends_waiting_on_reminder_insert,
    broker,
    broker_url_for_tests,
    claim_held_open,
    reminder_rows,
    tasks_by_post,
)

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
DAY = dt.date(2026, 9, 10)  # a Thursday
STARTUP_TIMEOUT = 60
WORK_TIMEOUT = 30


# --------------------------------------------------------------------------- processes


def wait_until(check: Callable[[], Any], *, what: str, timeout: float = WORK_TIMEOUT, logs: Callable[[], str]) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{logs()}")
        time.sleep(0.1)


class Worker:
    """One ``celery worker`` subprocess, in a process group of its own so that SIGKILL reaches all of it."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path) -> None:
        self.name, self.env, self.log_path = name, env, log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, logs: Callable[[], str]) -> Worker:
        with self.log_path.open("ab") as log:
            self.proc = proc = subprocess.Popen(
                [
                    CELERY,
                    "-A",
                    "haimen_gov",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    f"--hostname={self.name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        ready = re.compile(rf"{re.escape(self.name)}@\S+ ready\.")
        wait_until(
            lambda: ready.search(self.log()) or proc.poll() is not None,
            what=f"{self.name} to start",
            timeout=STARTUP_TIMEOUT,
            logs=logs,
        )
        assert proc.poll() is None, f"{self.name} exited with {proc.returncode}\n{logs()}"
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def succeeded(self, task_id: str) -> bool:
        return f"[{task_id}] succeeded" in self.log()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


class RedisServer:
    """A private ``redis-server`` on a free port, appending every write to its AOF so that a restart keeps the
    queues (and the unacknowledged messages) as a production Redis with persistence would."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with (self.directory / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    str(self.directory),
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "always",
                    "--save",
                    "",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise AssertionError(
                        "private redis-server did not start: "
                        + (self.directory / "redis.log").read_text(errors="replace")
                    ) from None
                time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM: Redis shuts down cleanly (the AOF is already on disk: appendfsync always)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def worker_database_url(application_name: str) -> str:
    """The pytest-django test database (not the one DATABASE_URL names), as a URL for the worker's environment."""
    db = django_settings.DATABASES["default"]
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    host = f"{db['HOST'] or ''}:{db['PORT']}" if db.get("PORT") else db["HOST"] or ""
    return f"postgres://{auth}@{host}/{quote(db['NAME'], safe='')}?application_name={application_name}"


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def workers(tmp_path: Path, maildir: Path, keyprefix: str) -> Iterator[dict[str, Any]]:
    """``workers["start"](name, broker_url)`` starts a worker; all are killed (SIGKILL) when the test ends."""
    started: list[Worker] = []

    def logs() -> str:
        return "\n".join(f"----- log of {w.name} -----\n{w.log()[-6000:]}" for w in started)

    def start(name: str, broker_url: str) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
            "DATABASE_URL": worker_database_url(name),
            "DB_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": broker_url,
            "REMINDER_TEST_KEYPREFIX": keyprefix,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(maildir),
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        }
        env.pop("CELERY_BROKER_WRITE_URL", None)
        worker = Worker(name, env, tmp_path / f"{name}.log")
        started.append(worker)
        return worker.start(logs)

    yield {"start": start, "logs": logs}
    for worker in started:
        worker.kill()
    print(logs())
    # A killed worker's database connection ends with it; wait for the server to notice, so that the flush at the
    # end of the test does not wait on a lock it still holds.
    deadline = time.monotonic() + 30
    while any(backends_of(w.name) for w in started) and time.monotonic() < deadline:
        time.sleep(0.1)


def sent_mail(maildir: Path) -> Counter[int]:
    """How many times each notification was e-mailed, read from the file backend's output."""
    counts: Counter[int] = Counter()
    for path in maildir.glob("*") if maildir.exists() else []:
        for match in re.finditer(rb"^Message-ID: <notification-(\d+)@haimen-portal>", path.read_bytes(), re.M):
            counts[int(match.group(1))] += 1
    return counts


def mail_is_settled(maildir: Path) -> bool:
    """Every notification that should be e-mailed was, and the files say so."""
    pending = Notification.objects.filter(email_status=EmailStatus.PENDING).exists()
    sent = set(Notification.objects.filter(email_status=EmailStatus.SENT).values_list("id", flat=True))
    return not pending and set(sent_mail(maildir)) == sent


def assert_each_mail_sent_once(maildir: Path) -> None:
    mail = sent_mail(maildir)
    sent = Notification.objects.filter(email_status=EmailStatus.SENT)
    assert set(mail) == set(sent.values_list("id", flat=True))
    assert not Notification.objects.filter(email_status=EmailStatus.PENDING).exists()
    doubles = {pk: n for pk, n in mail.items() if n != 1}
    assert doubles == {}, f"e-mailed more than once: {doubles}"
    # Nobody without an address is mailed; everybody with one is.
    assert not sent.filter(user__email="").exists()
    assert not Notification.objects.filter(email_status=EmailStatus.NONE).exclude(user__email="").exists()


def submit_now(org: Org, title: str = "关于秋季防汛工作的会议纪要") -> Memo:
    memo = item_create(Memo, actor=org.dept1_clerk, title=title, unit=org.units.dept1)
    return item_fire(Memo, memo.pk, verb="submit", actor=org.dept1_clerk)


def a_day_of_reminders(org: Org, submit_memo: Callable[..., Memo]) -> tuple[set[tuple[int, str, dt.date, str]], int]:
    """Three memos whose tasks, on DAY, are due soon, due today, and on their third overdue working day; deputy1 has
    no e-mail address. Returns the reminders DAY's sweep must insert, and the task whose escalation the tests hold
    up (it is the last kind a sweep inserts)."""
    org.deputy1.email = ""
    org.deputy1.save(update_fields=["email"])
    late = tasks_by_post(submit_memo(dt.date(2026, 9, 3), "逾期的纪要"), org)  # due Mon 7 Sep
    today = tasks_by_post(submit_memo(dt.date(2026, 9, 8), "今日到期的纪要"), org)  # due Thu 10 Sep
    soon = tasks_by_post(submit_memo(dt.date(2026, 9, 9), "即将到期的纪要"), org)  # due Fri 11 Sep
    k = NotificationKind
    expected: set[tuple[int, str, dt.date, str]] = {
        (late["director"].pk, k.OVERDUE, DAY, "director"),
        (late["director"].pk, k.ESCALATED, DAY, "exec_vice"),
        (late["deputy1"].pk, k.OVERDUE, DAY, "deputy1"),
        (late["deputy1"].pk, k.ESCALATED, DAY, "director"),
        (today["director"].pk, k.DUE_TODAY, DAY, "director"),
        (today["deputy1"].pk, k.DUE_TODAY, DAY, "deputy1"),
        (soon["director"].pk, k.DUE_SOON, DAY, "director"),
        (soon["deputy1"].pk, k.DUE_SOON, DAY, "deputy1"),
    }
    return expected, late["director"].pk


def reminders_on(day: dt.date) -> list[tuple[int, str, dt.date, str]]:
    return reminder_rows(day=day)


# --------------------------------------------------------------------------- (a) + (c): through the broker


def test_a_sweep_sent_through_the_broker_inserts_and_mails_each_reminder_once(org, submit_memo, workers, maildir):
    expected, _held = a_day_of_reminders(org, submit_memo)
    logs = workers["logs"]
    worker = workers["start"]("reminders-a", broker_url_for_tests())

    first = sweep.delay(DAY.isoformat())
    wait_until(lambda: worker.succeeded(first.id), what="the first sweep", logs=logs)

    assert sorted(reminders_on(DAY)) == sorted(expected)
    wait_until(lambda: mail_is_settled(maildir), what="the e-mail", logs=logs)
    assert_each_mail_sent_once(maildir)
    # Five reminders (deputy1 has no address) and the three new-task notices of the director's post.
    assert sum(sent_mail(maildir).values()) == 5 + 3
    rows, mail = reminders_on(DAY), sent_mail(maildir)

    again = sweep.delay(DAY.isoformat())
    wait_until(lambda: worker.succeeded(again.id), what="the second sweep", logs=logs)

    assert reminders_on(DAY) == rows
    assert sent_mail(maildir) == mail


def test_a_new_task_is_mailed_at_once_without_waiting_for_the_sweep(org, submit_memo, workers, maildir):
    logs = workers["logs"]
    workers["start"]("reminders-new", broker_url_for_tests())
    org.deputy1.email = "xu.ming@haimen.example"
    org.deputy1.save(update_fields=["email"])

    memo = submit_now(org)  # no time travel: the on-commit publish carries a live expiry

    notices = Notification.objects.filter(item=memo, kind=NotificationKind.NEW_TASK)
    assert sorted(notices.values_list("user__username", flat=True)) == ["deputy1", "director"]
    wait_until(
        lambda: set(sent_mail(maildir)) == set(notices.values_list("id", flat=True)),
        what="the new-task e-mails",
        logs=logs,
    )
    wait_until(lambda: mail_is_settled(maildir), what="the rows marked sent", logs=logs)
    assert_each_mail_sent_once(maildir)
    assert not reminder_rows()  # no sweep ran: the notices went out on commit


# --------------------------------------------------------------------------- (b): SIGKILL mid-sweep


def test_a_worker_killed_mid_sweep_loses_nothing_and_sends_nothing_twice(org, submit_memo, workers, maildir):
    expected, held = a_day_of_reminders(org, submit_memo)
    logs = workers["logs"]
    first = workers["start"]("reminders-b1", broker_url_for_tests())

    with claim_held_open(Task.objects.get(pk=held), NotificationKind.ESCALATED, DAY):
        result = sweep.delay(DAY.isoformat())
        # The sweep inserts (uncommitted) its due-soon, due-today and overdue rows, then waits on the row we hold.
        wait_until(
            lambda: backends_waiting_on_reminder_insert("reminders-b1") == 1,
            what="the sweep to block on the held row",
            logs=logs,
        )
        first.kill()
        assert reminders_on(DAY) == []  # nothing committed
        assert sent_mail(maildir) == Counter()  # nothing sent

    # Its half-done transaction ends (rolled back) when PostgreSQL notices the client is gone: nothing committed.
    wait_until(lambda: backends_of("reminders-b1") == 0, what="the killed worker's connection to end", logs=logs)
    assert reminders_on(DAY) == []

    # Nobody sends the sweep again: the broker hands the unacknowledged message to the next worker (acks_late).
    second = workers["start"]("reminders-b2", broker_url_for_tests())
    wait_until(lambda: second.succeeded(result.id), what="the redelivered sweep", logs=logs)
    assert not first.succeeded(result.id)

    assert sorted(reminders_on(DAY)) == sorted(expected)
    wait_until(lambda: mail_is_settled(maildir), what="the e-mail", logs=logs)
    assert_each_mail_sent_once(maildir)

    # The next beat sweep adds nothing and sends nothing.
    mail = sent_mail(maildir)
    again = sweep.delay(DAY.isoformat())
    wait_until(lambda: second.succeeded(again.id), what="the next sweep", logs=logs)
    assert sorted(reminders_on(DAY)) == sorted(expected)
    assert sent_mail(maildir) == mail


# --------------------------------------------------------------------------- (d): Redis restarts


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed: this test restarts a Redis of its own")
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def test_redis_restarting_mid_sweep_loses_nothing_and_doubles_nothing(
    org, submit_memo, workers, maildir, private_redis, monkeypatch, caplog
):
    logs = workers["logs"]
    with broker(monkeypatch, private_redis.url):
        expected, held = a_day_of_reminders(org, submit_memo)
        # Submitted today: none of its tasks is reminded on DAY, and the held-up sweep holds no lock on it (the
        # sweep's uncommitted rows key-share-lock the items they point at; approving locks the item FOR UPDATE).
        other = submit_now(org)
        worker = workers["start"]("reminders-d", private_redis.url)

        with claim_held_open(Task.objects.get(pk=held), NotificationKind.ESCALATED, DAY):
            sweep.delay(DAY.isoformat())
            wait_until(
                lambda: backends_waiting_on_reminder_insert("reminders-d") == 1,
                what="the sweep to block on the held row",
                logs=logs,
            )
            private_redis.stop()

            # The broker is down: approving still works; its e-mails wait in the outbox.
            item_fire(Memo, other.pk, verb="approve", actor=org.director, comment="同意。")
            assert "broker unavailable" in caplog.text
            assert Memo.objects.get(pk=other.pk).state == MemoState.JOINT_REVIEW
            new_tasks = Notification.objects.filter(
                item=other, kind=NotificationKind.NEW_TASK, task__step="joint_review"
            )
            assert sorted(new_tasks.values_list("user__username", "email_status")) == [
                ("director", EmailStatus.PENDING),
                ("justice", EmailStatus.PENDING),
            ]

            private_redis.start()
        # The held row is released: the sweep that was running when Redis went away goes on to its end (and its
        # message, if the acknowledgement was lost with the connection, is redelivered and adds nothing).

        # Beat's next sweep, published once the broker is back (with the publish retry policy beat uses).
        second = sweep.delay(DAY.isoformat())
        wait_until(lambda: worker.succeeded(second.id), what="the sweep after the restart", logs=logs)
        assert "Connection to broker lost" in worker.log()  # the worker did live through the restart
        wait_until(lambda: mail_is_settled(maildir), what="the e-mail", logs=logs)

        assert sorted(reminders_on(DAY)) == sorted(expected)
        assert Reminder.objects.count() == len(expected)
        assert set(new_tasks.values_list("id", flat=True)) <= set(sent_mail(maildir))
        assert_each_mail_sent_once(maildir)

"""Issue 9, item 4: with Redis gone mid-run the pages go on from the database, and /healthz says what is down.

The test starts a private redis-server of its own on a free port (the shared one must stay up for every other test),
points the cache and the sessions at it, and kills it halfway.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from tests.workflow.helpers import reload, submitted_memo
from tests.workflow_app.models import MemoState

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def private_redis(tmp_path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:  # type: ignore[no-untyped-def]
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: make test installs it (scripts/lib.sh TEST_DEBS)"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                redis.Redis(port=port, socket_connect_timeout=0.2).ping()
                break
            except redis.RedisError:
                time.sleep(0.05)
        else:
            pytest.fail("the private Redis did not start")
        yield process, port
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def cache_on_private_redis(settings, private_redis):  # type: ignore[no-untyped-def]
    process, port = private_redis
    settings.CACHES = {
        "default": {"BACKEND": "haimen_gov.cache.ResilientRedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.reset()  # type: ignore[attr-defined]
    yield process
    cache.reset()  # type: ignore[attr-defined]


def kill(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait(timeout=10)


def test_login_inbox_item_page_and_approval_work_after_redis_dies(org, cache_on_private_redis):
    memo = submitted_memo(org)
    before = Client()
    assert before.post(LOGIN, {"username": "director", "password": org.password}).status_code == 302
    assert before.get("/inbox/").status_code == 200
    assert cache.get(f"django.contrib.sessions.cached_db{before.session.session_key}") is not None  # in Redis

    kill(cache_on_private_redis)

    # Someone logged in before the outage stays logged in (the session comes from the database) …
    inbox = before.get("/inbox/")
    assert inbox.status_code == 200
    assert memo.title in inbox.content.decode()
    assert before.get(f"/items/{memo.pk}/").status_code == 200
    approve = before.post(f"/items/{memo.pk}/transitions/approve/", {"state": memo.state})
    assert approve.status_code == 302
    assert reload(memo).state == MemoState.JOINT_REVIEW
    # … and someone logging in during it gets in.
    after = Client()
    assert after.post(LOGIN, {"username": "justice", "password": org.password}).status_code == 302
    page = after.get("/inbox/")
    assert page.status_code == 200
    assert memo.title in page.content.decode()
    assert after.get(f"/items/{memo.pk}/").status_code == 200


def test_a_dead_redis_is_skipped_without_touching_the_network_until_the_retry(cache_on_private_redis):
    kill(cache_on_private_redis)

    assert cache.get("anything", "fallback") == "fallback"
    assert not cache.available()  # type: ignore[attr-defined]
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]
    with pytest.raises(ValueError):
        cache.incr("n")


def test_healthz_reports_each_dependency(org, cache_on_private_redis):
    healthy = Client().get("/healthz")
    assert healthy.status_code == 200
    assert healthy.json()["status"] == "ok"
    assert {name: check["status"] for name, check in healthy.json()["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
    }

    kill(cache_on_private_redis)

    degraded = Client().get("/healthz")
    assert degraded.status_code == 200  # pages still work: a load balancer keeps the node
    body = degraded.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"
    assert "error" in body["checks"]["cache"]


def test_healthz_is_503_when_the_database_is_down(monkeypatch):
    from haimen_gov import health

    def broken() -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(health, "_database", broken)

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["database"]["status"] == "down"


def test_after_a_failed_publish_the_next_writes_skip_the_dead_broker(org, monkeypatch, caplog):
    """An approval's e-mail publish to a dead broker costs up to CELERY_BROKER_CONNECTION_TIMEOUT (2 s): one write in
    BROKER_RETRY_SECONDS pays it, the others skip the broker (the sweep sends their e-mails)."""
    from haimen_gov.workflow import tasks
    from haimen_gov.workflow.actions import notifications
    from tests.reminders.conftest import broker

    tried: list[int] = []
    real_apply_async = tasks.deliver_emails.apply_async

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        tried.append(1)
        return real_apply_async(*args, **kwargs)

    monkeypatch.setattr(tasks.deliver_emails, "apply_async", spy)
    with broker(monkeypatch, "redis://127.0.0.1:1/0"):
        for _ in range(3):
            notifications.queue_email_delivery()

    assert len(tried) == 1
    assert "broker unavailable" in caplog.text

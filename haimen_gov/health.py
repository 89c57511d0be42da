"""/healthz: each dependency's state, as JSON, for load balancers and monitoring.

``{"status": "ok" | "degraded" | "down", "checks": {"database": {...}, "cache": {...}, "broker": {...}}}``, each
check ``{"status": "ok" | "down" | "not used", "ms": <how long it took>, "error": "<why>"}``.
The status code follows what the node can still do: 200 while the database answers (with the cache or the broker down
the pages still work, slower, and e-mails wait for the next sweep: "degraded"), 503 when the database does not
("down": a load balancer should take the node out).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse

# How long the broker check waits to connect (seconds).
BROKER_TIMEOUT = 1


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> str | None:
    ping = getattr(cache, "ping", None)
    if ping is None:
        return "not used"  # the in-process cache of a single-machine setup
    ping()
    return None


def _broker() -> str | None:
    from haimen_gov.celery import app

    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        return "not used"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)
    return None


def _run(check: Callable[[], str | None]) -> dict[str, Any]:
    started = time.monotonic()
    try:
        status = check() or "ok"
    except Exception as exc:
        result: dict[str, Any] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
    else:
        result = {"status": status}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _run(_database), "cache": _run(_cache), "broker": _run(_broker)}
    if checks["database"]["status"] == "down":
        overall, code = "down", 503
    elif any(check["status"] == "down" for check in checks.values()):
        overall, code = "degraded", 200
    else:
        overall, code = "ok", 200
    response = JsonResponse(
        {"status": overall, "checks": checks}, status=code, json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-store"
    return response

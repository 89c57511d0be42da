"""What the benchmark runs against and how big it is, from the environment. Imports nothing from Django: the parent
process (pytest or ``python -m tests.bench.run``) only drives HTTP and subprocesses.

Sizes (``BENCH_SIZE=full``, the default, or ``quick``; ``SIZE`` works too, as in ``make bench SIZE=quick``; each
number can be set on its own):

=====================  ==========  =======  ===================================================================
variable               full        quick    meaning
=====================  ==========  =======  ===================================================================
BENCH_ITEMS            100000      10000    seal requests (workflow_item + seals_sealrequest rows)
BENCH_TASKS            1000000     50000    open tasks in total (the flow's own plus 加签 opinion requests)
BENCH_REQUESTS         2000        300      requests measured per endpoint
BENCH_TRANSITIONS      =REQUESTS            approvals measured (each on its own item)
BENCH_CONCURRENCY      20          20       simultaneous users
BENCH_THINK            0.5-1.5     0.5-1.5  seconds each user waits before each request (the "users" run)
BENCH_THINK_REQUESTS   600         200      requests measured per endpoint with think time
BENCH_WORKERS          4           4        gunicorn worker processes
BENCH_CHAPTER_ROWS     2000        200      rows of each chapter's list page model (meetings, documents …)
BENCH_RATIO_ROUNDS     5           3        interleaved rounds of the side-by-side run (baseline, then each page)
BENCH_RATIO_REQUESTS   400         150      requests per page per round in the side-by-side run
BENCH_RATIO_CONCURRENCY 8          8        requests in flight in the side-by-side run (the issue's wrk -c 8)
BENCH_PROFILE_REQUESTS 50          20       requests per page profiled in-process (profile.py)
=====================  ==========  =======  ===================================================================

The side-by-side run (issue 16) serves ``../shared/baseline`` (``BENCH_BASELINE_DIR`` to point elsewhere; see
``baseline.py``) with the same gunicorn worker count, and reports each hot page's throughput as a ratio of the bare
inbox's, measured in the same round: a ratio survives a noisy shared machine where absolute figures do not.

Other knobs: ``BENCH_DB`` (database name, default ``haimen_bench``: dropped and re-created unless ``BENCH_REUSE=1``
finds it already seeded at the same sizes), ``BENCH_REDIS_DB`` (the Redis database the bench's Celery messages go to,
default 15, emptied of them afterwards), ``BENCH_EXPLAIN=1`` (also write EXPLAIN ANALYZE of the sweep's statements),
``BENCH_STRICT=1`` (fail when a target is missed, not only when something breaks), ``BENCH_RESULTS_DIR``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]

SIZES = {
    "full": {
        "items": 100_000,
        "tasks": 1_000_000,
        "requests": 2_000,
        "think_requests": 600,
        "chapter_rows": 2_000,
        "ratio_rounds": 5,
        "ratio_requests": 400,
        "profile_requests": 50,
    },
    "quick": {
        "items": 10_000,
        "tasks": 50_000,
        "requests": 300,
        "think_requests": 200,
        "chapter_rows": 200,
        "ratio_rounds": 3,
        "ratio_requests": 150,
        "profile_requests": 20,
    },
}

# The targets of issue 3.
TARGET_PAGE_P95_MS = 100.0
TARGET_PAGE_QUERIES = 8
TARGET_SWEEP_SECONDS = 10.0
# The dashboard's (issue 15): one user alone, the office director (the whole dashboard).
TARGET_DASHBOARD_P95_MS = 300.0
TARGET_DASHBOARD_QUERIES = 12
DASHBOARD_USER = "director"
TARGET_SWEEP_TASKS = 1_000_000
# Issue 16: throughput as a share of the bare inbox's (../shared/baseline), measured side by side.
TARGET_RATIOS = {"inbox": 0.5, "item": 0.4, "ledger": 0.4}
TARGET_CHAPTER_RATIO = 0.4
# The list pages besides the inbox and the item page, each opened by the office director (who may see them all):
# (key, label, path). The seal ledger and each chapter's main lists: its board and, where it has one, its 台账.
LIST_PAGES_USER = "director"
LIST_PAGES = [
    ("ledger", "seal ledger /seals/ledger/", "/seals/ledger/"),
    ("meetings", "meetings board /meetings/board/", "/meetings/board/"),
    ("meetings_list", "meetings ledger /meetings/list/", "/meetings/list/"),
    ("documents_in", "incoming register /documents/incoming/", "/documents/incoming/"),
    ("documents_out", "outgoing register /documents/outgoing/", "/documents/outgoing/"),
    ("supervision", "supervision board /supervision/board/", "/supervision/board/"),
    ("leave", "leave board /leave/board/", "/leave/board/"),
    ("leave_absences", "absence ledger /leave/absences/", "/leave/absences/"),
]


def target_ratio(key: str) -> float:
    return TARGET_RATIOS.get(key, TARGET_CHAPTER_RATIO)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value.replace("_", "")) if value else default


def _range(name: str, default: tuple[float, float]) -> tuple[float, float]:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    low, _, high = value.partition("-")
    return float(low), float(high or low)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Config:
    size: str
    items: int
    tasks: int
    requests: int
    transitions: int
    concurrency: int
    think: tuple[float, float]
    think_requests: int
    workers: int
    chapter_rows: int
    ratio_rounds: int
    ratio_requests: int
    ratio_concurrency: int
    profile_requests: int
    db_name: str
    database_url: str  # the bench database
    admin_database_url: str  # the same server's "postgres" database, to drop and create the bench one
    broker_url: str
    redis_url: str
    results_dir: Path
    reuse: bool
    explain: bool
    strict: bool
    python: str

    @property
    def reserved(self) -> int:
        """Items kept free of 加签 tasks so that an approval goes through (the engine refuses one while a 加签 is
        open): enough for this run's transitions and a couple of re-runs with BENCH_REUSE=1."""
        return min(max(3 * self.transitions, 1000), self.items // 5)

    def child_env(self, **extra: str) -> dict[str, str]:
        """The environment of every Django process of the bench: its database, its broker, its settings."""
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="haimen_gov.settings",
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=self.broker_url,
            PYTHONUNBUFFERED="1",
        )
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        else:
            env.pop("REDIS_URL", None)
        env.update(extra)
        return env


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def load() -> Config:
    size = (os.environ.get("BENCH_SIZE") or os.environ.get("SIZE") or "full").strip()
    if size not in SIZES:
        raise SystemExit(f"BENCH_SIZE must be one of {', '.join(SIZES)}, not {size!r}")
    preset = SIZES[size]
    base_url = os.environ.get("DATABASE_URL", "").strip() or "postgres://postgres@127.0.0.1:5432/haimen"
    if not base_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"the benchmark needs PostgreSQL; DATABASE_URL is {base_url.split(':', 1)[0]}")
    db_name = os.environ.get("BENCH_DB", "haimen_bench").strip() or "haimen_bench"
    redis_url = os.environ.get("REDIS_URL", "").strip()
    bench_redis = _with_path(redis_url, f"/{_int('BENCH_REDIS_DB', 15)}") if redis_url else ""
    requests = _int("BENCH_REQUESTS", preset["requests"])
    return Config(
        size=size,
        items=_int("BENCH_ITEMS", preset["items"]),
        tasks=_int("BENCH_TASKS", preset["tasks"]),
        requests=requests,
        transitions=_int("BENCH_TRANSITIONS", requests),
        concurrency=_int("BENCH_CONCURRENCY", 20),
        think=_range("BENCH_THINK", (0.5, 1.5)),
        think_requests=_int("BENCH_THINK_REQUESTS", preset["think_requests"]),
        workers=_int("BENCH_WORKERS", 4),
        chapter_rows=_int("BENCH_CHAPTER_ROWS", preset["chapter_rows"]),
        ratio_rounds=max(1, _int("BENCH_RATIO_ROUNDS", preset["ratio_rounds"])),
        ratio_requests=max(10, _int("BENCH_RATIO_REQUESTS", preset["ratio_requests"])),
        ratio_concurrency=max(1, _int("BENCH_RATIO_CONCURRENCY", 8)),
        profile_requests=max(1, _int("BENCH_PROFILE_REQUESTS", preset["profile_requests"])),
        db_name=db_name,
        database_url=_with_path(base_url, f"/{db_name}"),
        admin_database_url=_with_path(base_url, "/postgres"),
        # Never the broker a developer's worker or another test's worker listens on: a queued e-mail job would run
        # against their database. Without Redis, Celery's in-memory transport keeps the messages in the process.
        broker_url=bench_redis or "memory://",
        redis_url=bench_redis,
        results_dir=Path(os.environ.get("BENCH_RESULTS_DIR") or ROOT / "bench-results"),
        reuse=_flag("BENCH_REUSE"),
        explain=_flag("BENCH_EXPLAIN"),
        strict=_flag("BENCH_STRICT"),
        python=sys.executable,
    )

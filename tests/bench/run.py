"""The benchmark of issue 3, end to end: ``python -m tests.bench.run`` (``make bench`` runs the same steps as pytest
tests, see ``test_bench.py``). Sizes and knobs: ``tests/bench/config.py``.

1. a dedicated database (``haimen_bench``) dropped, re-created, migrated, given the demo organisation and seals, then
   bulk-seeded (``seed.py``): 100,000 seal requests with their history and 1,000,000 open tasks;
2. queries per request, counted in-process with CaptureQueriesContext (listed in bench-results/queries-*.txt);
3. p50/p95 latency against gunicorn (DEBUG=0) for the inbox, an item page and an approval through the API (each on
   its own item): 20 users who pause 0.5–1.5 s before each request, as people between clicks (the pages' target is
   judged on this run); the same 20 with no pause at all, always 20 requests in flight (the server's capacity,
   reported); and one user alone; the office director's dashboard, one user alone (issue 15: p95 ≤ 300 ms);
4. the reminder sweep over every open task, twice on the same day (the second must insert nothing).

Results: a table on stdout, and bench-results/bench-<time>.{json,md} (and latest.{json,md}).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import config
from .baseline import Baseline
from .config import ROOT, Config
from .load import Call, Server, Stats, login_all, run, warm, write_lines


def log(message: str) -> None:
    print(message, flush=True)


# The key of the run the page targets are judged on: concurrent users who pause between requests.
THINK_KEY = "c_think"


class Bench:
    def __init__(self, cfg: Config | None = None) -> None:
        self.cfg = cfg or config.load()
        self.cfg.results_dir.mkdir(parents=True, exist_ok=True)
        self.server: Server | None = None
        self.baseline: Baseline | None = None
        self.fixtures: dict[str, Any] = {}
        self.sessions: dict[str, str] = {}
        self.anchor: str | None = None
        self.results: dict[str, Any] = {
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "config": {
                "size": self.cfg.size,
                "items": self.cfg.items,
                "open_tasks": self.cfg.tasks,
                "requests_per_endpoint": self.cfg.requests,
                "transitions": self.cfg.transitions,
                "concurrency": self.cfg.concurrency,
                "think_seconds": list(self.cfg.think),
                "think_requests": self.cfg.think_requests,
                "gunicorn_workers": self.cfg.workers,
                "chapter_rows": self.cfg.chapter_rows,
                "ratio_rounds": self.cfg.ratio_rounds,
                "ratio_requests": self.cfg.ratio_requests,
                "ratio_concurrency": self.cfg.ratio_concurrency,
                "database": self.cfg.db_name,
            },
            "machine": self._machine(),
            "latency": {},
        }

    # ------------------------------------------------------------------------------------------ plumbing

    def _machine(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        }
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            info["commit"] = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        return info

    def phase(self, name: str, args: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
        """Run one of tests.bench.phases in a Django process on the bench database (``env``: another environment
        than the default DEBUG=1 one, e.g. the gunicorn's production settings)."""
        with tempfile.TemporaryDirectory(prefix="haimen-bench-") as tmp:
            out, inp = Path(tmp) / "out.json", Path(tmp) / "in.json"
            inp.write_text(json.dumps(args or {}, ensure_ascii=False))
            env = env or self.cfg.child_env(DEBUG="1", ALLOWED_HOSTS="127.0.0.1,localhost")
            completed = subprocess.run(
                [self.cfg.python, "-m", "tests.bench.phases", name, str(out), str(inp)], cwd=ROOT, env=env, check=False
            )
            if completed.returncode != 0:
                raise RuntimeError(f"bench phase {name!r} failed with exit code {completed.returncode}")
            return json.loads(out.read_text())

    def _admin(self) -> Any:
        import psycopg2

        conn = psycopg2.connect(self.cfg.admin_database_url)
        conn.autocommit = True
        return conn

    # ------------------------------------------------------------------------------------------ 1. data

    def prepare(self) -> None:
        name = self.cfg.db_name
        conn = self._admin()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
                row = cur.fetchone()
                meta = json.loads(row[0]) if row and row[0] and row[0].startswith("{") else {}
                if (
                    self.cfg.reuse
                    and meta.get("seeded")
                    and meta.get("items") == self.cfg.items
                    and meta.get("tasks") == self.cfg.tasks
                    and meta.get("chapter_rows") == self.cfg.chapter_rows
                ):
                    log(f"[bench] BENCH_REUSE=1: database {name} is already seeded at these sizes: reusing it")
                    self.anchor = meta.get("anchor")
                    self.results["seed"] = {"reused": True, **meta}
                    return
                log(f"[bench] database {name}: drop and create")
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        log(f"[bench] seeding {self.cfg.items:,} items and {self.cfg.tasks:,} open tasks (bulk SQL)")
        started = time.perf_counter()
        seed = self.phase(
            "seed",
            {
                "items": self.cfg.items,
                "tasks": self.cfg.tasks,
                "reserved": self.cfg.reserved,
                "chapter_rows": self.cfg.chapter_rows,
            },
        )
        seed["wall_seconds"] = round(time.perf_counter() - started, 1)
        self.anchor = seed.get("anchor")
        self.results["seed"] = seed
        counts = seed["counts"]
        log(
            f"[bench] seeded in {seed['wall_seconds']} s: {counts['items']:,} items, {counts['history']:,} history "
            f"rows, {counts['tasks_open']:,} open tasks, database {seed.get('database_size')}"
        )

    def load_fixtures(self) -> None:
        need = self.cfg.transitions + self._baseline(self.cfg.transitions)
        self.fixtures = self.phase("fixtures", {"concurrency": self.cfg.concurrency, "transitions": need})
        users = self.fixtures["users"]
        log(
            f"[bench] {len(users)} simulated users (most open tasks first: "
            + ", ".join(f"{u['username']} {u['open_tasks']:,}" for u in users[:5])
            + f" …); {len(self.fixtures['transitions']) - 1:,} items ready to approve"
        )

    # ------------------------------------------------------------------------------------------ 2. queries

    def query_counts(self) -> dict[str, Any]:
        log("[bench] queries per request (in-process, CaptureQueriesContext)")
        counted = self.phase("queries", {"fixtures": self.fixtures})
        for endpoint, entry in counted.items():
            counts = list(entry["counts"].values())
            entry["min"], entry["median"] = min(counts), sorted(counts)[len(counts) // 2]
            lines = [
                f"{endpoint}: {entry['max']} SQL queries for {entry['max_user']} "
                f"(over {len(counts)} users: min {entry['min']}, median {entry['median']}, max {entry['max']}), "
                f"plus {entry['transaction_control']} transaction-control statements (BEGIN/COMMIT/SAVEPOINT)",
                "",
            ]
            for n, (sql, origin) in enumerate(entry.pop("queries"), 1):
                lines += [f"{n:>3}. {origin}", f"     {sql[:600]}"]
            write_lines(self.cfg.results_dir / f"queries-{endpoint}.txt", lines)
            log(
                f"  {endpoint}: {entry['min']}–{entry['max']} queries (HTTP {entry['statuses']}); "
                f"listing: {self.cfg.results_dir / f'queries-{endpoint}.txt'}"
            )
        self.results["queries"] = counted
        return counted

    # ------------------------------------------------------------------------------------------ 3. latency

    def start_server(self) -> None:
        if self.server is not None:
            return
        self.server = Server(self.cfg, log)
        self.server.start()
        usernames = [u["username"] for u in self.fixtures["users"]] + [config.DASHBOARD_USER, config.LIST_PAGES_USER]
        started = time.perf_counter()
        self.sessions = login_all(self.server.port, usernames, self.fixtures["password"], self.cfg.concurrency)
        log(f"  {len(self.sessions)} users logged in through the login form in {time.perf_counter() - started:.1f} s")

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.baseline is not None:
            self.baseline.close()
            self.baseline = None

    def start_baseline(self) -> Baseline:
        if self.baseline is None:
            baseline = Baseline(self.cfg, log)
            try:
                baseline.setup()
                baseline.start()
            except Exception:
                baseline.close()
                raise
            self.baseline = baseline
        return self.baseline

    def _baseline(self, total: int) -> int:
        return max(20, min(100, total // 10))

    def _measure(
        self,
        key: str,
        label: str,
        make: Any,
        *,
        total: int,
        warmup: Any = None,
        with_think: bool = True,
        capacity: bool = True,
    ) -> dict[str, Any]:
        assert self.server is not None
        port, concurrency = self.server.port, self.cfg.concurrency
        if warmup is not None:
            warm(port, warmup, total=concurrency * 3, concurrency=concurrency)
        entry: dict[str, Any] = {"label": label}
        offset = 0
        # 1 user without pauses (the page's own cost); ``concurrency`` users pausing between requests as people do
        # (the target's "20 concurrent users"); ``concurrency`` requests always in flight (the server's capacity).
        think = self.cfg.think
        think_total = min(self.cfg.think_requests, total)
        for run_key, users, n, pause in (
            ("c1", 1, self._baseline(total), None),
            (THINK_KEY, concurrency, think_total if with_think else 0, think),
            (f"c{concurrency}", concurrency, total if capacity else 0, None),
        ):
            if n == 0:
                continue
            load_before = os.getloadavg()[0]

            def shifted(user: int, i: int, off: int = offset) -> Call:
                return make(user, i + off)  # type: ignore[no-any-return]

            stats: Stats = run(label, port, shifted, total=n, concurrency=users, think=pause)
            offset += n
            summary = stats.summary()
            summary["load_average_before"] = round(load_before, 2)
            summary["think_seconds"] = list(pause) if pause else None
            entry[run_key] = summary
            how = f"{users:>2} user{'s' if users > 1 else ' '}"
            how += f", think {pause[0]}–{pause[1]} s" if pause else ", no think time" if users > 1 else ""
            log(
                f"  {label}, {how}: p50 {summary['p50_ms']} ms, "
                f"p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms, {summary['throughput_rps']} req/s, "
                f"{summary['requests']} requests, {summary['errors']} errors"
            )
            for sample in summary["error_samples"]:
                log(f"    error: {sample}")
        self.results["latency"][key] = entry
        return entry

    def _page_call(self, path_for: Any) -> Any:
        users = self.fixtures["users"]

        def make(user: int, i: int) -> Call:
            person = users[user % len(users)]
            return "GET", path_for(person, i), None, {"Cookie": self.sessions[person["username"]]}, 200

        return make

    def inbox(self) -> dict[str, Any]:
        log(f"[bench] inbox page /inbox/: {self.cfg.requests:,} requests, {self.cfg.concurrency} users")
        make = self._page_call(lambda person, i: "/inbox/")
        return self._measure("inbox", "inbox /inbox/", make, total=self.cfg.requests, warmup=make)

    def item(self) -> dict[str, Any]:
        log(f"[bench] item page /items/<id>/ (items from each user's own inbox): {self.cfg.requests:,} requests")
        make = self._page_call(lambda person, i: f"/items/{person['items'][i % len(person['items'])]}/")
        return self._measure("item", "item /items/<id>/", make, total=self.cfg.requests, warmup=make)

    def list_pages(self) -> dict[str, Any]:
        """The seal ledger and each chapter's main list, opened by the office director: one user alone, and 20 who
        pause between requests (their capacity is measured in the side-by-side run, ``ratios``)."""
        cookie = self.sessions[config.LIST_PAGES_USER]
        measured: dict[str, Any] = {}
        for key, label, path in config.LIST_PAGES:
            log(f"[bench] {label} ({config.LIST_PAGES_USER})")

            def make(user: int, i: int, path: str = path) -> Call:
                return "GET", path, None, {"Cookie": cookie}, 200

            measured[key] = self._measure(key, label, make, total=self.cfg.requests, warmup=make, capacity=False)
        return measured

    def _ratio_pages(self) -> list[tuple[str, str, Any]]:
        """(key, label, make) of every page compared with the bare inbox."""
        users = self.fixtures["users"]
        pages: list[tuple[str, str, Any]] = [
            ("inbox", "inbox /inbox/", self._page_call(lambda person, i: "/inbox/")),
            (
                "item",
                "item /items/<id>/",
                self._page_call(lambda person, i: f"/items/{person['items'][i % len(person['items'])]}/"),
            ),
        ]
        assert users
        cookie = self.sessions[config.LIST_PAGES_USER]
        for key, label, path in config.LIST_PAGES:

            def make(user: int, i: int, path: str = path) -> Call:
                return "GET", path, None, {"Cookie": cookie}, 200

            pages.append((key, label, make))
        return pages

    def ratios(self) -> dict[str, Any]:
        """Issue 16: each hot page's throughput as a share of the bare inbox's (../shared/baseline), side by side.

        Both servers run at once with the same gunicorn worker count; the same load tool (``load.run``) sends
        ``ratio_requests`` requests with ``ratio_concurrency`` in flight to the bare inbox, then to each page, then
        to the bare inbox again, in ``ratio_rounds`` rounds. A page's ratio in a round is its throughput over the
        mean of that round's two baseline runs, so the machine's load at the time cancels out; the report gives the
        median of the rounds (and their spread)."""
        assert self.server is not None
        baseline = self.start_baseline()
        n, c = self.cfg.ratio_requests, self.cfg.ratio_concurrency
        pages = self._ratio_pages()
        log(
            f"[bench] side by side with the bare inbox: {self.cfg.ratio_rounds} rounds of {n} requests per page, "
            f"{c} in flight, {self.cfg.workers} gunicorn workers each"
        )

        def bare(user: int, i: int) -> Call:
            return "GET", "/inbox", None, {"Cookie": baseline.cookie}, 200

        warm(baseline.port, bare, total=c * 3, concurrency=c)
        for _key, _label, make in pages:
            warm(self.server.port, make, total=c * 3, concurrency=c)
        rounds: list[dict[str, Any]] = []
        errors: list[str] = []
        for number in range(1, self.cfg.ratio_rounds + 1):
            entry: dict[str, Any] = {"baseline_rps": [], "pages": {}, "ratios": {}, "p50_ms": {}}

            def measure_bare(entry: dict[str, Any] = entry) -> None:
                stats = run("baseline /inbox", baseline.port, bare, total=n, concurrency=c).summary()
                entry["baseline_rps"].append(stats["throughput_rps"])
                entry["p50_ms"]["baseline"] = stats["p50_ms"]
                errors.extend(stats["error_samples"])

            measure_bare()
            for key, label, make in pages:
                stats = run(label, self.server.port, make, total=n, concurrency=c).summary()
                entry["pages"][key] = stats["throughput_rps"]
                entry["p50_ms"][key] = stats["p50_ms"]
                errors.extend(stats["error_samples"])
            measure_bare()
            base = sum(entry["baseline_rps"]) / len(entry["baseline_rps"])
            entry["ratios"] = {key: round(rps / base, 3) for key, rps in entry["pages"].items()}
            rounds.append(entry)
            log(
                f"  round {number}: bare inbox {' / '.join(f'{r:.0f}' for r in entry['baseline_rps'])} req/s; "
                + ", ".join(f"{k} {entry['pages'][k]:.0f} req/s ({ratio:.2f})" for k, ratio in entry["ratios"].items())
            )
        summary: dict[str, Any] = {}
        for key, label, _make in pages:
            values = sorted(r["ratios"][key] for r in rounds)
            median = statistics.median(values)
            target = config.target_ratio(key)
            summary[key] = {
                "label": label,
                "ratio": round(median, 2),
                "min": values[0],
                "max": values[-1],
                "rps_median": round(statistics.median(r["pages"][key] for r in rounds), 1),
                "target": target,
                "met": median >= target,
            }
        result = {
            "concurrency": c,
            "requests_per_round": n,
            "baseline": {
                "source": str(baseline.source),
                "rps_median": round(statistics.median(x for r in rounds for x in r["baseline_rps"]), 1),
            },
            "rounds": rounds,
            "pages": summary,
            "errors": len(errors),
            "error_samples": errors[:5],
        }
        self.results["ratios"] = result
        return result

    PROFILE_COLUMNS = [
        ("database_ms", "database"),
        ("orm_ms", "ORM"),
        ("templates_ms", "templates"),
        ("view_ms", "view"),
        ("middleware_and_rest_ms", "middleware, rest"),
    ]

    def profile(self) -> dict[str, Any]:
        """Where each hot page's time goes, in-process under cProfile with the gunicorn's settings (profile.py)."""
        assert self.server is not None  # its static files are collected: DEBUG=0 pages need the manifest
        log(f"[bench] profile of each page, in-process, {self.cfg.profile_requests} requests each (cProfile)")
        result = self.phase(
            "profile",
            {
                "fixtures": self.fixtures,
                "requests": self.cfg.profile_requests,
                "out_dir": str(self.cfg.results_dir),
            },
            env=self.server.env,
        )
        header = ["page", "ms/request (profiled)", *(label for _k, label in self.PROFILE_COLUMNS), "Python calls"]
        lines = [
            "Milliseconds per request under cProfile (which slows Python calls, so the shares, not the times, are "
            "what to read), split by where they were spent: the database driver; the ORM's Python (compiling "
            "querysets, rows to objects); templates (rendering, context processors, less their ORM and database); "
            "the view's own Python; middleware, URL resolving and the handler. Python function calls per request: "
            "independent of the machine's load. Top functions: profile-<page>.txt.",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---" for _ in header) + "|",
        ]
        for key, entry in result.items():
            total = entry["ms_per_request_profiled"] or 1
            cells = [f"{entry[k]:.1f} ({100 * entry[k] / total:.0f} %)" for k, _label in self.PROFILE_COLUMNS]
            lines.append(
                f"| {key} `{entry['path']}` | {total:.1f} | "
                + " | ".join(cells)
                + f" | {entry['python_calls_per_request']:,} |"
            )
        self.results["profile"] = lines
        self.results["profile_data"] = result
        return result

    def transitions(self) -> dict[str, Any]:
        pool = self.fixtures["transitions"][:-1]  # the last one is the query count's
        total = min(self.cfg.transitions, len(pool) - self._baseline(self.cfg.transitions))
        if total <= 0:
            raise RuntimeError("no items left to approve: re-seed (drop BENCH_REUSE)")
        tokens = self.fixtures["tokens"]
        log(f"[bench] approve via API POST /api/v1/seals/requests/<id>/transitions/approve/: {total:,} items")

        def make(user: int, i: int) -> Call:
            entry = pool[i]
            headers = {"Authorization": f"Token {tokens[entry['username']]}", "Content-Type": "application/json"}
            body = json.dumps({"comment": "同意。"}, ensure_ascii=False).encode()
            return "POST", f"/api/v1/seals/requests/{entry['item']}/transitions/approve/", body, headers, 200

        def warmup(user: int, i: int) -> Call:  # reads only: the API's code paths, without using up any item
            entry = pool[i % len(pool)]
            return (
                "GET",
                f"/api/v1/seals/requests/{entry['item']}/",
                None,
                {"Authorization": f"Token {tokens[entry['username']]}"},
                200,
            )

        # Each approval uses up an item: no run with think time (it would need hundreds more), capacity only.
        return self._measure("transition", "approve (API)", make, total=total, warmup=warmup, with_think=False)

    def dashboard(self) -> dict[str, Any]:
        """The office director's whole dashboard, one user alone (issue 15's target is for one user)."""
        assert self.server is not None
        total = self._baseline(self.cfg.requests) * 2
        log(f"[bench] dashboard /dashboard/ ({config.DASHBOARD_USER}), 1 user: {total} requests")
        cookie = self.sessions[config.DASHBOARD_USER]

        def make(user: int, i: int) -> Call:
            return "GET", "/dashboard/", None, {"Cookie": cookie}, 200

        warm(self.server.port, make, total=5, concurrency=1)
        stats: Stats = run("dashboard", self.server.port, make, total=total, concurrency=1, think=None)
        summary = stats.summary()
        log(
            f"  dashboard, 1 user: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
            f"p99 {summary['p99_ms']} ms, {summary['requests']} requests, {summary['errors']} errors"
        )
        entry = {"label": "dashboard /dashboard/", "c1": summary}
        self.results["latency"]["dashboard"] = entry
        return entry

    # ------------------------------------------------------------------------------------------ 4. sweep

    def sweep(self) -> dict[str, Any]:
        log("[bench] reminder sweep over every open task, twice on the same day")
        result = self.phase("sweep", {"anchor": self.anchor, "explain": self.cfg.explain})
        plans = result.pop("explain", None)
        if plans:
            path = self.cfg.results_dir / "sweep-explain.txt"
            write_lines(path, [("\n" + "=" * 100 + "\n").join(plans)])
            log(f"  EXPLAIN ANALYZE of the sweep's statements: {path}")
        self.results["sweep"] = result
        return result

    # ------------------------------------------------------------------------------------------ report

    def close(self) -> None:
        self.stop_server()
        if self.cfg.redis_url:
            # The approvals queued e-mail jobs on the bench's own Redis database (nobody consumes them there), and the
            # simulated users' sessions are cached there: remove both.
            try:
                import redis

                client = redis.Redis.from_url(self.cfg.redis_url)
                client.delete("celery")
                for pattern in ("_kombu.binding*", ":1:django.contrib.sessions.cache*"):
                    for key in client.scan_iter(match=pattern, count=1000):
                        client.delete(key)
            except Exception as exc:
                log(f"[bench] could not empty the bench's Celery queue: {exc}")

    def verdicts(self) -> list[str]:
        """The targets of issue 3 that were measured and missed."""
        missed = []
        for key in ("inbox", "item", *(k for k, _l, _p in config.LIST_PAGES)):
            entry = self.results["latency"].get(key, {}).get(THINK_KEY)
            if entry and entry["p95_ms"] > config.TARGET_PAGE_P95_MS:
                missed.append(f"{key} p95 {entry['p95_ms']} ms > {config.TARGET_PAGE_P95_MS:.0f} ms")
            counted = self.results.get("queries", {}).get(key)
            if key in ("inbox", "item") and counted and counted["max"] > config.TARGET_PAGE_QUERIES:
                missed.append(f"{key} {counted['max']} queries > {config.TARGET_PAGE_QUERIES}")
        for key, entry in self.results.get("ratios", {}).get("pages", {}).items():
            if not entry["met"]:
                missed.append(f"{key} ratio {entry['ratio']:.2f} of the bare inbox < {entry['target']}")
        dashboard = self.results["latency"].get("dashboard", {}).get("c1")
        if dashboard and dashboard["p95_ms"] > config.TARGET_DASHBOARD_P95_MS:
            missed.append(f"dashboard p95 {dashboard['p95_ms']} ms > {config.TARGET_DASHBOARD_P95_MS:.0f} ms")
        counted = self.results.get("queries", {}).get("dashboard")
        if counted and counted["max"] > config.TARGET_DASHBOARD_QUERIES:
            missed.append(f"dashboard {counted['max']} queries > {config.TARGET_DASHBOARD_QUERIES}")
        sweep: dict[str, Any] = self.results.get("sweep") or {}
        for n, run_ in enumerate(sweep.get("runs", []), 1):
            if run_["seconds"] > config.TARGET_SWEEP_SECONDS:
                missed.append(
                    f"sweep {n} ({run_.get('label', '')}) {run_['seconds']} s > "
                    f"{config.TARGET_SWEEP_SECONDS:.0f} s over {sweep['open_tasks']:,} open tasks, "
                    f"{run_['inserted']:,} inserted"
                )
        return missed

    def rows(self) -> list[list[str]]:
        c = self.cfg.concurrency
        rows: list[list[str]] = []
        queries = self.results.get("queries", {})

        def q(key: str) -> str:
            entry = queries.get(key)
            if not entry:
                return "–"
            return str(entry["max"]) if entry["min"] == entry["max"] else f"{entry['min']}–{entry['max']}"

        targets = {
            "inbox": (f"p95 ≤ {config.TARGET_PAGE_P95_MS:.0f} ms, ≤ {config.TARGET_PAGE_QUERIES} queries", True),
            "item": (f"p95 ≤ {config.TARGET_PAGE_P95_MS:.0f} ms, ≤ {config.TARGET_PAGE_QUERIES} queries", True),
            **{k: (f"p95 ≤ {config.TARGET_PAGE_P95_MS:.0f} ms", True) for k, _l, _p in config.LIST_PAGES},
            "transition": ("(report only)", False),
        }
        for key in ("inbox", "item", *(k for k, _l, _p in config.LIST_PAGES), "transition"):
            entry = self.results["latency"].get(key)
            if entry is None and key not in queries:
                continue
            target, judged = targets[key]
            label = entry["label"] if entry else key
            low, high = self.cfg.think
            # The row that carries the queries and the target: the judged run (users who pause), or the capacity run
            # of what has no target (the approval, which has no run with pauses).
            head = THINK_KEY if judged else f"c{c}"
            for run_key, how in (
                (THINK_KEY, f"{c} users, think {low}–{high} s"),
                (f"c{c}", f"capacity: {c} requests in flight, no think time (report only)"),
                ("c1", "1 user, no think time"),
            ):
                if run_key == THINK_KEY and not judged:
                    continue
                s = (entry or {}).get(run_key)
                if s is None and run_key == f"c{c}" and key not in ("inbox", "item", "transition"):
                    continue  # list pages: their capacity is the side-by-side run's
                verdict = ""
                if judged and run_key == head:
                    ok_latency = s is not None and s["p95_ms"] <= config.TARGET_PAGE_P95_MS
                    ok_queries = key in queries and queries[key]["max"] <= config.TARGET_PAGE_QUERIES
                    verdict = "latency " + ("met" if ok_latency else "MISSED" if s else "–")
                    if key in ("inbox", "item"):
                        verdict += ", queries " + ("met" if ok_queries else "MISSED" if key in queries else "–")
                rows.append(
                    [
                        f"{label}, {how}",
                        f"{s['p50_ms']}" if s else "–",
                        f"{s['p95_ms']}" if s else "–",
                        f"{s['p99_ms']}" if s else "–",
                        f"{s['throughput_rps']}" if s else "–",
                        f"{s['requests']}" if s else "–",
                        f"{s['errors']}" if s else "–",
                        q(key) if run_key == head else "",
                        target if run_key == head else "",
                        verdict,
                    ]
                )
        dashboard = self.results["latency"].get("dashboard", {}).get("c1")
        if dashboard or "dashboard" in queries:
            d = dashboard
            ok_latency = d is not None and d["p95_ms"] <= config.TARGET_DASHBOARD_P95_MS
            ok_queries = "dashboard" in queries and queries["dashboard"]["max"] <= config.TARGET_DASHBOARD_QUERIES
            rows.append(
                [
                    f"dashboard /dashboard/ ({config.DASHBOARD_USER}), 1 user, no think time",
                    f"{d['p50_ms']}" if d else "–",
                    f"{d['p95_ms']}" if d else "–",
                    f"{d['p99_ms']}" if d else "–",
                    f"{d['throughput_rps']}" if d else "–",
                    f"{d['requests']}" if d else "–",
                    f"{d['errors']}" if d else "–",
                    q("dashboard"),
                    f"p95 ≤ {config.TARGET_DASHBOARD_P95_MS:.0f} ms, ≤ {config.TARGET_DASHBOARD_QUERIES} queries",
                    "latency "
                    + ("met" if ok_latency else "MISSED" if d else "–")
                    + ", queries "
                    + ("met" if ok_queries else "MISSED" if "dashboard" in queries else "–"),
                ]
            )
        sweep = self.results.get("sweep")
        if sweep:
            for n, run_ in enumerate(sweep["runs"], 1):
                met = run_["seconds"] <= config.TARGET_SWEEP_SECONDS
                verdict = "met" if met else "MISSED"
                if n > 1 and run_["inserted"]:
                    verdict = "WRONG: inserted again"
                rows.append(
                    [
                        f"sweep {n}, {run_.get('label', '')}, {sweep['open_tasks']:,} open tasks ({sweep['day']})",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "4 statements",
                        f"≤ {config.TARGET_SWEEP_SECONDS:.0f} s" + ("" if n == 1 else ", inserts nothing"),
                        f"{run_['seconds']} s, {run_['inserted']:,} inserted: {verdict}",
                    ]
                )
        return rows

    HEADER = [
        "benchmark",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "req/s",
        "requests",
        "errors",
        "queries/request",
        "target",
        "result",
    ]

    RATIO_HEADER = ["page (side by side with the bare inbox)", "ratio", "rounds min–max", "req/s", "target", "result"]

    def ratio_rows(self) -> list[list[str]]:
        ratios = self.results.get("ratios")
        if not ratios:
            return []
        rows = [
            [
                "bare inbox (../shared/baseline /inbox)",
                "1.00",
                "",
                f"{ratios['baseline']['rps_median']}",
                "",
                "",
            ]
        ]
        for entry in ratios["pages"].values():
            rows.append(
                [
                    entry["label"],
                    f"{entry['ratio']:.2f}",
                    f"{entry['min']:.2f}–{entry['max']:.2f}",
                    f"{entry['rps_median']}",
                    f"≥ {entry['target']}",
                    "met" if entry["met"] else "MISSED",
                ]
            )
        return rows

    def ratio_table(self) -> str:
        rows = self.ratio_rows()
        if not rows:
            return ""
        rows = [self.RATIO_HEADER, *rows]
        widths = [max(_width(r[i]) for r in rows) for i in range(len(self.RATIO_HEADER))]
        lines = []
        for n, row in enumerate(rows):
            lines.append("  ".join(_pad(cell, widths[i], right=0 < i < 4) for i, cell in enumerate(row)))
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def table(self) -> str:
        rows = [self.HEADER, *self.rows()]
        widths = [max(_width(r[i]) for r in rows) for i in range(len(self.HEADER))]
        lines = []
        for n, row in enumerate(rows):
            lines.append("  ".join(_pad(cell, widths[i], right=0 < i < 8) for i, cell in enumerate(row)))
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def markdown(self) -> str:
        cfg = self.results["config"]
        lines = [
            f"# Benchmark {self.results['started']}",
            "",
            f"{cfg['items']:,} seal requests, {cfg['open_tasks']:,} open tasks (target), {cfg['concurrency']} "
            f"simultaneous users, gunicorn with {cfg['gunicorn_workers']} sync workers (DEBUG=0); per endpoint "
            f"{cfg.get('think_requests', 0):,} requests from users who wait {cfg.get('think_seconds')} s (uniformly "
            f"random) before each request, then {cfg['requests_per_endpoint']:,} with no waiting at all (always "
            f"{cfg['concurrency']} requests in flight: capacity), and a one-user baseline; machine: "
            f"{self.results['machine']}.",
            "",
            "| " + " | ".join(self.HEADER) + " |",
            "|" + "|".join("---" for _ in self.HEADER) + "|",
        ]
        lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in self.rows()]
        ratios = self.results.get("ratios")
        if ratios:
            lines += [
                "",
                "## Side by side with the bare inbox (issue 16)",
                "",
                f"Throughput of each page over the bare Django inbox's (`{ratios['baseline']['source']}`), both "
                f"served by gunicorn with {cfg['gunicorn_workers']} sync workers at the same time, the same load tool "
                f"(tests/bench/load.py), {ratios['concurrency']} requests in flight, {ratios['requests_per_round']} "
                f"requests per page per round, {len(ratios['rounds'])} interleaved rounds (bare inbox, each page, bare "
                "inbox again); the ratio is the median of the rounds' ratios, each over that round's mean bare "
                "throughput.",
                "",
                "| " + " | ".join(self.RATIO_HEADER) + " |",
                "|" + "|".join("---" for _ in self.RATIO_HEADER) + "|",
            ]
            lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in self.ratio_rows()]
        profile = self.results.get("profile")
        if profile:
            lines += ["", "## Where the time goes (per request, in-process profile)", "", *profile]
        seed = self.results.get("seed", {})
        if seed.get("counts"):
            lines += ["", "## Data", "", "```", json.dumps(seed, ensure_ascii=False, indent=1), "```"]
        sweep = self.results.get("sweep")
        if sweep:
            lines += ["", "## Sweep", "", "```", json.dumps(sweep, ensure_ascii=False, indent=1), "```"]
        missed = self.verdicts()
        lines += ["", "## Targets missed", ""] + ([f"- {m}" for m in missed] or ["none"])
        lines += [
            "",
            "## How to read this",
            "",
            f"- Each of the {cfg['concurrency']} users is a thread sending its next request as soon as the last one "
            "answered (no think time), so latency under load is queueing: by Little's law p50 ≈ users ÷ "
            "throughput. The one-user rows are the service time of a request on this machine.",
            "- Pages are measured before the sweep (notices then are the seeded ones); the sweep comes last.",
            "- Queries per request: SQL statements of one request counted in-process (CaptureQueriesContext), "
            "BEGIN/COMMIT not counted; each is listed with the code that ran it in queries-<endpoint>.txt.",
            f"- Load average at start/end: {self.results['machine'].get('load_average_at_start')} / "
            f"{self.results['machine'].get('load_average_at_end')} on {self.results['machine'].get('cpus')} CPUs "
            "(other work on the machine shows up here and in the numbers).",
        ]
        return "\n".join(lines) + "\n"

    def write_report(self) -> Path:
        self.results["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self.results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        self.results["targets_missed"] = self.verdicts()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = self.cfg.results_dir
        text = json.dumps(self.results, ensure_ascii=False, indent=1)
        md = self.markdown()
        for name, content in (
            (f"bench-{stamp}.json", text),
            (f"bench-{stamp}.md", md),
            ("latest.json", text),
            ("latest.md", md),
        ):
            (out / name).write_text(content)
        log("")
        log(self.table())
        if self.ratio_rows():
            log("")
            log(self.ratio_table())
        log("")
        log("targets missed: " + ("; ".join(self.results["targets_missed"]) or "none"))
        log(f"results: {out / f'bench-{stamp}.md'} and .json")
        return out / f"bench-{stamp}.json"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def main() -> int:
    bench = Bench()
    failed = False
    try:
        bench.prepare()
        bench.load_fixtures()
        bench.query_counts()
        bench.start_server()
        bench.inbox()
        bench.item()
        bench.list_pages()
        bench.ratios()
        bench.profile()
        bench.transitions()
        bench.dashboard()
        bench.stop_server()
        bench.sweep()
    except Exception as exc:
        log(f"[bench] FAILED: {exc!r}")
        failed = True
    finally:
        bench.close()
        bench.write_report()
    errors = sum(
        e.get(f"c{u}", {}).get("errors", 0)
        for e in bench.results["latency"].values()
        for u in (1, bench.cfg.concurrency)
    )
    sweep = bench.results.get("sweep")
    if errors or (sweep and any(r["inserted"] for r in sweep["runs"][1:])):
        failed = True
    if bench.cfg.strict and bench.results["targets_missed"]:
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())

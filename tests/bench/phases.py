"""The parts of the benchmark that run inside Django, each in its own process connected to the bench database:

    python -m tests.bench.phases seed|fixtures|queries|sweep OUT.json [IN.json]

The parent (``tests.bench.run``) sets DATABASE_URL and the rest (``Config.child_env``) and reads OUT.json back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from .config import ROOT


def log(message: str) -> None:
    print(message, flush=True)


def _setup() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def anchor_day() -> dt.date:
    """The day the data is centred on: today (in the portal's time zone) or, on a day off, the next working day."""
    from django.utils import timezone

    from haimen_gov import workdays

    day = timezone.localdate()
    while not workdays.is_workday(day).workday:
        day += dt.timedelta(days=1)
    return day


# ---------------------------------------------------------------------------------------------------------- seed


def seed(args: dict[str, Any]) -> dict[str, Any]:
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from seals.demo import seed_seals

    from .seed import Seeder

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate"] = time.perf_counter() - started
    log(f"  migrate: {timings['migrate']:.1f} s")
    started = time.perf_counter()
    call_command("seed_demo", force=True, stdout=StringIO())
    seed_seals()
    timings["seed_demo + seed_seals"] = time.perf_counter() - started
    log(f"  seed_demo + seed_seals: {timings['seed_demo + seed_seals']:.1f} s")

    anchor = anchor_day()
    seeder = Seeder(items=args["items"], tasks=args["tasks"], reserved=args["reserved"], anchor=anchor, log=log)
    result = seeder.run()
    from .chapters import multiply

    started = time.perf_counter()
    log(f"  chapters' list pages: up to {args.get('chapter_rows', 0):,} rows each")
    result["chapters"] = multiply(args.get("chapter_rows", 0), log)
    timings["chapters (ORM copies)"] = time.perf_counter() - started
    # What autovacuum does after a few thousand inserts, as Seeder.vacuum for the seals' tables: the planner sees
    # how many rows the chapters' tables have. Without it a page was planned for a handful of rows (its joins by
    # index, cheap by luck), not for the thousands a district's register holds (issue 16).
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - started
    log(f"  analyze: {timings['analyze']:.1f} s")
    # What beat does every few minutes: the dashboard's summary tables over the seeded tasks and items.
    from haimen_gov.dashboard.summary import refresh

    started = time.perf_counter()
    refresh()
    timings["dashboard summary refresh"] = time.perf_counter() - started
    log(f"  dashboard summary refresh: {timings['dashboard summary refresh']:.1f} s")
    result["timings"] = {**{k: round(v, 2) for k, v in timings.items()}, **result["timings"]}
    result["anchor"] = anchor.isoformat()
    meta = {
        "items": args["items"],
        "tasks": args["tasks"],
        "chapter_rows": args.get("chapter_rows", 0),
        "anchor": anchor.isoformat(),
        "seeded": True,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        name = cursor.fetchone()[0]
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [json.dumps(meta)])
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        result["database_size"] = cursor.fetchone()[0]
    return result


# ---------------------------------------------------------------------------------------------------------- fixtures


def fixtures(args: dict[str, Any]) -> dict[str, Any]:
    """Who the simulated users are, which items each opens, and which items can be approved (each once)."""
    from django.conf import settings
    from django.db import connection
    from rest_framework.authtoken.models import Token

    concurrency, transitions = args["concurrency"], args["transitions"]
    with connection.cursor() as cursor:
        # The people with the most work: their inboxes are the biggest, their pages the slowest.
        cursor.execute(
            """
            SELECT u.id, u.username, count(t.id) AS open_tasks, array_agg(DISTINCT p.id) AS posts
            FROM org_user u
            JOIN org_post p ON p.holder_id = u.id
            LEFT JOIN workflow_task t ON t.post_id = p.id AND t.status = 'open'
            WHERE u.is_active
            GROUP BY u.id, u.username
            ORDER BY open_tasks DESC, u.username
            LIMIT %s
            """,
            [concurrency],
        )
        users = [{"id": r[0], "username": r[1], "open_tasks": r[2], "posts": r[3]} for r in cursor.fetchall()]
        for user in users:
            cursor.execute(
                "SELECT item_id FROM (SELECT DISTINCT item_id FROM workflow_task "
                "WHERE status = 'open' AND post_id = ANY(%s)) s ORDER BY md5(item_id::text) LIMIT 60",
                [user["posts"]],
            )
            user["items"] = [r[0] for r in cursor.fetchall()]
        # Items waiting on exactly one post to approve (no 加签 open, which would block the approval), not the
        # approver's own request: each can be approved once by whoever holds that post.
        cursor.execute(
            """
            SELECT t.item_id, u.username
            FROM workflow_task t
            JOIN seals_sealrequest s ON s.item_ptr_id = t.item_id
            JOIN workflow_item i ON i.id = t.item_id
            JOIN org_post p ON p.id = t.post_id
            JOIN org_user u ON u.id = p.holder_id
            WHERE t.status = 'open' AND NOT t.extra AND t.step IN ('review', 'approval') AND s.state = t.step
              AND i.submitter_id <> u.id
              AND NOT EXISTS (SELECT 1 FROM workflow_task o
                              WHERE o.item_id = t.item_id AND o.status = 'open' AND o.id <> t.id)
            ORDER BY md5(t.item_id::text)
            LIMIT %s
            """,
            [transitions + 1],
        )
        pool = [{"item": r[0], "username": r[1]} for r in cursor.fetchall()]
    tokens = {t.user.username: t.key for t in Token.objects.select_related("user")}
    return {
        "password": settings.DEMO_PASSWORD,
        "users": [{k: v for k, v in u.items() if k != "posts"} for u in users],
        "tokens": tokens,
        # The last one is the in-process query count's; the rest are the HTTP benchmark's.
        "transitions": pool,
    }


# ---------------------------------------------------------------------------------------------------------- queries


class QueryRecorder:
    """Every statement a request runs, with the project code that ran it (to find the ones to fix)."""

    def __init__(self) -> None:
        self.origins: list[tuple[str, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.origins.append((sql, self._origin()))
        return execute(sql, params, many, context)

    @staticmethod
    def _origin() -> str:
        """The innermost frames of project code (callee ← caller ← …), or the Django code when there is none."""
        root = str(ROOT) + os.sep
        stack = traceback.extract_stack()[:-2]
        mine = [
            f
            for f in stack
            if f.filename.startswith(root)
            and f"{os.sep}.venv{os.sep}" not in f.filename
            and f"{os.sep}tests{os.sep}bench{os.sep}" not in f.filename
        ]
        if mine and not mine[-1].filename.endswith("middleware.py"):
            return " ← ".join(f"{os.path.relpath(f.filename, ROOT)}:{f.lineno} {f.name}" for f in mine[::-1][:3])
        # Library code (sessions, authentication): its innermost frame outside the database layer.
        outside = [
            f for f in stack if "site-packages" in f.filename and f"{os.sep}django{os.sep}db{os.sep}" not in f.filename
        ]
        pick = outside[-1] if outside else None
        return f"{pick.filename.split('site-packages' + os.sep)[-1]}:{pick.lineno} {pick.name}" if pick else "?"


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def _measure(client: Any, method: str, path: str, **kwargs: Any) -> tuple[int, int, int, list[tuple[str, str]]]:
    """(HTTP status, SQL queries, transaction-control statements, [(sql, origin)]) of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    recorder = QueryRecorder()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(recorder):
        response = getattr(client, method)(path, **kwargs)
    origins = list(recorder.origins)
    rows, control = [], 0
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.upper().startswith(TRANSACTION_CONTROL):
            control += 1
            rows.append((sql, "(transaction control)"))
            continue
        origin = "?"
        if origins:
            origin = origins.pop(0)[1]
        rows.append((sql, origin))
    return response.status_code, len(rows) - control, control, rows


def queries(args: dict[str, Any]) -> dict[str, Any]:
    from django.test import Client

    from haimen_gov.org.models import User

    fx = args["fixtures"]
    results: dict[str, Any] = {}

    def record(endpoint: str, who: str, status: int, count: int, control: int, rows: list[tuple[str, str]]) -> None:
        entry = results.setdefault(endpoint, {"counts": {}, "statuses": set(), "max": -1, "queries": []})
        entry["counts"][who] = count
        entry["statuses"].add(status)
        if count > entry["max"]:
            entry["max"], entry["max_user"], entry["queries"] = count, who, rows
            entry["transaction_control"] = control

    for user in fx["users"]:
        person = User.objects.get(username=user["username"])
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(person)
        client.get("/inbox/")  # warm: the first request fills per-process caches (content types, calendar)
        record("inbox", person.username, *_measure(client, "get", "/inbox/"))
        if len(user["items"]) >= 2:
            client.get(f"/items/{user['items'][1]}/")
            record("item", person.username, *_measure(client, "get", f"/items/{user['items'][0]}/"))
    from .config import DASHBOARD_USER

    person = User.objects.get(username=DASHBOARD_USER)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(person)
    client.get("/dashboard/")  # warm, as above
    record("dashboard", person.username, *_measure(client, "get", "/dashboard/"))
    from .config import LIST_PAGES, LIST_PAGES_USER

    person = User.objects.get(username=LIST_PAGES_USER)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(person)
    for key, _label, path in LIST_PAGES:
        client.get(path)  # warm, as above
        record(key, person.username, *_measure(client, "get", path))
    if fx["transitions"]:
        last = fx["transitions"][-1]
        client = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Token {fx['tokens'][last['username']]}")
        record(
            "transition",
            last["username"],
            *_measure(
                client,
                "post",
                f"/api/v1/seals/requests/{last['item']}/transitions/approve/",
                data={"comment": "同意。"},
                content_type="application/json",
            ),
        )
    for entry in results.values():
        entry["statuses"] = sorted(entry["statuses"])
    return results


# ---------------------------------------------------------------------------------------------------------- profile


def profile(args: dict[str, Any]) -> dict[str, Any]:
    """Issue 16: where each hot page's time goes (tests.bench.profile), with the production settings of the bench's
    gunicorn (the parent passes its environment: DEBUG off, the manifest static storage)."""
    from django.test import Client

    from haimen_gov.org.models import User

    from .config import LIST_PAGES, LIST_PAGES_USER
    from .profile import profile_page

    fx, n, out_dir = args["fixtures"], args["requests"], Path(args["out_dir"])
    first = fx["users"][0]
    pages = [("inbox", first["username"], "/inbox/"), ("item", first["username"], f"/items/{first['items'][0]}/")]
    pages += [(key, LIST_PAGES_USER, path) for key, _label, path in LIST_PAGES]
    clients: dict[str, Any] = {}
    results: dict[str, Any] = {}
    for key, username, path in pages:
        if username not in clients:
            clients[username] = Client(SERVER_NAME="127.0.0.1")
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]

        def get(client: Any = client, path: str = path) -> Any:
            return client.get(path)

        shares, top = profile_page(get, n)
        (out_dir / f"profile-{key}.txt").write_text(f"{path} as {username}, {n} requests under cProfile\n\n{top}")
        results[key] = {"user": username, "path": path, **shares}
        log(f"  {key}: {shares}")
    return results


# ---------------------------------------------------------------------------------------------------------- sweep


def sweep(args: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from haimen_gov import workdays
    from haimen_gov.workflow import sweep as sweep_module

    def scalar(sql: str, params: Any = None) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    # A working day (overdue and escalation reminders go out on working days only) not swept yet.
    day = dt.date.fromisoformat(args["anchor"]) if args.get("anchor") else anchor_day()
    while not workdays.is_workday(day).workday or scalar(
        "SELECT EXISTS (SELECT 1 FROM workflow_reminder WHERE day = %s)", [day]
    ):
        day += dt.timedelta(days=1)
    # As on any morning, yesterday's claims are in the table (kept REMINDER_CLAIM_DAYS days): the working day before
    # is swept first if it was not, untimed.
    before = day - dt.timedelta(days=1)
    while not workdays.is_workday(before).workday:
        before -= dt.timedelta(days=1)
    if not scalar("SELECT EXISTS (SELECT 1 FROM workflow_reminder WHERE day = %s)", [before]):
        started = time.perf_counter()
        previous = sweep_module.sweep(before)
        log(
            f"  untimed: the sweep of the working day before ({before}), {previous.total:,} claims, "
            f"{time.perf_counter() - started:.1f} s"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE due_date = %(d)s),
                   count(*) FILTER (WHERE remind_on <= %(d)s AND due_date > %(d)s),
                   count(*) FILTER (WHERE due_date < %(d)s),
                   count(*) FILTER (WHERE escalate_on <= %(d)s)
            FROM workflow_task WHERE status = 'open'
            """,
            {"d": day},
        )
        total, due_today, due_soon, overdue, escalate = cursor.fetchone()
    log(
        f"  sweep day {day}: {total:,} open tasks ({due_today:,} due that day, {due_soon:,} due soon, "
        f"{overdue:,} overdue, {escalate:,} past their escalation day)"
    )
    result: dict[str, Any] = {
        "day": day.isoformat(),
        "open_tasks": total,
        "candidates": {"due_today": due_today, "due_soon": due_soon, "overdue": overdue, "escalate": escalate},
        "notifications_before": scalar("SELECT count(*) FROM workflow_notification"),
        "claims_before": scalar("SELECT count(*) FROM workflow_reminder"),
    }

    if args.get("explain"):
        # The statements as the sweep runs them, then each under EXPLAIN ANALYZE; all rolled back.
        class Rollback(Exception):
            pass

        statements: list[str] = []
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                sweep_module.sweep(day)
                statements = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("INSERT")]
                raise Rollback
        except Rollback:
            pass
        plans = []
        for sql in statements:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, SETTINGS) " + sql.replace("%", "%%"))
                    plans.append(sql + "\n\n" + "\n".join(r[0] for r in cursor.fetchall()))
                    raise Rollback
            except Rollback:
                pass
        result["explain"] = plans
        with connection.cursor() as cursor:  # the rolled-back claims left dead rows: clear them before measuring
            cursor.execute("VACUUM workflow_reminder")

    # 1: the day's first sweep, which writes the day's reminders; 2: the same day again at once (what beat does
    # every few minutes): nothing to insert, every candidate a probe of the unique index on fresh, not yet vacuumed
    # rows; 3: the same after the VACUUM autovacuum runs on an insert-heavy table within minutes.
    runs = []
    for attempt, label in ((1, "first of the day"), (2, "again at once"), (3, "again after VACUUM")):
        if attempt == 3:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) workflow_reminder")
            result["vacuum_seconds"] = round(time.perf_counter() - started, 2)
            log(f"  VACUUM (ANALYZE) workflow_reminder: {result['vacuum_seconds']} s")
        started = time.perf_counter()
        outcome = sweep_module.sweep(day)
        took = time.perf_counter() - started
        runs.append(
            {
                "label": label,
                "seconds": round(took, 3),
                "inserted": outcome.total,
                "due_soon": outcome.due_soon,
                "due_today": outcome.due_today,
                "overdue": outcome.overdue,
                "escalated": outcome.escalated,
            }
        )
        log(f"  sweep {attempt} ({label}): {took:.2f} s, {outcome.total:,} reminders inserted ({outcome})")
    result["runs"] = runs
    result["notifications_after"] = scalar("SELECT count(*) FROM workflow_notification")
    result["claims_after"] = scalar("SELECT count(*) FROM workflow_reminder")
    return result


PHASES = {"seed": seed, "fixtures": fixtures, "queries": queries, "profile": profile, "sweep": sweep}


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in PHASES:
        print(f"usage: python -m tests.bench.phases {{{'|'.join(PHASES)}}} OUT.json [IN.json]", file=sys.stderr)
        return 2
    name, out = argv[0], Path(argv[1])
    args = json.loads(Path(argv[2]).read_text()) if len(argv) > 2 else {}
    _setup()
    result = PHASES[name](args)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

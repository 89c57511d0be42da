"""Refreshing the summary tables (models.py) from the engine's tables: one statement each, in one transaction, so the
page never sees half a refresh. Beat runs ``refresh`` every ``DASHBOARD_REFRESH_SECONDS``; a page that finds no
snapshot at all (a fresh installation) makes the first one itself."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from haimen_gov.workflow.models import Item, Task, TaskStatus

from .models import OpenItemCount, OpenTaskCount, Snapshot, StepTime

STEP_WINDOW_DAYS = 90

_OPEN_TASKS = """
INSERT INTO {summary} (unit_id, post_id, due_date, count)
SELECT i.unit_id, t.post_id, t.due_date, count(*)
FROM {task} t JOIN {item} i ON i.id = t.item_id
WHERE t.status = %(open)s
GROUP BY i.unit_id, t.post_id, t.due_date
"""

_OPEN_ITEMS = """
INSERT INTO {summary} (unit_id, kind_id, stage, stage_label, count)
SELECT i.unit_id, i.kind_id, i.stage, max(i.stage_label), count(*)
FROM {item} i
WHERE i.submitted_at IS NOT NULL AND i.closed_at IS NULL
GROUP BY i.unit_id, i.kind_id, i.stage
"""

# Per unit and for all units together (GROUPING SETS), the median and 90th percentile of the handling time.
_STEP_TIMES_PG = """
INSERT INTO {summary} (unit_id, kind_id, step, step_label, count, median_seconds, p90_seconds)
SELECT i.unit_id, i.kind_id, t.step, max(t.step_label), count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM t.finished_at - t.created_at)),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM t.finished_at - t.created_at))
FROM {task} t JOIN {item} i ON i.id = t.item_id
WHERE t.status = %(done)s AND t.finished_at >= %(since)s AND t.finished_at < %(until)s
GROUP BY GROUPING SETS ((i.kind_id, t.step), (i.unit_id, i.kind_id, t.step))
"""

_STEP_ROWS = """
SELECT i.unit_id, i.kind_id, t.step, t.step_label, t.created_at, t.finished_at
FROM {task} t JOIN {item} i ON i.id = t.item_id
WHERE t.status = %(done)s AND t.finished_at >= %(since)s AND t.finished_at < %(until)s
"""


def percentile(values: list[float], fraction: float) -> float:
    """percentile_cont: linear interpolation between the two closest ranks."""
    values = sorted(values)
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def step_window(until: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    return until - dt.timedelta(days=STEP_WINDOW_DAYS), until


def _step_times_python(params: dict[str, Any]) -> None:
    """SQLite (``make run``) has no percentile_cont: the demo's few rows are read and the percentiles computed here."""
    spans: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    labels: dict[tuple[Any, Any], str] = {}
    with connection.cursor() as cursor:
        cursor.execute(_STEP_ROWS.format(task=Task._meta.db_table, item=Item._meta.db_table), params)
        for unit_id, kind_id, step, label, created, finished in cursor.fetchall():
            created, finished = (dt.datetime.fromisoformat(v) if isinstance(v, str) else v for v in (created, finished))
            seconds = (finished - created).total_seconds()
            spans[(unit_id, kind_id, step)].append(seconds)
            spans[(None, kind_id, step)].append(seconds)
            labels[(kind_id, step)] = label
    StepTime.objects.bulk_create(
        StepTime(
            unit_id=unit_id,
            kind_id=kind_id,
            step=step,
            step_label=labels[(kind_id, step)],
            count=len(values),
            median_seconds=percentile(values, 0.5),
            p90_seconds=percentile(values, 0.9),
        )
        for (unit_id, kind_id, step), values in spans.items()
    )


def refresh(now: dt.datetime | None = None) -> Snapshot:
    """Rewrite the summary tables from the engine's tables, as of ``now``."""
    now = now or timezone.now()
    started = time.perf_counter()
    today = timezone.localtime(now).date()
    tz = timezone.get_current_timezone()
    # The step times' window ends tonight, so that a step finished a minute ago counts.
    since, until = step_window(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    tables = {"task": Task._meta.db_table, "item": Item._meta.db_table}
    params: dict[str, Any] = {
        "open": TaskStatus.OPEN.value,
        "done": TaskStatus.DONE.value,
        "since": since,
        "until": until,
    }
    with transaction.atomic():
        # One refresh at a time: a second one waits here, then rewrites the tables again from fresh data.
        snapshot = Snapshot.objects.select_for_update().order_by("pk").first()
        with connection.cursor() as cursor:
            for model in (OpenTaskCount, OpenItemCount, StepTime):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")
            cursor.execute(_OPEN_TASKS.format(summary=OpenTaskCount._meta.db_table, **tables), params)
            cursor.execute(_OPEN_ITEMS.format(summary=OpenItemCount._meta.db_table, **tables), params)
            if connection.vendor == "postgresql":
                cursor.execute(_STEP_TIMES_PG.format(summary=StepTime._meta.db_table, **tables), params)
        if connection.vendor != "postgresql":
            _step_times_python(params)
        took = round((time.perf_counter() - started) * 1000)
        if snapshot is None:
            snapshot = Snapshot(refreshed_at=now, took_ms=took, steps_since=since, steps_until=until)
        else:
            snapshot.refreshed_at, snapshot.took_ms = now, took
            snapshot.steps_since, snapshot.steps_until = since, until
        snapshot.save()
    return snapshot


def current() -> Snapshot:
    """The latest snapshot; a fresh installation's first page view makes it."""
    snapshot = Snapshot.objects.order_by("pk").first()
    return snapshot if snapshot is not None else refresh()

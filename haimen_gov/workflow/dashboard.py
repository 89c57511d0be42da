"""The engine's dashboard panels (issue 15): work in flight, overdue tasks by unit and by leader, their ageing, the
slowest steps, items stuck with nobody able to act, and a leader's own queue. Every figure is an aggregate query over
all chapters at once (one ``Item`` table, one ``Task`` table), so a chapter's items count here as soon as it has a
flow; the chapter adds its own panel in its own ``dashboard.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum, Window
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from haimen_gov.dashboard.models import OpenItemCount, OpenTaskCount, Snapshot, StepTime
from haimen_gov.dashboard.registry import LEADER, OFFICE, Cell, Panel, Table, chart, register
from haimen_gov.dashboard.scope import LEADER_POST_KINDS, Query
from haimen_gov.dashboard.summary import percentile
from haimen_gov.org.models import NON_DELEGABLE_KINDS, Delegation, Post
from haimen_gov.workdays import add_workdays, lateness_cutoffs

from .models import Item, Task, TaskStatus

RED, DEEP_RED, AMBER, ORANGE, BLUE, GREY = "#c62828", "#7f0000", "#f9a825", "#ef6c00", "#1565c0", "#757575"

# Ageing buckets of open tasks, in the order the page shows them: (key, label, colour).
BUCKETS = [
    ("soon", "即将到期", AMBER),
    ("today", "今日到期", ORANGE),
    ("late3", "逾期1–3个工作日", RED),
    ("late10", "逾期4–10个工作日", "#ad1457"),
    ("late10plus", "逾期10个工作日以上", DEEP_RED),
]
LATE_KEYS = ("late3", "late10", "late10plus")
SLOW_WINDOW_DAYS = 90
STUCK_LIST = 10


def kind_label(app_label: str, model: str) -> str:
    try:
        return str(apps.get_model(app_label, model)._meta.verbose_name)
    except LookupError:
        return model


def _in_units(column: str, unit_ids: frozenset[int] | None, params: dict[str, Any]) -> str:
    """``AND column IN (...)`` for the query's units (placeholders, any database), or nothing for every unit."""
    if unit_ids is None:
        return ""
    if not unit_ids:
        return " AND FALSE"
    names = []
    for n, unit_id in enumerate(sorted(unit_ids)):
        params[f"unit{n}"] = unit_id
        names.append(f"%(unit{n})s")
    return f" AND {column} IN ({', '.join(names)})"


# ------------------------------------------------------------------------------------------------ open tasks

# The open tasks' counts per item unit, post and deadline come from the summary table beat refreshes
# (dashboard.OpenTaskCount); the ageing buckets are filtered sums over it, with cut-off dates computed once from the
# working-day calendar (workdays.lateness_cutoffs), so no row's lateness is ever counted in Python.
_OPEN_TASKS_SQL = """
WITH g AS (
    SELECT s.unit_id, s.post_id,
           sum(s.count) AS open,
           coalesce(sum(s.count) FILTER (WHERE s.due_date > %(today)s AND s.due_date <= %(soon)s), 0) AS soon,
           coalesce(sum(s.count) FILTER (WHERE s.due_date = %(today)s), 0) AS today,
           coalesce(sum(s.count) FILTER (WHERE s.due_date < %(today)s AND s.due_date >= %(cut3)s), 0) AS late3,
           coalesce(sum(s.count) FILTER (WHERE s.due_date < %(cut3)s AND s.due_date >= %(cut10)s), 0) AS late10,
           coalesce(sum(s.count) FILTER (WHERE s.due_date < %(cut10)s), 0) AS late10plus
    FROM {summary} s
    WHERE TRUE{units}
    GROUP BY s.unit_id, s.post_id
)
SELECT g.unit_id, g.post_id, g.open, g.soon, g.today, g.late3, g.late10, g.late10plus,
       p.title, p.kind, p.unit_id, u.full_name, u.username
FROM g JOIN {post} p ON p.id = g.post_id LEFT JOIN {user} u ON u.id = p.holder_id
"""


def ageing_cutoffs(today: dt.date) -> dict[str, dt.date]:
    cuts = lateness_cutoffs(today, [3, 10])
    return {"soon": add_workdays(today, 1).date, "cut3": cuts[3], "cut10": cuts[10]}


def open_task_groups(q: Query) -> list[dict[str, Any]]:
    from haimen_gov.org.models import User

    def compute() -> list[dict[str, Any]]:
        params: dict[str, Any] = {"today": q.today, "open": TaskStatus.OPEN.value, **ageing_cutoffs(q.today)}
        sql = _OPEN_TASKS_SQL.format(
            summary=OpenTaskCount._meta.db_table,
            post=Post._meta.db_table,
            user=User._meta.db_table,
            units=_in_units("s.unit_id", q.unit_ids, params),
        )
        keys = ["unit_id", "post_id", "open", *[b[0] for b in BUCKETS], "post", "post_kind", "post_unit_id"]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [
                {
                    **{k: int(v) if isinstance(v, Decimal) else v for k, v in zip(keys, row[:11], strict=True)},
                    "person": row[11] or row[12] or "",
                }
                for row in cursor.fetchall()
            ]

    return q.once("open_task_groups", compute)  # type: ignore[no-any-return]


def _overdue(row: dict[str, Any]) -> int:
    return sum(row[k] for k in LATE_KEYS)


def overdue_figures(q: Query) -> dict[str, Any]:
    groups = open_task_groups(q)
    by_unit: dict[int, dict[str, Any]] = {}
    by_post: dict[int, dict[str, Any]] = {}
    for row in groups:
        unit = by_unit.setdefault(
            row["unit_id"],
            {"unit_id": row["unit_id"], "unit": q.scope.unit_name(row["unit_id"]) or "—", "open": 0}
            | {k: 0 for k in LATE_KEYS},
        )
        unit["open"] += row["open"]
        for k in LATE_KEYS:
            unit[k] += row[k]
        if row["post_kind"] in LEADER_POST_KINDS:
            post = by_post.setdefault(
                row["post_id"],
                {"post_id": row["post_id"], "post": row["post"], "person": row["person"] or "（空缺）", "open": 0}
                | {k: 0 for k in LATE_KEYS},
            )
            post["open"] += row["open"]
            for k in LATE_KEYS:
                post[k] += row[k]

    def finish(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        for row in rows:
            row["overdue"] = _overdue(row)
            row["url"] = q.url("dashboard:tasks", **{key: row[f"{key}_id"], "due": "overdue"})
        # Red first: the longest overdue, then the most overdue.
        return sorted(
            (r for r in rows if r["overdue"]),
            key=lambda r: (-r["late10plus"], -r["late10"], -r["overdue"], r[key]),
        )

    units = finish(list(by_unit.values()), "unit")
    leaders = finish(list(by_post.values()), "post")
    return {
        "overdue": sum(r["overdue"] for r in units),
        "open": sum(r["open"] for r in by_unit.values()),
        "url": q.url("dashboard:tasks", due="overdue"),
        "open_url": q.url("dashboard:tasks"),
        "by_unit": units,
        "by_leader": leaders,
    }


def _late_cells(row: dict[str, Any], q: Query | None = None) -> list[Cell]:
    return [
        Cell(row["overdue"], row["url"], "danger"),
        Cell(row["late3"]),
        Cell(row["late10"], tone="danger" if row["late10"] else ""),
        Cell(row["late10plus"], tone="danger" if row["late10plus"] else ""),
        Cell(row["open"]),
    ]


LATE_HEADER = ["逾期", "1–3个工作日", "4–10个工作日", "10个工作日以上", "在办待办"]


def overdue_tables(f: dict[str, Any]) -> list[Table]:
    return [
        Table(
            "overdue_by_unit",
            "逾期待办（按申请单位）",
            ["单位", *LATE_HEADER],
            [[Cell(r["unit"]), *_late_cells(r)] for r in f["by_unit"]],
        ),
        Table(
            "overdue_by_leader",
            "逾期待办（按领导）",
            ["职务", "承办人", *LATE_HEADER],
            [[Cell(r["post"]), Cell(r["person"]), *_late_cells(r)] for r in f["by_leader"]],
        ),
    ]


def overdue_charts(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
    def stacked(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
        rows = rows[:12]
        return chart(
            "bar",
            [r[name] for r in rows],
            [
                {
                    "name": label,
                    "color": colour,
                    "data": [{"value": r[key], "url": r["url"]} for r in rows],
                }
                for key, label, colour in BUCKETS
                if key in LATE_KEYS
            ],
            label=f"逾期待办按{'单位' if name == 'unit' else '领导'}分布，红色越深逾期越久",
            horizontal=True,
        )

    leaders = [{**r, "label": f"{r['post']} {r['person']}"} for r in f["by_leader"]]
    return {"by_unit": stacked(f["by_unit"], "unit"), "by_leader": stacked(leaders, "label")}


class _LateRow(serializers.Serializer):
    overdue = serializers.IntegerField(help_text="已逾期待办数")
    late3 = serializers.IntegerField(help_text="逾期1–3个工作日")
    late10 = serializers.IntegerField(help_text="逾期4–10个工作日")
    late10plus = serializers.IntegerField(help_text="逾期10个工作日以上")
    open = serializers.IntegerField(help_text="在办待办数")
    url = serializers.CharField(help_text="明细列表")


class _UnitLateRow(_LateRow):
    unit_id = serializers.IntegerField()
    unit = serializers.CharField()


class _PostLateRow(_LateRow):
    post_id = serializers.IntegerField()
    post = serializers.CharField()
    person = serializers.CharField()


class OverdueSerializer(serializers.Serializer):
    overdue = serializers.IntegerField()
    open = serializers.IntegerField()
    url = serializers.CharField()
    open_url = serializers.CharField(help_text="全部在办待办的明细列表")
    by_unit = _UnitLateRow(many=True)
    by_leader = _PostLateRow(many=True)


# ------------------------------------------------------------------------------------------------ ageing


def ageing_figures(q: Query) -> dict[str, Any]:
    totals = dict.fromkeys([b[0] for b in BUCKETS], 0)
    for row in open_task_groups(q):
        for key in totals:
            totals[key] += row[key]
    return {
        "buckets": [
            {"key": key, "label": label, "count": totals[key], "url": q.url("dashboard:tasks", due=key)}
            for key, label, _colour in BUCKETS
        ]
    }


def ageing_tables(f: dict[str, Any]) -> list[Table]:
    return [
        Table(
            "ageing",
            "待办时限分布",
            ["时限", "待办数"],
            [
                [Cell(b["label"]), Cell(b["count"], b["url"], "danger" if b["key"] in LATE_KEYS else "")]
                for b in f["buckets"]
            ],
            note="即将到期：下一个工作日内到期；逾期按工作日计（工作日历）。",
        )
    ]


def ageing_charts(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
    colours = {key: colour for key, _label, colour in BUCKETS}
    return {
        "buckets": chart(
            "bar",
            [b["label"] for b in f["buckets"]],
            [
                {
                    "name": "待办数",
                    "data": [
                        {"value": b["count"], "url": b["url"], "itemStyle": {"color": colours[b["key"]]}}
                        for b in f["buckets"]
                    ],
                }
            ],
            label="在办待办按时限分布：即将到期、今日到期、逾期天数",
        )
    }


class _Bucket(serializers.Serializer):
    key = serializers.ChoiceField(choices=[b[0] for b in BUCKETS])
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()
    url = serializers.CharField()


class AgeingSerializer(serializers.Serializer):
    buckets = _Bucket(many=True)


# ------------------------------------------------------------------------------------------------ work in flight


def work_figures(q: Query) -> dict[str, Any]:
    """Open items (submitted, not closed) per chapter and state (from the summary table)."""
    qs = OpenItemCount.objects.all()
    if q.unit_ids is not None:
        qs = qs.filter(unit_id__in=q.unit_ids)
    rows = qs.values("kind_id", "stage").annotate(n=Sum("count"), label=Max("stage_label")).order_by("kind_id", "stage")
    kinds: dict[str, dict[str, Any]] = {}
    for row in rows:
        content_type = ContentType.objects.get_for_id(row["kind_id"])
        row.update(kind__app_label=content_type.app_label, kind__model=content_type.model)
        row.update(count=row["n"], stage_label=row["label"])
        key = f"{row['kind__app_label']}.{row['kind__model']}"
        kind = kinds.setdefault(
            key,
            {
                "kind": key,
                "label": kind_label(row["kind__app_label"], row["kind__model"]),
                "count": 0,
                "url": q.url("dashboard:items", kind=key),
                "states": [],
            },
        )
        kind["count"] += row["count"]
        kind["states"].append(
            {
                "state": row["stage"],
                "label": row["stage_label"],
                "count": row["count"],
                "url": q.url("dashboard:items", kind=key, state=row["stage"]),
            }
        )
    return {
        "count": sum(k["count"] for k in kinds.values()),
        "url": q.url("dashboard:items"),
        "kinds": list(kinds.values()),
    }


def work_tables(f: dict[str, Any]) -> list[Table]:
    rows = []
    for kind in f["kinds"]:
        rows.append([Cell(kind["label"]), Cell("合计"), Cell(kind["count"], kind["url"])])
        rows += [[Cell(kind["label"]), Cell(s["label"]), Cell(s["count"], s["url"])] for s in kind["states"]]
    return [Table("work", "在办事项（按类别和状态）", ["类别", "状态", "事项数"], rows)]


def work_charts(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
    states: list[str] = []
    for kind in f["kinds"]:
        states += [s["label"] for s in kind["states"] if s["label"] not in states]
    palette = [BLUE, "#2e7d32", AMBER, ORANGE, "#6a1b9a", GREY, RED]
    series = []
    for n, kind in enumerate(f["kinds"]):
        by_label = {s["label"]: s for s in kind["states"]}
        series.append(
            {
                "name": kind["label"],
                "color": palette[n % len(palette)],
                "data": [
                    {"value": by_label[s]["count"], "url": by_label[s]["url"]} if s in by_label else {"value": 0}
                    for s in states
                ],
            }
        )
    return {"states": chart("bar", states, series, label="在办事项按类别和状态分布")}


class _State(serializers.Serializer):
    state = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()
    url = serializers.CharField()


class _Kind(serializers.Serializer):
    kind = serializers.CharField(help_text="app_label.model，如 seals.sealrequest")
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()
    url = serializers.CharField()
    states = _State(many=True)


class WorkSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="在办事项总数")
    url = serializers.CharField()
    kinds = _Kind(many=True)


# ------------------------------------------------------------------------------------------------ slowest steps

_SLOW_SQL_PG = """
SELECT ct.app_label, ct.model, t.step, t.step_label, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM t.finished_at - t.created_at)),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM t.finished_at - t.created_at))
FROM {task} t JOIN {item} i ON i.id = t.item_id JOIN django_content_type ct ON ct.id = i.kind_id
WHERE t.status = %(done)s AND t.finished_at >= %(since)s AND t.finished_at < %(until)s{units}
GROUP BY ct.app_label, ct.model, t.step, t.step_label
ORDER BY 7 DESC, 6 DESC
"""

# SQLite (``make run``) has no percentile_cont: the few demo rows are read and the percentiles computed here.
_SLOW_SQL_ROWS = """
SELECT ct.app_label, ct.model, t.step, t.step_label, t.created_at, t.finished_at
FROM {task} t JOIN {item} i ON i.id = t.item_id JOIN django_content_type ct ON ct.id = i.kind_id
WHERE t.status = %(done)s AND t.finished_at >= %(since)s AND t.finished_at < %(until)s{units}
"""


def _slow_rows_from_summary(q: Query, snapshot: Snapshot) -> list[tuple[Any, ...]]:
    qs = StepTime.objects.filter(unit_id=q.unit) if q.unit is not None else StepTime.objects.filter(unit_id=None)
    rows = []
    for r in qs.order_by("-p90_seconds", "-median_seconds", "kind_id", "step"):
        content_type = ContentType.objects.get_for_id(r.kind_id)
        rows.append(
            (content_type.app_label, content_type.model, r.step, r.step_label, r.count, r.median_seconds, r.p90_seconds)
        )
    return rows


def slow_figures(q: Query) -> dict[str, Any]:
    snapshot = q.snapshot()
    # This month over every unit or one: the summary beat keeps (percentiles of a portfolio's several units do not
    # add up, nor do past months': those are computed here).
    if q.is_current_month and (q.unit is not None or q.scope.unit_ids is None):
        return _slow_result(q, snapshot.steps_since, snapshot.steps_until, _slow_rows_from_summary(q, snapshot))
    until = q.window_end()
    since = until - dt.timedelta(days=SLOW_WINDOW_DAYS)
    return _slow_result(q, since, until, _slow_rows_live(q, since, until))


def _slow_rows_live(q: Query, since: dt.datetime, until: dt.datetime) -> list[tuple[Any, ...]]:
    params: dict[str, Any] = {"done": TaskStatus.DONE.value, "since": since, "until": until}
    units = _in_units("i.unit_id", q.unit_ids, params)
    rows: list[tuple[Any, ...]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_SLOW_SQL_PG.format(task=Task._meta.db_table, item=Item._meta.db_table, units=units), params)
            rows = cursor.fetchall()
        else:
            cursor.execute(
                _SLOW_SQL_ROWS.format(task=Task._meta.db_table, item=Item._meta.db_table, units=units), params
            )
            spans: dict[tuple[Any, ...], list[float]] = defaultdict(list)
            for app_label, model, step, label, created, finished in cursor.fetchall():
                created, finished = (
                    dt.datetime.fromisoformat(v) if isinstance(v, str) else v for v in (created, finished)
                )
                spans[(app_label, model, step, label)].append((finished - created).total_seconds())
            rows = [(*k, len(v), percentile(v, 0.5), percentile(v, 0.9)) for k, v in spans.items()]
            rows.sort(key=lambda r: (-r[6], -r[5]))
    return rows


def _slow_result(q: Query, since: dt.datetime, until: dt.datetime, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    since, until = timezone.localtime(since), timezone.localtime(until)
    steps = [
        {
            "kind": f"{app_label}.{model}",
            "kind_label": kind_label(app_label, model),
            "step": step,
            "step_label": label,
            "count": count,
            "median_hours": round(float(median) / 3600, 1),
            "p90_hours": round(float(p90) / 3600, 1),
            "url": q.url("dashboard:tasks", kind=f"{app_label}.{model}", step=step, finished=SLOW_WINDOW_DAYS),
        }
        for app_label, model, step, label, count, median, p90 in rows
    ]
    return {
        "since": since.date().isoformat(),
        "until": (until - dt.timedelta(days=1)).date().isoformat(),  # the last day in the window
        "days": SLOW_WINDOW_DAYS,
        "steps": steps,
    }


def slow_tables(f: dict[str, Any]) -> list[Table]:
    return [
        Table(
            "slow_steps",
            f"办理最慢的环节（近{f['days']}天已办，{f['since']}至{f['until']}）",
            ["类别", "环节", "已办件数", "中位用时（小时）", "90%用时（小时）"],
            [
                [
                    Cell(s["kind_label"]),
                    Cell(s["step_label"]),
                    Cell(s["count"], s["url"]),
                    Cell(s["median_hours"]),
                    Cell(s["p90_hours"]),
                ]
                for s in f["steps"]
            ],
            note="用时：从待办到达至办理完成的自然时长。",
        )
    ]


def slow_charts(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
    steps = f["steps"][:10]
    # One chapter so far: the step's name says enough; with several, the chapter goes first.
    several = len({s["kind"] for s in steps}) > 1
    names = [f"{s['kind_label']}·{s['step_label']}" if several else s["step_label"] for s in steps]
    return {
        "steps": chart(
            "bar",
            names,
            [
                {
                    "name": "中位用时（小时）",
                    "color": BLUE,
                    "data": [{"value": s["median_hours"], "url": s["url"]} for s in steps],
                },
                {
                    "name": "90%用时（小时）",
                    "color": ORANGE,
                    "data": [{"value": s["p90_hours"], "url": s["url"]} for s in steps],
                },
            ],
            label="各环节办理用时的中位数和90百分位（小时）",
            horizontal=True,
        )
        | {"grouped": True}
    }


class _Step(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    step = serializers.CharField()
    step_label = serializers.CharField()
    count = serializers.IntegerField()
    median_hours = serializers.FloatField()
    p90_hours = serializers.FloatField()
    url = serializers.CharField()


class SlowSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    days = serializers.IntegerField()
    steps = _Step(many=True)


# ------------------------------------------------------------------------------------------------ stuck


def stuck_tasks(q: Query) -> Any:
    """Open tasks nobody can act on today: their post is vacant (or its holder's account is disabled) and no
    delegation covers it (a seal custodian's never can: 第三十条). The few such posts are read first (a list of ids:
    handed a subquery, PostgreSQL walked every open task by deadline instead), then their tasks off the inbox index;
    with none, there is no second query at all."""
    delegated = Delegation.objects.filter(
        post=OuterRef("pk"), start__lte=q.today, end__gte=q.today, revoked_at__isnull=True
    )
    posts = (
        Post.objects.filter(Q(holder__isnull=True) | Q(holder__is_active=False))
        .exclude(Q(Exists(delegated)) & ~Q(kind__in=NON_DELEGABLE_KINDS))
        .values_list("pk", flat=True)
    )
    qs = Task.objects.filter(status=TaskStatus.OPEN, post_id__in=list(posts))
    if q.unit_ids is not None:
        qs = qs.filter(item__unit_id__in=q.unit_ids)
    return qs


def stuck_figures(q: Query) -> dict[str, Any]:
    rows = list(
        stuck_tasks(q)
        .annotate(total=Window(Count("id")))
        .values("total", "id", "item_id", "item__title", "item__unit_id", "step_label", "post__title", "due_date")
        .order_by("due_date", "id")[:STUCK_LIST]
    )
    return {
        "count": rows[0]["total"] if rows else 0,
        "url": q.url("dashboard:tasks", due="stuck"),
        "tasks": [
            {
                "task_id": r["id"],
                "item_id": r["item_id"],
                "title": r["item__title"],
                "unit": q.scope.unit_name(r["item__unit_id"]),
                "step": r["step_label"],
                "post": r["post__title"],
                "due_date": r["due_date"].isoformat(),
                "overdue": r["due_date"] < q.today,
                "url": reverse("workflow:item", args=[r["item_id"]]),
            }
            for r in rows
        ],
    }


def stuck_tables(f: dict[str, Any]) -> list[Table]:
    return [
        Table(
            "stuck",
            f"无人可办的事项（共 {f['count']} 件待办）",
            ["事项", "申请单位", "环节", "承办职务（空缺）", "办理期限"],
            [
                [
                    Cell(t["title"], t["url"]),
                    Cell(t["unit"]),
                    Cell(t["step"]),
                    Cell(t["post"]),
                    Cell(t["due_date"], tone="danger" if t["overdue"] else ""),
                ]
                for t in f["tasks"]
            ],
            note="职务空缺（或任职人账户已停用）且没有有效委托的待办；区政府办公室主任可在事项页面改派（流程干预）。",
        )
    ]


class _StuckTask(serializers.Serializer):
    task_id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    title = serializers.CharField()
    unit = serializers.CharField()
    step = serializers.CharField()
    post = serializers.CharField()
    due_date = serializers.DateField()
    overdue = serializers.BooleanField()
    url = serializers.CharField()


class StuckSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    url = serializers.CharField()
    tasks = _StuckTask(many=True)


# ------------------------------------------------------------------------------------------------ a leader's queue

QUEUE_LIST = 8


def queue_figures(q: Query) -> dict[str, Any]:
    """What waits on the leader: their open tasks (held or delegated posts), soonest deadline first."""
    from .selectors import inbox

    # The counts are the navigation's (one query, shared with it; exact up to 999, then 1000 for "999+"), the list
    # the first page of the inbox, read off its index.
    counts = q.nav_counts()
    rows = list(inbox(q.scope.user, q.scope.post_ids)[:QUEUE_LIST])
    return {
        "count": counts["inbox"],
        "overdue": counts["overdue"],
        "url": reverse("workflow:inbox"),
        "tasks": [
            {
                "item_id": t.item_id,
                "title": t.item.title,
                "kind": t.item.kind.name,
                "step": t.step_label,
                "unit": t.item.unit.short_name or t.item.unit.name,
                "due_date": t.due_date.isoformat(),
                "overdue": t.due_date < q.today,
                "url": reverse("workflow:item", args=[t.item_id]),
            }
            for t in rows
        ],
    }


def queue_tables(f: dict[str, Any]) -> list[Table]:
    return [
        Table(
            "queue",
            f"我的待办（共 {f['count']} 件，逾期 {f['overdue']} 件）",
            ["事项", "类别", "环节", "申请单位", "办理期限"],
            [
                [
                    Cell(t["title"], t["url"]),
                    Cell(t["kind"]),
                    Cell(t["step"]),
                    Cell(t["unit"]),
                    Cell(t["due_date"], tone="danger" if t["overdue"] else ""),
                ]
                for t in f["tasks"]
            ],
        )
    ]


class _QueueTask(serializers.Serializer):
    item_id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    step = serializers.CharField()
    unit = serializers.CharField()
    due_date = serializers.DateField()
    overdue = serializers.BooleanField()
    url = serializers.CharField()


class QueueSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="我的待办数（999 以上记为 1000，即“999+”）")
    overdue = serializers.IntegerField(help_text="其中已逾期（同上）")
    url = serializers.CharField()
    tasks = _QueueTask(many=True)


register(
    Panel(
        key="queue",
        title="我的待办",
        template="dashboard/panels/queue.html",
        figures=queue_figures,
        tables=queue_tables,
        serializer=QueueSerializer,
        audiences=frozenset({LEADER}),
        order=5,
    )
)
register(
    Panel(
        key="work",
        title="在办事项",
        template="dashboard/panels/work.html",
        figures=work_figures,
        tables=work_tables,
        serializer=WorkSerializer,
        charts=work_charts,
        order=10,
    )
)
register(
    Panel(
        key="ageing",
        title="待办时限",
        template="dashboard/panels/ageing.html",
        figures=ageing_figures,
        tables=ageing_tables,
        serializer=AgeingSerializer,
        charts=ageing_charts,
        order=20,
    )
)
register(
    Panel(
        key="overdue",
        title="逾期待办",
        template="dashboard/panels/overdue.html",
        figures=overdue_figures,
        tables=overdue_tables,
        serializer=OverdueSerializer,
        charts=overdue_charts,
        order=30,
    )
)
register(
    Panel(
        key="slow",
        title="办理最慢的环节",
        template="dashboard/panels/slow.html",
        figures=slow_figures,
        tables=slow_tables,
        serializer=SlowSerializer,
        charts=slow_charts,
        audiences=frozenset({OFFICE}),
        order=40,
    )
)
register(
    Panel(
        key="stuck",
        title="无人可办的事项",
        template="dashboard/panels/stuck.html",
        figures=stuck_figures,
        tables=stuck_tables,
        serializer=StuckSerializer,
        audiences=frozenset({OFFICE}),
        order=50,
    )
)

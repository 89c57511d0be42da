"""Seed the bench database in bulk: set-based ``INSERT … SELECT … generate_series`` in one transaction, never the ORM
row by row. Runs inside a Django process connected to the bench database (see ``tests.bench.phases``).

The shape, over the demo organisation (``seed_demo``) and its two seals (``seals.demo.seed_seals``):

* ``items`` seal requests (a ``workflow_item`` row and a ``seals_sealrequest`` row each) from the 14 applicant units,
  70 % on the government seal; 50 % archived, 3 % rejected, 2 % withdrawn, 2 % returned, 1 % drafts, and 42 % open:
  18 % in review, 14 % in approval (a few of those off-site), 10 % waiting at the custodian;
* their history as the engine writes it (起草, 提交, 审核同意, 审签同意, 登记 …; ~4 rows an item), the finished tasks
  behind it, and one open task per open item (two for an off-site approval, 或签), addressed as ``seals.flow`` does;
* then 加签 opinion requests (``extra``) on the open items' current step, to distinct posts, until there are ``tasks``
  open tasks in all: the load the reminder sweep has to go through. A reserve of open items gets none, so that
  the transition benchmark can approve them (the engine refuses an approval while a 加签 is open);
* every open task's deadline falls uniformly within ±30 days of the anchor day, so about 1/61 of them is due on any
  one day, half are overdue; reminder and escalation days follow the flow's settings over the working-day calendar;
* "new task" notices for the flow's own tasks and result notices for decided items, mostly read;
* an API token for every demo user.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

STATE_LABELS: dict[str, str] = {}  # filled from seals.models.State at run time

OPEN_STATES = ("review", "approval", "offsite_approval", "stamping")

# (states, k, verb, verb label, step code, step label, from state, to state, who, comment): the history an item in
# each state has, event k happening at created_at + (k - 1) × gap. "who": submitter, reviewer, approver, custodian.
# fmt: off
EVENTS = [
    ("{draft,review,approval,offsite_approval,stamping,archived,rejected,withdrawn,returned}", 1, "create", "起草",
     "", "", "", "draft", "submitter", ""),
    ("{review,approval,offsite_approval,stamping,archived,rejected,withdrawn,returned}", 2, "submit", "提交审批",
     "", "", "draft", "review", "submitter", ""),
    ("{approval,offsite_approval,stamping,archived}", 3, "approve", "审核同意", "review", "分管领导审核", "review",
     "approval", "reviewer", "同意，请区领导审签。"),
    ("{rejected}", 3, "reject", "不同意", "review", "分管领导审核", "review", "rejected", "reviewer",
     "不符合用印管理规定，不同意用印。"),
    ("{withdrawn}", 3, "withdraw", "撤回申请", "", "", "review", "withdrawn", "submitter", ""),
    ("{returned}", 3, "return", "退回申请人", "review", "分管领导审核", "review", "returned", "reviewer",
     "请补充相关材料后重新提交。"),
    ("{offsite_approval}", 4, "approve", "审签同意", "approval", "主要领导审签", "approval", "offsite_approval",
     "approver", "同意。"),
    ("{stamping,archived}", 4, "approve", "审签同意", "approval", "主要领导审签", "approval", "stamping", "approver",
     "同意。"),
    ("{archived}", 5, "register", "登记用印并归档", "stamping", "用印登记", "stamping", "archived", "custodian",
     "已按批准份数用印。"),
]
# fmt: on

DOCUMENTS = [
    "关于申请年度专项资金的请示",
    "关于报送上半年工作总结的报告",
    "关于开展安全生产大检查的通知",
    "关于签订战略合作框架协议的请示",
    "关于调整工作领导小组成员的通知",
    "关于申报省级示范项目的请示",
    "关于做好防汛防台工作的紧急通知",
    "关于公布行政权力事项清单的通知",
    "关于重点项目建设用地的请示",
    "关于表彰先进集体和先进个人的决定",
]


class Seeder:
    def __init__(
        self,
        *,
        items: int,
        tasks: int,
        reserved: int,
        anchor: dt.date,
        log: Callable[[str], None],
        seed: float = 0.4242,
    ) -> None:
        self.items, self.tasks, self.reserved, self.anchor = items, tasks, reserved, anchor
        self.log, self.seed = log, seed
        self.timings: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    # ------------------------------------------------------------------ helpers

    def _exec(self, label: str, sql: str, params: Any = None) -> int:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # Always with parameters, so that "%%" means "%" in every statement.
            cursor.execute(sql, params if params is not None else {})
            rows = max(cursor.rowcount, 0)
        took = time.perf_counter() - started
        self.timings[label] = self.timings.get(label, 0.0) + took
        self.log(f"  {label}: {rows:,} rows in {took:.1f} s")
        return rows

    def _scalar(self, sql: str, params: Any = None) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ the organisation as small temp tables

    def _org_tables(self) -> None:
        from haimen_gov.org.models import Portfolio, PortfolioRole, Post, PostKind
        from seals.flow import FLOW
        from seals.models import Seal, SealKind, State

        STATE_LABELS.update({str(v): str(label) for v, label in State.choices})
        head = Post.objects.get(kind=PostKind.DISTRICT_HEAD)
        director = Post.objects.get(kind=PostKind.OFFICE_DIRECTOR)
        gov_seal = Seal.objects.get(kind=SealKind.GOVERNMENT)
        office_seal = Seal.objects.get(kind=SealKind.OFFICE)
        portfolios = {(p.unit_id, p.role): p.post_id for p in Portfolio.objects.all()}
        applicant_kinds = [PostKind.UNIT_HEAD, PostKind.JUSTICE_HEAD, PostKind.FINANCE_HEAD]
        units: list[tuple[int, int, int, int, int, int]] = []
        for head_post in Post.objects.filter(kind__in=applicant_kinds, holder__isnull=False).order_by("unit_id"):
            unit_id = head_post.unit_id
            vice = portfolios.get((unit_id, PortfolioRole.VICE_HEAD))
            deputy = portfolios.get((unit_id, PortfolioRole.OFFICE_DEPUTY))
            if vice is None or deputy is None:
                continue
            staff = list(
                Post.objects.filter(unit_id=unit_id, holder__isnull=False)
                .order_by("order", "id")
                .values_list("holder_id", flat=True)
            )
            units.append((len(units), unit_id, staff[0], staff[-1], vice, deputy))
        if not units:
            raise RuntimeError("the demo organisation has no applicant unit with portfolios: did seed_demo run?")
        posts = list(Post.objects.filter(holder__isnull=False).order_by("id").values_list("id", "holder_id", "title"))

        before, escalate = FLOW.reminder_settings()
        days = [self._day_row(self.anchor + dt.timedelta(days=off), before, escalate) for off in range(-45, 46)]

        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_units, bench_posts, bench_days, bench_const, bi, be")
            cursor.execute(
                "CREATE TEMP TABLE bench_units (idx int, unit_id bigint, sub_a bigint, sub_b bigint, "
                "vice_post bigint, deputy_post bigint)"
            )
            cursor.executemany("INSERT INTO bench_units VALUES (%s, %s, %s, %s, %s, %s)", units)
            cursor.execute("CREATE TEMP TABLE bench_posts (idx int, post_id bigint, holder_id bigint, title text)")
            cursor.executemany(
                "INSERT INTO bench_posts VALUES (%s, %s, %s, %s)",
                [(i, pid, hid, title) for i, (pid, hid, title) in enumerate(posts)],
            )
            cursor.execute("CREATE TEMP TABLE bench_days (d date PRIMARY KEY, remind_on date, escalate_on date)")
            cursor.executemany("INSERT INTO bench_days VALUES (%s, %s, %s)", days)
            cursor.execute(
                "CREATE TEMP TABLE bench_const AS SELECT %s::bigint AS head_post, %s::bigint AS director_post, "
                "%s::bigint AS gov_seal, %s::bigint AS office_seal, %s::bigint AS gov_custodian, "
                "%s::bigint AS office_custodian, %s::text AS gov_seal_name, %s::text AS office_seal_name, "
                "%s::date AS anchor, (SELECT count(*) FROM bench_posts)::int AS n_posts, "
                "(SELECT count(*) FROM bench_units)::int AS n_units",
                [
                    head.pk,
                    director.pk,
                    gov_seal.pk,
                    office_seal.pk,
                    gov_seal.custodian_id,
                    office_seal.custodian_id,
                    gov_seal.name,
                    office_seal.name,
                    self.anchor,
                ],
            )
        self.counts["units"] = len(units)
        self.counts["posts"] = len(posts)

    @staticmethod
    def _day_row(day: dt.date, before: int, escalate: int) -> tuple[dt.date, dt.date | None, dt.date | None]:
        from haimen_gov import workdays

        remind = None
        if before > 0:
            remind, left = day, before
            while left:
                remind -= dt.timedelta(days=1)
                if workdays.is_workday(remind).workday:
                    left -= 1
        escalate_on = workdays.add_workdays(day, escalate).date if escalate > 0 else None
        return day, remind, escalate_on

    # ------------------------------------------------------------------ items

    def _items(self) -> None:
        base = self._scalar("SELECT COALESCE(max(id), 0) FROM workflow_item")
        from django.contrib.contenttypes.models import ContentType

        from seals.models import SealRequest

        kind = ContentType.objects.get_for_model(SealRequest).pk
        labels = "CASE {col} " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in STATE_LABELS.items()) + " END"
        self._exec("setseed", "SELECT setseed(%s)", [self.seed])
        # bi: one row per item with everything the later statements derive from it.
        self._exec(
            "plan items",
            """
            CREATE TEMP TABLE bi AS
            WITH g AS (
                SELECT n, random() AS r_unit, random() AS r_sub, random() AS r_gov, random() AS r_state,
                       random() AS r_off, random() AS r_time, random() AS r_gap, random() AS r_due,
                       random() AS r_copies, random() AS r_half, random() AS r_res
                FROM generate_series(1, %(n)s) AS n
            ), s AS (
                SELECT g.*,
                       CASE WHEN r_state < .50 THEN 'archived' WHEN r_state < .53 THEN 'rejected'
                            WHEN r_state < .55 THEN 'withdrawn' WHEN r_state < .57 THEN 'returned'
                            WHEN r_state < .58 THEN 'draft' WHEN r_state < .76 THEN 'review'
                            WHEN r_state < .90 THEN 'approval' ELSE 'stamping' END AS state0
                FROM g
            ), t AS (
                SELECT s.*, (r_off < .05 AND state0 NOT IN ('archived', 'stamping')) AS offsite FROM s
            ), u AS (
                SELECT t.*,
                       CASE WHEN state0 = 'approval' AND offsite AND r_half < .5 THEN 'offsite_approval'
                            ELSE state0 END AS state,
                       r_gov < .7 AS gov,
                       floor(r_unit * c.n_units)::int AS uidx,
                       interval '1 hour' * (1 + r_gap * 20) AS gap,
                       floor(r_due * 61)::int - 30 AS due_off
                FROM t, bench_const c
            ), v AS (
                SELECT u.*,
                       CASE state WHEN 'draft' THEN 1 WHEN 'review' THEN 2 WHEN 'approval' THEN 3
                                  WHEN 'offsite_approval' THEN 4 WHEN 'stamping' THEN 4 WHEN 'archived' THEN 5
                                  ELSE 3 END AS n_events,
                       state IN ('review', 'approval', 'offsite_approval', 'stamping') AS is_open,
                       -- an open item's current task arrived when its last event happened: no later than now,
                       -- and two days before its deadline when that is earlier
                       LEAST(now() - interval '5 minutes' - r_gap * interval '3 hours',
                             (c.anchor + due_off - 2)::timestamptz + interval '9 hours' + r_gap * interval '8 hours')
                           AS task_at
                FROM u, bench_const c
            )
            SELECT %(base)s + n AS id, v.*,
                   bu.unit_id, CASE WHEN r_sub < .6 THEN bu.sub_b ELSE bu.sub_a END AS submitter_id,
                   CASE WHEN gov THEN c.gov_seal ELSE c.office_seal END AS seal_id,
                   CASE WHEN gov THEN c.gov_seal_name ELSE c.office_seal_name END AS seal_name,
                   CASE WHEN gov THEN bu.vice_post ELSE bu.deputy_post END AS reviewer_post,
                   CASE WHEN gov THEN c.head_post ELSE c.director_post END AS approver_post,
                   CASE WHEN gov THEN c.gov_custodian ELSE c.office_custodian END AS custodian_post,
                   CASE WHEN is_open THEN task_at - (n_events - 1) * gap
                        ELSE now() - interval '1 day' * (30 + r_time * 700) END AS created_at,
                   (%(docs)s)[1 + n %% %(n_docs)s] || '（第' || n || '号）' AS document_title,
                   c.anchor + due_off AS due_date,
                   false AS reserved
            FROM v, bench_const c, bench_units bu
            WHERE bu.idx = v.uidx
            """,
            {"n": self.items, "base": base, "docs": DOCUMENTS, "n_docs": len(DOCUMENTS)},
        )
        with connection.cursor() as cursor:
            cursor.execute("CREATE UNIQUE INDEX ON bi (id)")
            cursor.execute("ANALYZE bi")
        # The reserve for the transition benchmark: items waiting on one post to approve, with no 加签.
        self._exec(
            "reserve items",
            """
            UPDATE bi SET reserved = true WHERE id IN (
                SELECT id FROM bi WHERE state IN ('review', 'approval') AND NOT offsite ORDER BY r_res LIMIT %s)
            """,
            [self.reserved],
        )
        self.counts["items"] = self._exec(
            "workflow_item",
            f"""
            INSERT INTO workflow_item (id, kind_id, title, submitter_id, unit_id, stage, stage_label, round,
                                       created_at, submitted_at, closed_at, updated_at, number)
            SELECT id, %(kind)s, left(seal_name || '用印：' || document_title, 200), submitter_id, unit_id,
                   state, {labels.format(col="state")}, CASE WHEN state = 'draft' THEN 0 ELSE 1 END,
                   created_at,
                   CASE WHEN state = 'draft' THEN NULL ELSE created_at + gap END,
                   CASE WHEN state IN ('archived', 'rejected', 'withdrawn')
                        THEN created_at + (n_events - 1) * gap END,
                   created_at + (n_events - 1) * gap,
                   -- the archive number (第三十二条); the seeded ones read like the portal's but take no series number
                   CASE WHEN state = 'archived'
                        THEN '用印〔' || extract(year FROM created_at + 4 * gap)::int || '〕' || id || '号'
                        ELSE '' END
            FROM bi ORDER BY id
            """,
            {"kind": kind},
        )
        self._exec(
            "seals_sealrequest",
            """
            INSERT INTO seals_sealrequest (item_ptr_id, seal_id, purpose, document_title, copies, offsite,
                                           offsite_place, offsite_reason, state, stamped_at, stamped_copies,
                                           register_note)
            SELECT id, seal_id, '报送' || document_title || '，需加盖印鉴。', document_title,
                   1 + floor(r_copies * 10)::int, offsite,
                   CASE WHEN offsite THEN '南通市政务服务中心' ELSE '' END,
                   CASE WHEN offsite THEN '现场签约，文件须当场用印' ELSE '' END,
                   state,
                   CASE WHEN state = 'archived' THEN created_at + 4 * gap END,
                   CASE WHEN state = 'archived' THEN 1 + floor(r_copies * 10)::int END,
                   ''
            FROM bi ORDER BY id
            """,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('workflow_item', 'id'), (SELECT max(id) FROM workflow_item))"
            )

    # ------------------------------------------------------------------ history and the finished tasks behind it

    def _history(self) -> None:
        values = ", ".join("(" + ", ".join(self._literal(v) for v in row) + ")" for row in EVENTS)
        labels = "CASE {col} " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in STATE_LABELS.items()) + " ELSE '' END"
        self._exec(
            "plan history",
            f"""
            CREATE TEMP TABLE be AS
            SELECT bi.id AS item_id, e.k, e.verb, e.verb_label, e.step, e.step_label, e.from_state, e.to_state,
                   e.comment, bi.created_at + (e.k - 1) * bi.gap AS at, bi.gap,
                   CASE e.who WHEN 'reviewer' THEN bi.reviewer_post WHEN 'approver' THEN bi.approver_post
                              WHEN 'custodian' THEN bi.custodian_post END AS post_id,
                   CASE WHEN e.who = 'submitter' THEN bi.submitter_id END AS submitter_id
            FROM bi JOIN (VALUES {values})
                AS e(states, k, verb, verb_label, step, step_label, from_state, to_state, who, comment)
                ON bi.state = ANY(e.states::text[])
            """,
        )
        self.counts["history"] = self._exec(
            "workflow_historyentry",
            f"""
            INSERT INTO workflow_historyentry (item_id, at, actor_id, post_id, acting_label, verb, verb_label,
                                               step_label, from_state, to_state, to_state_label, comment, ip)
            SELECT be.item_id, be.at, COALESCE(be.submitter_id, p.holder_id), be.post_id, COALESCE(p.title, ''),
                   be.verb, be.verb_label, be.step_label, be.from_state, be.to_state,
                   {labels.format(col="be.to_state")}, be.comment, ('10.32.1.' || (be.item_id %% 200 + 20))::inet
            FROM be LEFT JOIN bench_posts p ON p.post_id = be.post_id
            ORDER BY be.item_id, be.k
            """,
        )
        self.counts["tasks_closed"] = self._exec(
            "workflow_task (finished)",
            """
            INSERT INTO workflow_task (item_id, step, step_label, round, post_id, "group", extra, status,
                                       created_at, due_date, due_estimated, remind_on, escalate_on, finished_at,
                                       finished_by_id, acting_label, decision, comment)
            SELECT be.item_id, be.step, be.step_label, 1, be.post_id, 'one', false, 'done',
                   be.at - be.gap, (be.at - be.gap)::date + 2, false, NULL::date, NULL::date, be.at,
                   p.holder_id, p.title, be.verb, be.comment
            FROM be JOIN bench_posts p ON p.post_id = be.post_id
            WHERE be.step <> ''
            UNION ALL
            -- a withdrawn request's review task, closed by the withdrawal
            SELECT bi.id, 'review', '分管领导审核', 1, bi.reviewer_post, 'one', false, 'cancelled',
                   bi.created_at + bi.gap, (bi.created_at + bi.gap)::date + 1, false, NULL, NULL,
                   bi.created_at + 2 * bi.gap, NULL, '', 'withdrawn', ''
            FROM bi WHERE bi.state = 'withdrawn'
            ORDER BY 1
            """,
        )

    @staticmethod
    def _literal(value: object) -> str:
        if isinstance(value, int):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    # ------------------------------------------------------------------ open tasks

    def _open_tasks(self) -> None:
        self.first_task_id = self._scalar("SELECT COALESCE(max(id), 0) FROM workflow_task")
        self.counts["tasks_open_flow"] = self._exec(
            "workflow_task (open, the flow's own)",
            """
            INSERT INTO workflow_task (item_id, step, step_label, round, post_id, "group", extra, status,
                                       created_at, due_date, due_estimated, remind_on, escalate_on, finished_at,
                                       finished_by_id, acting_label, decision, comment)
            SELECT bi.id, s.step, s.label, 1, s.post_id, s.grp, false, 'open', bi.task_at, bi.due_date, false,
                   CASE WHEN d.remind_on > bi.task_at::date THEN d.remind_on END, d.escalate_on,
                   NULL, NULL, '', '', ''
            FROM bi
            CROSS JOIN LATERAL (
                SELECT 'review' AS step, '分管领导审核' AS label, bi.reviewer_post AS post_id, 'one' AS grp
                WHERE bi.state = 'review'
                UNION ALL SELECT 'approval', '主要领导审签', bi.approver_post, 'one' WHERE bi.state = 'approval'
                UNION ALL SELECT 'stamping', '用印登记', bi.custodian_post, 'one' WHERE bi.state = 'stamping'
                UNION ALL SELECT 'offsite', '异地用印审批', c.head_post, 'any' FROM bench_const c
                          WHERE bi.state = 'offsite_approval'
                UNION ALL SELECT 'offsite', '异地用印审批', c.director_post, 'any' FROM bench_const c
                          WHERE bi.state = 'offsite_approval'
            ) s
            JOIN bench_days d ON d.d = bi.due_date
            ORDER BY bi.id
            """,
        )
        load = self.tasks - self.counts["tasks_open_flow"]
        eligible = self._scalar(
            "SELECT count(*) FROM bi WHERE state IN ('review', 'approval', 'stamping') AND NOT reserved"
        )
        n_posts = self.counts["posts"]
        self.counts["tasks_open_extra"] = 0
        if load <= 0 or not eligible:
            return
        per_item, remainder = divmod(load, eligible)
        if per_item >= n_posts - 1:
            self.log(
                f"  WARNING: {load:,} 加签 tasks over {eligible:,} open items needs more than "
                f"{n_posts - 1} posts an item: capping"
            )
            per_item, remainder = n_posts - 2, 0
        # k-th 加签 of an item goes to post (start + k) mod P, skipping the post of the item's own task: distinct
        # (item, step, post) by construction, as the partial unique index on open tasks requires.
        self.counts["tasks_open_extra"] = self._exec(
            "workflow_task (open, 加签 load)",
            """
            INSERT INTO workflow_task (item_id, step, step_label, round, post_id, "group", extra, status,
                                       created_at, due_date, due_estimated, remind_on, escalate_on, finished_at,
                                       finished_by_id, acting_label, decision, comment)
            SELECT x.id, x.step, x.label || '（加签）', 1, p.post_id, 'one', true, 'open', t.created, x.due, false,
                   CASE WHEN d.remind_on > t.created::date THEN d.remind_on END, d.escalate_on,
                   NULL, NULL, '', '', ''
            FROM (
                SELECT e.id, e.step, e.label, e.own_idx, e.start, e.m, k,
                       c.anchor + floor(random() * 61)::int - 30 AS due,
                       random() AS r
                FROM (
                    SELECT bi.id,
                           CASE bi.state WHEN 'review' THEN 'review' WHEN 'approval' THEN 'approval'
                                ELSE 'stamping' END AS step,
                           CASE bi.state WHEN 'review' THEN '分管领导审核' WHEN 'approval' THEN '主要领导审签'
                                ELSE '用印登记' END AS label,
                           own.idx AS own_idx,
                           floor(bi.r_half * %(p)s)::int AS start,
                           %(per)s + CASE WHEN row_number() OVER (ORDER BY bi.id) <= %(rem)s THEN 1 ELSE 0 END AS m
                    FROM bi
                    JOIN bench_posts own ON own.post_id = CASE bi.state WHEN 'review' THEN bi.reviewer_post
                                                                    WHEN 'approval' THEN bi.approver_post
                                                                    ELSE bi.custodian_post END
                    WHERE bi.state IN ('review', 'approval', 'stamping') AND NOT bi.reserved
                ) e
                CROSS JOIN LATERAL generate_series(0, e.m - 1) AS k
                CROSS JOIN bench_const c
            ) x
            CROSS JOIN LATERAL (
                SELECT LEAST(now() - interval '10 minutes' - x.r * interval '2 hours',
                             (x.due - 2)::timestamptz + interval '9 hours' + x.r * interval '8 hours') AS created
            ) t
            JOIN bench_posts p ON p.idx = CASE WHEN (x.start + x.k) %% %(p)s = x.own_idx
                                               THEN (x.start + x.m) %% %(p)s
                                               ELSE (x.start + x.k) %% %(p)s END
            JOIN bench_days d ON d.d = x.due
            ORDER BY x.id, x.k
            """,
            {"p": n_posts, "per": per_item, "rem": remainder},
        )

    # ------------------------------------------------------------------ notifications and tokens

    def _notifications(self) -> None:
        self.counts["notifications"] = self._exec(
            "workflow_notification (new task)",
            """
            INSERT INTO workflow_notification (user_id, kind, task_id, item_id, day, title, body, url, created_at,
                                               read_at, email_status, email_claimed_at, email_sent_at)
            SELECT p.holder_id, 'new_task', t.id, t.item_id, NULL, left('【待办】' || i.title, 250),
                   t.step_label || '（' || p.title || '），办理期限：' || to_char(t.due_date, 'YYYY"年"MM"月"DD"日"'),
                   '/items/' || t.item_id || '/', t.created_at,
                   CASE WHEN t.status <> 'open' THEN COALESCE(t.finished_at, t.created_at + interval '1 hour')
                        WHEN t.id %% 3 = 0 THEN NULL ELSE t.created_at + interval '2 hours' END,
                   CASE WHEN u.email <> '' THEN 'sent' ELSE 'none' END,
                   CASE WHEN u.email <> '' THEN t.created_at + interval '1 minute' END,
                   CASE WHEN u.email <> '' THEN t.created_at + interval '1 minute' END
            FROM workflow_task t
            JOIN workflow_item i ON i.id = t.item_id
            JOIN bench_posts p ON p.post_id = t.post_id
            JOIN org_user u ON u.id = p.holder_id
            WHERE NOT t.extra AND t.item_id IN (SELECT id FROM bi)
            ORDER BY t.id
            """,
        ) + self._exec(
            "workflow_notification (results)",
            """
            INSERT INTO workflow_notification (user_id, kind, task_id, item_id, day, title, body, url, created_at,
                                               read_at, email_status, email_claimed_at, email_sent_at)
            SELECT i.submitter_id, 'result', NULL, i.id, NULL, left('【' || i.stage_label || '】' || i.title, 250),
                   '审批结果：' || i.stage_label, '/items/' || i.id || '/', i.updated_at,
                   i.updated_at + interval '3 hours',
                   CASE WHEN u.email <> '' THEN 'sent' ELSE 'none' END,
                   CASE WHEN u.email <> '' THEN i.updated_at + interval '1 minute' END,
                   CASE WHEN u.email <> '' THEN i.updated_at + interval '1 minute' END
            FROM workflow_item i JOIN org_user u ON u.id = i.submitter_id
            WHERE i.stage IN ('archived', 'rejected', 'returned') AND i.id IN (SELECT id FROM bi)
            ORDER BY i.id
            """,
        )

    def _tokens(self) -> None:
        from rest_framework.authtoken.models import Token

        from haimen_gov.org.models import User

        for user in User.objects.filter(is_active=True):
            Token.objects.get_or_create(user=user)

    # ------------------------------------------------------------------ indexes: built once, after the load

    BULK_TABLES = (
        "workflow_item",
        "seals_sealrequest",
        "workflow_historyentry",
        "workflow_task",
        "workflow_notification",
    )

    def _drop_indexes(self) -> list[tuple[str, str]]:
        """Drop the secondary indexes of the tables about to be bulk-loaded (maintaining ten indexes row by row over
        a million rows takes minutes; building them afterwards, seconds). Constraint indexes (primary keys) stay.
        Returns (name, definition) to re-create them exactly, in the same transaction."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                ORDER BY i.tablename, i.indexname
                """,
                [list(self.BULK_TABLES)],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        self.log(f"  dropped {len(indexes)} secondary indexes for the load")
        return indexes

    def _create_indexes(self, indexes: list[tuple[str, str]]) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)  # the unique ones check the seeded rows as they build
        self.timings["create indexes"] = time.perf_counter() - started
        self.log(f"  re-created {len(indexes)} indexes in {self.timings['create indexes']:.1f} s")

    # ------------------------------------------------------------------ all of it

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                # A bulk load of rows consistent by construction: skip the per-row foreign-key triggers (deferred
                # to commit, they would queue millions of events). Needs a superuser; without one, they just run.
                try:
                    with transaction.atomic():
                        cursor.execute("SET LOCAL session_replication_role = replica")
                    self.log("  foreign-key triggers off for the bulk load (session_replication_role = replica)")
                except Exception:
                    self.log("  not a superuser: foreign keys are checked row by row (slower)")
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                # A million-row INSERT or CREATE INDEX is no web request: no DB_STATEMENT_TIMEOUT_MS here.
                cursor.execute("SET LOCAL statement_timeout = 0")
            self._org_tables()
            indexes = self._drop_indexes()
            self._items()
            self._history()
            self._open_tasks()
            self._notifications()
            self._create_indexes(indexes)
            self._tokens()
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS bench_units, bench_posts, bench_days, bench_const, bi, be")
        self.timings["insert (total)"] = time.perf_counter() - started
        self.check()
        self.vacuum()
        self.timings["total"] = time.perf_counter() - started
        self.counts["tasks_open"] = self._scalar("SELECT count(*) FROM workflow_task WHERE status = 'open'")
        return {"counts": self.counts, "timings": {k: round(v, 2) for k, v in self.timings.items()}}

    def check(self) -> None:
        """The foreign keys were not checked while loading: check the ones the bulk SQL wrote, as anti-joins."""
        started = time.perf_counter()
        checks = {
            "task → item": "SELECT count(*) FROM workflow_task t LEFT JOIN workflow_item i ON i.id = t.item_id "
            "WHERE i.id IS NULL",
            "task → post": "SELECT count(*) FROM workflow_task t LEFT JOIN org_post p ON p.id = t.post_id "
            "WHERE p.id IS NULL",
            "history → item": "SELECT count(*) FROM workflow_historyentry h LEFT JOIN workflow_item i "
            "ON i.id = h.item_id WHERE i.id IS NULL",
            "request → item": "SELECT count(*) FROM seals_sealrequest s LEFT JOIN workflow_item i "
            "ON i.id = s.item_ptr_id WHERE i.id IS NULL",
            # The seeded items only: seed_demo's chapters (meetings, documents …) have items of their own kinds.
            "item → request": "SELECT count(*) FROM workflow_item i LEFT JOIN seals_sealrequest s "
            f"ON s.item_ptr_id = i.id WHERE s.item_ptr_id IS NULL AND i.kind_id = {self._seal_kind()}",
            "notification → user": "SELECT count(*) FROM workflow_notification n LEFT JOIN org_user u "
            "ON u.id = n.user_id WHERE u.id IS NULL",
        }
        bad = {name: n for name, sql in checks.items() if (n := self._scalar(sql))}
        if bad:
            raise RuntimeError(f"bulk seed broke foreign keys: {bad}")
        self.timings["integrity check"] = time.perf_counter() - started
        self.log(f"  integrity check (foreign keys as anti-joins): ok in {self.timings['integrity check']:.1f} s")

    @staticmethod
    def _seal_kind() -> int:
        from django.contrib.contenttypes.models import ContentType

        from seals.models import SealRequest

        return int(ContentType.objects.get_for_model(SealRequest).pk)

    def vacuum(self) -> None:
        """What autovacuum would have done by the time a production database got this big: statistics for the
        planner and a visibility map for index-only scans."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for table in (
                "workflow_item",
                "seals_sealrequest",
                "workflow_historyentry",
                "workflow_task",
                "workflow_notification",
            ):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        self.timings["vacuum analyze"] = time.perf_counter() - started
        self.log(f"  vacuum analyze: {self.timings['vacuum analyze']:.1f} s")

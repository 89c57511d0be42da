"""A known data set for the dashboard: seal requests in every state the panels count, on a frozen Wednesday.

On 2026-11-25 (a Wednesday, a working day), open tasks:

=====  ======  ===================  ==================  ===========================================
req    unit    step (post)          due                 counts as
=====  ======  ===================  ==================  ===========================================
late   dept1   review (vice1)       2026-11-23          overdue 2 working days (1–3)
old    dept2   review (vice2)       2026-11-06          overdue 13 working days (over 10)
today  town1   review (deputy1)     2026-11-25          due today
soon   dept1   approval (head)      2026-11-26          due soon (its review was finished: 2 h)
stuck  dept2   review (a vacant     2026-12-02          nobody can act
               vice-head post)
cover  justice review (a vacant     2026-12-02          a delegate acts: not stuck
               post, delegated)
=====  ======  ===================  ==================  ===========================================

Archived: ``used`` (dept2, government seal, 3 copies, used 2026-11-10) and ``offsite`` (dept1, government seal,
off-site, 2 copies, used 2026-11-20), and ``last_month`` (dept1, used 2026-10-15). A ``draft`` counts nowhere.
Finished steps within 90 days: review 2 h / 4 h / 6 h, approval 10 h / 20 h, offsite 5 h, stamping 1 h / 3 h
(``last_month``'s three steps, 30 h each, finished on 2026-08-01: outside the 90 days).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from haimen_gov.dashboard.summary import refresh
from haimen_gov.org.models import Delegation, Post, PostKind
from haimen_gov.workflow.models import Task, TaskStatus
from seals import actions
from seals.demo import seed_seals
from seals.models import SealKind
from tests.seals.helpers import advance, apply, fresh, open_tasks

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ)
TODAY = NOW.date()


def _due(request: Any, day: dt.date) -> None:
    Task.objects.filter(item=request, status=TaskStatus.OPEN).update(due_date=day)


def _took(request: Any, step: str, hours: float, finished: dt.datetime) -> None:
    Task.objects.filter(item=request, step=step, status=TaskStatus.DONE).update(
        created_at=finished - dt.timedelta(hours=hours), finished_at=finished
    )


def _register(request: Any, org: Any, at: dt.datetime, copies: int) -> Any:
    # Registered now (a stamp time before the approval is refused), then moved back to ``at`` like the task times.
    done = actions.seal_request_register(request.pk, actor=org.custodian, stamped_at=NOW, stamped_copies=copies)
    type(done).objects.filter(pk=done.pk).update(stamped_at=at)
    done.refresh_from_db()
    return done


def build_data(org: Any) -> SimpleNamespace:
    """The known data set (see the module's docstring); call it with the clock at ``NOW``."""
    seals = {seal.kind: seal for seal in seed_seals()}
    gov, office = seals[SealKind.GOVERNMENT], seals[SealKind.OFFICE]
    d = SimpleNamespace(org=org, gov=gov, office=office)
    at = NOW - dt.timedelta(days=1)

    d.late = apply(org.dept1_clerk, gov, document_title="逾期两天")
    _due(d.late, dt.date(2026, 11, 23))
    d.old = apply(org.dept2_clerk, gov, document_title="逾期十三天")
    _due(d.old, dt.date(2026, 11, 6))
    d.today = apply(org.town1_clerk, office, document_title="今日到期")
    _due(d.today, TODAY)
    d.soon = advance(apply(org.dept1_clerk, gov, document_title="即将到期"), "approval")
    _due(d.soon, dt.date(2026, 11, 26))
    _took(d.soon, "review", 2, at)

    d.vacant = Post.objects.create(kind=PostKind.VICE_HEAD, unit=org.units.gov, title="副区长（空缺）", order=90)
    d.stuck = apply(org.dept2_clerk, gov, document_title="无人可办")
    Task.objects.filter(item=d.stuck, status=TaskStatus.OPEN).update(post=d.vacant, due_date=dt.date(2026, 12, 2))
    d.covered_post = Post.objects.create(kind=PostKind.VICE_HEAD, unit=org.units.gov, title="副区长（委托）", order=91)
    Delegation.objects.create(
        post=d.covered_post, delegate=org.exec_vice, start=TODAY, end=TODAY + dt.timedelta(days=5), reason="出差"
    )
    d.cover = apply(org.justice, gov, document_title="委托代办")
    Task.objects.filter(item=d.cover, status=TaskStatus.OPEN).update(post=d.covered_post, due_date=dt.date(2026, 12, 2))

    d.used = advance(apply(org.dept2_clerk, gov, document_title="已用印"), "stamping")
    d.used = _register(d.used, org, dt.datetime(2026, 11, 10, 9, tzinfo=TZ), 3)
    _took(d.used, "review", 4, at)
    _took(d.used, "approval", 10, at)
    _took(d.used, "stamping", 1, at)
    d.offsite = apply(
        org.dept1_clerk,
        gov,
        document_title="异地用印",
        offsite=True,
        offsite_place="南通市政府",
        offsite_reason="现场签约",
    )
    d.offsite = advance(d.offsite, "stamping")
    d.offsite = _register(d.offsite, org, dt.datetime(2026, 11, 20, 15, tzinfo=TZ), 2)
    _took(d.offsite, "review", 6, at)
    _took(d.offsite, "approval", 20, at)
    _took(d.offsite, "offsite", 5, at)
    _took(d.offsite, "stamping", 3, at)
    d.last_month = advance(apply(org.dept1_clerk, gov, document_title="上月用印"), "stamping")
    d.last_month = _register(d.last_month, org, dt.datetime(2026, 10, 15, 9, tzinfo=TZ), 1)
    for step in ("review", "approval", "stamping"):
        _took(d.last_month, step, 30, dt.datetime(2026, 8, 1, 12, tzinfo=TZ))
    d.draft = apply(org.dept1_clerk, gov, document_title="草稿", submit=False)
    assert [t.step for t in open_tasks(fresh(d.soon))] == ["approval"]
    d.snapshot = refresh()  # what beat does every few minutes
    return d

"""Helpers for the engine tests: drive the test-only Memo workflow (tests/workflow_app) through its chain.

A memo of 区发改委 (``org.units.dept1``), drafted by its clerk, goes through
office_review (或签: 办公室主任 director OR 分管副主任 deputy1) → joint_review (会签: 司法局 justice AND director)
→ exec_sign (常务副区长 exec_vice) → head_sign (区长 head, only when it touches funds) → issued.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from haimen_gov.org.models import Delegation, Post, User
from haimen_gov.workflow import actions, selectors
from haimen_gov.workflow.models import HistoryEntry, Item, Task, TaskStatus
from tests.factories import DelegationFactory, Org
from tests.workflow_app.models import Memo, MemoState

# Who moves a dept1 memo on from each state (every one of them approves).
SIGNERS = {
    MemoState.OFFICE_REVIEW: ("director",),
    MemoState.JOINT_REVIEW: ("justice", "director"),
    MemoState.EXEC_SIGN: ("exec_vice",),
    MemoState.HEAD_SIGN: ("head",),
}


def create_memo(
    org: Org,
    *,
    by: User | None = None,
    unit: Any = None,
    funds: bool = False,
    title: str = "关于城区道路改造工程的会议纪要",
    urgency: str = "normal",
) -> Memo:
    """A draft memo; by default 区发改委's clerk drafts it for 区发改委."""
    return actions.item_create(
        Memo,
        actor=by or org.dept1_clerk,
        title=title,
        unit=unit or org.units.dept1,
        touches_funds=funds,
        urgency=urgency,
    )


def fire(memo: Memo, verb: str, actor: User, comment: str = "", **kwargs: Any) -> Memo:
    return actions.item_fire(Memo, memo.pk, verb=verb, actor=actor, comment=comment, **kwargs)


def submitted_memo(org: Org, **kwargs: Any) -> Memo:
    memo = create_memo(org, **kwargs)
    return fire(memo, "submit", memo.submitter)


def memo_at(org: Org, state: str, **kwargs: Any) -> Memo:
    """A memo driven to ``state`` by the usual signers (a memo bound for head_sign touches funds)."""
    if state == MemoState.HEAD_SIGN:
        kwargs["funds"] = True
    memo = create_memo(org, **kwargs)
    if state == MemoState.DRAFT:
        return memo
    memo = fire(memo, "submit", memo.submitter)
    while memo.state != state:
        for key in SIGNERS[memo.state]:
            memo = fire(memo, "approve", getattr(org, key), comment="同意。")
    return memo


def reload(memo: Memo) -> Memo:
    return Memo.objects.get(pk=memo.pk)


def tasks_of(memo: Item, **filters: Any) -> list[Task]:
    return list(Task.objects.filter(item_id=memo.pk, **filters).select_related("post").order_by("id"))


def open_tasks(memo: Memo) -> list[Task]:
    return tasks_of(memo, status=TaskStatus.OPEN)


def open_post_ids(memo: Memo) -> set[int]:
    return {task.post_id for task in open_tasks(memo)}


def post_ids(*posts: Post) -> set[int]:
    return {post.pk for post in posts}


def inbox_item_ids(user: User) -> set[int]:
    """The items in ``user``'s 待办 (their own posts' and those delegated to them)."""
    return {task.item_id for task in selectors.inbox(user)}


def history(memo: Item) -> list[HistoryEntry]:
    return list(HistoryEntry.objects.filter(item_id=memo.pk).order_by("at", "id"))


def verbs(memo: Memo) -> list[str]:
    return [entry.verb for entry in history(memo)]


def delegate(post: Post, to: User, *, start: dt.date | None = None, days: int = 7) -> Delegation:
    """``post``'s authority handed to ``to`` from ``start`` (default today) for ``days`` more days."""
    first = start or timezone.localdate()
    return DelegationFactory(post=post, delegate=to, start=first, end=first + dt.timedelta(days=days))  # type: ignore[return-value]

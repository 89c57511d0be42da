"""Querysets compiled once per process and prepared once per connection (haimen_gov.prepared.PreparedValues, issue
16): the rows are the queryset's own, each call's values reach the SQL, and a queryset that cannot be prepared is
still answered."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haimen_gov.org.routing import acting_posts
from haimen_gov.prepared import PreparedValues
from haimen_gov.workflow import actions, selectors
from haimen_gov.workflow.models import Item
from tests.workflow_app.models import Memo, MemoState

from .helpers import delegate, memo_at, submitted_memo

pytestmark = pytest.mark.django_db


def test_the_item_pages_reads_give_the_querysets_own_rows(org):
    today = timezone.localdate()
    memos = [memo_at(org, MemoState.EXEC_SIGN, title="待签纪要"), submitted_memo(org, title="刚提交的纪要")]
    actions.item_copy(Memo, memos[0].pk, actor=org.director, users=[org.vice1, org.vice2])
    delegate(org.posts.exec_vice, org.head)

    for memo in memos:  # the second item runs the statement the first compiled
        assert selectors._ITEM_TASKS(item_id=memo.pk, day=today) == list(selectors._item_tasks(memo.pk, today))
        assert selectors._ITEM_HISTORY(item_id=memo.pk) == list(selectors._ITEM_HISTORY.build(item_id=memo.pk))
        assert selectors._ITEM_COPIES(item_id=memo.pk) == list(selectors._ITEM_COPIES.build(item_id=memo.pk))
        assert selectors.visible_item_kind(org.head, memo.pk, posts=acting_posts(org.head)) == memos[0].kind_id
    # Each of them is prepared, on PostgreSQL: every value reaches the SQL as a parameter of its own.
    for prepared in (selectors._ITEM_TASKS, selectors._ITEM_HISTORY, selectors._ITEM_COPIES, selectors._ITEM_KIND):
        assert prepared._statement is not ...
        assert prepared._statement is not None
    tasks = selectors.item_page_tasks(memos[0].pk, today)
    assert [t.acting_today for t in tasks if t.status == "open"] == ["陈志明"]
    assert [c.user_name for c in selectors.item_page_copies(memos[0].pk)] == ["李卫东", "周晓红"]
    assert selectors.visible_item_kind(org.head, 10**9, posts=acting_posts(org.head)) is None


def test_the_item_pages_visibility_check_is_visible_items_rule(org):
    """The page's one statement (visible_item_kind) says yes exactly where visible_items does: the submitter, the
    head of the unit, whoever has or had a task (in person or by delegation), a copy, a share, view_any_item."""
    from django.contrib.auth.models import Group, Permission
    from guardian.shortcuts import assign_perm

    memo = submitted_memo(org, title="一般纪要")
    copied = submitted_memo(org, title="传阅的纪要")
    actions.item_copy(Memo, copied.pk, actor=org.director, users=[org.vice2])
    shared = submitted_memo(org, title="共享的纪要")
    assign_perm("workflow.view_item", org.town1_clerk, Item.objects.get(pk=shared.pk))
    delegate(org.posts.deputy1, org.justice)  # the deputy's 或签 task, seen by whoever acts for the post today
    auditors = Group.objects.create(name="审计")
    auditors.permissions.add(Permission.objects.get(codename="view_any_item"))
    org.finance.groups.add(auditors)

    names = ["head", "director", "deputy1", "deputy2", "vice1", "vice2", "dept1_clerk", "dept1_head", "dept2_head"]
    names += ["town1_clerk", "justice", "finance", "outsider"]
    seen = {}
    for name in names:
        user = getattr(org, name)
        posts = acting_posts(user)
        for item in (memo, copied, shared):
            expected = selectors.visible_items(user, posts=posts).filter(pk=item.pk).exists()
            assert (selectors.visible_item_kind(user, item.pk, posts=posts) is not None) == expected, (name, item)
            seen[name, item.title] = expected
    assert selectors._VISIBLE_ITEM_KIND._statement not in (None, ...)
    # Each way in was tried, and someone was kept out.
    assert seen["vice2", "传阅的纪要"] and not seen["vice2", "一般纪要"]
    assert seen["town1_clerk", "共享的纪要"] and not seen["town1_clerk", "一般纪要"]
    assert seen["justice", "一般纪要"] and seen["finance", "一般纪要"] and seen["dept1_head", "一般纪要"]
    assert not seen["outsider", "一般纪要"] and not seen["dept2_head", "一般纪要"]


def test_a_prepared_queryset_is_built_once_and_run_with_each_calls_values(org):
    built = []

    def titles(pk: int) -> QuerySet[Any, Any]:
        built.append(pk)
        return Item.objects.filter(pk=pk).values("title")

    prepared = PreparedValues("test_titles", titles, pk=int)
    first, second = submitted_memo(org, title="第一件"), submitted_memo(org, title="第二件")

    with CaptureQueriesContext(connection) as queries:
        assert prepared(pk=first.pk) == [{"title": "第一件"}]
        assert prepared(pk=second.pk) == [{"title": "第二件"}]
    # Prepared in the first call's round trip, executed in the second's.
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["PREPARE", "EXECUTE"]
    assert len(built) == 1  # with a stand-in id, never a real one
    assert built[0] not in (first.pk, second.pk)
    with pytest.raises(TypeError):
        prepared(pk=first.pk, day=dt.date.today())


def test_a_value_that_does_not_reach_the_sql_as_it_is_falls_back_to_the_orm(org):
    memo = submitted_memo(org, title="仍可查询")
    # The stand-in is changed before it reaches the SQL: nothing to put the real value in, so every call builds the
    # queryset from its own values.
    prepared = PreparedValues("test_shifted", lambda pk: Item.objects.filter(pk=pk - 1).values("title"), pk=int)

    assert prepared(pk=memo.pk + 1) == [{"title": "仍可查询"}]
    assert prepared(pk=memo.pk + 2) == []


def test_only_values_querysets_of_ints_and_dates_are_prepared(org):
    with pytest.raises(TypeError):
        PreparedValues("test_titled", lambda title: Item.objects.filter(title=title).values("pk"), title=str)
    prepared = PreparedValues("test_items", lambda pk: Item.objects.filter(pk=pk), pk=int)
    with pytest.raises(TypeError):
        prepared(pk=1)


def test_the_day_is_each_requests_own_not_the_day_the_statement_was_compiled(org, client_for):
    memo = memo_at(org, MemoState.EXEC_SIGN, title="待签纪要")
    today = timezone.localdate()
    delegate(org.posts.exec_vice, org.head, start=today + dt.timedelta(days=1))
    client = client_for(org.dept1_clerk)

    page = client.get(f"/items/{memo.pk}/").content.decode()
    assert "今日由陈志明代理" not in page
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(10)))
    with time_machine.travel(tomorrow, tick=False):
        page = client.get(f"/items/{memo.pk}/").content.decode()
    assert "今日由陈志明代理" in page

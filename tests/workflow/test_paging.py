"""paging.KeysFirst: a page's keys found first, then only its rows read with their joins (issue 16). The pages are the
ones plain slicing gives, in the same order, each one query."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haimen_gov.org.models import Post, PostKind, Unit
from haimen_gov.workflow.paging import CountedPaginator, KeysFirst

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(org):
    parent = Unit.objects.get(pk=org.units.dept1.pk)
    # Ties in the first sort key (every "order" is 5): the id decides, on both sides of a page break.
    for i in range(23):
        Unit.objects.create(code=f"k{i}", name=f"测试单位{i:02d}", kind=parent.kind, parent=parent, order=5)
    return Unit.objects.filter(order=5).select_related("parent").order_by("order", "-id")


def pages(object_list, per_page):
    paginator = Paginator(object_list, per_page)
    return [list(paginator.page(n).object_list) for n in paginator.page_range]


def test_the_pages_are_plain_slicings_pages(units):
    rows = units.values("id", "name", "parent__name")
    assert pages(KeysFirst(rows, units), 5) == pages(rows, 5)
    assert [len(page) for page in pages(KeysFirst(rows, units), 5)] == [5, 5, 5, 5, 3]
    assert KeysFirst(rows, units).count() == 23
    assert KeysFirst(rows, units)[30:40] == []


def test_model_rows_without_separate_keys(units):
    assert [u.pk for page in pages(KeysFirst(units), 10) for u in page] == list(units.values_list("pk", flat=True))


def test_a_page_is_one_query_that_sorts_keys_before_joining(units):
    rows = units.values("id", "name", "parent__name")
    with CaptureQueriesContext(connection) as queries:
        page = KeysFirst(rows, units)[5:10]
    assert len(page) == 5
    [query] = queries.captured_queries
    sql = query["sql"]
    outer, inner = sql.split(" IN (SELECT ", 1)
    assert "LIMIT 5 OFFSET 5" in inner
    assert "JOIN" in outer  # the page's rows read the parent's name …
    assert "JOIN" not in inner  # … but the keys are sorted and cut from the units alone


def test_a_distinct_list_pages_each_row_once(org, units):
    # Units joined to their posts repeat once per post; the distinct list shows each unit once, pages included.
    unit = units[0]
    for i in range(3):
        Post.objects.create(unit=unit, title=f"岗位{i}", kind=PostKind.UNIT_CLERK)
    distinct = Unit.objects.filter(order=5).filter(posts__isnull=False).distinct().order_by("order", "-id")
    assert list(KeysFirst(distinct)[0:10]) == [unit]
    assert [u.pk for u in KeysFirst(units.distinct())[0:30]] == list(units.values_list("pk", flat=True))


def test_a_counted_pager_over_keys_first_runs_no_count(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = CountedPaginator(KeysFirst(units), 10, count=23).get_page(3)
    assert len(page.object_list) == 3
    assert page.paginator.num_pages == 3


def test_one_row_by_its_position(units):
    ids = list(units.values_list("pk", flat=True))
    assert KeysFirst(units)[0].pk == ids[0]
    assert KeysFirst(units)[22].pk == ids[22]
    with pytest.raises(IndexError):
        KeysFirst(units)[23]
    assert [u.pk for u in KeysFirst(units)] == ids


def test_the_first_rows_from_a_prepared_read(units, django_assert_num_queries):
    ids = list(units.values_list("pk", flat=True))
    calls = []

    def read():
        calls.append(1)
        return list(units[:10])

    rows = KeysFirst(units, first=(10, read))
    with django_assert_num_queries(1):  # read()'s own query
        assert [u.pk for u in rows[0:5]] == ids[:5]
    with django_assert_num_queries(1):
        assert [u.pk for u in rows[:10]] == ids[:10]
    assert len(calls) == 2
    # Past the first rows, or not from the start: the keys-first query.
    assert [u.pk for u in rows[0:11]] == ids[:11]
    assert [u.pk for u in rows[5:10]] == ids[5:10]
    assert len(calls) == 2

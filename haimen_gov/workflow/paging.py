"""Pagers for the queues: Django's Paginator, told its count when the request has already made it, or paging without
a count when the list is too long to count on every request."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A Paginator handed the count of its rows (made by the same request), so it runs no COUNT(*) of its own."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


class UncountedPaginator(Paginator):
    """Pages without a total: each page reads ``per_page + 1`` rows to learn whether another page follows. The pager
    shows only that there are more than ``more_than`` rows (what the navigation's capped count says), and there is no
    last page to jump to. Nothing here reads ``count`` or ``num_pages``, which would count after all."""

    total_unknown = True

    def __init__(self, object_list: Any, per_page: int, *, more_than: int) -> None:
        super().__init__(object_list, per_page)
        self.more_than = more_than

    def validate_number(self, number: Any) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number: Any) -> UncountedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return UncountedPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)

    def get_page(self, number: Any) -> UncountedPage:
        """As Paginator.get_page, except that a page past the end shows the first (the last is not known)."""
        try:
            return self.page(number)
        except (PageNotAnInteger, EmptyPage):
            return self.page(1)


class UncountedPage(Page):
    def __init__(self, object_list: Sequence[Any], number: int, paginator: UncountedPaginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next


def keys_first(rows: Any, keys: Any, index: slice) -> Any:
    """The query of :class:`KeysFirst` for ``index``: ``rows`` whose key is among ``keys``' ``index`` slice. A
    prepared first page (``KeysFirst(first=…)``) is this query for ``slice(0, n)``, compiled once."""
    from django.db.models import Subquery

    return rows.filter(pk__in=Subquery(keys.values("pk")[index]))


class KeysFirst:
    """A list's rows for a pager, the page's keys found first: ``rows[a:b]`` is one query,
    ``rows WHERE pk IN (keys ORDER BY … LIMIT b-a OFFSET a) ORDER BY …``.

    Ordering and filtering need only a few columns, mostly of the chapter's own table, while a row shows columns of
    joined tables too (the item's title and state, the unit's name). Asked for both at once, PostgreSQL joins every
    matching row before sorting and keeping 20: with the statistics of a real database it hashes all of
    ``workflow_item`` (110,000 rows in the bench) for a page of 20, 25–35 ms. Here the ordering and the LIMIT run
    first, over ``keys`` (the same queryset, reading its keys alone), and only the page's rows are joined (issue 16).
    ``rows``: the same queryset as ``keys`` (its filters and ordering), reading what the page shows."""

    ordered = True

    def __init__(
        self, rows: Any, keys: Any | None = None, *, first: tuple[int, Callable[[], list[Any]]] | None = None
    ) -> None:
        """``first``: (n, read) where ``read()`` returns the first n rows as the query would (a prepared statement
        of the page most opened); a slice within them is taken from it."""
        self.rows = rows
        self.keys = rows if keys is None else keys
        self.first = first

    def count(self) -> int:
        return int(self.keys.count())

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            if index < 0:
                raise IndexError("KeysFirst does not count from the end")
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        if self.first is not None and not index.start and index.step is None and index.stop is not None:
            size, read = self.first
            if index.stop <= size:
                return read()[: index.stop]
        return list(keys_first(self.rows, self.keys, index))

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

"""Querysets compiled once per process (issue 16).

Django turns a queryset into SQL every time it is evaluated. For a page that reads a handful of rows this costs more
than the database does: the item page's tasks (joins, the 委托 subquery) took ~5,000 Python calls to compile and
0.3 ms to run. A read whose shape never changes, only its values (an item's id, today's date), is declared here as
the queryset that defines it; it is compiled on first use with a stand-in for each value, and every later call runs
that SQL with its own values. The queryset stays the one definition of what is read; no SQL is written by hand.

Only ``values()`` querysets, and only values that Django passes to the database as they are (ints and dates on
PostgreSQL). Everything else the queryset is built from must be a constant: it is read once per process. When a
stand-in cannot be found among the compiled query's parameters (a backend that adapts dates to text, SQLite), the
queryset is evaluated the ordinary way on every call.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable

# Stand-ins for the values, one per parameter: values no real call passes (ids are positive, dates are recent).
_STAND_INS: dict[type, Callable[[int], Any]] = {
    int: lambda i: -7_700_000_001 - i,
    dt.date: lambda i: dt.date(1111, 1, 1) + dt.timedelta(days=i),
}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: tuple[tuple[str | None, Any], ...]  # per SQL parameter: the name of the value it takes, or a constant
    names: tuple[str, ...]  # the keys of each row's dict, in the columns' order
    converters: dict[int, Any]


class PreparedValues:
    """``build(**values)`` returns a ``values()`` queryset; ``prepared(**values)`` returns its rows (dicts), running
    SQL compiled once per process and database. ``params`` names each value and its type (``int`` or ``dt.date``)."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], **params: type) -> None:
        unknown = [name for name, kind in params.items() if kind not in _STAND_INS]
        if unknown:
            raise TypeError(f"no stand-in for {unknown}: only int and datetime.date values are prepared")
        self.build = build
        self.params = params
        self._compiled: dict[str, _Compiled | None] = {}
        self._lock = threading.Lock()

    def __call__(self, *, using: str = "default", **values: Any) -> list[dict[str, Any]]:
        if values.keys() != self.params.keys():
            raise TypeError(f"expected the values {sorted(self.params)}, got {sorted(values)}")
        try:
            compiled = self._compiled[using]
        except KeyError:
            with self._lock:
                compiled = self._compiled.setdefault(using, self._compile(using))
        if compiled is None:
            return list(self.build(**values).using(using))
        params = [values[name] if name is not None else constant for name, constant in compiled.slots]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [_convert(row, compiled.converters, connection) for row in rows]
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _compile(self, using: str) -> _Compiled | None:
        stand_ins = {name: _STAND_INS[kind](i) for i, (name, kind) in enumerate(self.params.items())}
        queryset = self.build(**stand_ins).using(using)
        if queryset._iterable_class is not ValuesIterable:
            raise TypeError("PreparedValues needs a values() queryset")
        query = queryset.query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        by_stand_in = {(type(value), value): name for name, value in stand_ins.items()}
        slots = []
        for param in params:
            try:
                name = by_stand_in.get((type(param), param))
            except TypeError:  # an unhashable constant (a list)
                name = None
            slots.append((name, None if name is not None else param))
        if {name for name, _constant in slots if name is not None} != set(stand_ins):
            return None  # the backend changed a value on its way to SQL: no prepared statement for it
        if query.selected:
            names = tuple(query.selected)
        else:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        return _Compiled(sql, tuple(slots), names, compiler.get_converters(fields))


def _convert(row: tuple[Any, ...], converters: dict[int, Any], connection: Any) -> tuple[Any, ...]:
    values = list(row)
    for position, (functions, expression) in converters.items():
        for function in functions:
            values[position] = function(values[position], expression, connection)
    return tuple(values)

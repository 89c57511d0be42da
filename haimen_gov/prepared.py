"""Server-side prepared statements for the few raw statements every page runs (issue 16).

PostgreSQL plans a statement each time it is sent, and the navigation's statement (``context_processors``: thirteen
subqueries over the acting posts) took about 4 ms to plan and 1 ms to run — on every page. Prepared once per
database connection, it is planned once: ``PREPARE`` on the first use in a connection, then ``EXECUTE`` with the
parameters. A prepared statement outlives the transaction it was prepared in (a rollback keeps it) and dies with the
connection, so the set of names prepared is kept on Django's connection wrapper and forgotten whenever Django opens a
new connection (``connection_created``). PostgreSQL re-plans a prepared statement by itself after a schema change.

The statement is written with psycopg2's named placeholders (``%(user)s``), as for ``cursor.execute``; the names
become ``$1 … $n`` in the order they first appear. Other databases (SQLite under ``make run``) run it as written.

A read written as a queryset is prepared the same way through :class:`PreparedValues`, which compiles it to SQL once
per process (below).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import EllipsisType
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable
from django.dispatch import receiver

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_ATTR = "_haimen_prepared"
_ATTEMPTS = itertools.count(1)  # each PREPARE a name of its own in the process


@receiver(connection_created, dispatch_uid="haimen_gov.prepared.forget")
def _forget(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A new connection has no prepared statements: prepare again on its first use."""
    setattr(connection, _ATTR, {})


def literal(value: int | str) -> str:
    """A constant of the code (a state, a kind, a limit) as an SQL literal, to write into a statement's text (in
    psycopg2's form, as ``fetch_all`` takes it)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"not a literal: {value!r}")
    if isinstance(value, int):
        return str(value)
    # standard_conforming_strings is on (PostgreSQL's default since 9.1); a percent in psycopg2's form (%%), as the
    # statements it is written into are.
    return "'" + value.replace("'", "''").replace("%", "%%") + "'"


@functools.lru_cache(maxsize=64)
def positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with ``%(name)s`` turned into ``$1 … $n`` (the same name, the same number), and the names in order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _PLACEHOLDER.sub(number, sql), tuple(names)


def fetch_all(name: str, sql: str, params: Mapping[str, Any]) -> Sequence[tuple[Any, ...]]:
    """The rows of ``sql`` with ``params``, through a prepared statement named after ``name`` on PostgreSQL. A
    statement is prepared per text: two texts given one name (two forms of one class name, two pages of one
    export name) are prepared apart, each under a name of its own."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        # (name, text) -> the name it is prepared under in this connection. A failed attempt may have left its
        # statement behind, so the next attempt takes a new name rather than guess.
        prepared: dict[tuple[str, str], str] | None = getattr(connection, _ATTR, None)
        if prepared is None:  # a connection opened before this module was imported
            prepared = {}
            setattr(connection, _ATTR, prepared)
        text, names = positional(sql)
        # EXECUTE's argument list, left out for a statement without parameters (PostgreSQL refuses an empty one).
        args = f" ({', '.join(['%s'] * len(names))})" if names else ""
        key = (name, sql)
        if prepared.get(key):
            cursor.execute(f"EXECUTE {prepared[key]}{args}", [params[n] for n in names])
            return cursor.fetchall()
        attempt = f"{name}_{next(_ATTEMPTS)}"
        # Prepared and run in one round trip (one statement, as query counts expect). Each $n's type is inferred
        # from where it stands (a date compared with a date column …).
        cursor.execute(
            # ``text`` is already in psycopg2's form (a literal percent written %%), as the EXECUTE below.
            f"PREPARE {attempt} AS {text};\nEXECUTE {attempt}{args}",
            [params[n] for n in names],
        )
        prepared[key] = attempt
        return cursor.fetchall()


# --------------------------------------------------------------------------- querysets compiled once per process
# Django turns a queryset into SQL every time it is evaluated. For a page that reads a handful of rows this costs more
# than the database does: the item page's tasks (joins, the 委托 subquery) took ~5,000 Python calls to compile. A read
# whose shape never changes, only its values (an item's id, today's date), is declared as the queryset that defines
# it (PreparedValues); it is compiled on first use with a stand-in for each value, and every later call runs that
# statement, prepared as above, with its own values. The queryset stays the one definition of what is read: no SQL is
# written by hand.

# Stand-ins for the values, one per parameter: values no real call passes (ids are positive, dates are recent).
_STAND_INS: dict[type, Callable[[int], Any]] = {
    int: lambda i: -7_700_000_001 - i,
    dt.date: lambda i: dt.date(1111, 1, 1) + dt.timedelta(days=i),
    list: lambda i: [-7_700_000_001 - i],  # ints, for an array parameter (RawSQL("… %s::bigint[] …", (ids,)))
}


def _key(value: Any) -> tuple[type, Any]:
    return (list, tuple(value)) if isinstance(value, list) else (type(value), value)


_ORM_PLACEHOLDER = re.compile(r"%[%s]")


@dataclass(frozen=True)
class _Statement:
    sql: str  # with %(name)s for each value (fetch_all's placeholders) and the query's constants written in
    constants: dict[str, Any]  # constants that are not written in (a boolean, a date …): parameters of their own
    names: tuple[str, ...]  # the keys of each row's dict, in the columns' order
    converters: dict[int, Any]


class PreparedValues:
    """``build(**values)`` returns a ``values()`` queryset; ``prepared(**values)`` returns its rows (dicts), running
    the SQL compiled once per process as the statement ``name``, prepared once per connection (fetch_all).
    ``params`` names each value and its type: ``int``, ``datetime.date`` or ``list`` (of ints, for an array
    parameter), the values Django passes to PostgreSQL as they are. Everything else the queryset is built from must
    be a constant of the code: it is read once. When a stand-in does not reach the compiled query's parameters as it
    was given (SQLite adapts dates to text), the queryset is evaluated the ordinary way on every call."""

    def __init__(self, name: str, build: Callable[..., QuerySet[Any, Any]], **params: type) -> None:
        unknown = [param for param, kind in params.items() if kind not in _STAND_INS]
        if unknown:
            raise TypeError(f"no stand-in for {unknown}: only int, datetime.date and list values are prepared")
        self.name = name
        self.build = build
        self.params = params
        self._statement: _Statement | EllipsisType | None = ...
        self._lock = threading.Lock()

    def __call__(self, **values: Any) -> list[dict[str, Any]]:
        if values.keys() != self.params.keys():
            raise TypeError(f"expected the values {sorted(self.params)}, got {sorted(values)}")
        statement = self._statement
        if statement is ...:
            with self._lock:
                if self._statement is ...:
                    self._statement = self._compile()
                statement = self._statement
        if statement is None:
            return list(self.build(**values))
        assert isinstance(statement, _Statement)
        rows = fetch_all(self.name, statement.sql, {**statement.constants, **values})
        if statement.converters:
            rows = [_convert(row, statement.converters) for row in rows]
        names = statement.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _compile(self) -> _Statement | None:
        stand_ins = {name: _STAND_INS[kind](i) for i, (name, kind) in enumerate(self.params.items())}
        queryset = self.build(**stand_ins)
        if queryset._iterable_class is not ValuesIterable:
            raise TypeError(f"{self.name}: PreparedValues needs a values() queryset")
        query = queryset.query
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        by_stand_in = {_key(value): name for name, value in stand_ins.items()}
        constants: dict[str, Any] = {}
        found: set[str] = set()
        slots = iter(params)

        def placeholder(match: re.Match[str]) -> str:
            if match.group() == "%%":
                return "%%"  # a literal percent, left in psycopg2's form for fetch_all
            value = next(slots)
            try:
                name = by_stand_in.get(_key(value))
            except TypeError:  # an unhashable constant
                name = None
            if name is not None:
                found.add(name)
                return f"%({name})s"
            if isinstance(value, int | str) and not isinstance(value, bool):
                return literal(value)  # a constant of the code, written in as the navigation's are
            key = f"_constant{len(constants)}"
            constants[key] = value
            return f"%({key})s"

        try:
            text = _ORM_PLACEHOLDER.sub(placeholder, sql)
        except ValueError:
            return None
        if found != set(stand_ins):
            return None  # a value changed on its way to SQL: nothing to put the real one in
        if query.selected:
            names = tuple(query.selected)
        else:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        return _Statement(text, constants, names, compiler.get_converters(fields))


def _convert(row: Sequence[Any], converters: dict[int, Any]) -> tuple[Any, ...]:
    values = list(row)
    for position, (functions, expression) in converters.items():
        for function in functions:
            values[position] = function(values[position], expression, connection)
    return tuple(values)

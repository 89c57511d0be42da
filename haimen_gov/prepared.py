"""Server-side prepared statements for the few raw statements every page runs (issue 16).

PostgreSQL plans a statement each time it is sent, and the navigation's statement (``context_processors``: thirteen
subqueries over the acting posts) took about 4 ms to plan and 1 ms to run — on every page. Prepared once per
database connection, it is planned once: ``PREPARE`` on the first use in a connection, then ``EXECUTE`` with the
parameters. A prepared statement outlives the transaction it was prepared in (a rollback keeps it) and dies with the
connection, so the set of names prepared is kept on Django's connection wrapper and forgotten whenever Django opens a
new connection (``connection_created``). PostgreSQL re-plans a prepared statement by itself after a schema change.

The statement is written with psycopg2's named placeholders (``%(user)s``), as for ``cursor.execute``; the names
become ``$1 … $n`` in the order they first appear. Other databases (SQLite under ``make run``) run it as written.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_ATTR = "_haimen_prepared"
_ATTEMPTS = itertools.count(1)  # each PREPARE a name of its own in the process


@receiver(connection_created, dispatch_uid="haimen_gov.prepared.forget")
def _forget(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A new connection has no prepared statements: prepare again on its first use."""
    setattr(connection, _ATTR, {})


def literal(value: int | str) -> str:
    """A constant of the code (a state, a kind, a limit) as an SQL literal, to write into a statement's text."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"not a literal: {value!r}")
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"  # standard_conforming_strings is on (PostgreSQL's default since 9.1)


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
    """The rows of ``sql`` with ``params``, through the prepared statement ``name`` on PostgreSQL. ``name`` must be
    unique to ``sql`` (one statement text per name for the life of the process)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        # name -> the name it is prepared under in this connection. A failed attempt may have left its statement
        # behind, so the next attempt takes a new name rather than guess.
        prepared: dict[str, str] | None = getattr(connection, _ATTR, None)
        if prepared is None:  # a connection opened before this module was imported
            prepared = {}
            setattr(connection, _ATTR, prepared)
        text, names = positional(sql)
        args = ", ".join(["%s"] * len(names))
        if prepared.get(name):
            cursor.execute(f"EXECUTE {prepared[name]} ({args})", [params[n] for n in names])
            return cursor.fetchall()
        attempt = f"{name}_{next(_ATTEMPTS)}"
        # Prepared and run in one round trip (one statement, as query counts expect). Each $n's type is inferred
        # from where it stands (a date compared with a date column …).
        cursor.execute(
            f"PREPARE {attempt} AS {text.replace('%', '%%')};\nEXECUTE {attempt} ({args})", [params[n] for n in names]
        )
        prepared[name] = attempt
        return cursor.fetchall()

"""Where a page's time goes (issue 16): each hot page requested in-process, through the whole middleware stack, with
production settings (DEBUG off), under cProfile, and split into

* database: wall time inside the database driver's ``execute`` (a connection ``execute_wrapper``);
* ORM: compiling querysets and turning rows into objects (SQLCompiler.execute_sql, Model.from_db …) less the database;
* templates: ``Template.render`` of the page (context processors included), less what the ORM did inside it;
* view: the view function's own Python (forms, selectors, decorating rows), less templates and ORM;
* middleware and the rest: the request outside the view (middleware, URL resolving, the handler).

Also the Python function calls per request: a count that does not depend on the machine's load, to judge a change
with on a shared, noisy machine (``BENCH_PROFILE_REQUESTS`` requests per page; cProfile slows every call alike, so
shares are its view of the time, not a stopwatch's). The top functions of each page go to profile-<page>.txt.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import pstats
import time
from collections.abc import Callable, Iterator
from typing import Any


class Split:
    """Wall time by where it was spent: the database and the ORM's Python, each inside a template's render
    ("tpl"), elsewhere inside the view ("view") or outside the view ("out": middleware)."""

    def __init__(self) -> None:
        self.depth = {"tpl": 0, "view": 0}
        self.db = {"tpl": 0.0, "view": 0.0, "out": 0.0}
        self.orm = {"tpl": 0.0, "view": 0.0, "out": 0.0}
        self.db_in_orm = {"tpl": 0.0, "view": 0.0, "out": 0.0}
        self.in_orm = 0
        self.templates = 0.0
        self.view = 0.0
        self.queries = 0

    def where(self) -> str:
        return "tpl" if self.depth["tpl"] else "view" if self.depth["view"] else "out"

    def execute(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.db[self.where()] += took
            if self.in_orm:
                self.db_in_orm[self.where()] += took
            self.queries += 1

    def timed(self, kind: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            where = self.where()
            if kind == "orm":
                self.in_orm += 1
            else:
                self.depth[kind] += 1
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                took = time.perf_counter() - started
                if kind == "orm":
                    self.in_orm -= 1
                    if not self.in_orm:
                        self.orm[where] += took
                else:
                    self.depth[kind] -= 1
                    if not self.depth[kind]:
                        setattr(
                            self,
                            "templates" if kind == "tpl" else "view",
                            getattr(self, "templates" if kind == "tpl" else "view") + took,
                        )

        return wrapper


@contextlib.contextmanager
def instrumented(split: Split) -> Iterator[None]:
    """Wrap the template render, the view and the ORM's query execution for ``split``; undone afterwards."""
    from django.core.handlers.base import BaseHandler
    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler
    from django.template.backends.django import Template

    originals = (Template.render, SQLCompiler.execute_sql, BaseHandler.resolve_request)

    def resolve_request(handler: Any, request: Any) -> Any:
        match = originals[2](handler, request)  # a new ResolverMatch each time: ours to change
        match.func = split.timed("view", match.func)
        return match

    Template.render = split.timed("tpl", originals[0])  # type: ignore[method-assign]
    SQLCompiler.execute_sql = split.timed("orm", originals[1])  # type: ignore[method-assign]
    BaseHandler.resolve_request = resolve_request  # type: ignore[method-assign,assignment]
    try:
        with connection.execute_wrapper(split.execute):
            yield
    finally:
        Template.render, SQLCompiler.execute_sql, BaseHandler.resolve_request = originals  # type: ignore[method-assign]


def profile_page(get: Callable[[], Any], requests: int) -> tuple[dict[str, Any], str]:
    """Profile ``requests`` calls of ``get`` (one request each); returns (shares in ms per request, top functions)."""
    get()  # warm: per-process caches
    split = Split()
    profiler = cProfile.Profile()
    cpu = time.process_time()
    started = time.perf_counter()
    with instrumented(split):
        profiler.enable()
        for _ in range(requests):
            response = get()
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}")
        profiler.disable()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    stats = pstats.Stats(profiler)
    calls = stats.total_calls  # type: ignore[attr-defined]
    orm = {k: split.orm[k] - split.db_in_orm[k] for k in split.orm}
    templates = split.templates - split.db["tpl"] - orm["tpl"]
    view = split.view - split.templates - split.db["view"] - orm["view"]
    rest = wall - split.view - split.db["out"] - orm["out"]
    per = 1000 / requests
    shares = {
        "requests": requests,
        "python_calls_per_request": round(calls / requests),
        "queries_per_request": round(split.queries / requests, 1),
        "ms_per_request_profiled": round(wall * per, 2),
        "cpu_ms_per_request_profiled": round(cpu * per, 2),
        "database_ms": round(sum(split.db.values()) * per, 2),
        "orm_ms": round(sum(orm.values()) * per, 2),
        "templates_ms": round(templates * per, 2),
        "view_ms": round(view * per, 2),
        "middleware_and_rest_ms": round(rest * per, 2),
    }
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
    top = out.getvalue()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(50)
    return shares, top + "\n" + out.getvalue()

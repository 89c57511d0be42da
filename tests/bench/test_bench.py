"""``make bench``: the benchmark of issue 3 as pytest tests (marker ``bench``; ``make test`` leaves them out).

The module seeds the bench database once (a separate database, ``haimen_bench``: see ``config.py``), then each test
measures one thing, so ``make bench ARGS="-k inbox"`` seeds and measures the inbox only. The table is printed and
written to bench-results/ when the module ends, whatever was measured. A test fails when something breaks (an
error response, a second sweep that inserts anything); a missed target fails it only with BENCH_STRICT=1, since the
numbers of a shared 2-core machine are noisy.

Nothing here touches the test database: the Django work runs in subprocesses on the bench database
(``tests.bench.phases``), the HTTP load from this process against gunicorn.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import config
from .run import Bench

pytestmark = pytest.mark.bench


@pytest.fixture(scope="module")
def bench() -> Iterator[Bench]:
    runner = Bench()
    try:
        runner.prepare()
        runner.load_fixtures()
        yield runner
    finally:
        runner.close()
        runner.write_report()


@pytest.fixture
def server(bench: Bench) -> Bench:
    bench.start_server()  # once; stopped before the sweep and at the end
    return bench


def _no_errors(entry: dict) -> None:
    for key, value in entry.items():
        if key.startswith("c"):
            assert value["errors"] == 0, f"{entry['label']} ({key}): {value['error_samples']}"


def _strict(bench: Bench, key: str) -> None:
    if bench.cfg.strict:
        missed = [m for m in bench.verdicts() if m.startswith(key)]
        assert not missed, missed


def test_query_counts(bench: Bench) -> None:
    counted = bench.query_counts()
    for endpoint, entry in counted.items():
        expected = [200]
        assert entry["statuses"] == expected, f"{endpoint}: HTTP {entry['statuses']}"
    if bench.cfg.strict:
        for key in ("inbox", "item"):
            assert counted[key]["max"] <= config.TARGET_PAGE_QUERIES, f"{key}: see bench-results/queries-{key}.txt"
        assert counted["dashboard"]["max"] <= config.TARGET_DASHBOARD_QUERIES, "see bench-results/queries-dashboard.txt"


def test_inbox_page(server: Bench) -> None:
    _no_errors(server.inbox())
    _strict(server, "inbox")


def test_item_page(server: Bench) -> None:
    _no_errors(server.item())
    _strict(server, "item")


def test_list_pages(server: Bench) -> None:
    for entry in server.list_pages().values():
        _no_errors(entry)
    for key, _label, _path in config.LIST_PAGES:
        _strict(server, key)


def test_ratios(server: Bench) -> None:
    """Issue 16: the hot pages side by side with the bare inbox (../shared/baseline)."""
    result = server.ratios()
    assert result["errors"] == 0, result["error_samples"]
    if server.cfg.strict:
        missed = [f"{k} {v['ratio']} < {v['target']}" for k, v in result["pages"].items() if not v["met"]]
        assert not missed, missed


def test_profile(server: Bench) -> None:
    """Issue 16: where each page's time goes (in-process, cProfile), into the results."""
    result = server.profile()
    assert set(result) >= {"inbox", "item", *(k for k, _l, _p in config.LIST_PAGES)}


def test_transition(server: Bench) -> None:
    _no_errors(server.transitions())


def test_dashboard_page(server: Bench) -> None:
    _no_errors(server.dashboard())
    _strict(server, "dashboard")


def test_sweep(bench: Bench) -> None:
    bench.stop_server()
    result = bench.sweep()
    first, *again = result["runs"]
    assert first["inserted"] > 0 or result["open_tasks"] == 0
    for run in again:
        assert run["inserted"] == 0, f"sweeping the same day again ({run['label']}) inserted reminders again"
    _strict(bench, "sweep")

"""End-to-end tests in real headless Chromium (Debian's /usr/bin/chromium; never a downloaded browser) against
pytest-django's ``live_server``. Screenshots of the key pages go to ``test-artifacts/e2e/`` (git-ignored)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls (set-up and checks) would
# otherwise be refused by Django as "async-unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR") or Path(__file__).resolve().parents[2] / "test-artifacts") / "e2e"


@pytest.fixture
def browser() -> Iterator[Any]:
    """Chromium for one test.

    Function-scoped on purpose. While Playwright's sync API is active, its event loop counts as running in this
    thread, so Django hands out a separate, context-local database connection. pytest-django sets the database up
    (and restores the serialized data) before this fixture starts, and flushes it after this fixture has stopped:
    both then run on the ordinary connection that knows the serialized data. A session-wide browser would make them
    run on the context-local one, which does not — the flush would then wipe the content types and the calendar
    for every later test.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            connections.close_all()  # the context-local connection the test body used
            browser.close()


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """``screenshot(page, "login")`` saves test-artifacts/e2e/login.png (the whole page)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_email_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    # The live server's transactions really commit; on_commit would otherwise ask the shared Redis broker to send
    # e-mails for every notice.
    from haimen_gov.workflow.actions import notifications

    monkeypatch.setattr(notifications, "queue_email_delivery", lambda: None)


@pytest.fixture
def seals(org) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    from seals.demo import seed_seals
    from seals.models import SealKind

    by_kind = {seal.kind: seal for seal in seed_seals()}
    return SimpleNamespace(gov=by_kind[SealKind.GOVERNMENT], office=by_kind[SealKind.OFFICE])


@pytest.fixture
def login(browser, live_server, org) -> Iterator[Callable[..., Any]]:  # type: ignore[no-untyped-def]
    """``login("vice1")``: a fresh browser context (its own cookies), logged in through the login page;
    ``viewport=(390, 844)`` for a phone."""
    contexts: list[Any] = []

    def make(
        username: str, shot: Callable[[Any], None] | None = None, *, viewport: tuple[int, int] = (1366, 900)
    ) -> Any:
        width, height = viewport
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", org.password)
        if shot is not None:
            shot(page)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield make
    for context in contexts:
        context.close()

"""Fixtures shared by every test module: the named cast (``org``), logged-in clients, a fresh calendar cache."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from rest_framework.test import APIClient

from haimen_gov.org.models import User
from haimen_gov.workdays import calendar
from tests.factories import Org, build_org


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # The real hasher takes about a second per password on purpose; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_workday_calendar() -> Iterator[None]:
    # The calendar table is cached in-process and invalidated by signals; a rolled-back test transaction fires
    # none, so without this a test would see the calendar a previous test left behind.
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture(autouse=True)
def _broker_tried_afresh() -> None:
    # A test that found the broker down must not make the next one skip its publishes.
    from haimen_gov.workflow.actions import notifications

    notifications.reset_broker_breaker()


@pytest.fixture
def org(db: None) -> Org:
    """The named cast: ``org.head`` (User), ``org.posts.head`` (Post), ``org.units.dept1`` (Unit) …

    See ``tests.factories.build_org`` for who holds which post and who is in charge of which unit.
    """
    return build_org()


@pytest.fixture
def cast(org: Org) -> Org:
    """Alias of ``org``."""
    return org


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    """``client_for(org.head)``: a Django test client logged in as that user (a fresh client per call)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        # Mark the session as just refreshed (middleware.SessionRefreshMiddleware), as after a first page view, so
        # that query counts measure pages and not the once-a-minute session write.
        session = client.session
        session["_seen"] = int(time.time())
        session.save()
        return client

    return make


@pytest.fixture
def api_client_for(db: None) -> Callable[[User | None], APIClient]:
    """``api_client_for(org.head)``: a DRF test client authenticated as that user; ``None`` for an anonymous one."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make

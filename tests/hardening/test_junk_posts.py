"""Issue 9, item 7: junk posted to EVERY page endpoint (found by walking the URL patterns, so a new page is covered
the day it is added) is refused, never a 500: non-numeric and unicode-digit ids, huge strings, NUL bytes, absurd
dates, missing fields, repeated fields.

The API is schemathesis's (tests/hardening/test_schemathesis.py); Django's admin is Django's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from haimen_gov.workflow.models import Notification, Task
from tests.seals.helpers import pdf_upload
from tests.workflow.helpers import submitted_memo

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "api/", "static/")
# Takes no parameter, and would log the client out for the endpoints after it.
SKIPPED_ROUTES = ("accounts/logout/",)

# Every parameter name any page form reads, so each junk value reaches each field.
NAMES = [
    "action", "comment", "copies", "document_title", "end", "files", "ids", "next", "note", "offsite",
    "offsite_place", "offsite_reason", "page", "password", "post", "purpose", "q", "reason", "scans", "seal",
    "stamped_at", "stamped_copies", "start", "state", "task", "unit", "username", "users",
]  # fmt: skip
# The verbs that read more than the common fields (register: the seal form's own), one every step has, and junk.
VERBS = ["approve", "return", "register", "x"]
JUNK = [
    "²",
    "١٢",  # Arabic-Indic digits
    "abc",
    "-1",
    "1e309",
    "9" * 40,
    "x" * 100_000,
    "长" * 20_000,
    "a\x00b",
    "2026-13-45T25:61",
    "9999-12-31T23:59",
    "",
    "https://evil.example/",
]
# Documents rendered whatever the method (the PDFs, the CSV) read no POST field: two payloads show that much.
DOCUMENT_SUFFIXES = (".pdf", ".csv")


def patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from patterns(entry, route)
        else:
            yield route, entry


def page_routes() -> list[tuple[str, URLPattern]]:
    return [
        (route, p)
        for route, p in patterns(get_resolver())
        if not route.startswith(SKIPPED_PREFIXES) and route not in SKIPPED_ROUTES
    ]


def urls_for(route: str, pattern: URLPattern, ids: dict[str, list[int]]) -> list[str]:
    """The route with every combination of real ids (and junk verbs) the test knows for its parameters."""
    converters = pattern.pattern.converters  # type: ignore[attr-defined]
    kind = "task" if route.startswith("tasks/") else "notification" if "notifications/" in route else "item"
    urls = ["/" + route]
    for name, converter in converters.items():
        values: list[Any] = ids[kind] if isinstance(converter, IntConverter) else VERBS
        urls = [url.replace(f"<{converter_name(converter)}:{name}>", str(v)) for url in urls for v in values]
    return urls


def converter_name(converter: Any) -> str:
    return {"IntConverter": "int", "SlugConverter": "slug", "StringConverter": "str", "PathConverter": "path"}[
        type(converter).__name__
    ]


def payloads() -> Iterator[dict[str, Any]]:
    yield {}  # every field missing
    for value in JUNK:
        yield dict.fromkeys(NAMES, value)
    yield {name: ["1", "²", "x" * 5000] for name in NAMES}  # repeated fields


def test_the_walk_finds_the_page_post_endpoints():
    routes = {route for route, _p in page_routes()}
    for expected in [
        "accounts/login/",
        "items/<int:pk>/transitions/<slug:verb>/",
        "items/<int:pk>/add-signer/",
        "items/<int:pk>/copy/",
        "items/<int:pk>/copy-comment/",
        "items/<int:pk>/reassign/",
        "tasks/<int:pk>/reassign/",
        "notifications/read/",
        "seals/apply/",
        "seals/requests/<int:pk>/edit/",
    ]:
        assert expected in routes


@pytest.mark.parametrize("who", ["director", "dept1_clerk", "custodian"])
def test_junk_posted_to_every_page_endpoint_is_never_a_500(org, client_for, who, settings, tmp_path):
    from seals import actions as seal_actions
    from seals.demo import seed_seals

    settings.MEDIA_ROOT = tmp_path / "media"
    seals = seed_seals()
    memo = submitted_memo(org)
    seal_request = seal_actions.seal_request_create(
        actor=org.dept1_clerk,
        unit=org.units.dept1,
        seal=seals[0],
        purpose="申报项目",
        document_title="关于申报项目的请示",
        copies=2,
        files=[pdf_upload()],
        submit=False,
    )
    ids = {
        "item": [memo.pk, seal_request.pk],
        "task": [Task.objects.filter(item_id=memo.pk).first().pk],  # type: ignore[union-attr]
        "notification": [Notification.objects.first().pk],  # type: ignore[union-attr]
    }
    client = client_for(getattr(org, who))
    failures = []
    for route, pattern in page_routes():
        sent = list(payloads())
        for url in urls_for(route, pattern, ids):
            for data in sent[:2] if route.endswith(DOCUMENT_SUFFIXES) else sent:
                response = client.post(url, data)
                if response.status_code >= 500:
                    failures.append((url, {k: str(v)[:20] for k, v in list(data.items())[:1]}, response.status_code))
    assert failures == []

"""The navigation's fragments, reused per worker (workflow/templatetags/nav_tags.py, issue 16): never stale, never
another user's, and with a CSRF token that works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from haimen_gov.workflow.templatetags import nav_tags

from .helpers import fire, submitted_memo

FRAGMENTS = ["_nav.html", "_nav_right.html", "_nav_user.html", "_bell.svg.html"]
TAG_WORDS = {"if", "elif", "else", "endif", "with", "endwith", "in", "not", "and", "or", "url", "include", "csrf_token"}


@pytest.fixture(autouse=True)
def _fresh_fragments():  # type: ignore[no-untyped-def]
    nav_tags.clear()
    yield
    nav_tags.clear()


def html(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.content.decode()


def _source(name: str) -> str:
    return (Path(settings.BASE_DIR) / "templates" / name).read_text()


def _variables(source: str) -> set[str]:
    found: set[str] = set()
    for token in re.findall(r"{[{%](.*?)[}%]}", source, flags=re.S):
        token = token.strip()
        if token.startswith(("load ", "include ")):
            continue
        token = re.sub(r"'[^']*'|\"[^\"]*\"", " ", token)  # string literals
        token = re.sub(r"\|\w+(:\S+)?", " ", token)  # filters and their arguments
        token = token.replace("==", " ").replace("=", " ")
        found |= {w for w in re.findall(r"[A-Za-z_][\w.]*", token) if w not in TAG_WORDS}
    return found


@pytest.mark.parametrize("name", FRAGMENTS)
def test_a_cached_fragment_reads_only_what_its_key_holds(name):
    allowed = nav_tags.KEY_VARIABLES
    for variable in _variables(_source(name)):
        assert variable in allowed or variable.split(".")[0] in {"nav", "leave_nav"}, (
            f"{name} reads {variable!r}, which the fragment's key (nav_tags.fragment_key) does not hold"
        )


def test_the_key_tells_apart_every_path_the_menus_test():
    source = _source("_nav.html")
    exact = set(re.findall(r"path == '([^']+)'", source))
    parts = set(re.findall(r"'([^']+)' in path", source))
    assert exact == set(nav_tags.EXACT_PATHS)
    assert parts == set(nav_tags.PATH_PARTS)


def test_the_nav_follows_a_count_changed_by_someone_else(org, client_for, settings):
    settings.DEBUG = False  # the cache is on (it is off under make run's DEBUG)
    memos = [submitted_memo(org, title=f"纪要{i}") for i in range(2)]
    client = client_for(org.director)
    assert re.search(r'id="nav-inbox-count">\s*2\s*<', html(client.get("/done/")))
    assert re.search(r'id="nav-inbox-count">\s*2\s*<', html(client.get("/done/")))  # from the cache
    assert nav_tags._fragments

    fire(memos[0], "return", org.deputy1, comment="请补充材料。")  # another user's action
    assert re.search(r'id="nav-inbox-count">\s*1\s*<', html(client.get("/done/")))


def test_the_active_entry_follows_the_path(org, client_for, settings):
    settings.DEBUG = False
    submitted_memo(org)
    client = client_for(org.director)
    inbox, done = html(client.get("/inbox/")), html(client.get("/done/"))
    assert re.search(r'nav-link active" href="/inbox/"', inbox) and not re.search(r'active" href="/done/"', inbox)
    assert re.search(r'nav-link active" href="/done/"', done) and not re.search(r'active" href="/inbox/"', done)


def test_two_users_with_the_same_counts_see_their_own_names(org, client_for, settings):
    settings.DEBUG = False
    first = html(client_for(org.deputy1).get("/done/"))
    second = html(client_for(org.deputy2).get("/done/"))
    assert org.deputy1.display_name in first and org.deputy1.display_name not in second
    assert org.deputy2.display_name in second


def test_the_cached_logout_form_carries_this_requests_csrf_token(org, settings):
    from django.test import Client

    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.director)
    client.get("/done/")  # fills the cache
    page = html(client.get("/done/"))
    assert nav_tags.CSRF_PLACEHOLDER not in page
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert tokens
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[-1]})
    assert response.status_code == 302  # accepted: logged out
    assert client.get("/done/").status_code == 302  # to the login page

"""The navigation bar, rendered once per worker for each distinct state it can show and reused (issue 16).

Every page renders the same menus: some forty ``{% url %}`` and a hundred lookups, the largest fixed cost of a page.
What they show depends only on what the key below holds (the user, the navigation's counts and menus, which section
the path is in), and those are read afresh on every request (``context_processors.nav_counts``): a cached fragment
is never stale, since any change of a count, a post, a delegation or a name is a new key. Nothing is invalidated by
hand. The CSRF token is the one thing per request: the fragment keeps a placeholder, replaced on the way out.

``tests/workflow/test_nav_cache.py`` checks that the fragments read nothing the key does not hold.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Which paths a fragment tells apart (the active menu entry): ``{% if path == '…' %}`` and ``{% if '…' in path %}``.
EXACT_PATHS = ("/", "/inbox/", "/done/", "/mine/", "/copies/")
PATH_PARTS = ("/documents/", "/seals/", "/supervision/", "/meetings/", "/leave/", "/dashboard/")
# What a cached fragment may read from its context (tests/workflow/test_nav_cache.py walks the templates).
KEY_VARIABLES = {
    "path",
    "request.path",
    "user.is_authenticated",
    "user.display_name",
    "user.is_staff",
    "nav",
    "leave_nav",
}
# Fragments kept per worker process (a few KB each), least recently used dropped first.
MAX_FRAGMENTS = 2000
CSRF_PLACEHOLDER = "nav-fragment-csrf-placeholder"

_fragments: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_lock = threading.Lock()


def _mapping(value: Any) -> tuple[tuple[str, Any], ...]:
    if not value:
        return ()
    return tuple(sorted((k, v) for k, v in dict(value).items() if k != "posts"))


def fragment_key(name: str, context: template.Context) -> tuple[Any, ...] | None:
    """What the fragment ``name`` shows depends on, or None when it is not to be cached (nobody signed in)."""
    from haimen_gov.context_processors import NAV_COUNT_CAP

    request = context.get("request")
    user = context.get("user")
    if request is None or user is None or not user.is_authenticated:
        return None
    path = request.path
    return (
        name,
        user.pk,
        user.display_name,
        user.is_staff,
        NAV_COUNT_CAP,
        _mapping(context.get("nav")),
        _mapping(context.get("leave_nav")),
        tuple(path == p for p in EXACT_PATHS),
        tuple(part in path for part in PATH_PARTS),
    )


@register.simple_tag(takes_context=True)
def nav_fragment(context: template.Context, name: str) -> SafeString:
    """``{% nav_fragment "_nav.html" %}``: the template ``name`` rendered with this context, from the worker's cache
    when it has shown the same state before (never with DEBUG on: a template edited under ``make run`` shows)."""
    engine = context.template.engine  # type: ignore[union-attr]
    key = None if settings.DEBUG else fragment_key(name, context)
    if key is None:
        return mark_safe(engine.get_template(name).render(context))
    with _lock:
        html = _fragments.get(key)
        if html is not None:
            _fragments.move_to_end(key)
    if html is None:
        with context.push(csrf_token=CSRF_PLACEHOLDER):
            html = engine.get_template(name).render(context)
        with _lock:
            _fragments[key] = html
            while len(_fragments) > MAX_FRAGMENTS:
                _fragments.popitem(last=False)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, str(context.get("csrf_token", "")))
    return mark_safe(html)  # rendered by the template engine, which escaped it


def clear() -> None:
    """Forget every fragment (tests)."""
    with _lock:
        _fragments.clear()

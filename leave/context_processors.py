"""The 外出报备 menu, shown to those who can use it. What it needs (office, reporting, gov_leader) comes from the
navigation's one counting statement (``haimen_gov.context_processors.nav_counts``), shared for the request: the
menu adds no query of its own to any page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _menu(request: HttpRequest) -> dict[str, bool]:
    from haimen_gov.context_processors import request_nav_counts

    nav = request_nav_counts(request)
    office = bool(nav["office"])
    if not nav["acting"] and not office:
        return {}
    return {
        "office": office,
        "report": office or bool(nav["reporting"]),
        "research": office or bool(nav["gov_leader"]),
    }


def leave_menu(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"leave_nav": SimpleLazyObject(lambda: _menu(request))}

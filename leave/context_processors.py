"""The 外出报备 menu, shown to those who can use it. It reads the posts the user acts for today, which every item page
and the inbox look up anyway (``viewer_posts`` keeps them for the request): no query of its own there."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _menu(request: HttpRequest) -> dict[str, bool]:
    from haimen_gov.workflow.views import viewer_posts

    from .models import GOVERNMENT_LEADER_KINDS, REPORTING_KINDS
    from .selectors import OFFICE_KINDS

    kinds = {kind for _pk, kind in viewer_posts(request)}
    office = request.user.is_superuser or bool(kinds & set(OFFICE_KINDS))
    if not kinds and not office:
        return {}
    return {
        "office": office,
        "report": office or bool(kinds & set(REPORTING_KINDS)),
        "research": office or bool(kinds & set(GOVERNMENT_LEADER_KINDS)),
    }


def leave_menu(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"leave_nav": SimpleLazyObject(lambda: _menu(request))}

"""Template helpers of the documents pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def may_supervise(user: Any) -> bool:
    """Whether ``user`` may open a supervision item from a 批示: the office's supervisors (第三十七、三十九条), never a
    designated unit. Asked only on a page that shows a 批示."""
    from supervision.actions import opener_for

    if not getattr(user, "is_authenticated", False):
        return False
    opener = opener_for(user)
    return opener is not None and not opener.designations


@register.filter
def instructions(history: Any) -> list[Any]:
    """The 批示 among an item's history entries: a reader's 已阅 with words (no query: the page's history)."""
    return [h for h in history if h.verb == "read" and (h.comment or "").strip()]


@register.filter
def supervision_link(links: Any) -> Any:
    """The supervision item opened from this document (its 来源 link, seen from the document), from the page's links."""
    return next((link for link in links or () if link.kind == "source" and link.role == "派生事项"), None)

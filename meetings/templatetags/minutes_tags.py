"""What the meeting page and the minutes' item page read of the minutes: the meeting's minutes, the decisions with
their supervision lights, the 出席/列席/请假 lines, and whether the viewer may turn a decision into supervision."""

from __future__ import annotations

from typing import Any

from django import template

from meetings import actions_minutes, selectors_minutes

register = template.Library()


@register.simple_tag
def meeting_minutes(meeting: Any) -> Any:
    return selectors_minutes.live_minutes(meeting)


@register.simple_tag
def minutes_decisions(minutes: Any) -> list[Any]:
    return selectors_minutes.decisions(minutes)


@register.simple_tag
def minutes_lines(minutes: Any) -> Any:
    return actions_minutes.minutes_lines(minutes)


@register.simple_tag
def may_supervise(user: Any) -> bool:
    """The office's supervisors (第三十九条) turn a signed decision into a supervision item."""
    from supervision.actions import opener_for

    opener = opener_for(user)
    return opener is not None and not opener.designations

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def hours(value: dt.timedelta | None) -> str:
    """A handling time as hours, the unit of the dashboard's slowest steps: "26.5 小时"."""
    if value is None:
        return "—"
    return f"{value.total_seconds() / 3600:.1f} 小时"

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    """Site-wide template values. Counts for the navigation are added by the workflow app once it exists."""
    return {"portal_name": "海门区人民政府工作平台"}

"""Deployment checks (``manage.py check --deploy``) for the settings the engine reads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def portal_base_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E-mails link to items on PORTAL_BASE_URL: in production it must be the portal's public HTTPS address."""
    url = urlsplit(settings.PORTAL_BASE_URL)
    if url.scheme != "https" or url.hostname in (None, "localhost", "127.0.0.1", "::1"):
        return [
            Warning(
                f"PORTAL_BASE_URL is {settings.PORTAL_BASE_URL!r}: links in e-mails would not reach the portal.",
                hint="Set PORTAL_BASE_URL to the address users open, e.g. https://portal.haimen.gov.cn",
                id="haimen.W001",
            )
        ]
    return []

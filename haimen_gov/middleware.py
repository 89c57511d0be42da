"""Every page sits behind login except the login page, static files and the API (which answers 401/403 itself)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: X-Real-IP when a trusted proxy sets it (TRUST_X_REAL_IP), else REMOTE_ADDR."""
    if settings.TRUST_X_REAL_IP:
        real = request.META.get("HTTP_X_REAL_IP", "").strip()
        if real:
            return real
    return request.META.get("REMOTE_ADDR")


# The .ics feed authenticates by the signed token in its URL (calendar apps send no session cookie).
OPEN_PREFIXES = ("/accounts/login/", "/static/", "/api/", "/healthz", "/meetings/feed/", "/favicon.ico")


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class SessionRefreshMiddleware:
    """Idle expiry without a write on every request.

    A session ends SESSION_COOKIE_AGE after its last save; saving on every request (SESSION_SAVE_EVERY_REQUEST) costs
    three queries a page. Saving at most once every REFRESH_SECONDS keeps the idle timeout accurate to within that.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            if now - int(request.session.get("_seen", 0)) >= self.REFRESH_SECONDS:
                request.session["_seen"] = now
        return self.get_response(request)

"""Every page sits behind login except the login page, static files and the API (which answers 401/403 itself)."""

from __future__ import annotations

import functools
import ipaddress
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


@functools.cache
def _trusted_proxies(addresses: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(address, strict=False) for address in addresses)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for login lockouts and the history.

    X-Real-IP only when TRUST_X_REAL_IP is on *and* the request comes straight from one of TRUSTED_PROXIES (the
    nginx that overwrites the header): from anyone else the header is the client's own claim, and believing it would
    let one peer spread its failed logins over invented addresses. A header that is not an address is ignored.
    """
    peer = request.META.get("REMOTE_ADDR")
    if getattr(settings, "TRUST_X_REAL_IP", False) and peer:
        peer_ip = _ip(peer)
        proxies = _trusted_proxies(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
        if peer_ip is not None and any(peer_ip in network for network in proxies):
            real = _ip(request.META.get("HTTP_X_REAL_IP", ""))
            if real is not None:
                return str(real)
    return peer


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


# Every script, style, font and image the portal uses is its own (no CDN: government intranets are closed), and no
# page has inline script or style (static/js/portal.js, static/css/portal.css): a strict policy fits, and an injected
# <script> would not run. data: images are Bootstrap's SVG icons in its CSS.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Django's admin and Swagger UI (/api/docs/) apply inline styles of their own; scripts stay strict there too, and
# they load nothing from elsewhere either.
INLINE_STYLE_PREFIXES = ("/admin/", "/api/docs/")
INLINE_STYLE_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            inline_styles = request.path.startswith(INLINE_STYLE_PREFIXES)
            response["Content-Security-Policy"] = (
                INLINE_STYLE_CONTENT_SECURITY_POLICY if inline_styles else CONTENT_SECURITY_POLICY
            )
        return response

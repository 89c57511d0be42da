"""The error pages (403, 404, 500): Chinese, in the portal's layout, for users in every configuration.

With DEBUG off Django calls the handlers below. With DEBUG on (``make run``) it answers an unknown address or a
failing view with its technical pages instead, in English and showing settings and source: the middleware puts the
portal's page in their place unless ``DEBUG_TECHNICAL_PAGES`` asks for them (a developer at work)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader

log = logging.getLogger("django.request")
CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_STATUSES = (403, 404, 500)
TEXTS = {
    403: ("无权访问", "您没有访问此页面的权限。如需办理，请联系区政府办公室。"),
    404: ("页面不存在", "您访问的页面不存在，或事项已不对您可见。请检查地址，或从首页重新进入。"),
    500: ("系统暂时出错", "服务器处理请求时出错，已记录在案。请稍后再试；如仍有问题，请联系区政府办公室信息科。"),
}


def _render(request: HttpRequest | None, status: int, message: str = "") -> HttpResponse:
    template = loader.get_template(f"{status}.html")
    # The 500 page is rendered without the request: nothing on it may query a database that may be what failed.
    title, text = TEXTS[status]
    from .context_processors import PORTAL_NAME

    context = {
        "portal_name": PORTAL_NAME,
        "message": message,
        "error_code": status,
        "error_title": title,
        "error_text": text,
    }
    body = template.render(context, request if status != 500 else None)
    response = HttpResponse(body, status=status)
    response.portal_error_page = True  # type: ignore[attr-defined]
    return response


def _message(exception: Exception | None) -> str:
    """The exception's own message when it was written for the user (Chinese), else nothing."""
    text = str(exception.args[0]) if exception is not None and exception.args else ""
    return text if CJK.search(text) and len(text) <= 200 else ""


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 403, _message(exception))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 404, _message(exception))


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(request, 500)


class FriendlyErrorPagesMiddleware:
    """Under DEBUG, replaces Django's technical 404 and 500 pages (HTML, not the API's JSON) with the portal's: a
    view's exception here, with its Chinese message kept; an unknown address's technical page on its way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and not getattr(settings, "DEBUG_TECHNICAL_PAGES", False)
            and response.status_code in ERROR_STATUSES
            and not getattr(response, "portal_error_page", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return _render(request, response.status_code)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or getattr(settings, "DEBUG_TECHNICAL_PAGES", False):
            return None
        if request.path.startswith("/api/"):
            return None  # the API answers in JSON (its own exception handler)
        if isinstance(exception, Http404):
            return _render(request, 404, _message(exception))
        if isinstance(exception, PermissionDenied):
            return _render(request, 403, _message(exception))
        log.error("Internal Server Error: %s", request.path, exc_info=exception)
        return _render(request, 500)

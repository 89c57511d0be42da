"""The REST API under /api/v1/: the router every app registers on, token login, and the error format."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults
from rest_framework import exceptions, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from haimen_gov import errors
from haimen_gov.middleware import client_ip

log = logging.getLogger(__name__)

router = DefaultRouter()

# DRF's own English defaults, in the portal's language. Kinds whose detail DRF fills with English particulars (the
# method, the media type, the parser's error, the wait) always get the Chinese text; the others keep a detail a view
# wrote in Chinese.
MESSAGES = {
    exceptions.NotAuthenticated: "未登录或登录已过期。",
    exceptions.AuthenticationFailed: "身份验证失败。",
    exceptions.PermissionDenied: "您无权执行此操作。",
    exceptions.NotFound: "未找到该对象，或您无权查看。",
    exceptions.MethodNotAllowed: "不支持该请求方法。",
    exceptions.NotAcceptable: "无法提供所要求的响应格式。",
    exceptions.UnsupportedMediaType: "不支持的请求内容类型。",
    exceptions.ParseError: "请求内容格式错误。",
    exceptions.Throttled: "请求过于频繁，请稍后再试。",
}
ALWAYS_CHINESE = (
    exceptions.AuthenticationFailed,
    exceptions.MethodNotAllowed,
    exceptions.NotAcceptable,
    exceptions.UnsupportedMediaType,
    exceptions.ParseError,
    exceptions.Throttled,
)
SERVER_ERROR = "服务器内部错误，请稍后再试。"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The one error format of every API view: ``{"detail": "<中文>"}`` (or a field → messages dict for bad input),
    with the engine's refusals at the status each names (WorkflowError 400, CommentRequired 400, Forbidden 403,
    Conflict 409) and anything unexpected a logged 500 in JSON, never an HTML page."""
    from haimen_gov.workflow.actions import WorkflowError

    if isinstance(exc, WorkflowError):
        set_rollback()
        return Response({"detail": exc.message}, status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": "请求内容超过大小限制。"}, status=413)
    if isinstance(exc, SuspiciousOperation):  # too many fields, a malformed multipart body …
        return Response({"detail": "请求格式错误。"}, status=400)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        log.error("API error in %s", context.get("view").__class__.__name__, exc_info=exc)
        set_rollback()
        return Response({"detail": SERVER_ERROR}, status=500)
    for kind, message in MESSAGES.items():
        if isinstance(exc, kind) and (
            isinstance(exc, ALWAYS_CHINESE) or getattr(exc, "detail", None) == getattr(kind, "default_detail", None)
        ):
            wait = getattr(exc, "wait", None)
            response.data = {"detail": f"{message[:-1]}（{int(wait) + 1} 秒后）。" if wait else message}
            break
    return response


API_PREFIX = "/api/"


def _json_error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})


def error_page(status: int, message: str, page: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Django's error view for ``status``, except under /api/: there the same Chinese JSON as every API error (an
    unknown path, a body too large, a crash outside a DRF view)."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            return _json_error(status, message)
        return page(request, *args, **kwargs)

    return view


handler400 = error_page(400, "请求格式错误。", defaults.bad_request)
# Outside /api/ the portal's own Chinese pages (haimen_gov/errors.py), in its layout.
handler403 = error_page(403, MESSAGES[exceptions.PermissionDenied], errors.permission_denied)
handler404 = error_page(404, "接口不存在。", errors.page_not_found)
handler500 = error_page(500, SERVER_ERROR, errors.server_error)


class Pagination(PageNumberPagination):
    """DRF's page-number pagination, except that ``?page=`` with no number is refused like any other bad page
    (DRF reads it as page 1, which the schema's integer does not allow)."""

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        if self.page_query_param in request.query_params and not request.query_params[self.page_query_param]:
            raise exceptions.NotFound("页码无效。")
        return super().get_page_number(request, paginator)


class TokenRateThrottle(AnonRateThrottle):
    """Token logins per client address, whatever the usernames tried (axes locks per username and address; this
    stops one address from guessing across many accounts)."""

    scope = "token"

    def get_ident(self, request: Request) -> str:  # type: ignore[override]
        return client_ip(request) or ""

    def get_rate(self) -> str:
        return str(settings.API_TOKEN_RATE)


# --------------------------------------------------------------------------- the OpenAPI document

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "中文错误信息"}},
    "required": ["detail"],
}
BAD_INPUT_SCHEMA = {
    "type": "object",
    "description": "字段名 → 错误信息列表；或 detail：中文错误信息",
    "additionalProperties": True,
}
# What every API operation may answer besides its success, in the one format of exception_handler.
COMMON_ERRORS = {
    "400": ("请求参数或内容有误", "BadInput"),
    "401": ("未登录或令牌无效", "Error"),
    "403": ("无权执行", "Error"),
    "404": ("对象不存在或无权查看", "Error"),
    "406": ("无法提供所要求的响应格式", "Error"),
}
WRITE_ERRORS = {
    "409": ("状态已变化或当前状态不能执行", "Error"),
    "413": ("请求内容超过大小限制", "Error"),
    "415": ("不支持的请求内容类型", "Error"),
}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation documents the errors it can answer (400/401/403/404,
    and 409/415 for writes, 429 for token logins) with the schema exception_handler produces, keeping any
    description a view wrote itself."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    schemas["BadInput"] = BAD_INPUT_SCHEMA
    for route, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            errors = dict(COMMON_ERRORS)
            if method in ("post", "put", "patch"):
                errors.update(WRITE_ERRORS)
            if route.endswith("/auth/token/"):
                errors["429"] = ("请求过于频繁", "Error")
            responses = operation.setdefault("responses", {})
            for code, (description, component) in errors.items():
                entry = responses.setdefault(code, {"description": description})
                entry.setdefault("description", description)
                entry["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}
    return result


class TokenSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(
        label="密码", max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )
    token = serializers.CharField(label="令牌", read_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from django.contrib.auth import authenticate

        user = authenticate(request=self.context.get("request"), **attrs)
        if user is None or not user.is_active:
            raise serializers.ValidationError("用户名或密码错误，或账户已被暂时锁定。", code="authorization")
        attrs["user"] = user
        return attrs


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token": "..."}; then send ``Authorization: Token <token>``."""

    serializer_class = TokenSerializer
    throttle_classes = [TokenRateThrottle]


def urls() -> list[Any]:
    # Imported here, not at module level: the apps must be loaded first.
    from documents import api as documents_api
    from haimen_gov.dashboard.api import dashboard
    from haimen_gov.org.api import me
    from haimen_gov.workdays.api import workdays_add
    from haimen_gov.workflow import api as workflow_api
    from leave import api as leave_api
    from meetings import api as meetings_api
    from meetings import api_minutes as minutes_api
    from seals import api as seals_api
    from supervision import api as supervision_api

    router.register("documents/incoming", documents_api.IncomingViewSet, basename="incomingdocument")
    router.register("documents/outgoing", documents_api.OutgoingViewSet, basename="outgoingdocument")
    router.register("documents/assignments", documents_api.AssignmentViewSet, basename="documentassignment")
    router.register("seals/seals", seals_api.SealViewSet, basename="seal")
    router.register("seals/requests", seals_api.SealRequestViewSet, basename="sealrequest")
    router.register("leave/absences", leave_api.AbsenceViewSet, basename="absence")
    router.register("leave/exceptions", leave_api.ExceptionViewSet, basename="exceptionrequest")
    router.register("leave/research", leave_api.ResearchTripViewSet, basename="researchtrip")
    router.register("leave/visits", leave_api.VisitViewSet, basename="visit")
    router.register("leave/visit-plan", leave_api.VisitPlanViewSet, basename="visitplanentry")
    router.register("supervision/items", supervision_api.SupervisionItemViewSet, basename="supervisionitem")
    router.register("meetings/meetings", meetings_api.MeetingViewSet, basename="meeting")
    router.register("meetings/topics", meetings_api.TopicViewSet, basename="topic")
    router.register("meetings/leave-requests", meetings_api.LeaveRequestViewSet, basename="leaverequest")
    router.register("meetings/press-releases", meetings_api.PressReleaseViewSet, basename="pressrelease")
    router.register("meetings/district-meetings", meetings_api.DistrictMeetingViewSet, basename="districtmeeting")
    router.register("meetings/minutes", minutes_api.MinutesViewSet, basename="minutes")
    return [
        path("auth/token/", TokenView.as_view(), name="api-token"),
        path("me/", me, name="api-me"),
        path("workdays/add", workdays_add, name="api-workdays-add"),
        path("inbox/", workflow_api.InboxView.as_view(), name="api-inbox"),
        path("notifications/", workflow_api.NotificationsView.as_view(), name="api-notifications"),
        path("dashboard/", dashboard, name="api-dashboard"),
        path("", include(router.urls)),
    ]

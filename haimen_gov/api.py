"""The REST API under /api/v1/: the router every app registers on, token login, and the error format."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import include, path
from rest_framework import exceptions, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

router = DefaultRouter()

# DRF's own English defaults, in the portal's language.
MESSAGES = {
    exceptions.NotAuthenticated: "未登录或登录已过期。",
    exceptions.AuthenticationFailed: "身份验证失败。",
    exceptions.PermissionDenied: "您无权执行此操作。",
    exceptions.NotFound: "未找到该对象，或您无权查看。",
    exceptions.MethodNotAllowed: "不支持该请求方法。",
    exceptions.UnsupportedMediaType: "不支持的请求内容类型。",
    exceptions.ParseError: "请求内容格式错误。",
    exceptions.Throttled: "请求过于频繁，请稍后再试。",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    for kind, message in MESSAGES.items():
        if isinstance(exc, kind) and getattr(exc, "detail", None) == getattr(kind, "default_detail", None):
            response.data = {"detail": message}
            break
    return response


class TokenSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名")
    password = serializers.CharField(label="密码", style={"input_type": "password"}, trim_whitespace=False)
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


def urls() -> list[Any]:
    # Imported here, not at module level: the apps must be loaded first.
    from haimen_gov.dashboard.api import dashboard
    from haimen_gov.org.api import me
    from haimen_gov.workdays.api import workdays_add
    from haimen_gov.workflow import api as workflow_api
    from meetings import api as meetings_api
    from seals import api as seals_api
    from supervision import api as supervision_api

    router.register("seals/seals", seals_api.SealViewSet, basename="seal")
    router.register("seals/requests", seals_api.SealRequestViewSet, basename="sealrequest")
    router.register("supervision/items", supervision_api.SupervisionItemViewSet, basename="supervisionitem")
    router.register("meetings/meetings", meetings_api.MeetingViewSet, basename="meeting")
    router.register("meetings/topics", meetings_api.TopicViewSet, basename="topic")
    router.register("meetings/leave-requests", meetings_api.LeaveRequestViewSet, basename="leaverequest")
    router.register("meetings/press-releases", meetings_api.PressReleaseViewSet, basename="pressrelease")
    return [
        path("auth/token/", TokenView.as_view(), name="api-token"),
        path("me/", me, name="api-me"),
        path("workdays/add", workdays_add, name="api-workdays-add"),
        path("inbox/", workflow_api.inbox, name="api-inbox"),
        path("notifications/", workflow_api.notifications, name="api-notifications"),
        path("dashboard/", dashboard, name="api-dashboard"),
        path("", include(router.urls)),
    ]

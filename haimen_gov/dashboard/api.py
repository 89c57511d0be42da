"""GET /api/v1/dashboard/: the dashboard's figures as JSON, for the e-government platform (same scope and filters as
the page: ``month=YYYY-MM``, ``unit=<id>``)."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from .figures import Dashboard, build, viewer_scope
from .registry import all_panels

# What the query parameters look like, as documented: a month 01–12, a unit id in PostgreSQL's integer range. The
# form (scope.FilterForm) checks the rest: the month between 2000-01 and this month, the unit within the viewer's.
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
UNIT_MAX = 2**31 - 1


def _check_shape(params: Any) -> None:
    """The API takes each parameter as documented or not at all: an empty ``unit=`` or ``month=`` is a 400 here (the
    page's form reads an empty one as "all", which a browser's select sends), as is a value of the wrong shape."""
    errors: dict[str, list[str]] = {}
    for name, label in (("month", "统计月份"), ("unit", "单位")):
        if name in params and not params[name].strip():
            errors[name] = [f"{label}不能为空；不筛选时请省略该参数。"]
    month = params.get("month", "")
    if month.strip() and not re.fullmatch(MONTH_PATTERN, month):
        errors["month"] = ["月份格式错误，应为 YYYY-MM。"]
    unit = params.get("unit", "")
    if unit.strip() and not (unit.isdecimal() and 1 <= int(unit) <= UNIT_MAX):
        errors["unit"] = ["单位 id 应为正整数。"]
    if errors:
        raise ValidationError(errors)


def _schema() -> Any:
    return inline_serializer(
        "Dashboard",
        {
            "generated_at": serializers.DateTimeField(),
            "refreshed_at": serializers.DateTimeField(
                help_text="在办事项、待办时限、逾期和办理用时所依据的汇总表的更新时间（定时任务每 5 分钟更新）"
            ),
            "role": serializers.ChoiceField(
                choices=["office", "head", "vice"],
                help_text="office：办公室主任、副主任；head：区长；vice：副区长（分管单位）",
            ),
            "month": serializers.CharField(help_text="YYYY-MM"),
            "unit": serializers.IntegerField(allow_null=True, help_text="所选单位；null 为范围内全部单位"),
            "units": serializers.ListField(
                child=serializers.IntegerField(), allow_null=True, help_text="分管单位；null 为全区"
            ),
            "panels": inline_serializer(
                "DashboardPanels",
                {p.key: p.serializer(required=False, help_text=p.title) for p in all_panels()},
            ),
        },
    )


@extend_schema(
    summary="领导驾驶舱数据",
    description=(
        "与 /dashboard/ 页面相同的统计数据。办公室主任、副主任得到全部板块；"
        "区长、副区长得到本人视图（副区长限分管单位）；其他用户 403。每个数字附 url：其明细列表。"
    ),
    parameters=[
        OpenApiParameter(
            "month",
            str,
            pattern=MONTH_PATTERN,
            allow_blank=False,
            description="统计月份 YYYY-MM（2000-01 至本月），默认本月；不筛选时省略该参数",
        ),
        OpenApiParameter(
            "unit",
            {"type": "integer", "minimum": 1, "maximum": UNIT_MAX},
            allow_blank=False,
            description="单位 id（须在本人范围内），默认范围内全部单位；不筛选时省略该参数",
        ),
    ],
    responses=_schema(),
)
@api_view(["GET"])
def dashboard(request: Request) -> Response:
    _check_shape(request.query_params)
    scope = viewer_scope(request)  # type: ignore[arg-type]
    if scope is None:
        raise PermissionDenied("您无权查看领导驾驶舱。")
    result = build(request, scope, request.query_params)  # type: ignore[arg-type]
    if not isinstance(result, Dashboard):
        raise ValidationError({k: [str(e) for e in v] for k, v in result.errors.items()})
    return Response(result.as_json())

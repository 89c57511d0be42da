from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from . import MAX_DAYS, add_workdays


class AddQuery(serializers.Serializer):
    start = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "日期格式错误，应为 YYYY-MM-DD。"},
        help_text="YYYY-MM-DD，1900—2200 年",
    )
    days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_DAYS,
        error_messages={
            "invalid": "天数应为整数。",
            "min_value": "天数不能为负数。",
            "max_value": f"天数不能超过 {MAX_DAYS}。",
        },
    )

    def validate_start(self, value: dt.date) -> dt.date:
        if not 1900 <= value.year <= 2200:
            raise serializers.ValidationError("日期超出支持范围。")
        return value


@extend_schema(
    summary="第 N 个工作日",
    description=(
        "start 之后的第 days 个工作日（start 当日不计）。estimated 为 true 表示所跨年度的官方安排尚未导入，结果为暂定。"
    ),
    parameters=[AddQuery],
    responses=inline_serializer(
        "WorkdayAdd", {"date": serializers.DateField(), "estimated": serializers.BooleanField()}
    ),
)
@api_view(["GET"])
def workdays_add(request: Request) -> Response:
    query = AddQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    try:
        result = add_workdays(query.validated_data["start"], query.validated_data["days"])
    except OverflowError:
        return Response({"detail": "日期超出支持范围。"}, status=400)
    return Response({"date": result.date.isoformat(), "estimated": result.estimated})

"""``GET /api/v1/me/``: who the caller is in the organisation — their posts and units, the units in their portfolios
(分管), the posts they act for today through delegation (第六条), and the units they may apply for."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from .models import Portfolio, Post, Unit, User
from .routing import posts_acted_for, today, units_of


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "kind", "kind_display"]


class PostSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    unit = UnitSerializer()

    class Meta:
        model = Post
        fields = ["id", "title", "kind", "kind_display", "unit"]


class PortfolioSerializer(serializers.ModelSerializer):
    post = serializers.IntegerField(source="post_id", help_text="分管职务的 id（posts 或 acting_for 中的职务）")
    role_display = serializers.CharField(source="get_role_display")
    unit = UnitSerializer()
    by_delegation = serializers.SerializerMethodField(help_text="true：经委托代行该职务时的分管单位")

    class Meta:
        model = Portfolio
        fields = ["post", "role", "role_display", "unit", "by_delegation"]

    def get_by_delegation(self, portfolio: Portfolio) -> bool:
        return portfolio.post_id in self.context["delegated"]


class ActingForSerializer(serializers.Serializer):
    post = PostSerializer()
    holder = serializers.CharField(allow_null=True, help_text="该职务的任职人")
    start = serializers.DateField(help_text="委托开始日期")
    end = serializers.DateField(help_text="委托结束日期")
    reason = serializers.CharField(help_text="委托事由")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    posts = PostSerializer(many=True, help_text="本人任职的职务")
    portfolios = PortfolioSerializer(many=True, help_text="分管的单位（本人职务及今日受托职务的）")
    acting_for = ActingForSerializer(many=True, help_text="今日经委托代行的职务")
    apply_units = UnitSerializer(many=True, help_text="可以作为申请单位的单位（本人任职的单位）")
    date = serializers.DateField(help_text="以上委托按此日期计算")


@extend_schema(responses=MeSerializer, summary="当前用户", tags=["me"])
@api_view(["GET"])
def me(request: Request) -> Response:
    user: User = request.user  # type: ignore[assignment]
    day = today()
    acting = posts_acted_for(user, day)
    held = [a.post for a in acting if not a.by_delegation]
    delegated = [a for a in acting if a.by_delegation]
    portfolios = (
        Portfolio.objects.filter(post_id__in=[a.post.pk for a in acting])
        .select_related("unit")
        .order_by("post_id", "unit__order", "unit_id")
    )
    holders = {
        pk: full_name or username
        for pk, full_name, username in Post.objects.filter(pk__in=[a.post.pk for a in delegated]).values_list(
            "pk", "holder__full_name", "holder__username"
        )
    }
    data: dict[str, Any] = {
        "username": user.get_username(),
        "full_name": user.full_name,
        "posts": held,
        "portfolios": portfolios,
        "acting_for": [
            {
                "post": a.post,
                "holder": holders.get(a.post.pk),
                "start": a.delegation.start,
                "end": a.delegation.end,
                "reason": a.delegation.reason,
            }
            for a in delegated
            if a.delegation is not None
        ],
        "apply_units": units_of(user),
        "date": day,
    }
    return Response(MeSerializer(data, context={"delegated": {a.post.pk for a in delegated}}).data)

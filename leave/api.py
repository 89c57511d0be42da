"""/api/v1/leave/: absences (外出报备), visits abroad (出访, 第三十五条), 第三十四条 exceptions — all with the
engine's contract (create, list, read with state, available_transitions, tasks, history; POST
{id}/transitions/{name}/) — the yearly visit plan and the research log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haimen_gov.middleware import client_ip
from haimen_gov.org.models import Post, Unit, User
from haimen_gov.workflow.api import WorkflowItemSerializer, WorkflowViewSet

from . import actions, selectors
from .models import (
    HEAD_KINDS,
    REPORTING_KINDS,
    VISIT_CHAIN_OF_KIND,
    Absence,
    ExceptionRequest,
    ResearchTrip,
    Visit,
    VisitPlanEntry,
)


def _bounded_date(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(error_messages={"invalid": "日期格式错误（YYYY-MM-DD）。"}, **kwargs)


class AbsenceSerializer(WorkflowItemSerializer):
    leader_post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.filter(kind__in=(*HEAD_KINDS, *REPORTING_KINDS))
    )
    leader_name = serializers.CharField(source="leader.display_name", read_only=True)
    acting = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    acting_name = serializers.CharField(source="acting.display_name", read_only=True, default=None)
    start = _bounded_date()
    end = _bounded_date()
    submit = serializers.BooleanField(write_only=True, default=True, help_text="false 则仅保存草稿")
    delegation = serializers.SerializerMethodField()

    class Meta:
        model = Absence
        fields = [
            *WorkflowItemSerializer.ENGINE_FIELDS,
            "leader_post",
            "leader_name",
            "category",
            "start",
            "end",
            "destination",
            "reason",
            "contact",
            "acting",
            "acting_name",
            "late",
            "for_head",
            "delegation",
            "submit",
        ]
        read_only_fields = ["title", "unit", "late", "for_head"]

    def get_delegation(self, absence: Absence) -> dict[str, Any] | None:
        d = absence.delegation
        if d is None:
            return None
        return {"delegate": d.delegate_id, "start": d.start, "end": d.end, "ended": d.revoked_at is not None}


class ShortenSerializer(serializers.Serializer):
    end = _bounded_date(help_text="新的返回日期")
    reason = serializers.CharField(max_length=200)


class AbsenceViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = Absence.objects.select_related(
        "leader_post", "leader", "acting", "unit", "submitter", "delegation"
    ).order_by("-start", "-id")
    serializer_class = AbsenceSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self.created(
            lambda: actions.absence_create(
                actor=request.user,  # type: ignore[arg-type]
                leader_post=data["leader_post"],
                category=data["category"],
                start=data["start"],
                end=data["end"],
                destination=data["destination"],
                reason=data["reason"],
                contact=data["contact"],
                acting=data.get("acting"),
                submit=data.get("submit", True),
                ip=client_ip(request),
            )
        )

    @action(detail=True, methods=["post"])
    def shorten(self, request: Request, pk: str | None = None) -> Response:
        """提前返回: the absence and its delegation end on ``end``."""
        item = self.get_object()
        body = ShortenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.absence_shorten(
            item.pk,
            actor=request.user,  # type: ignore[arg-type]
            end=body.validated_data["end"],
            reason=body.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)


class ExceptionSerializer(WorkflowItemSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    leader_post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all())
    leader_name = serializers.CharField(source="leader.display_name", read_only=True)
    event_date = _bounded_date(required=False, allow_null=True)
    submit = serializers.BooleanField(write_only=True, default=True, help_text="false 则仅保存草稿")

    class Meta:
        model = ExceptionRequest
        fields = [
            *WorkflowItemSerializer.ENGINE_FIELDS,
            "leader_post",
            "leader_name",
            "category",
            "event",
            "event_date",
            "place",
            "reason",
            "submit",
        ]
        read_only_fields = ["title"]


class ExceptionViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = ExceptionRequest.objects.select_related("leader_post", "leader", "unit", "submitter").order_by(
        "-created_at", "-id"
    )
    serializer_class = ExceptionSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self.created(
            lambda: actions.exception_create(
                actor=request.user,  # type: ignore[arg-type]
                unit=data["unit"],
                leader_post=data["leader_post"],
                category=data["category"],
                event=data["event"],
                event_date=data.get("event_date"),
                place=data.get("place", ""),
                reason=data["reason"],
                submit=data.get("submit", True),
                ip=client_ip(request),
            )
        )


class ResearchTripSerializer(serializers.ModelSerializer):
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    leader_name = serializers.CharField(source="leader.display_name", read_only=True)
    start = _bounded_date()
    end = _bounded_date()
    days = serializers.IntegerField(read_only=True)

    class Meta:
        model = ResearchTrip
        fields = ["id", "leader", "leader_name", "start", "end", "days", "places", "topic", "findings", "frugality"]


class ResearchProgressSerializer(serializers.Serializer):
    """One leader's research days of the year against the target (第四十六条)."""

    leader = serializers.IntegerField()
    leader_name = serializers.CharField()
    days = serializers.IntegerField()
    trips = serializers.IntegerField()
    target = serializers.IntegerField()
    expected_by_today = serializers.IntegerField()
    on_pace = serializers.BooleanField()


class ResearchTripViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """基层调研 (第四十六条): a leader's own trips; the office reads and logs every leader's. ``GET progress/``:
    each visible leader's days this year against the target."""

    serializer_class = ResearchTripSerializer

    def _leaders(self) -> QuerySet[User]:
        user: User = self.request.user  # type: ignore[assignment]
        leaders = selectors.research_leaders()
        return leaders if selectors.is_office(user) else leaders.filter(pk=user.pk)

    def get_queryset(self) -> QuerySet[ResearchTrip]:
        return (
            ResearchTrip.objects.filter(leader__in=self._leaders()).select_related("leader").order_by("-start", "-id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        trip = actions.research_trip_create(actor=request.user, **body.validated_data)  # type: ignore[arg-type]
        return Response(self.get_serializer(trip).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        trip = self.get_object()
        body = self.get_serializer(trip, data=request.data, partial=kwargs.get("partial", False))
        body.is_valid(raise_exception=True)
        data = {f: body.validated_data.get(f, getattr(trip, f)) for f in actions.TRIP_FIELDS}
        updated = actions.research_trip_update(trip.pk, actor=request.user, **data)  # type: ignore[arg-type]
        return Response(self.get_serializer(updated).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 2020, "maximum": 2100},
                description="年份（2020—2100），默认今年",
                required=False,
            )
        ],
        responses={200: ResearchProgressSerializer(many=True), 400: OpenApiResponse(description="年份无效")},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def progress(self, request: Request) -> Response:
        today = timezone.localdate()
        year = request.query_params.get("year", "")
        if year and not (year.isdigit() and 2020 <= int(year) <= 2100):
            return Response({"year": ["年份须在 2020 至 2100 之间。"]}, status=status.HTTP_400_BAD_REQUEST)
        rows = selectors.research_progress(int(year) if year else today.year, today, self._leaders())
        return Response(
            [
                {
                    "leader": r.leader.pk,
                    "leader_name": r.leader.display_name,
                    "days": r.days,
                    "trips": r.trips,
                    "target": r.target,
                    "expected_by_today": r.expected,
                    "on_pace": r.on_pace,
                }
                for r in rows
            ]
        )


# ------------------------------------------------------------------------------------------------- 出访 (第三十五条)


class VisitSerializer(WorkflowItemSerializer):
    traveller_post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.filter(kind__in=list(VISIT_CHAIN_OF_KIND))
    )
    traveller_name = serializers.CharField(source="traveller.display_name", read_only=True)
    countries = serializers.CharField(max_length=100)
    purpose = serializers.CharField(max_length=300)
    members = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    start = _bounded_date()
    end = _bounded_date()
    plan_entry = serializers.PrimaryKeyRelatedField(
        queryset=VisitPlanEntry.objects.all(), required=False, allow_null=True, default=None
    )
    out_of_plan_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(write_only=True, default=True, help_text="false 则仅保存草稿")

    class Meta:
        model = Visit
        fields = [
            *WorkflowItemSerializer.ENGINE_FIELDS,
            "traveller_post",
            "traveller_name",
            "chain",
            "countries",
            "purpose",
            "members",
            "start",
            "end",
            "plan_entry",
            "out_of_plan",
            "out_of_plan_reason",
            "submit",
        ]
        read_only_fields = ["title", "unit", "chain", "out_of_plan"]


class VisitViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    """因公出访 (第三十五条). Transitions: ``submit``, ``approve`` (分管区领导/区长/区委书记), ``record`` (the office
    records the city's or the approving body's decision: decided_by, decided_on, means, reference, decision,
    evidence), ``return``, ``reject``, ``withdraw``, ``cancel``."""

    queryset = Visit.objects.select_related("traveller_post", "traveller", "unit", "submitter", "plan_entry").order_by(
        "-start", "-id"
    )
    serializer_class = VisitSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self.created(
            lambda: actions.visit_create(
                actor=request.user,  # type: ignore[arg-type]
                traveller_post=data["traveller_post"],
                countries=data["countries"],
                purpose=data["purpose"],
                members=data.get("members", ""),
                start=data["start"],
                end=data["end"],
                plan_entry=data.get("plan_entry"),
                out_of_plan_reason=data.get("out_of_plan_reason", ""),
                submit=data.get("submit", True),
                ip=client_ip(request),
            )
        )


class VisitPlanEntrySerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(min_value=2020, max_value=2100)
    traveller_post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.filter(kind__in=list(VISIT_CHAIN_OF_KIND))
    )
    traveller_name = serializers.CharField(source="traveller_post.holder.display_name", read_only=True, default=None)
    approx_start = _bounded_date()
    approx_end = _bounded_date()
    approved = serializers.BooleanField(read_only=True)

    class Meta:
        model = VisitPlanEntry
        fields = [
            "id",
            "year",
            "traveller_post",
            "traveller_name",
            "countries",
            "purpose",
            "approx_start",
            "approx_end",
            "approved",
            "approved_at",
        ]
        read_only_fields = ["approved_at"]


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2020, max_value=2100)


class VisitPlanViewSet(
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """年度出访计划 (第三十五条: 计划管理). Everyone signed in reads it; the office adds and removes entries not yet
    approved; ``POST approve/ {"year": 2027}``: the head (or whoever acts for the head) approves the year's pending
    entries."""

    serializer_class = VisitPlanEntrySerializer
    queryset = VisitPlanEntry.objects.select_related("traveller_post", "traveller_post__holder").order_by(
        "year", "approx_start", "id"
    )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = actions.visit_plan_add(actor=request.user, **body.validated_data)  # type: ignore[arg-type]
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.get_object()
        actions.visit_plan_remove(entry.pk, actor=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=YearSerializer, responses={200: OpenApiResponse(description="批准的项数 {approved: n}")})
    @action(detail=False, methods=["post"])
    def approve(self, request: Request) -> Response:
        body = YearSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        count = actions.visit_plan_approve(body.validated_data["year"], actor=request.user)  # type: ignore[arg-type]
        return Response({"approved": count})

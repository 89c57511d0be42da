"""/api/v1/meetings/minutes/: 会议纪要 (第十九条) with the engine's contract (state, available_transitions, tasks,
history, ``transitions/{verb}/``), its 议定事项 and 出席/列席/请假 lines. Created from a held meeting by the office;
a signed decision becomes a supervision item through ``decisions/{id}/supervise/``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haimen_gov.middleware import client_ip
from haimen_gov.workflow.api import WorkflowItemSerializer, WorkflowViewSet

from . import actions_minutes as actions
from . import selectors_minutes as selectors
from .models import Meeting
from .models_minutes import Minutes, MinutesDecision


class DecisionSerializer(serializers.ModelSerializer):
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    co_unit_names = serializers.SerializerMethodField()
    supervision_state = serializers.CharField(source="supervision_item.stage_label", default=None, read_only=True)
    light = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = MinutesDecision
        fields = [
            "id",
            "order",
            "text",
            "lead_unit",
            "lead_unit_name",
            "co_units",
            "co_unit_names",
            "deadline",
            "supervision_item",
            "supervision_state",
            "light",
        ]

    def get_co_unit_names(self, decision: MinutesDecision) -> list[str]:
        return [u.name for u in decision.co_units.all()]


class SuperviseSerializer(serializers.Serializer):
    """议定事项 → 督办: the deadline (default: the decision's own, or 20 working days) and the feedback rhythm."""

    due_on = serializers.DateField(required=False, allow_null=True, help_text="办结期限")
    cadence_days = serializers.IntegerField(min_value=1, max_value=60, default=5, help_text="反馈周期（工作日）")


class MinutesSerializer(WorkflowItemSerializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    meeting_title = serializers.CharField(source="meeting.title", read_only=True)
    decisions = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()

    class Meta:
        model = Minutes
        fields = [
            *WorkflowItemSerializer.ENGINE_FIELDS,
            "meeting",
            "meeting_title",
            "summary",
            "distribution",
            "flags",
            "reviewer",
            "signed_on",
            "issue_year",
            "issue_no",
            "decisions",
            "attendance",
        ]
        read_only_fields = ["unit", "title", "summary", "distribution", "flags", "reviewer"]

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, minutes: Minutes) -> list[dict[str, Any]]:
        if not self._detail():
            return []
        return DecisionSerializer(selectors.decisions(minutes), many=True).data  # type: ignore[return-value]

    def get_attendance(self, minutes: Minutes) -> dict[str, str]:
        if not self._detail():
            return {}
        lines = actions.minutes_lines(minutes)
        return {"present": lines.present, "observers": lines.observers, "leave": lines.leave}


class MinutesViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = Minutes.objects.select_related("unit", "submitter", "meeting")
    serializer_class = MinutesSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The office drafts the minutes of a held meeting (fields and decisions are edited on the editor page)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = serializer.validated_data["meeting"]
        return self.created(lambda: actions.minutes_create(actor=request.user, meeting=meeting, ip=client_ip(request)))  # type: ignore[arg-type]

    @extend_schema(
        request=SuperviseSerializer,
        responses={
            200: OpenApiResponse(description="已转为督办事项，返回纪要"),
            400: OpenApiResponse(description="办结期限或反馈周期无效"),
            403: OpenApiResponse(description="只有区政府办公室可以转督办"),
            404: OpenApiResponse(description="纪要或议定事项不存在"),
            409: OpenApiResponse(description="纪要尚未签发，或该议定事项已转督办"),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"decisions/(?P<decision_id>[0-9]{1,18})/supervise")
    def supervise(self, request: Request, pk: str | None = None, decision_id: str = "") -> Response:
        minutes = self.get_object()
        if not MinutesDecision.objects.filter(pk=int(decision_id), minutes=minutes).exists():
            return Response({"detail": "未找到该议定事项。"}, status=status.HTTP_404_NOT_FOUND)
        body = SuperviseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.decision_to_supervision(
            int(decision_id),
            actor=request.user,  # type: ignore[arg-type]
            due_on=body.validated_data.get("due_on"),
            cadence_days=body.validated_data["cadence_days"],
            ip=client_ip(request),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=minutes.pk)).data)

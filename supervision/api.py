"""/api/v1/supervision/items/: open, list (with lights), read, transitions (the engine's contract), plus the
feedback and extension endpoints."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from haimen_gov.middleware import client_ip
from haimen_gov.org.models import Post, Unit
from haimen_gov.workflow.api import AttachmentSerializer, WorkflowItemSerializer, WorkflowViewSet

from . import actions, selectors
from .forms import FEEDBACK_MAX_FILES
from .models import Designation, Feedback, Source, SupervisionItem


class FeedbackSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "unit",
            "unit_name",
            "author_name",
            "text",
            "percent",
            "is_lead",
            "due_on",
            "created_at",
            "attachments",
        ]


class SupervisionItemSerializer(WorkflowItemSerializer):
    unit: serializers.PrimaryKeyRelatedField[Unit] = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="督查单位（区政府办公室或被指定单位）"
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]  # the serializer pops declared fields
        choices=Source.choices, error_messages={"invalid_choice": "来源无效。"}
    )
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    co_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    leader = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all(), required=False, allow_null=True)
    designation = serializers.PrimaryKeyRelatedField(
        queryset=Designation.objects.all(), required=False, allow_null=True
    )
    due_on = serializers.DateField(required=False, allow_null=True, error_messages={"invalid": "日期格式错误。"})
    due_workdays = serializers.IntegerField(write_only=True, required=False, min_value=1, max_value=250)
    cadence_days = serializers.IntegerField(min_value=1, max_value=60)
    requirement = serializers.CharField(max_length=2000)
    title = serializers.CharField(max_length=200)
    source_item = serializers.IntegerField(write_only=True, required=False, help_text="来源事项（会议纪要、批示）")
    light = serializers.SerializerMethodField(help_text="red / amber / green；已结束为空")
    feedbacks = FeedbackSerializer(many=True, read_only=True)

    class Meta:
        model = SupervisionItem
        fields = [
            *WorkflowItemSerializer.ENGINE_FIELDS,
            "source",
            "source_reference",
            "requirement",
            "lead_unit",
            "co_units",
            "leader",
            "designation",
            "due_on",
            "due_workdays",
            "cadence_days",
            "progress",
            "extension_used",
            "extension_due_on",
            "sent_back_count",
            "verify_method",
            "light",
            "feedbacks",
            "source_item",
        ]
        read_only_fields = [
            "unit",
            "progress",
            "extension_used",
            "extension_due_on",
            "sent_back_count",
            "verify_method",
        ]

    def get_light(self, item: SupervisionItem) -> str:
        return selectors.LIGHTS[getattr(item, "light", 0) or 0][0]


class FeedbackBody(serializers.Serializer):
    text = serializers.CharField(max_length=2000, error_messages={"required": "请填写进展情况。"})
    percent = serializers.IntegerField(
        min_value=0, max_value=100, error_messages={"required": "请填写完成进度。", "invalid": "完成进度须为整数。"}
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=FEEDBACK_MAX_FILES,
        help_text=f"附件（multipart，最多 {FEEDBACK_MAX_FILES} 个；PDF、OFD、DOCX、JPG、PNG，按内容检查）",
        error_messages={"max_length": f"每次反馈最多上传 {FEEDBACK_MAX_FILES} 个附件。"},
    )


class ExtensionBody(serializers.Serializer):
    reason = serializers.CharField(max_length=300, error_messages={"required": "请填写延期理由。"})
    extension_due_on = serializers.DateField(error_messages={"required": "请填写申请延至的日期。"})


class SupervisionItemViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = SupervisionItem.objects.select_related("unit", "submitter", "lead_unit").prefetch_related(
        "co_units", "feedbacks__unit", "feedbacks__author", "feedbacks__attachments__item"
    )
    serializer_class = SupervisionItemSerializer

    def get_queryset(self) -> Any:
        return selectors.with_lights(super().get_queryset()).order_by("-light", "due_on", "id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        source_item = None
        if data.get("source_item"):
            from haimen_gov.workflow import selectors as engine_selectors

            source_item = engine_selectors.visible_items(request.user).filter(pk=data["source_item"]).first()  # type: ignore[arg-type]
            if source_item is None:
                return Response({"source_item": ["来源事项不存在或无权查看。"]}, status=status.HTTP_400_BAD_REQUEST)
            source_item = source_item.concrete()
        item = actions.supervision_item_open(
            actor=request.user,  # type: ignore[arg-type]
            title=data["title"],
            source=data["source"],
            source_reference=data.get("source_reference", ""),
            requirement=data["requirement"],
            lead_unit=data["lead_unit"],
            co_units=data.get("co_units", []),
            leader=data.get("leader"),
            due_on=data.get("due_on"),
            due_workdays=data.get("due_workdays"),
            cadence_days=data["cadence_days"],
            designation=data.get("designation"),
            source_item=source_item,
            ip=client_ip(request),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"application/json": FeedbackBody, "multipart/form-data": FeedbackBody}, responses=FeedbackSerializer
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser])
    def feedback(self, request: Request, pk: str | None = None) -> Response:
        """反馈: progress text, percentage and attachments (a co-unit's goes to the lead unit)."""
        item = self.get_object()
        body = FeedbackBody(data=request.data)
        body.is_valid(raise_exception=True)
        row = actions.supervision_item_feedback(
            item.pk,
            actor=request.user,  # type: ignore[arg-type]
            ip=client_ip(request),
            text=body.validated_data["text"],
            percent=body.validated_data["percent"],
            files=body.validated_data.get("files") or (),
        )
        return Response(FeedbackSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionBody)
    @action(detail=True, methods=["post"])
    def extension(self, request: Request, pk: str | None = None) -> Response:
        """延期: the lead unit asks once, with a reason and the date asked for."""
        item = self.get_object()
        body = ExtensionBody(data=request.data)
        body.is_valid(raise_exception=True)
        actions.supervision_item_extend(
            item.pk,
            actor=request.user,  # type: ignore[arg-type]
            ip=client_ip(request),
            **body.validated_data,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)

"""/api/v1/seals/: the seal register (read) and seal-use requests (create, list, read, transitions, attachments)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from haimen_gov.middleware import client_ip
from haimen_gov.org.models import Unit
from haimen_gov.workflow.api import WorkflowItemSerializer, WorkflowViewSet

from . import actions
from .models import Seal, SealAttachment, SealRequest, SealStatus
from .validators import check_upload


class SealSerializer(serializers.ModelSerializer):
    owner_unit = serializers.CharField(source="owner_unit.name")
    custodian = serializers.CharField(source="custodian.title")
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Seal
        fields = [
            "id",
            "name",
            "owner_unit",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "in_use_since",
            "retired_on",
            "custodian",
            "room",
        ]


class SealViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Seal.objects.select_related("owner_unit", "custodian").order_by("id")
    serializer_class = SealSerializer


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SealAttachment
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]


class SealRequestSerializer(WorkflowItemSerializer):
    seal = serializers.PrimaryKeyRelatedField(queryset=Seal.objects.filter(status=SealStatus.IN_USE))
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    attachments = AttachmentSerializer(many=True, read_only=True)
    submit = serializers.BooleanField(write_only=True, default=True, help_text="false 则仅保存草稿")
    copies = serializers.IntegerField(min_value=1, max_value=9999)

    class Meta:
        model = SealRequest
        fields = [
            *WorkflowItemSerializer.ENGINE_FIELDS,
            "seal",
            "purpose",
            "document_title",
            "copies",
            "offsite",
            "offsite_place",
            "offsite_reason",
            "stamped_at",
            "stamped_copies",
            "archive_number",
            "attachments",
            "submit",
        ]
        read_only_fields = ["title", "stamped_at", "stamped_copies", "archive_number"]


class RegisterSerializer(serializers.Serializer):
    stamped_at = serializers.DateTimeField(required=False, error_messages={"invalid": "用印时间格式错误。"})
    stamped_copies = serializers.IntegerField(
        min_value=1, max_value=9999, error_messages={"required": "请填写实际用印份数。"}
    )


class SealRequestViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = SealRequest.objects.select_related("seal", "unit", "submitter").prefetch_related("attachments")
    serializer_class = SealRequestSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self.created(
            lambda: actions.seal_request_create(
                actor=request.user,  # type: ignore[arg-type]
                unit=data["unit"],
                seal=data["seal"],
                purpose=data["purpose"],
                document_title=data["document_title"],
                copies=data["copies"],
                offsite=data.get("offsite", False),
                offsite_place=data.get("offsite_place", ""),
                offsite_reason=data.get("offsite_reason", ""),
                files=request.FILES.getlist("files"),
                submit=data.get("submit", True),
                ip=client_ip(request),
            )
        )

    def apply_for(self, verb: str, request: Request) -> Any:
        if verb != "register":
            return None
        body = RegisterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scans = [(f, check_upload(f)) for f in request.FILES.getlist("scans")]

        def apply(item: SealRequest) -> None:
            actions.register_apply(
                item,
                actor=request.user,  # type: ignore[arg-type]
                stamped_at=body.validated_data.get("stamped_at"),
                stamped_copies=body.validated_data["stamped_copies"],
                scans=scans,
            )

        return apply

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
            }
        },
        responses={201: AttachmentSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], pagination_class=None)
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        files = request.FILES.getlist("files")
        if not files:
            return Response({"files": ["请选择要上传的文件。"]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            rows = actions.seal_request_attach(item.pk, actor=request.user, files=files)  # type: ignore[arg-type]
        except ValidationError as exc:
            return Response({"files": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response(AttachmentSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

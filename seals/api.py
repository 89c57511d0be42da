"""/api/v1/seals/: the seal register (read) and seal-use requests (create, list, read, transitions, attachments)."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from haimen_gov.middleware import client_ip
from haimen_gov.org.models import Unit
from haimen_gov.workflow.api import (
    AttachmentSerializer,
    AttachmentsMixin,
    WorkflowItemSerializer,
    WorkflowViewSet,
)

from . import actions
from .models import Seal, SealRequest, SealStatus


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


class SealRequestViewSet(AttachmentsMixin, mixins.CreateModelMixin, WorkflowViewSet):
    """用印申请（第三十一条）：创建、列表、查看、办理、附件。"""

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

"""/api/v1/documents/: incoming (a unit's submission, the office's registration, 收文 with the engine contract) and
outgoing (拟稿, the chain's transitions incl. 签发 with recorded consent and 编号印发, 分发)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haimen_gov.middleware import client_ip
from haimen_gov.org.models import Unit
from haimen_gov.workflow.api import WorkflowItemSerializer, WorkflowViewSet
from haimen_gov.workflow.models import NumberSeries

from . import actions
from .models import (
    BODY_MAX,
    NOTE_MAX,
    REGISTERED_CHANNELS,
    Category,
    DocType,
    IncomingDocument,
    OutgoingDocument,
    SenderLevel,
    Urgency,
)


class IncomingSerializer(WorkflowItemSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    pages = serializers.IntegerField(min_value=1, max_value=9999, default=1)
    summary = serializers.CharField(max_length=BODY_MAX, required=False, allow_blank=True, default="")
    supersedes = serializers.PrimaryKeyRelatedField(
        queryset=IncomingDocument.objects.all(), write_only=True, required=False, help_text="被退文的原件（重新报送）"
    )

    class Meta:
        model = IncomingDocument
        fields = [
            *WorkflowItemSerializer.ENGINE_FIELDS,
            "channel",
            "sender",
            "sender_level",
            "doc_type",
            "ref_number",
            "urgency",
            "main_recipient",
            "cc",
            "pages",
            "received_on",
            "summary",
            "leader_assignment",
            "one_matter_confirmed",
            "flags",
            "supersedes",
        ]
        read_only_fields = ["channel", "sender", "sender_level", "received_on", "one_matter_confirmed", "flags"]


class RegisterSerializer(serializers.Serializer):
    sender = serializers.CharField(max_length=100)
    sender_level = serializers.ChoiceField(choices=SenderLevel.choices)
    channel = serializers.ChoiceField(choices=REGISTERED_CHANNELS)
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    title = serializers.CharField(max_length=200)
    main_recipient = serializers.CharField(max_length=200)
    received_on = serializers.DateField(required=False, error_messages={"invalid": "收文日期格式错误。"})
    ref_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    cc = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    pages = serializers.IntegerField(min_value=1, max_value=9999, default=1)
    summary = serializers.CharField(max_length=BODY_MAX, required=False, allow_blank=True, default="")


class IncomingViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = IncomingDocument.objects.select_related("unit", "submitter")
    serializer_class = IncomingSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        item = actions.incoming_submit(actor=request.user, ip=client_ip(request), **data)  # type: ignore[arg-type]
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RegisterSerializer, responses={201: IncomingSerializer})
    @action(detail=False, methods=["post"])
    def register(self, request: Request) -> Response:
        """区政府办公室登记纸质、电子邮件来文和上级来文。"""
        body = RegisterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = actions.incoming_register(actor=request.user, ip=client_ip(request), **body.validated_data)  # type: ignore[arg-type]
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, status=status.HTTP_201_CREATED)


class OutgoingSerializer(WorkflowItemSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    category = serializers.ChoiceField(choices=Category.choices)
    series = serializers.PrimaryKeyRelatedField(
        queryset=NumberSeries.objects.exclude(code="seal"), required=False, allow_null=True
    )
    body = serializers.CharField(max_length=BODY_MAX)
    attachment_names = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")
    signed_by_name = serializers.CharField(source="signed_by.display_name", read_only=True, default=None)
    submit = serializers.BooleanField(write_only=True, default=True, help_text="false 则仅保存草稿")

    class Meta:
        model = OutgoingDocument
        fields = [
            *WorkflowItemSerializer.ENGINE_FIELDS,
            "category",
            "series",
            "urgency",
            "important",
            "special_emergency",
            "directive",
            "recipients",
            "cc",
            "body",
            "attachment_names",
            "note",
            "unit_legality_opinion",
            "fair_competition_review",
            "consultation_record",
            "legality_result",
            "head_consent_at",
            "head_consent_way",
            "vice_consent_at",
            "vice_consent_way",
            "signed_by_name",
            "signed_at",
            "written_on",
            "issued_on",
            "submit",
        ]
        read_only_fields = [
            "legality_result",
            "head_consent_at",
            "head_consent_way",
            "vice_consent_at",
            "vice_consent_way",
            "signed_at",
            "written_on",
            "issued_on",
        ]


class DistributeSerializer(serializers.Serializer):
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)


class OutgoingViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = OutgoingDocument.objects.select_related("unit", "submitter", "signed_by", "series")
    serializer_class = OutgoingSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        fields = {name: data[name] for name in actions.OUT_FIELDS if name in data}
        item = actions.outgoing_create(
            actor=request.user,  # type: ignore[arg-type]
            unit=data["unit"],
            category=data["category"],
            title=data["title"],
            series=data.get("series"),
            submit=data.get("submit", True),
            ip=client_ip(request),
            **fields,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DistributeSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def distribute(self, request: Request, pk: str | None = None) -> Response:
        """分发至单位（印发后）。"""
        item = self.get_object()
        body = DistributeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = actions.outgoing_distribute(item.pk, actor=request.user, units=body.validated_data["units"])  # type: ignore[arg-type]
        return Response({"distributed": [row.unit_id for row in rows]}, status=status.HTTP_201_CREATED)


class AssignmentSerializer(IncomingSerializer):
    handling_unit_name = serializers.CharField(source="handling_unit.name", read_only=True)
    due_date = serializers.DateField(source="task_due", read_only=True, allow_null=True)

    class Meta(IncomingSerializer.Meta):
        fields = [
            *IncomingSerializer.Meta.fields,
            "proposal",
            "handling_unit",
            "handling_unit_name",
            "matter_type",
            "due_on",
            "assigned_at",
            "due_date",
        ]
        read_only_fields = fields


class AssignmentViewSet(WorkflowViewSet):
    """承办事项 (第二十九条): matters assigned to units, with their deadline; the unit answers with
    ``transitions/answer/``, the office closes (``close``) or sends back (``send_back``)."""

    queryset = IncomingDocument.objects.all()  # the schema's type of {id}; rows come from get_queryset
    serializer_class = AssignmentSerializer

    def get_queryset(self) -> Any:
        from . import selectors

        return selectors.assignments(self.request.user)  # type: ignore[arg-type]

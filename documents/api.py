"""/api/v1/documents/: incoming (a unit's submission, the office's registration, 收文 with the engine contract) and
outgoing (拟稿, the chain's transitions incl. 签发 with recorded consent and 编号印发, 分发)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from haimen_gov.middleware import client_ip
from haimen_gov.org.models import Unit
from haimen_gov.workflow.api import WorkflowItemSerializer, WorkflowViewSet
from haimen_gov.workflow.forms import LATEST
from haimen_gov.workflow.models import NumberSeries

from . import actions
from .models import (
    BODY_MAX,
    MATERIAL_TYPES,
    MATERIALS,
    NOTE_MAX,
    REGISTERED_CHANNELS,
    Category,
    DocType,
    IncomingDocument,
    OutgoingDocument,
    SenderLevel,
    Urgency,
)


class MaterialFileField(serializers.FileField):
    """One 第二十八条 material (multipart): a PDF, OFD or DOCX file, checked by content and size."""

    def __init__(self, *, label: str, required: bool = False, **kwargs: Any) -> None:
        super().__init__(
            label=label, required=required, write_only=True, allow_null=not required, help_text=label, **kwargs
        )

    def to_internal_value(self, data: Any) -> Any:
        from django.core.exceptions import ValidationError as DjangoValidationError

        from haimen_gov.workflow.uploads import check_upload

        upload = super().to_internal_value(data)
        try:
            check_upload(upload, allowed=MATERIAL_TYPES)  # type: ignore[arg-type]  # an UploadedFile from the parser
        except DjangoValidationError as exc:
            raise serializers.ValidationError([f"{self.label}：{m}" for m in exc.messages]) from exc
        return upload


class MaterialUploadSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=list(MATERIALS.items()), help_text="材料类别")
    file = MaterialFileField(label="文件", required=True)


class InstructionSuperviseSerializer(serializers.Serializer):
    entry = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="领导批示（处理笺中的办理记录 id）")
    lead_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(active=True), required=False, allow_null=True, help_text="默认为承办单位"
    )
    due_on = serializers.DateField(required=False, allow_null=True, help_text="默认为承办期限")

    def validate_due_on(self, value: dt.date | None) -> dt.date | None:
        if value is not None and not (timezone.localdate() <= value <= LATEST):
            raise serializers.ValidationError("办结期限须在今天至 2099-12-31 之间。")
        return value


class InstructionSupervisedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()


class CoOpinionSerializer(serializers.Serializer):
    unit = serializers.CharField(source="post.unit.name")
    status = serializers.CharField(help_text="open 待提出 / done 已提出 / cancelled 未提出")
    due_date = serializers.DateField()
    opinion = serializers.CharField(source="comment")
    given_by = serializers.CharField(source="finished_by.display_name", default=None)
    given_at = serializers.DateTimeField(source="finished_at")


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

    @extend_schema(request=InstructionSuperviseSerializer, responses={201: InstructionSupervisedSerializer})
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk: str | None = None) -> Response:
        """领导批示立为督查事项（区政府办公室；每件公文一项，两事项互相关联）。"""
        item = self.get_object()
        body = InstructionSuperviseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        opened = actions.incoming_supervise(
            item.pk,
            actor=request.user,  # type: ignore[arg-type]
            entry_id=body.validated_data["entry"],
            lead_unit=body.validated_data.get("lead_unit"),
            due_on=body.validated_data.get("due_on"),
            ip=client_ip(request),
        )
        data = {"id": opened.pk, "title": opened.title, "url": opened.get_absolute_url()}
        return Response(InstructionSupervisedSerializer(data).data, status=status.HTTP_201_CREATED)


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
    # 第二十八条: each material in its own slot (multipart); a unit's 规范性文件 is refused without all three.
    material_legality_opinion = MaterialFileField(label=MATERIALS["legality_opinion"])
    material_fair_competition = MaterialFileField(label=MATERIALS["fair_competition"])
    material_consultation = MaterialFileField(label=MATERIALS["consultation"])
    materials = serializers.SerializerMethodField(help_text="第二十八条材料：各材料槽位及其文件")

    def get_materials(self, obj: OutgoingDocument) -> list[dict[str, Any]]:
        return [
            {
                "role": slot["role"],
                "label": slot["label"],
                "attachment": slot["file"].pk if slot["file"] else None,
                "name": slot["file"].original_name if slot["file"] else "",
            }
            for slot in obj.material_slots()
        ]

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
            "material_legality_opinion",
            "material_fair_competition",
            "material_consultation",
            "materials",
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
    queryset = OutgoingDocument.objects.select_related("unit", "submitter", "signed_by", "series").prefetch_related(
        "attachments"
    )
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
            materials={role: data.get(f"material_{role}") for role in MATERIALS},
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

    @extend_schema(request={"multipart/form-data": MaterialUploadSerializer}, responses={201: OutgoingSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def materials(self, request: Request, pk: str | None = None) -> Response:
        """第二十八条材料：拟稿人在草稿或退回状态下上传某一材料（替换该槽位原文件）。"""
        item = self.get_object()
        body = MaterialUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.outgoing_material_upload(
            item.pk,
            actor=request.user,  # type: ignore[arg-type]
            role=body.validated_data["role"],
            upload=body.validated_data["file"],
            ip=client_ip(request),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, status=status.HTTP_201_CREATED)


class AssignmentSerializer(IncomingSerializer):
    handling_unit_name = serializers.CharField(source="handling_unit.name", read_only=True)
    due_date = serializers.DateField(source="task_due", read_only=True, allow_null=True)
    co_units = serializers.PrimaryKeyRelatedField(  # type: ignore[var-annotated]
        many=True, read_only=True, help_text="会办单位（第二十九条）"
    )
    co_opinions = CoOpinionSerializer(many=True, read_only=True, help_text="会办意见")

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
            "co_units",
            "co_opinions",
        ]
        read_only_fields = fields


class AssignmentViewSet(WorkflowViewSet):
    """承办事项 (第二十九条): matters assigned to units, with their deadline; a co-unit gives its opinion to the lead
    unit with ``transitions/opinion/`` (会办), the lead unit answers with ``transitions/answer/`` once the co-units'
    opinions are in (or their time ran out), the office closes (``close``) or sends back (``send_back``)."""

    queryset = IncomingDocument.objects.all()  # the schema's type of {id}; rows come from get_queryset
    serializer_class = AssignmentSerializer

    def get_queryset(self) -> Any:
        from . import selectors

        return selectors.assignments(self.request.user).prefetch_related("co_units")  # type: ignore[arg-type]

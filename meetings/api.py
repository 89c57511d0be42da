"""/api/v1/meetings/: meetings (the office's record), topics, leave requests, press releases and requests for
district-wide meetings. The items follow the engine's contract (state, available_transitions, tasks, history,
``transitions/{verb}/``). Every create operation documents the request body it checks (its own serializer, bounded
as the page's form is); the rules behind it are the actions'."""

from __future__ import annotations

from typing import Any

from django_fsm import can_proceed
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haimen_gov.middleware import client_ip
from haimen_gov.org.models import LEADER_KINDS, Post, PostKind, Unit, UnitKind
from haimen_gov.workflow.api import (
    AttachmentSerializer,
    AttachmentsMixin,
    WorkflowItemSerializer,
    WorkflowViewSet,
)

from . import actions, composition, selectors
from .forms import RescheduleForm
from .models import (
    Attendee,
    DistrictBasis,
    DistrictMeeting,
    LeaveRequest,
    Meeting,
    MeetingKind,
    MeetingLog,
    MeetingMode,
    PressRelease,
    Topic,
)
from .models_minutes import MinutesDecision

CREATE_ERRORS = {
    400: OpenApiResponse(description="字段不合要求或不符合会议制度（中文说明）"),
    403: OpenApiResponse(description="无权申报或筹备"),
}


def _normative_documents() -> Any:
    from documents.models import Category, OutgoingDocument

    return OutgoingDocument.objects.filter(category=Category.NORMATIVE)


def _form_errors(errors: Any) -> Response:
    return Response({field: list(messages) for field, messages in errors.items()}, status=400)


class AttendeeSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Attendee
        fields = ["id", "name", "role", "role_display", "post", "status", "status_display", "substitute"]


class MeetingLogSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name")

    class Meta:
        model = MeetingLog
        fields = ["at", "actor", "verb", "verb_label", "comment"]


MEETING_VERBS = ("notify", "hold", "archive", "cancel", "reschedule")


class MeetingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    mode_display = serializers.CharField(source="get_mode_display", read_only=True)
    chair_name = serializers.CharField(source="chair.display_name", read_only=True)
    cutoff = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()
    attendees = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "date",
            "start_time",
            "end_time",
            "place",
            "mode",
            "mode_display",
            "chair_name",
            "chair_label",
            "state",
            "state_display",
            "cutoff",
            "available_transitions",
            "attendees",
            "topics",
            "history",
        ]

    def _detail(self) -> bool:
        return bool(self.context.get("detail"))

    def get_cutoff(self, meeting: Meeting) -> str | None:
        day = composition.cutoff(meeting.kind, meeting.date)
        return day.isoformat() if day else None

    def get_available_transitions(self, meeting: Meeting) -> list[str]:
        request = self.context.get("request")
        if request is None or not self._detail() or not actions.office_post_ids(request.user):
            return []
        verbs = [v for v in ("notify", "hold", "archive", "cancel") if can_proceed(getattr(meeting, v))]
        return [*verbs, "reschedule"] if meeting.is_open else verbs

    def get_attendees(self, meeting: Meeting) -> list[dict[str, Any]]:
        if not self._detail():
            return []
        return AttendeeSerializer(selectors.attendees(meeting), many=True).data  # type: ignore[return-value]

    def get_topics(self, meeting: Meeting) -> list[dict[str, Any]]:
        if not self._detail():
            return []
        return [
            {"id": t.pk, "title": t.title, "state": t.state, "unit": t.unit.name} for t in selectors.agenda(meeting)
        ]

    def get_history(self, meeting: Meeting) -> list[dict[str, Any]]:
        if not self._detail():
            return []
        return MeetingLogSerializer(meeting.log.select_related("actor"), many=True).data  # type: ignore[return-value]


class MeetingCreateSerializer(serializers.Serializer):
    """What the office sends to prepare a meeting: the page's form, field for field, with the same bounds."""

    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    title = serializers.CharField(max_length=120)
    date = serializers.DateField(help_text="今天至两年之内（补录不在此接口）")
    start_time = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"])
    end_time = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"])
    place = serializers.CharField(max_length=100)
    mode = serializers.ChoiceField(choices=MeetingMode.choices, help_text="第二十三条：提倡视频会议")
    convener = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.filter(kind__in=LEADER_KINDS),
        required=False,
        allow_null=True,
        help_text="专题会议的召集领导（区长或副区长的职务）",
    )
    vice_posts = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.filter(kind=PostKind.VICE_HEAD),
        many=True,
        required=False,
        help_text="区长办公会议的相关副区长（职务）",
    )
    units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(
            kind__in=[UnitKind.DEPARTMENT, UnitKind.TOWN, UnitKind.AFFILIATED, UnitKind.VERTICAL]
        ),
        many=True,
        required=False,
        help_text="专题会议的参加单位",
    )
    invited = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=30,
        help_text="邀请列席（区人大、区政协等）",
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self) -> Any:
        return selectors.meetings_for(self.request.user).order_by("date", "start_time", "id")  # type: ignore[arg-type]

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["detail"] = self.action != "list"
        return context

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer, **CREATE_ERRORS})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = MeetingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meeting = actions.meeting_create(actor=request.user, **body.validated_data)  # type: ignore[arg-type]
        return Response(self.get_serializer(meeting).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        meeting = self.get_object()
        user = request.user
        # The engine's refusals and validation errors become JSON in haimen_gov.api.exception_handler.
        if name == "cancel":
            actions.meeting_cancel(meeting.pk, actor=user, reason=str(request.data.get("reason", ""))[:300])  # type: ignore[arg-type]
        elif name == "reschedule":
            form = RescheduleForm(request.data)
            if not form.is_valid():
                return _form_errors(form.errors)
            actions.meeting_reschedule(meeting.pk, actor=user, **form.cleaned_data)  # type: ignore[arg-type]
        elif name in ("notify", "hold", "archive"):
            getattr(actions, f"meeting_{name}")(meeting.pk, actor=user)
        else:
            return Response({"detail": "未知操作。"}, status=status.HTTP_404_NOT_FOUND)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)


class TopicSerializer(WorkflowItemSerializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    submit = serializers.BooleanField(write_only=True, default=True, help_text="false 则仅保存草稿（再上传材料）")
    attachments = AttachmentSerializer(many=True, read_only=True)
    document = serializers.PrimaryKeyRelatedField(
        queryset=_normative_documents(),
        required=False,
        allow_null=True,
        help_text="规范性文件议题：本单位在公文管理中起草的规范性文件（第二十八条）",
    )

    class Meta:
        model = Topic
        fields = [
            *WorkflowItemSerializer.ENGINE_FIELDS,
            "meeting",
            "by_leader",
            "background",
            "proposed_decision",
            "units_consulted",
            "funding",
            "is_normative",
            "document",
            "unit_opinion",
            "reached_office_on",
            "exception_granted",
            "exception_reason",
            "legality_result",
            "legality_note",
            "attachments",
            "submit",
        ]
        read_only_fields = ["unit", "by_leader"]


class TopicViewSet(AttachmentsMixin, mixins.CreateModelMixin, WorkflowViewSet):
    queryset = Topic.objects.select_related("unit", "submitter", "meeting").prefetch_related("attachments")
    serializer_class = TopicSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("unit", None)
        return self.created(lambda: actions.topic_create(actor=request.user, ip=client_ip(request), **data))  # type: ignore[arg-type]


class LeaveRequestSerializer(WorkflowItemSerializer):
    attendee = serializers.PrimaryKeyRelatedField(queryset=Attendee.objects.select_related("meeting", "post"))

    class Meta:
        model = LeaveRequest
        fields = [*WorkflowItemSerializer.ENGINE_FIELDS, "attendee", "reason", "substitute"]
        read_only_fields = ["unit", "title"]


class LeaveRequestViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = LeaveRequest.objects.select_related("unit", "submitter", "attendee")
    serializer_class = LeaveRequestSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self.created(
            lambda: actions.leave_request_create(
                actor=request.user,  # type: ignore[arg-type]
                attendee=data["attendee"],
                reason=data["reason"],
                substitute=data.get("substitute", ""),
                ip=client_ip(request),
            )
        )


class PressReleaseSerializer(WorkflowItemSerializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all(), required=False, allow_null=True)
    leader = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all(), required=False, allow_null=True)

    class Meta:
        model = PressRelease
        fields = [*WorkflowItemSerializer.ENGINE_FIELDS, "meeting", "body", "leader"]
        read_only_fields = ["unit"]


class PressReleaseCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10000)
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all(), required=False, allow_null=True)
    leader = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.filter(kind__in=LEADER_KINDS),
        required=False,
        allow_null=True,
        help_text="需要时报区长或副区长审定（职务）",
    )


class PressReleaseViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = PressRelease.objects.select_related("unit", "submitter")
    serializer_class = PressReleaseSerializer

    @extend_schema(request=PressReleaseCreateSerializer, responses={201: PressReleaseSerializer, **CREATE_ERRORS})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = PressReleaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self.created(
            lambda: actions.press_release_create(
                actor=request.user,  # type: ignore[arg-type]
                title=data["title"],
                body=data["body"],
                meeting=data.get("meeting"),
                leader=data.get("leader"),
                ip=client_ip(request),
            )
        )


# ------------------------------------------------------------------ 全区性会议 (第二十一条第一款)


class DistrictMeetingSerializer(WorkflowItemSerializer):
    convener_title = serializers.CharField(source="convener.title", read_only=True)
    basis_display = serializers.CharField(source="get_basis_display", read_only=True)
    mode_display = serializers.CharField(source="get_mode_display", read_only=True)
    summons_warning = serializers.BooleanField(read_only=True, help_text="副区长召开且要求区镇（街道）主要负责同志参加")
    # 第二十一条: the minutes' 议定事项 the request is founded on.
    decision_minutes = serializers.IntegerField(
        source="decision.minutes_id", read_only=True, allow_null=True, help_text="议定事项所在会议纪要（事项 id）"
    )
    decision_minutes_number = serializers.CharField(
        source="decision.minutes.number", read_only=True, allow_null=True, help_text="纪要期号"
    )
    decision_text = serializers.CharField(source="decision.text", read_only=True, allow_null=True)

    class Meta:
        model = DistrictMeeting
        fields = [
            *WorkflowItemSerializer.ENGINE_FIELDS,
            "date",
            "start_time",
            "end_time",
            "place",
            "mode",
            "mode_display",
            "scale",
            "convener",
            "convener_title",
            "basis",
            "basis_display",
            "decision",
            "decision_minutes",
            "decision_minutes_number",
            "decision_text",
            "summons_town_principals",
            "summons_reason",
            "summons_warning",
        ]
        read_only_fields = fields


class DistrictMeetingCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    date = serializers.DateField(help_text="今天至两年之内")
    start_time = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"])
    end_time = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"])
    place = serializers.CharField(max_length=100)
    mode = serializers.ChoiceField(choices=MeetingMode.choices, default=MeetingMode.VIDEO)
    scale = serializers.IntegerField(min_value=1, max_value=5000)
    convener = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.filter(kind__in=LEADER_KINDS), help_text="召开会议的区长或副区长（职务）"
    )
    basis = serializers.ChoiceField(choices=DistrictBasis.choices)
    decision = serializers.PrimaryKeyRelatedField(
        queryset=MinutesDecision.objects.all(),
        required=False,
        allow_null=True,
        help_text="依据会议决定时：已签发的常务会议或区长办公会议纪要的议定事项（id）",
        error_messages={"does_not_exist": "所选议定事项不存在。", "incorrect_type": "议定事项须为编号。"},
    )
    summons_town_principals = serializers.BooleanField(required=False, default=False)
    summons_reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="副区长召开并要求区镇（街道）主要负责同志参加时必填（第二十一条）",
    )


class DistrictMeetingViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = DistrictMeeting.objects.select_related("unit", "submitter", "convener", "decision__minutes")
    serializer_class = DistrictMeetingSerializer

    @extend_schema(request=DistrictMeetingCreateSerializer, responses={201: DistrictMeetingSerializer, **CREATE_ERRORS})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = DistrictMeetingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.created(
            lambda: actions.district_meeting_create(
                actor=request.user,  # type: ignore[arg-type]
                ip=client_ip(request),
                **body.validated_data,
            )
        )

"""/api/v1/meetings/: meetings (the office's record), topics, leave requests and press releases. The three items
follow the engine's contract (state, available_transitions, tasks, history, ``transitions/{verb}/``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django_fsm import can_proceed
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haimen_gov.middleware import client_ip
from haimen_gov.org.models import Post
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.api import (
    WorkflowItemSerializer,
    WorkflowViewSet,
    validation_error_response,
    workflow_error_response,
)

from . import actions, composition, selectors
from .forms import MeetingForm, RescheduleForm
from .models import Attendee, LeaveRequest, Meeting, MeetingLog, PressRelease, Topic


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


class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self) -> Any:
        return selectors.meetings_for(self.request.user).order_by("date", "start_time", "id")  # type: ignore[arg-type]

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["detail"] = self.action != "list"
        return context

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = MeetingForm(request.data)
        if not form.is_valid():
            return _form_errors(form.errors)
        try:
            meeting = actions.meeting_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except engine.WorkflowError as exc:
            return workflow_error_response(exc)
        except ValidationError as exc:
            return validation_error_response(exc)
        return Response(self.get_serializer(meeting).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        meeting = self.get_object()
        user = request.user
        try:
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
        except engine.WorkflowError as exc:
            return workflow_error_response(exc)
        except ValidationError as exc:
            return validation_error_response(exc)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)


class TopicSerializer(WorkflowItemSerializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    submit = serializers.BooleanField(write_only=True, default=True)

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
            "unit_opinion",
            "reached_office_on",
            "exception_granted",
            "exception_reason",
            "legality_result",
            "legality_note",
            "submit",
        ]
        read_only_fields = ["unit", "by_leader"]


class TopicViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = Topic.objects.select_related("unit", "submitter", "meeting")
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


class PressReleaseViewSet(mixins.CreateModelMixin, WorkflowViewSet):
    queryset = PressRelease.objects.select_related("unit", "submitter")
    serializer_class = PressReleaseSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
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

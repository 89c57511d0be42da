"""The engine's API contract, shared by every workflow model.

``GET {id}/`` includes state, state_display, available_transitions (what *this* user may fire now), tasks (open steps)
and history; ``POST {id}/transitions/{name}/`` fires one: 200 with the item, 403 if this user may not, 409 if the state
moved on or the transition is not valid from it, 400 when a required comment or field is missing. Items a user may not
see are 404, as in the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from haimen_gov.api import Pagination
from haimen_gov.middleware import client_ip

from . import actions, selectors
from .forms import datetime_bounds_error
from .limits import TEXT_MAX_LENGTH
from .models import Attachment, HistoryEntry, Item, Notification, Task


class TaskSerializer(serializers.ModelSerializer):
    post = serializers.CharField(source="post.title")
    person = serializers.SerializerMethodField()
    estimated = serializers.BooleanField(source="due_estimated")

    class Meta:
        model = Task
        fields = ["id", "step", "step_label", "post", "person", "due_date", "estimated", "extra"]

    def get_person(self, task: Task) -> str | None:
        from haimen_gov.org.routing import who_acts_for

        person = who_acts_for(task.post)
        return person.display_name if person else None


class HistorySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = HistoryEntry
        fields = [
            "at",
            "actor",
            "acting_label",
            "verb",
            "verb_label",
            "step_label",
            "from_state",
            "to_state",
            "comment",
        ]

    def get_actor(self, entry: HistoryEntry) -> str | None:
        return entry.actor.display_name if entry.actor else None


class BoundedDateTimeSerializerField(serializers.DateTimeField):
    """An API datetime within the portal's bounds (``forms.datetime_bounds_error``): a chapter's serializers use it
    for every datetime a client sends, with ``past=True`` for what already happened."""

    def __init__(self, *, past: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.past = past

    def to_internal_value(self, value: Any) -> Any:
        try:
            result = super().to_internal_value(value)
        except (OverflowError, ValueError):  # a year the time zone database cannot place (0001-01-01)
            result = None
        if result is None:
            raise serializers.ValidationError(f"{self.label or '时间'}格式错误或超出范围。", code="invalid")
        message = datetime_bounds_error(result, label=str(self.label or "时间"), past=self.past)
        if message:
            raise serializers.ValidationError(message, code="bounds")
        return result


class AttachmentSerializer(serializers.ModelSerializer):
    """An item's file; ``kind`` is the category its app declares (e.g. seals: document, scan)."""

    kind = serializers.CharField(source="role", read_only=True)
    kind_display = serializers.CharField(source="role_label", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "kind", "kind_display", "original_name", "content_type", "size", "uploaded_at", "url"]


class ItemLinkSerializer(serializers.Serializer):
    """A linked item, as seen from the item shown: its role (来源事项, 派生事项, 取代本事项, 被本事项取代)."""

    role = serializers.CharField()
    kind = serializers.CharField(help_text="source / derived / supersedes, read from the link's own direction")
    direction = serializers.SerializerMethodField(help_text="out：本事项为关联发起方；in：对方为发起方")
    id = serializers.IntegerField(source="item.pk")
    number = serializers.CharField(source="item.number")
    title = serializers.CharField(source="item.title")
    state_display = serializers.CharField(source="item.stage_label")
    url = serializers.CharField(source="item.get_absolute_url")

    def get_direction(self, linked: selectors.LinkedItem) -> str:
        return "out" if linked.link.to_item_id == linked.item.pk else "in"


class WorkflowItemSerializer(serializers.ModelSerializer):
    """Base for each app's item serializer: adds the engine's fields."""

    state = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    available_transitions = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    number = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    submitter_name = serializers.CharField(source="submitter.display_name", read_only=True)

    ENGINE_FIELDS = [
        "id",
        "number",
        "title",
        "unit",
        "unit_name",
        "submitter_name",
        "state",
        "state_display",
        "available_transitions",
        "tasks",
        "history",
        "links",
        "created_at",
        "submitted_at",
        "closed_at",
    ]

    def _detail(self) -> bool:
        return bool(self.context.get("detail"))

    def get_available_transitions(self, item: Item) -> list[str]:
        request = self.context.get("request")
        if request is None or not self._detail():
            return []
        return [t.verb for t in actions.available_transitions(item, request.user)]

    def get_tasks(self, item: Item) -> list[dict[str, Any]]:
        if not self._detail():
            return []
        tasks = item.tasks.filter(status="open").select_related("post", "post__holder").order_by("id")
        return TaskSerializer(tasks, many=True).data  # type: ignore[return-value]

    @extend_schema_field(ItemLinkSerializer(many=True))
    def get_links(self, item: Item) -> list[dict[str, Any]]:
        request = self.context.get("request")
        if request is None or not self._detail() or not item.has_links:
            return []
        return ItemLinkSerializer(selectors.item_links(item, request.user), many=True).data  # type: ignore[return-value]

    def get_history(self, item: Item) -> list[dict[str, Any]]:
        if not self._detail():
            return []
        return HistorySerializer(item.history.select_related("actor").order_by("at", "id"), many=True).data  # type: ignore[return-value]


class TransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)
    state = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="客户端看到的状态；已变化时返回 409"
    )


class WorkflowViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Read and transition any workflow model; subclasses set ``queryset`` and ``serializer_class``."""

    transition_forms: dict[str, type[serializers.Serializer]] = {}

    def get_queryset(self) -> Any:
        return selectors.visible_items(self.request.user, super().get_queryset())  # type: ignore[arg-type]

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["detail"] = self.action != "list"
        return context

    def apply_for(self, verb: str, request: Request) -> Any:
        """A further ``apply(item)`` hook run in the lock (or None). A transition's own fields need none: they are
        declared once as the flow's ``action_forms`` and validated by the engine from the request's data."""
        return None

    @extend_schema(
        request=TransitionSerializer,
        responses={
            200: OpenApiResponse(description="办理成功，返回事项"),
            400: OpenApiResponse(description="缺少必填意见或字段"),
            403: OpenApiResponse(description="无权执行"),
            404: OpenApiResponse(description="事项不存在或无权查看"),
            409: OpenApiResponse(description="状态已变化或当前状态不能执行"),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        item = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The engine's refusals (403/409/400) and validation errors become JSON in haimen_gov.api.exception_handler.
        apply = self.apply_for(name, request)
        updated = actions.item_fire(
            type(item),
            item.pk,
            verb=name,
            actor=request.user,  # type: ignore[arg-type]
            comment=body.validated_data["comment"],
            ip=client_ip(request),
            expected_state=body.validated_data.get("state") or None,
            apply=apply,
            data=request.data,
            files=request.FILES,
        )
        fresh = self.get_queryset().get(pk=updated.pk)
        return Response(self.get_serializer(fresh).data)

    def created(self, make: Callable[[], Item]) -> Response:
        """201 with the item an app's create action ``make()`` returns; its refusals (400/403/409) become JSON in
        haimen_gov.api.exception_handler, as the transitions' do."""
        item = make()
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, status=status.HTTP_201_CREATED)


class AttachmentsMixin:
    """``POST {id}/attachments/`` (multipart ``files``): the applicant adds files to their draft or returned item,
    checked by content against the types its flow declares; ``DELETE {id}/attachments/{attachment_id}/`` removes
    one. For a :class:`WorkflowViewSet` whose flow declares ``attachments``."""

    get_object: Any

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                "required": ["files"],
            }
        },
        responses={
            201: AttachmentSerializer(many=True),
            400: OpenApiResponse(description="未选择文件或文件不合要求"),
            403: OpenApiResponse(description="不是申请人"),
            409: OpenApiResponse(description="事项已在办理中"),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], pagination_class=None)
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        files = request.FILES.getlist("files")
        if not files:
            return Response({"files": ["请选择要上传的文件。"]}, status=status.HTTP_400_BAD_REQUEST)
        # The engine's refusals (403/409) become JSON in haimen_gov.api.exception_handler; a file's own fault is
        # reported on the field.
        try:
            rows = actions.attachment_add(type(item), item.pk, actor=request.user, files=files)  # type: ignore[arg-type]
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"files": exc.messages}) from exc
        return Response(AttachmentSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="已删除"),
            403: OpenApiResponse(description="不是申请人"),
            404: OpenApiResponse(description="附件不存在"),
            409: OpenApiResponse(description="事项已在办理中"),
        },
    )
    @action(detail=True, methods=["delete"], url_path=r"attachments/(?P<attachment_id>[0-9]+)", pagination_class=None)
    def attachment_remove(self, request: Request, pk: str | None = None, attachment_id: str = "") -> Response:
        item = self.get_object()
        if not Attachment.objects.filter(pk=int(attachment_id), item_id=item.pk).exists():
            return Response({"detail": "附件不存在。"}, status=status.HTTP_404_NOT_FOUND)
        actions.attachment_remove(int(attachment_id), actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class InboxSerializer(serializers.ModelSerializer):
    item_type = serializers.SerializerMethodField()
    item_id = serializers.IntegerField(source="item.id")
    title = serializers.CharField(source="item.title")
    step = serializers.CharField(source="step_label")
    estimated = serializers.BooleanField(source="due_estimated")
    overdue = serializers.SerializerMethodField()
    acting_for_post = serializers.SerializerMethodField()
    mark = serializers.SerializerMethodField(help_text="阅件 / 办件（空：该环节不区分）")

    class Meta:
        model = Task
        fields = [
            "id",
            "item_type",
            "item_id",
            "title",
            "step",
            "due_date",
            "estimated",
            "overdue",
            "acting_for_post",
            "mark",
        ]

    def get_mark(self, task: Task) -> str:
        return selectors.task_mark(task)

    def get_item_type(self, task: Task) -> str:
        return f"{task.item.kind.app_label}.{task.item.kind.model}"

    def get_overdue(self, task: Task) -> bool:
        return task.due_date < timezone.localdate()

    def get_acting_for_post(self, task: Task) -> dict[str, Any]:
        user = self.context["request"].user
        return {"id": task.post_id, "title": task.post.title, "by_delegation": task.post.holder_id != user.pk}


class InboxPagination(Pagination):
    """The inbox pages as its page does (views.inbox): the count stops at NAV_COUNT_CAP + 1 (a COUNT over a LIMITed
    subquery reads at most that many index entries, however long the queue: no full COUNT of 25,000 tasks on every
    request). Past the cap ``count`` is NAV_COUNT_CAP + 1 with ``count_capped`` true, each page reads one row more
    than it shows to know whether another follows, and there is no last page to jump to."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        from django.core.paginator import InvalidPage
        from rest_framework.exceptions import NotFound

        from haimen_gov.context_processors import NAV_COUNT_CAP

        from .paging import CountedPaginator, UncountedPaginator

        page_size = self.get_page_size(request)
        if not page_size:
            return None
        self.counted = queryset.order_by()[: NAV_COUNT_CAP + 1].count()
        self.capped = self.counted > NAV_COUNT_CAP
        paginator: Any
        if self.capped:
            paginator = UncountedPaginator(queryset, page_size, more_than=NAV_COUNT_CAP)
        else:
            paginator = CountedPaginator(queryset, page_size, count=self.counted)
        if self.capped and request.query_params.get(self.page_query_param) in self.last_page_strings:
            # DRF would look up the last page's number: a full COUNT after all.
            raise NotFound("待办超过上限，不能直接跳到最后一页，请逐页翻阅。")
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage:
            raise NotFound("页码无效。") from None
        self.request = request
        return list(self.page)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.counted,
                "count_capped": self.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        from haimen_gov.context_processors import NAV_COUNT_CAP

        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count"] = {
            "type": "integer",
            "minimum": 0,
            "maximum": NAV_COUNT_CAP + 1,
            "description": f"待办总数；超过 {NAV_COUNT_CAP} 条时为 {NAV_COUNT_CAP + 1}（见 count_capped），不再计数",
        }
        paginated["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"true：待办超过 {NAV_COUNT_CAP} 条，count 不是总数；用 next 逐页翻阅",
        }
        paginated["required"] = [*paginated.get("required", []), "count", "count_capped", "results"]
        return paginated


@extend_schema(summary="我的待办")
class InboxView(generics.ListAPIView):
    """The user's open tasks (their posts' and those delegated to them), a page at a time: the count stops past
    999 (``count_capped``), and pages link to the next and previous (InboxPagination)."""

    serializer_class = InboxSerializer
    pagination_class = InboxPagination

    def get_queryset(self) -> Any:
        return selectors.inbox(self.request.user)  # type: ignore[arg-type]


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()
    # A gathered reminder (count > 1) leads to the page listing its tasks.
    url = serializers.CharField(source="link", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "count", "created_at", "read"]

    def get_read(self, row: Notification) -> bool:
        return row.read_at is not None


class NotificationPagination(Pagination):
    """The usual page, plus how many of the user's notices are unread (the bell's count)."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        self.unread = queryset.filter(read_at__isnull=True).count()
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["unread"] = self.unread
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["unread"] = {"type": "integer", "description": "未读通知数"}
        paginated["required"] = [*paginated.get("required", []), "unread"]
        return paginated


@extend_schema(summary="我的通知")
class NotificationsView(generics.ListAPIView):
    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination

    def get_queryset(self) -> Any:
        return selectors.notifications_for(self.request.user)  # type: ignore[arg-type]

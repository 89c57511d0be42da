"""The admin shows workflow data read-only: states change only through actions (the engine), never here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Attachment, CarbonCopy, HistoryEntry, IssuedNumber, Item, Notification, NumberSeries, Task


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    """An item's files, read-only, for each app's item admin (``inlines = [AttachmentInline]``)."""

    model = Attachment
    fk_name = "item"
    extra = 0
    readonly_fields = ("role", "file", "original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("id", "number", "title", "kind", "unit", "submitter", "stage_label", "created_at")
    list_filter = ("kind", "stage")
    search_fields = ("title", "number")
    list_select_related = ("kind", "unit", "submitter")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("id", "item", "step_label", "post", "status", "due_date", "finished_by", "decision")
    list_filter = ("status", "step")
    list_select_related = ("item", "post", "post__holder", "finished_by")


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "item", "actor", "acting_label", "verb_label", "to_state_label")
    list_select_related = ("item", "actor")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "title", "read_at", "email_status")
    list_filter = ("kind", "email_status")
    list_select_related = ("user",)


@admin.register(CarbonCopy)
class CarbonCopyAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "item", "user", "sent_by", "read_at")
    list_select_related = ("item", "user", "sent_by")


@admin.register(NumberSeries)
class NumberSeriesAdmin(admin.ModelAdmin):
    """Series are data: the office adds them and edits their names and formats (a format change applies to the
    numbers taken after it). The code is what the program asks for: fixed once created."""

    list_display = ("code", "name", "format")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()


@admin.register(IssuedNumber)
class IssuedNumberAdmin(ReadOnlyAdmin):
    list_display = ("text", "series", "year", "n", "item", "issued_at")
    list_filter = ("series", "year")
    search_fields = ("text",)
    list_select_related = ("series", "item")

from django.contrib import admin

from .models import Absence, ExceptionRequest, ResearchTrip


class ReadOnlyItemAdmin(admin.ModelAdmin):
    """Read-only: states change only through the workflow, never in the admin."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Absence)
class AbsenceAdmin(ReadOnlyItemAdmin):
    list_display = ("id", "leader", "leader_post", "kind", "start", "end", "destination", "acting", "late", "state")
    list_filter = ("state", "kind", "late")
    search_fields = ("title", "destination", "reason")
    list_select_related = ("leader", "leader_post", "acting")


@admin.register(ExceptionRequest)
class ExceptionRequestAdmin(ReadOnlyItemAdmin):
    list_display = ("id", "event", "unit", "leader", "kind", "event_date", "state")
    list_filter = ("state", "kind")
    search_fields = ("title", "event")
    list_select_related = ("unit", "leader")


@admin.register(ResearchTrip)
class ResearchTripAdmin(admin.ModelAdmin):
    list_display = ("topic", "leader", "start", "end", "places")
    list_filter = ("leader",)
    search_fields = ("topic", "places", "findings")
    list_select_related = ("leader",)
    readonly_fields = ("created_by", "created_at", "updated_by", "updated_at")

from django.contrib import admin

from haimen_gov.workflow.admin import AttachmentInline

from .models import Seal, SealRequest


@admin.register(Seal)
class SealAdmin(admin.ModelAdmin):
    list_display = ("name", "owner_unit", "kind", "status", "custodian", "room")
    list_filter = ("kind", "status")
    list_select_related = ("owner_unit", "custodian", "custodian__holder")


@admin.register(SealRequest)
class SealRequestAdmin(admin.ModelAdmin):
    """Read-only: states change only through the workflow (第三十一条's chain), never in the admin."""

    list_display = ("id", "document_title", "seal", "unit", "submitter", "state", "offsite", "created_at")
    list_filter = ("state", "seal", "offsite")
    search_fields = ("title", "document_title", "purpose", "number")
    list_select_related = ("seal", "unit", "submitter")
    inlines = [AttachmentInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

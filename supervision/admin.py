from django.contrib import admin

from .models import Designation


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    """第三十九条: the office records the district's designations of units for a matter."""

    list_display = ("unit", "scope", "starts_on", "ends_on", "reference", "created_by")
    list_select_related = ("unit", "created_by")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

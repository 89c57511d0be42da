from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Delegation, Portfolio, Post, Unit, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("个人信息（补充）", {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")


class PostInline(admin.TabularInline):
    model = Post
    fk_name = "unit"
    extra = 0
    fields = ("kind", "title", "holder", "superior", "order")
    autocomplete_fields = ("holder", "superior")


class PortfolioInline(admin.TabularInline):
    model = Portfolio
    extra = 0
    autocomplete_fields = ("post",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "order", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "code")
    inlines = [PostInline, PortfolioInline]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "unit", "holder", "superior")
    list_filter = ("kind", "unit__kind")
    search_fields = ("title", "holder__full_name", "holder__username", "unit__name")
    autocomplete_fields = ("holder", "superior", "unit")
    list_select_related = ("unit", "holder", "superior", "superior__holder")

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The autocomplete of every post picker reads this queryset: each result names its holder.
        return super().get_queryset(request).select_related("holder")


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ("unit", "role", "post")
    list_filter = ("role",)
    autocomplete_fields = ("unit", "post")
    list_select_related = ("unit", "post", "post__holder")


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("post", "delegate", "start", "end", "reason", "revoked_at")
    list_filter = ("start",)
    autocomplete_fields = ("post", "delegate")
    readonly_fields = ("created_by", "created_at")
    list_select_related = ("post", "post__holder", "delegate")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

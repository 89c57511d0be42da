"""The calendar in /admin/: every save and delete goes through actions.calendar_change, so the deadlines of open tasks
that cross the changed days are recomputed in the same transaction."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .actions import calendar_change
from .models import CalendarDay, CalendarYear


class _CalendarAdmin(admin.ModelAdmin):
    def _years(self, obj: Any) -> set[int]:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        years = self._years(obj)
        if change and obj.pk:  # a day moved to another date changes the old one's year too
            years |= self._years(type(obj).objects.get(pk=obj.pk))
        with calendar_change(years=years, reason=f"管理员修改工作日历（{obj}）", actor=request.user):
            super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with calendar_change(years=self._years(obj), reason=f"管理员删除工作日历条目（{obj}）", actor=request.user):
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        years: set[int] = set()
        for obj in queryset:
            years |= self._years(obj)
        with calendar_change(years=years, reason="管理员删除工作日历条目", actor=request.user):
            super().delete_queryset(request, queryset)


@admin.register(CalendarDay)
class CalendarDayAdmin(_CalendarAdmin):
    list_display = ("date", "kind", "name", "source")
    list_filter = ("kind", "date")
    date_hierarchy = "date"
    search_fields = ("name", "source")

    def _years(self, obj: CalendarDay) -> set[int]:
        return {obj.date.year}


@admin.register(CalendarYear)
class CalendarYearAdmin(_CalendarAdmin):
    list_display = ("year", "source", "loaded_at")

    def _years(self, obj: CalendarYear) -> set[int]:
        return {obj.year}

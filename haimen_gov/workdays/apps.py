from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "haimen_gov.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import calendar
        from .models import CalendarDay, CalendarYear

        for model in (CalendarDay, CalendarYear):
            post_save.connect(calendar.changed, sender=model, dispatch_uid=f"workdays-{model.__name__}-save")
            post_delete.connect(calendar.changed, sender=model, dispatch_uid=f"workdays-{model.__name__}-del")

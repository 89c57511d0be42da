from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "haimen_gov.workflow"
    label = "workflow"
    verbose_name = "流程"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from haimen_gov.org.models import Portfolio

        def reroute(sender: object, instance: Portfolio, **kwargs: object) -> None:
            # SPEC §1: a portfolio reshuffle re-routes every open item of the unit concerned.
            from .actions import reroute_open_tasks

            unit_id = instance.unit_id
            transaction.on_commit(lambda: reroute_open_tasks(unit_id))

        post_save.connect(reroute, sender=Portfolio, dispatch_uid="workflow-reroute-save", weak=False)
        post_delete.connect(reroute, sender=Portfolio, dispatch_uid="workflow-reroute-delete", weak=False)

        from haimen_gov.workdays.actions import calendar_changed

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .deadlines import on_calendar_changed

        # 第十六条: deadlines in working days follow the calendar an admin loads or edits.
        calendar_changed.connect(on_calendar_changed, dispatch_uid="workflow-deadlines")

from django.apps import AppConfig


class LeaveConfig(AppConfig):
    name = "leave"
    verbose_name = "外出报备"

    def ready(self) -> None:
        from . import flow  # noqa: F401  (registers the chains with the workflow engine)

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "督促检查"

    def ready(self) -> None:
        from . import flow  # noqa: F401  (registers the loop with the workflow engine)

from django.apps import AppConfig


class SealsConfig(AppConfig):
    name = "seals"
    verbose_name = "印鉴管理"

    def ready(self) -> None:
        from . import flow  # noqa: F401  (registers the chain with the workflow engine)

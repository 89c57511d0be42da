from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "公文"

    def ready(self) -> None:
        from . import flow  # noqa: F401  (registers the chains with the workflow engine)

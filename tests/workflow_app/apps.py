from django.apps import AppConfig


class WorkflowAppConfig(AppConfig):
    name = "tests.workflow_app"
    label = "workflow_app"
    verbose_name = "流程引擎测试"

    def ready(self) -> None:
        from . import flow  # noqa: F401

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "haimen_gov.workflow"
    label = "workflow"
    verbose_name = "流程"

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "haimen_gov.dashboard"
    label = "dashboard"
    verbose_name = "领导驾驶舱"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its own panels in its ``dashboard.py`` (the engine's in haimen_gov/workflow, the seals'
        # in seals/): a chapter adds its panel by adding that module, and the dashboard itself never changes.
        autodiscover_modules("dashboard")

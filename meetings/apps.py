from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "会议"

    def ready(self) -> None:
        from . import flow, flow_minutes  # noqa: F401  (registers the chains with the workflow engine)

from django.apps import AppConfig


class SealsConfig(AppConfig):
    name = "seals"
    verbose_name = "印鉴管理"

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "haimen_gov.org"
    label = "org"
    verbose_name = "组织机构"

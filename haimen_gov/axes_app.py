"""django-axes under a Chinese name in the admin (its models' and fields' names: locale/zh_Hans)."""

from axes.apps import AppConfig


class AxesConfig(AppConfig):
    verbose_name = "登录安全"

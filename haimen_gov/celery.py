"""Celery wiring. Tasks take ids, never model instances; long deadlines are database rows swept by beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haimen_gov.settings")

app = Celery("haimen_gov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Seed the calendar with every year the chinesecalendar package knows (official State Council schedules)."""

from django.db import migrations


def seed(apps, schema_editor):
    from haimen_gov.workdays.loading import seed_from_package

    seed_from_package(apps.get_model("workdays", "CalendarDay"), apps.get_model("workdays", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

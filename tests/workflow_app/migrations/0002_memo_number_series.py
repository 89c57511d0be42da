"""The memo's number series: an issued memo is numbered like a 会议纪要 (第十九条)."""

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("workflow", "NumberSeries").objects.get_or_create(
        code="tests-memo", defaults={"name": "测试纪要期号", "format": "测试纪要〔{year}〕第{n}期"}
    )


class Migration(migrations.Migration):
    dependencies = [("workflow_app", "0001_initial"), ("workflow", "0007_numbering")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

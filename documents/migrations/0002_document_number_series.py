"""The 发文字号 series of the district government and its office (editable in the admin, 编号系列)."""

from django.db import migrations

SERIES = [
    ("haizhengfa", "海政发（区政府发文）", "海政发〔{year}〕{n}号"),
    ("haizhengbanfa", "海政办发（区政府办公室发文）", "海政办发〔{year}〕{n}号"),
    ("haizhenggui", "海政规（区政府规范性文件）", "海政规〔{year}〕{n}号"),
    ("haizhenghan", "海政函（区政府函）", "海政函〔{year}〕{n}号"),
    ("haizhengbanhan", "海政办函（区政府办公室函）", "海政办函〔{year}〕{n}号"),
    ("haizhengqing", "海政请（区政府请示）", "海政请〔{year}〕{n}号"),
]


def seed(apps, schema_editor):
    NumberSeries = apps.get_model("workflow", "NumberSeries")
    for code, name, fmt in SERIES:
        NumberSeries.objects.get_or_create(code=code, defaults={"name": name, "format": fmt})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_outgoing_incoming"), ("workflow", "0007_numbering")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

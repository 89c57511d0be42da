"""The archive number moves onto the engine's numbering: the "seal" series (用印〔{year}〕{n}号), and every request
already archived gets the next number of its year, in id order (the old numbers were primary keys, with gaps)."""

from django.db import migrations


def number_archived(apps, schema_editor):
    from django.utils import timezone

    NumberSeries = apps.get_model("workflow", "NumberSeries")
    NumberCounter = apps.get_model("workflow", "NumberCounter")
    IssuedNumber = apps.get_model("workflow", "IssuedNumber")
    Item = apps.get_model("workflow", "Item")
    SealRequest = apps.get_model("seals", "SealRequest")
    series, _ = NumberSeries.objects.get_or_create(
        code="seal", defaults={"name": "用印归档号", "format": "用印〔{year}〕{n}号"}
    )
    last: dict[int, int] = {}
    issued = []
    for pk, stamped_at in (
        SealRequest.objects.exclude(archive_number="").order_by("pk").values_list("pk", "stamped_at").iterator()
    ):
        year = timezone.localtime(stamped_at).year
        last[year] = n = last.get(year, 0) + 1
        text = series.format.format(year=year, n=n)
        Item.objects.filter(pk=pk).update(number=text)
        issued.append(IssuedNumber(series=series, year=year, n=n, text=text, item_id=pk, issued_at=stamped_at))
    IssuedNumber.objects.bulk_create(issued, batch_size=1000)
    NumberCounter.objects.bulk_create([NumberCounter(series=series, year=y, last=n) for y, n in last.items()])


def restore_archive_numbers(apps, schema_editor):
    Item = apps.get_model("workflow", "Item")
    SealRequest = apps.get_model("seals", "SealRequest")
    for pk, number in Item.objects.filter(pk__in=SealRequest.objects.values("pk")).values_list("pk", "number"):
        SealRequest.objects.filter(pk=pk).update(archive_number=number)


class Migration(migrations.Migration):
    dependencies = [
        ("seals", "0002_initial"),
        # After the stamp times PostgreSQL cannot read back (BC years) are replaced: this reads every stamp time.
        ("seals", "0003_attachments_moved_to_the_engine"),
        ("workflow", "0007_numbering"),
    ]

    operations = [
        migrations.RunPython(number_archived, restore_archive_numbers),
        migrations.RemoveField(model_name="sealrequest", name="archive_number"),
    ]

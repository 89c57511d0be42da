"""The request's files move to the engine's Attachment (workflow 0006), rows and stored files unchanged; stamp times
that PostgreSQL stores but cannot read back (a BC year from a naive 0001-01-01) are replaced by the time the request
was closed, and a constraint keeps them sane from now on (issue 9)."""

import datetime

from django.db import migrations, models

FIELDS = ("file", "original_name", "content_type", "size", "uploaded_by_id", "uploaded_at")


def to_engine(apps, schema_editor):  # type: ignore[no-untyped-def]
    old = apps.get_model("seals", "SealAttachment")
    new = apps.get_model("workflow", "Attachment")
    rows = [
        new(item_id=row.request_id, role=row.kind, **{f: getattr(row, f) for f in FIELDS})
        for row in old.objects.order_by("id").iterator()
    ]
    new.objects.bulk_create(rows, batch_size=500)


def from_engine(apps, schema_editor):  # type: ignore[no-untyped-def]
    old = apps.get_model("seals", "SealAttachment")
    new = apps.get_model("workflow", "Attachment")
    requests = apps.get_model("seals", "SealRequest").objects.values("pk")
    rows = [
        old(request_id=row.item_id, kind=row.role, **{f: getattr(row, f) for f in FIELDS})
        for row in new.objects.filter(item_id__in=requests).order_by("id").iterator()
    ]
    old.objects.bulk_create(rows, batch_size=500)
    new.objects.filter(item_id__in=requests).delete()


FIX_STAMPED_AT = """
UPDATE seals_sealrequest
SET stamped_at = (SELECT COALESCE(i.closed_at, i.created_at) FROM workflow_item i WHERE i.id = seals_sealrequest.item_ptr_id)
WHERE stamped_at < '2000-01-01' OR stamped_at >= '2100-01-01'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("seals", "0002_initial"),
        ("workflow", "0006_attachment"),
    ]

    operations = [
        migrations.RunPython(to_engine, from_engine),
        migrations.RemoveField(
            model_name="sealattachment",
            name="request",
        ),
        migrations.RemoveField(
            model_name="sealattachment",
            name="uploaded_by",
        ),
        migrations.DeleteModel(
            name="SealAttachment",
        ),
        migrations.RunSQL(FIX_STAMPED_AT, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="sealrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("stamped_at__isnull", True),
                    models.Q(
                        ("stamped_at__gte", datetime.datetime(2000, 1, 1, 0, 0, tzinfo=datetime.UTC)),
                        ("stamped_at__lt", datetime.datetime(2100, 1, 1, 0, 0, tzinfo=datetime.UTC)),
                    ),
                    _connector="OR",
                ),
                name="seal_request_stamped_at_sane",
            ),
        ),
    ]

"""第三十八条's lights read "is a unit's feedback overdue" for every open item at once: an index of the open
feedback tasks alone (a few per open item, out of every open task of every chapter), so that PostgreSQL reads them
in one pass and hashes them instead of probing the task table once per item (issue 16). It is on the engine's task
table but is supervision's own (its step and its question), so it is declared here, in SQL both PostgreSQL and SQLite
(``make run``) accept."""

from django.db import migrations

INDEX = "supervision_open_feedback"


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_bulletin"),
        ("workflow", "0013_merge_0012_item_stage_newest_0012_meeting_notice_kind"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON workflow_task (item_id, due_date) WHERE step = 'feedback' AND status = 'open'",
            f"DROP INDEX {INDEX}",
        ),
    ]

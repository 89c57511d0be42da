"""Two indexes of supervision's feedback tasks on the engine's task table (issue 16). They are supervision's own
(its step, its questions), so they are declared here, in SQL both PostgreSQL and SQLite (``make run``) accept.

- 第三十八条's lights ask "is a unit's feedback overdue" of every open item at once: the open feedback tasks alone
  (a few per open item, out of every open task of every chapter), read in one pass and hashed instead of probing the
  task table once per item.
- 督查与考核 (the appraisal) counts a year's feedback tasks, reported or overdue: found by their due date among
  the feedback tasks, instead of a scan of every task (a million rows in the bench, 180 ms)."""

from django.db import migrations

OPEN_FEEDBACK = "supervision_open_feedback"
FEEDBACK_BY_DUE = "supervision_feedback_by_due"


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_bulletin"),
        ("workflow", "0013_merge_0012_item_stage_newest_0012_meeting_notice_kind"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {OPEN_FEEDBACK} ON workflow_task (item_id, due_date) "
            "WHERE step = 'feedback' AND status = 'open'",
            f"DROP INDEX {OPEN_FEEDBACK}",
        ),
        migrations.RunSQL(
            f"CREATE INDEX {FEEDBACK_BY_DUE} ON workflow_task (due_date) WHERE step = 'feedback'",
            f"DROP INDEX {FEEDBACK_BY_DUE}",
        ),
    ]

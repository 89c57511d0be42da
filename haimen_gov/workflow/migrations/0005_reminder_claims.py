import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REMINDER_KINDS = ("due_soon", "due_today", "overdue", "escalated")

# Reminders written before this migration were claimed by their notification row: carry the claims over, so that an
# upgrade in the middle of a day sends nothing twice.
COPY_CLAIMS = """
INSERT INTO workflow_reminder (day, kind, task_id, user_id)
SELECT DISTINCT day, kind, task_id, user_id FROM workflow_notification
WHERE kind IN ('due_soon', 'due_today', 'overdue', 'escalated') AND task_id IS NOT NULL AND day IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0004_sweep_mark"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Reminder",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "day", "kind", "task", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("day", models.DateField(verbose_name="日期")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("new_task", "新待办"),
                            ("due_soon", "即将到期"),
                            ("due_today", "今日到期"),
                            ("overdue", "已逾期"),
                            ("escalated", "逾期督办"),
                            ("copy", "传阅"),
                            ("result", "办理结果"),
                        ],
                        max_length=10,
                        verbose_name="类别",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="workflow.task",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "提醒记录",
                "verbose_name_plural": "提醒记录",
            },
        ),
        migrations.RunSQL(COPY_CLAIMS, migrations.RunSQL.noop),
        migrations.RemoveConstraint(
            model_name="notification",
            name="one_reminder_per_task_kind_day",
        ),
        migrations.AddField(
            model_name="notification",
            name="count",
            field=models.PositiveIntegerField(db_default=1, default=1, verbose_name="件数"),
        ),
        migrations.AddField(
            model_name="notification",
            name="task_ids",
            field=models.JSONField(blank=True, null=True, verbose_name="涉及待办"),
        ),
        # The escalation sweep reads, for each post, its open tasks past their escalation day: by post first.
        migrations.RemoveIndex(
            model_name="task",
            name="task_open_escalate",
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["post", "escalate_on"],
                include=["id"],
                name="task_open_escalate_by_post",
            ),
        ),
        migrations.RemoveIndex(
            model_name="task",
            name="task_open_remind",
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("remind_on__isnull", False), ("status", "open")),
                fields=["post", "remind_on"],
                include=["due_date", "id"],
                name="task_open_remind_by_post",
            ),
        ),
    ]

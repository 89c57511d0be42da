"""The meeting log is append-only like the engine's history: on PostgreSQL the engine's trigger function refuses
UPDATE and DELETE on meetings_meetinglog too."""

from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS meetings_log_append_only ON meetings_meetinglog;
CREATE TRIGGER meetings_log_append_only
    BEFORE UPDATE OR DELETE ON meetings_meetinglog
    FOR EACH ROW EXECUTE FUNCTION workflow_history_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS meetings_log_append_only ON meetings_meetinglog;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_meetings_topics_leave_press"), ("workflow", "0002_history_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]

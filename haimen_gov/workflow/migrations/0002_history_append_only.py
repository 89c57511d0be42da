"""History is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE on workflow_historyentry."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflow_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '办理记录只能追加，不能修改或删除 (workflow_historyentry is append-only)'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS workflow_history_append_only ON workflow_historyentry;
CREATE TRIGGER workflow_history_append_only
    BEFORE UPDATE OR DELETE ON workflow_historyentry
    FOR EACH ROW EXECUTE FUNCTION workflow_history_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS workflow_history_append_only ON workflow_historyentry;
DROP FUNCTION IF EXISTS workflow_history_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]

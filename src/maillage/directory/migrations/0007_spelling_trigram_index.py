"""On PostgreSQL, the spelling index is searched by trigram similarity (pg_trgm) and ranked by edit distance
(fuzzystrmatch). SQLite needs nothing: the index is read into the process and matched there (rapidfuzz)."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

FORWARD = "CREATE INDEX IF NOT EXISTS directory_searchword_trgm ON directory_searchword USING gin (word gin_trgm_ops)"
BACKWARD = "DROP INDEX IF EXISTS directory_searchword_trgm"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_hsds_fields_and_spelling_index")]

    operations = [
        # Both operations do nothing on another database than PostgreSQL.
        CreateExtension("pg_trgm"),
        CreateExtension("fuzzystrmatch"),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]

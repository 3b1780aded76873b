"""Full-text search structures, per database vendor.

SQLite: an FTS5 table `directory_service_fts` (rowid = service id) holding the French-stemmed, unaccented
text written by `maillage.directory.search_index`. PostgreSQL: the `french_unaccent` text search
configuration (unaccent, then the French Snowball stemmer) and a GIN index on `service.search_vector`.
"""

from django.db import migrations

SQLITE_FORWARD = [
    'CREATE VIRTUAL TABLE IF NOT EXISTS directory_service_fts USING fts5('
    'name, keywords, body, tokenize="unicode61 remove_diacritics 2")',
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS directory_service_fts"]

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END
    $$
    """,
    "CREATE INDEX IF NOT EXISTS directory_service_search_gin ON directory_service USING gin (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS directory_service_search_gin",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        )
    ]

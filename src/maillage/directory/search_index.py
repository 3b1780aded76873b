"""Keeps the full-text index of services in step with the data.

One document per service, in three weighted parts: the name; the keywords (its needs' names and synonyms,
the domain they belong to, the organisation's name); the body (description, eligibility, how to apply,
cities). SQLite stores the text stemmed in Python (`text.py`) in the FTS5 table `directory_service_fts`
(rowid = service id); PostgreSQL stores `to_tsvector('french_unaccent', ...)` in `service.search_vector` (weights
A, B, C), the documents built by one set-based UPDATE per chunk of services: the text never goes through Python.

Both also add the words of the services' names and texts to the spelling index (`SearchWord`, see `spelling.py`):
a word stays there until the next full rebuild, which starts it afresh.

Writes through the ORM are followed by signals (see `signals.py`); bulk loads (demo, HSDS import) call
`index_services(ids)` or `rebuild_index()` themselves.
"""

import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction

from maillage.accounts.models import Organisation
from maillage.directory.models import Location, SearchWord, Service, ServiceAtLocation, TaxonomyTerm
from maillage.directory.text import SPELLING_MAX, SPELLING_MIN, STOPWORDS, index_text, spelling_words
from maillage.territories.models import Territory

BATCH_SIZE = 1000
POSTGRESQL_CHUNK = 10_000
SQLITE_TRANSACTION = 10_000
FTS_TABLE = "directory_service_fts"


def _term_keywords() -> dict[int, str]:
    """Term id → the words that describe it: its names, synonyms and its parent's names."""
    terms = {
        term_id: (name_fr, name_en, synonyms, parent_id)
        for term_id, name_fr, name_en, synonyms, parent_id in TaxonomyTerm.objects.values_list(
            "id", "name_fr", "name_en", "synonyms", "parent_id"
        )
    }
    keywords = {}
    for term_id, (name_fr, name_en, synonyms, parent_id) in terms.items():
        parts = [name_fr, name_en, *(synonyms if isinstance(synonyms, list) else [])]
        if parent_id in terms:
            parts += [terms[parent_id][0], terms[parent_id][1]]
        keywords[term_id] = " ".join(str(part) for part in parts if part)
    return keywords


def _documents(service_ids: list[int], term_keywords: dict[int, str]) -> list[tuple[int, str, str, str]]:
    needs: dict[int, list[int]] = defaultdict(list)
    for service_id, term_id in Service.needs.through.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "taxonomyterm_id"
    ):
        needs[service_id].append(term_id)
    places: dict[int, set[str]] = defaultdict(set)
    for service_id, city, commune in ServiceAtLocation.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "location__city", "location__commune__name"
    ):
        places[service_id].update(part for part in (city, commune) if part)
    documents = []
    for row in Service.objects.filter(id__in=service_ids).values_list(
        "id",
        "name",
        "alternate_name",
        "description",
        "eligibility_description",
        "application_process",
        "organisation__name",
    ):
        service_id, name, alternate_name, description, eligibility, application, organisation = row
        keywords = " ".join([organisation, *(term_keywords.get(term_id, "") for term_id in needs[service_id])])
        body = " ".join([description, eligibility, application, *sorted(places[service_id])])
        documents.append((service_id, f"{name} {alternate_name}".strip(), keywords, body))
    return documents


def _write_sqlite(documents: list[tuple[int, str, str, str]], ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM directory_service_fts WHERE rowid IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]
        )
        cursor.executemany(
            "INSERT INTO directory_service_fts (rowid, name, keywords, body) VALUES (%s, %s, %s, %s)",
            [
                (sid, index_text(name), index_text(keywords), index_text(body))
                for sid, name, keywords, body in documents
            ],
        )
        vocabulary = spelling_words(*(part for _sid, name, _keywords, body in documents for part in (name, body)))
        cursor.executemany(
            "INSERT OR IGNORE INTO directory_searchword (word, display) VALUES (%s, %s)", list(vocabulary.items())
        )


def _postgresql_update_sql() -> str:
    """The same three parts as `_documents`, in SQL: name (A); organisation and needs with their synonyms and
    domain (B); description, eligibility, how to apply and the places (C)."""
    tables = {
        "service": Service._meta.db_table,
        "needs": Service.needs.through._meta.db_table,
        "term": TaxonomyTerm._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "link": ServiceAtLocation._meta.db_table,
        "location": Location._meta.db_table,
        "territory": Territory._meta.db_table,
    }
    return """
        WITH changed AS (SELECT DISTINCT unnest(%s::bigint[]) AS id),
        term_words AS (
            SELECT t.id, concat_ws(' ', t.name_fr, t.name_en,
                (SELECT string_agg(synonym, ' ') FROM jsonb_array_elements_text(
                    CASE WHEN jsonb_typeof(t.synonyms) = 'array' THEN t.synonyms ELSE '[]'::jsonb END) AS synonym),
                p.name_fr, p.name_en) AS words
            FROM {term} t LEFT JOIN {term} p ON p.id = t.parent_id
        ),
        keywords AS (
            SELECT n.service_id AS id, string_agg(w.words, ' ' ORDER BY n.id) AS words
            FROM changed c JOIN {needs} n ON n.service_id = c.id JOIN term_words w ON w.id = n.taxonomyterm_id
            GROUP BY n.service_id
        ),
        places AS (
            SELECT id, string_agg(place, ' ' ORDER BY place) AS words FROM (
                SELECT DISTINCT link.service_id AS id, unnest(ARRAY[l.city, commune.name]) AS place
                FROM changed c JOIN {link} link ON link.service_id = c.id
                JOIN {location} l ON l.id = link.location_id
                LEFT JOIN {territory} commune ON commune.id = l.commune_id
            ) found
            WHERE place <> ''
            GROUP BY id
        )
        UPDATE {service} AS s SET search_vector =
            setweight(to_tsvector('french_unaccent', concat_ws(' ', s.name, s.alternate_name)), 'A')
            || setweight(to_tsvector('french_unaccent', concat_ws(' ',
                (SELECT o.name FROM {organisation} o WHERE o.id = s.organisation_id), k.words)), 'B')
            || setweight(to_tsvector('french_unaccent', concat_ws(' ',
                s.description, s.eligibility_description, s.application_process, p.words)), 'C')
        FROM changed c LEFT JOIN keywords k ON k.id = c.id LEFT JOIN places p ON p.id = c.id
        WHERE s.id = c.id
    """.format(**tables)  # noqa: S608 -- table names from the models


# The words of the services' own texts (not those of their needs and organisation, which the synonym table and
# the names carry), split by the 'simple' configuration (lower case, accents kept), folded by unaccent.
POSTGRESQL_WORDS_SQL = f"""
    INSERT INTO directory_searchword (word, display)
    SELECT DISTINCT ON (word) word, token FROM (
        SELECT lower(unaccent(token)) AS word, token FROM (
            SELECT unnest(tsvector_to_array(to_tsvector('simple', concat_ws(' ', s.name, s.alternate_name,
                s.description, s.eligibility_description, s.application_process)))) AS token
            FROM directory_service s WHERE s.id = ANY(%s::bigint[])
        ) tokens
    ) words
    WHERE word ~ '^[a-z]{{{SPELLING_MIN},{SPELLING_MAX}}}$' AND length(token) <= {SPELLING_MAX} AND word <> ALL(%s)
    ORDER BY word, token DESC
    ON CONFLICT (word) DO NOTHING
"""  # noqa: S608 -- constants only


def _index_postgresql(ids: list[int]) -> None:
    sql = _postgresql_update_sql()
    stopwords = sorted(STOPWORDS)
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner's cost of this statement is far above `jit_above_cost`: compiling it took longer than running it.
        cursor.execute("SET LOCAL jit = off")
        for start in range(0, len(ids), POSTGRESQL_CHUNK):
            chunk = ids[start : start + POSTGRESQL_CHUNK]
            cursor.execute(sql, [chunk])
            cursor.execute(POSTGRESQL_WORDS_SQL, [chunk, stopwords])


def index_services(service_ids: Iterable[int]) -> int:
    """(Re)index these services; ids of deleted services are removed from the index. Returns how many."""
    ids = sorted(set(service_ids))
    if not ids:
        return 0
    if connection.vendor == "postgresql":
        _index_postgresql(ids)
    elif connection.vendor == "sqlite":
        term_keywords = _term_keywords()
        for start in range(0, len(ids), SQLITE_TRANSACTION):
            # FTS5 writes a segment per transaction, to be merged later: fewer, larger ones cost half the CPU.
            with transaction.atomic():
                for batch_start in range(start, min(start + SQLITE_TRANSACTION, len(ids)), BATCH_SIZE):
                    batch = ids[batch_start : min(batch_start + BATCH_SIZE, start + SQLITE_TRANSACTION)]
                    _write_sqlite(_documents(batch, term_keywords), batch)
    return len(ids)


def remove_services(service_ids: Iterable[int]) -> None:
    ids = list(service_ids)
    if ids and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM directory_service_fts WHERE rowid IN (SELECT value FROM json_each(%s))",
                [json.dumps(ids)],
            )


def rebuild_index(*, progress=None) -> int:
    """Rebuild the whole index from the services (`manage.py directory_reindex`), the spelling index with it."""
    SearchWord.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM directory_service_fts")
    ids = list(Service.objects.order_by("id").values_list("id", flat=True))
    done = 0
    for start in range(0, len(ids), BATCH_SIZE * 5):
        done += index_services(ids[start : start + BATCH_SIZE * 5])
        if progress:
            progress(done, len(ids))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO directory_service_fts(directory_service_fts) VALUES ('optimize')")
    return done

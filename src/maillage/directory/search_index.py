"""Keeps the full-text index of services in step with the data.

One document per service, in three weighted parts: the name; the keywords (its needs' names and synonyms,
the domain they belong to, the organisation's name); the body (description, eligibility, how to apply,
cities). SQLite stores the stemmed text in the FTS5 table `directory_service_fts` (rowid = service id);
PostgreSQL stores `to_tsvector('french_unaccent', ...)` in `service.search_vector` (weights A, B, C).

Writes through the ORM are followed by signals (see `signals.py`); bulk loads (demo, HSDS import) call
`index_services(ids)` or `rebuild_index()` themselves.
"""

import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from maillage.directory.models import Service, ServiceAtLocation, TaxonomyTerm
from maillage.directory.text import index_text

BATCH_SIZE = 1000
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


def _write_postgresql(documents: list[tuple[int, str, str, str]]) -> None:
    if not documents:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE directory_service AS s SET search_vector =
                setweight(to_tsvector('french_unaccent', d.name), 'A')
                || setweight(to_tsvector('french_unaccent', d.keywords), 'B')
                || setweight(to_tsvector('french_unaccent', d.body), 'C')
            FROM jsonb_to_recordset(%s::jsonb) AS d(id bigint, name text, keywords text, body text)
            WHERE s.id = d.id
            """,
            [
                json.dumps(
                    [{"id": sid, "name": name, "keywords": kw, "body": body} for sid, name, kw, body in documents]
                )
            ],
        )


def index_services(service_ids: Iterable[int]) -> int:
    """(Re)index these services; ids of deleted services are removed from the index. Returns how many."""
    ids = sorted(set(service_ids))
    if not ids:
        return 0
    term_keywords = _term_keywords()
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        documents = _documents(batch, term_keywords)
        if connection.vendor == "sqlite":
            _write_sqlite(documents, batch)
        elif connection.vendor == "postgresql":
            _write_postgresql(documents)
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
    """Rebuild the whole index from the services (`manage.py directory_reindex`)."""
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

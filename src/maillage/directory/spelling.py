"""Typo correction for a search that finds nothing: "logemnt" → "logement", "asuétudes" → "assuétudes".

Only the words the directory knows can be suggested: the words of its services (the `SearchWord` index, kept by
`search_index.py`) and the names and synonyms of its needs (the synonym table of `search.py`). A typed word is
corrected when it is not one of them and one of them is within a small edit distance (Damerau-Levenshtein: one
edit up to seven letters, two from eight; none under four letters, where everything is one edit from something).

PostgreSQL finds the candidates with a trigram index (pg_trgm) and ranks them by edit distance (fuzzystrmatch).
SQLite reads the index into the process once (kept until the index changes: its row count and last id are
checked on each correction) and matches there with rapidfuzz.

This is never on the normal path: `search.search_services` asks for a correction only when the words found
nothing.
"""

import re

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from maillage.directory.models import SearchWord
from maillage.directory.text import MAX_QUERY_CHARS, MAX_QUERY_TOKENS, SPELLING_MIN, spelling_words, words

CANDIDATES = 10
_cache: dict[str, object] = {"version": None, "words": [], "display": {}}
_needs_cache: dict[str, object] = {"table": None, "words": {}}
_TOKEN = re.compile(r"[^\W_]+")


def max_edits(word: str) -> int:
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


def _need_words() -> dict[str, str]:
    """Folded → written words of the needs' names and synonyms (rebuilt with the synonym table)."""
    from maillage.directory.search import synonym_table

    table = synonym_table()
    if _needs_cache.get("table") is not table:
        found: dict[str, str] = {}
        for alternatives in table.values():
            for alternative in alternatives:
                for word in alternative:
                    if len(word) >= SPELLING_MIN:
                        found.setdefault(word, word)
        _needs_cache.update(table=table, words=found)
    return _needs_cache["words"]


def _index_version() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), MAX(id) FROM directory_searchword")
        return tuple(cursor.fetchone())


def _loaded_index() -> tuple[list[str], dict[str, str]]:
    """The whole index (SQLite), reloaded when it changed."""
    version = _index_version()
    if _cache["version"] != version:
        pairs = dict(SearchWord.objects.order_by("word").values_list("word", "display"))
        _cache.update(version=version, words=list(pairs), display=pairs)
    return _cache["words"], _cache["display"]


def _is_known(word: str) -> bool:
    return SearchWord.objects.filter(word=word).exists()


def _closest_postgresql(word: str, limit: int) -> list[tuple[str, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, display, levenshtein_less_equal(word, %s, %s) AS edits FROM directory_searchword "
            "WHERE word %% %s ORDER BY edits, similarity(word, %s) DESC, word LIMIT %s",
            [word, limit + 1, word, word, CANDIDATES],
        )
        return [(found, display, edits) for found, display, edits in cursor.fetchall() if edits <= limit]


def _closest_in(word: str, vocabulary: list[str], display: dict[str, str], limit: int) -> list[tuple[str, str, int]]:
    matches = process.extract(
        word, vocabulary, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=CANDIDATES
    )
    return [(found, display.get(found, found), int(edits)) for found, edits, _index in matches]


def correct_word(word: str) -> str | None:
    """The written form of the known word closest to `word` (folded), or None when it is known or too far."""
    limit = max_edits(word)
    needs = _need_words()
    if word in needs or limit == 0:
        return None
    if connection.vendor == "postgresql":
        if _is_known(word):
            return None
        candidates = _closest_postgresql(word, limit)
    else:
        vocabulary, display = _loaded_index()
        if word in display:
            return None
        candidates = _closest_in(word, vocabulary, display, limit)
    candidates += _closest_in(word, sorted(needs), needs, limit)
    if not candidates:
        return None
    # Fewest edits; then the same first letter (typos rarely hit it); then the nearest length.
    best = min(candidates, key=lambda c: (c[2], c[0][:1] != word[:1], abs(len(c[0]) - len(word)), c[0]))
    return best[1]


def corrected(text: str) -> str | None:
    """`text` with each unknown word replaced by the closest known one; None when nothing was corrected."""
    text = text[:MAX_QUERY_CHARS]
    changed = False
    parts: list[str] = []
    seen = position = 0
    for match in _TOKEN.finditer(text):
        parts.append(text[position : match.start()])
        position = match.end()
        token = match.group()
        replacement = None
        if seen < MAX_QUERY_TOKENS and spelling_words(token):
            seen += 1
            folded = words(token)
            if len(folded) == 1:
                replacement = correct_word(folded[0])
        parts.append(replacement or token)
        changed = changed or replacement is not None
    parts.append(text[position:])
    return "".join(parts) if changed else None


def forget() -> None:
    """Drop the process's copy of the index (tests; a rebuilt index is noticed anyway)."""
    _cache.update(version=None, words=[], display={})

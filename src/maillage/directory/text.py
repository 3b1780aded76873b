"""French-aware text processing shared by the index and the query: the same pipeline on both sides.

A word is lower-cased, stripped of its accents, then reduced by the French Snowball stemmer, so that
"Logements", "logement" and "LOGEMENT" meet, and "épicerie" meets "Epicerie". Only `[a-z0-9]` survives,
which makes every token safe to place in an FTS5 or tsquery expression: user input never reaches the
query syntax.
"""

import re
import threading
from functools import lru_cache

import snowballstemmer

from maillage.core.text import strip_accents

MAX_QUERY_CHARS = 500
MAX_QUERY_TOKENS = 12
_WORD = re.compile(r"[a-z0-9]+")
# A Snowball stemmer keeps the word it works on in its own attributes: two threads of one server process (granian
# serves WSGI from several) must not share one, or a word is stemmed from another's letters (IndexError, wrong stems).
_local = threading.local()

# Common French and English function words: they carry no need and would make an AND query fail.
STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "c",
        "d",
        "j",
        "l",
        "m",
        "n",
        "s",
        "t",
        "y",
        "l",
        "qu",
        "est",
        "sont",
        "ete",
        "etre",
        "avoir",
        "ai",
        "as",
        "avons",
        "ont",
        "cette",
        "cet",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "for",
        "on",
        "with",
        "an",
        "is",
        "are",
        "be",
        "by",
        "at",
        "from",
        "as",
    ]
)


_TOKEN = re.compile(r"[^\W_]+")


@lru_cache(maxsize=200_000)
def _ascii_words(token: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(strip_accents(token.replace("œ", "oe"))))


def words(text: str) -> list[str]:
    """Lower-case, accent-free words of `text` (ligatures like œ become oe); cached per distinct word."""
    found: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        found.extend(_ascii_words(token))
    return found


SPELLING_MIN, SPELLING_MAX = 3, 40


def spelling_words(*texts: str) -> dict[str, str]:
    """The words of `texts` a typo could be meant for: folded word → the word as written (lower case, accents
    kept), for words of letters only, three to forty of them, not stopwords. Each distinct word is looked at once."""
    tokens: set[str] = set()
    for text in texts:
        tokens.update(_TOKEN.findall(text.lower()))
    found: dict[str, str] = {}
    for token in sorted(tokens, reverse=True):  # "assuétudes" before "assuetudes": the accents shown
        if not SPELLING_MIN <= len(token) <= SPELLING_MAX or not token.isalpha():
            continue
        folded = _ascii_words(token)
        if len(folded) == 1 and folded[0] not in STOPWORDS and len(folded[0]) <= SPELLING_MAX:
            found.setdefault(folded[0], token)
    return found


def _french_stemmer():
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("french")
    return stemmer


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _french_stemmer().stemWord(word)


def stems(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """The stems of `text`, in order, without stopwords."""
    return [stem(word) for word in words(text) if keep_stopwords or word not in STOPWORDS]


def query_stems(text: str) -> list[str]:
    """The stems of a typed query, bounded in size whatever was typed."""
    return stems(text[:MAX_QUERY_CHARS])[:MAX_QUERY_TOKENS]


def index_text(*parts: str) -> str:
    """Text as stored in the SQLite FTS5 table: space-separated stems."""
    return " ".join(stem_ for part in parts if part for stem_ in stems(part))

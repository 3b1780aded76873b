"""The French stemmer under threads: granian serves WSGI from several threads per process, and a search stems
the words typed (and the synonym table) in each of them."""

import sys
import threading

from maillage.directory import text

WORDS = [
    "logements",
    "assuétudes",
    "quelque",
    "quartier",
    "accompagnement",
    "alimentaire",
    "questionnement",
    "jeunesse",
    "hébergement",
    "santé",
    "médiation",
    "insertion",
]


def test_threads_stemming_at_once_each_get_their_own_words_stems():
    words = [text.words(word)[0] for word in WORDS] * 40
    expected = {word: text.stem.__wrapped__(word) for word in words}  # uncached: the stemmer itself
    wrong: list[str] = []

    def stem_all() -> None:
        for _round in range(5):
            for word in words:
                try:
                    if text.stem.__wrapped__(word) != expected[word]:
                        wrong.append(word)
                except Exception as error:  # a shared stemmer fails in several ways
                    wrong.append(f"{word}: {type(error).__name__}")

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as they can, as under load
    try:
        threads = [threading.Thread(target=stem_all) for _index in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == []

"""The catalogues: French complete, and every committed .mo in step with its .po.

The .mo files are committed so that a machine without gettext has them. Comparing contents, not
timestamps: each translated .po entry must be in the .mo with the same text, and nothing else.
Refresh both with `make messages`.
"""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _translations(entry: polib.POEntry | polib.MOEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def _compiled(po: polib.POFile) -> dict[tuple[str, str], tuple[str, ...]]:
    """What msgfmt puts in the .mo: translated, non-fuzzy, non-obsolete entries."""
    return {
        _key(entry): _translations(entry)
        for entry in po
        if not entry.obsolete and "fuzzy" not in entry.flags and any(_translations(entry))
    }


def test_both_languages_have_a_catalogue():
    assert {path.parts[-3] for path in CATALOGUES} >= {"fr", "en"}


def test_french_catalogue_is_complete():
    problems = []
    for path in LOCALE_DIR.glob("fr/LC_MESSAGES/*.po"):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{path.name}: fuzzy: {entry.msgid!r}")
            elif not all(_translations(entry)):
                problems.append(f"{path.name}: untranslated: {entry.msgid!r}")
    assert not problems, "Complete the French catalogue (then `make messages`):\n" + "\n".join(problems)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3:]))
def test_compiled_catalogue_matches_its_source(po_path: Path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    expected = _compiled(polib.pofile(str(po_path)))
    compiled = {_key(entry): _translations(entry) for entry in polib.mofile(str(mo_path)) if entry.msgid}
    stale = sorted(set(expected.items()) ^ set(compiled.items()))
    assert not stale, f"{mo_path} is out of date with its .po: run `make messages`. Differences: {stale[:5]}"

"""The catalogues: every string of the code in them, French complete, every committed .mo in step with its .po.

The .mo files are committed so that a machine without gettext has them. Comparing contents, not
timestamps: each translated .po entry must be in the .mo with the same text, and nothing else.
Refresh both with `make messages`.
"""

import contextlib
import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

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


@pytest.mark.parametrize("language", ["fr", "en"])
def test_catalogue_is_complete(language: str):
    """French is translated; English (the source language) has msgstr = msgid, so nothing falls back."""
    problems = []
    for path in LOCALE_DIR.glob(f"{language}/LC_MESSAGES/*.po"):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{path.name}: fuzzy: {entry.msgid!r}")
            elif not all(_translations(entry)):
                problems.append(f"{path.name}: untranslated: {entry.msgid!r}")
    assert not problems, f"Complete the {language} catalogue (`make messages`, locale/tools/fr/):\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3:]))
def test_compiled_catalogue_matches_its_source(po_path: Path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    expected = _compiled(polib.pofile(str(po_path)))
    compiled = {_key(entry): _translations(entry) for entry in polib.mofile(str(mo_path)) if entry.msgid}
    stale = sorted(set(expected.items()) ^ set(compiled.items()))
    assert not stale, f"{mo_path} is out of date with its .po: run `make messages`. Differences: {stale[:5]}"


# The same walk as `make messages`: everything under the project root but these.
IGNORED = ("*.pyc", "__pycache__", ".*", "*~", "CVS", ".venv", "var", "staticfiles", "test-artifacts", "node_modules")
GETTEXT_TOOLS = ("xgettext", "msguniq")


def _extracted(tree: Path, domain: str) -> set[tuple[str, str, str]]:
    """The msgids `makemessages` finds in a copy of the project (the real tree is left untouched)."""
    locale_dir = tree / "locale"
    locale_dir.mkdir()
    with override_settings(LOCALE_PATHS=[locale_dir]), contextlib.chdir(tree):
        call_command(
            "makemessages", domain=domain, all=True, keep_pot=True, ignore_patterns=[*IGNORED, "locale"], verbosity=0
        )
    pot = locale_dir / f"{domain}.pot"
    return {_full_key(entry) for entry in polib.pofile(str(pot)) if entry.msgid} if pot.exists() else set()


def _full_key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def test_catalogues_cover_every_string_of_the_code(tmp_path: Path):
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing_tools:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The gettext tools are missing in CI: {', '.join(missing_tools)}")
        pytest.skip(f"gettext tools missing: {', '.join(missing_tools)}")
    tree = tmp_path / "tree"
    shutil.copytree(Path(settings.BASE_DIR), tree, ignore=shutil.ignore_patterns(*IGNORED, "locale"))
    problems = []
    uses_js_gettext = any("gettext(" in path.read_text(errors="ignore") for path in tree.rglob("*.js"))
    for domain in ("django", "djangojs") if uses_js_gettext else ("django",):
        in_code = _extracted(tree, domain)
        for language in ("fr", "en"):
            po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
            catalogue = (
                {_full_key(e) for e in polib.pofile(str(po_path)) if not e.obsolete} if po_path.exists() else set()
            )
            problems += [f"{language}/{domain}.po lacks {msgid!r}" for _, msgid, _ in sorted(in_code - catalogue)]
        shutil.rmtree(tree / "locale")
    assert not problems, (
        "Strings of the code are not in the catalogues: run `make messages`, translate.\n" + "\n".join(problems)
    )


PLACEHOLDER = re.compile(r"%\(\w+\)[sdrf]|%[sdr]|\{\w*\}|</?\w+[^>]*>")


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3:]))
def test_translations_keep_placeholders_and_html(po_path: Path):
    """A translation has the placeholders and tags of its source (a singular may drop the count)."""
    problems = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        accepted = [sorted(PLACEHOLDER.findall(source)) for source in (entry.msgid, entry.msgid_plural) if source]
        for text in _translations(entry):
            if text and sorted(PLACEHOLDER.findall(text)) not in accepted:
                problems.append(f"{entry.msgid!r} -> {text!r}")
    assert not problems, "Placeholders or HTML differ from the source:\n" + "\n".join(problems)


def _fill_catalogues():
    import importlib.util

    path = LOCALE_DIR / "tools" / "fill_catalogues.py"
    spec = importlib.util.spec_from_file_location("fill_catalogues", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_french_dictionaries_agree():
    """`make messages` stops when two dictionaries give different French for one msgid."""
    assert _fill_catalogues().french_translations()


def test_two_dictionaries_disagreeing_stop_make_messages(tmp_path: Path, capsys):
    tool = _fill_catalogues()
    (tmp_path / "a.py").write_text('TRANSLATIONS = {"Close": "Fermer", "Open": "Ouvrir"}\n')
    (tmp_path / "b.py").write_text('TRANSLATIONS = {"Close": "Clôturer", "Open": "Ouvrir"}\n')
    with pytest.raises(tool.ConflictingTranslations, match=r"'Close': a\.py says 'Fermer', b\.py says 'Clôturer'"):
        tool.french_translations(tmp_path)
    tool.DICTIONARIES = tmp_path  # this module is a fresh copy: the real tool is untouched
    assert tool.main() == 1
    assert "'Close'" in capsys.readouterr().err

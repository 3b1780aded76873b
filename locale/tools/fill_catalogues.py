# ruff: noqa: T201
"""Fill the catalogues after `makemessages`: English msgstr = msgid, French from the dictionaries in fr/.

Each module in locale/tools/fr/ defines ``TRANSLATIONS``: msgid -> French text, or for a plural
entry msgid -> (singular, plural). A dictionary entry wins over what the .po holds (so corrections
stick); entries of the .po absent from the dictionaries keep their translation. Prints what is still
untranslated or fuzzy in French. Run by `make messages`, before compilemessages.

Two dictionaries giving different French for one msgid is an error (exit status 1, nothing written): which
one won depended on file names, so a word could change on screen when a helper added a dictionary. Give
one of them a context (`pgettext`) when the two meanings really differ.
"""

import importlib.util
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent
DICTIONARIES = Path(__file__).resolve().parent / "fr"


class ConflictingTranslations(ValueError):
    """Two dictionaries translate one msgid differently."""


def french_translations(directory: Path | None = None) -> dict[str, str | tuple[str, str]]:
    """Every dictionary of `directory` (fr/) merged; raises `ConflictingTranslations` naming each disagreement."""
    directory = directory or DICTIONARIES
    translations: dict[str, str | tuple[str, str]] = {}
    origin: dict[str, str] = {}
    conflicts = []
    for path in sorted(directory.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"fr_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for msgid, text in module.TRANSLATIONS.items():
            if msgid in translations and translations[msgid] != text:
                conflicts.append(f"{msgid!r}: {origin[msgid]} says {translations[msgid]!r}, {path.name} says {text!r}")
                continue
            translations[msgid] = text
            origin.setdefault(msgid, path.name)
    if conflicts:
        raise ConflictingTranslations(
            "Two dictionaries give different French for one msgid; keep one (or add a context):\n  "
            + "\n  ".join(conflicts)
        )
    return translations


def _clear_fuzzy(entry: polib.POEntry) -> None:
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgid_plural = None
    entry.previous_msgctxt = None


def _set_header(po: polib.POFile, language_team: str) -> None:
    po.metadata["PO-Revision-Date"] = po.metadata.get("POT-Creation-Date", "")
    po.metadata["Last-Translator"] = "Maillage <no-reply@maillage.invalid>"
    po.metadata["Language-Team"] = language_team


def fill_english(path: Path) -> int:
    po = polib.pofile(str(path), wrapwidth=79)
    _set_header(po, "English")
    for entry in po:
        if entry.obsolete:
            continue
        _clear_fuzzy(entry)
        if entry.msgid_plural:
            forms = sorted(entry.msgstr_plural) or [0, 1]
            entry.msgstr_plural = {index: entry.msgid if index == 0 else entry.msgid_plural for index in forms}
        else:
            entry.msgstr = entry.msgid
    po.save()
    return len([entry for entry in po if not entry.obsolete])


def fill_french(path: Path, translations: dict[str, str | tuple[str, str]]) -> list[str]:
    po = polib.pofile(str(path), wrapwidth=79)
    _set_header(po, "French")
    nplurals = int(po.metadata.get("Plural-Forms", "nplurals=2").split("nplurals=")[1].split(";")[0])
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        # An entry with a context (pgettext) is looked up as 'context\x04msgid', as gettext stores it.
        text = translations.get(f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid)
        if text is not None:
            _clear_fuzzy(entry)
            if entry.msgid_plural:
                singular, plural = text if isinstance(text, tuple) else (text, text)
                entry.msgstr_plural = {index: singular if index == 0 else plural for index in range(nplurals)}
            else:
                if isinstance(text, tuple):
                    raise ValueError(f"{entry.msgid!r} is not a plural entry")
                entry.msgstr = text
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags or not all(forms):
            missing.append(entry.msgid)
    po.save()
    return missing


def main() -> int:
    try:
        translations = french_translations()
    except ConflictingTranslations as error:
        print(error, file=sys.stderr)
        return 1
    for path in sorted(LOCALE_DIR.glob("en/LC_MESSAGES/*.po")):
        print(f"{path.relative_to(LOCALE_DIR)}: {fill_english(path)} entries, msgstr = msgid")
    for path in sorted(LOCALE_DIR.glob("fr/LC_MESSAGES/*.po")):
        missing = fill_french(path, translations)
        print(f"{path.relative_to(LOCALE_DIR)}: {len(missing)} entries still to translate")
        for msgid in missing:
            print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

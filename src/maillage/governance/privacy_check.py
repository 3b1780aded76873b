"""Texts shared with the whole network carry no personal data: the check that flags what looks like some.

Experience reviews, their comments and practice sheets are written about situations, never about a person.
Before such a text is shared, it is checked for three things, and what is found is shown to its author:
1. a birth date: a full date next to a birth word ("né le", "date de naissance", "born on", "DDN"), or a full
   date at least `OLD_DATE_YEARS` years old (an event the network reviews is recent; a birth is not);
2. a first name from the francophone first-name lists that Faker maintains (France, Belgium, Québec), written
   with a capital: a name-like word, shown to the author so that they rewrite it or say it is not a person;
3. the first and last name of a person who has a file in Maillage, asked through `people.aggregates`, which
   answers yes or no only and audits the check: the author is told that the text names someone, not who.
The check flags, it does not decide: the author rewrites the text, or states that what was flagged is not
about a person (a place, a service), and only then can the text be shared.
"""

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.core.text import fold
from maillage.people.aggregates import text_names_known_person

OLD_DATE_YEARS = 3
MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORDED_DATE = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({MONTHS})\s+(\d{{4}})\b", re.IGNORECASE)
_BIRTH_WORDS = re.compile(
    r"\b(née?s?|naissance|naît|ddn|born|birth|date of birth|geboren|geboortedatum)\b", re.IGNORECASE
)
_CAPITALISED = re.compile(r"\b[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?\b")
# First names that are also everyday words at the start of a sentence or in place names: not flagged alone.
_COMMON_WORDS = frozenset(
    fold(word)
    for word in (
        "Rose",
        "Claire",
        "France",
        "Grace",
        "Prudence",
        "Constance",
        "Olive",
        "Violette",
        "Victoire",
        "Pascal",
        "Aimé",
        "Désiré",
        "Modeste",
        "Fidèle",
        "Marine",
        "Dominique",
        "Camille",
        "Ange",
        "Espérance",
        "Noël",
        "Avril",
        "Mai",
        "Juin",
        "Martin",
        "Laurent",
        "Vincent",
        "Bernard",
        "Thomas",
        "Saint",
        "Sainte",
    )
)


@dataclass(frozen=True)
class Finding:
    kind: str  # "birth_date", "first_name", "known_person"
    text: str = ""  # the words found, for patterns; never for a known person

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


KIND_WORDS = {
    "birth_date": _("a date that looks like a birth date"),
    "first_name": _("a word that is a first name"),
    "known_person": _("the name of a person known to Maillage"),
}


@cache
def first_names() -> frozenset[str]:
    """Folded first names from Faker's French, Belgian and Québec lists (a maintained list, already a dependency)."""
    from faker.providers.person.fr_BE import Provider as BelgianNames
    from faker.providers.person.fr_CA import Provider as QuebecNames
    from faker.providers.person.fr_FR import Provider as FrenchNames
    from faker.providers.person.nl_BE import Provider as FlemishNames

    names: set[str] = set()
    for provider in (FrenchNames, BelgianNames, QuebecNames, FlemishNames):
        names.update(fold(name) for name in provider.first_names)
    return frozenset(name for name in names if len(name) >= 3)


def _year(raw: str) -> int:
    year = int(raw)
    if year < 100:
        year += 1900 if year > timezone.localdate().year % 100 else 2000
    return year


def birth_dates_in(text: str, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    found: list[str] = []
    matches = [(m, m.group(3)) for m in _NUMERIC_DATE.finditer(text)]
    matches += [(m, m.group(1)) for m in _ISO_DATE.finditer(text)]
    matches += [(m, m.group(3)) for m in _WORDED_DATE.finditer(text)]
    for match, year in matches:
        before = text[max(0, match.start() - 40) : match.start()]
        if _BIRTH_WORDS.search(before) or _year(year) <= today.year - OLD_DATE_YEARS:
            found.append(match.group(0))
    return found


def first_names_in(text: str) -> list[str]:
    names = first_names()
    found: list[str] = []
    for match in _CAPITALISED.finditer(text):
        word = match.group(0)
        folded = fold(word)
        parts = folded.split()
        if folded in _COMMON_WORDS:
            continue
        is_name = folded in names or (len(parts) == 2 and all(part in names for part in parts))
        if is_name and word not in found:
            found.append(word)
    return found


def check_text(actor: Any, *texts: str) -> list[Finding]:
    """What in these texts looks like personal data (see the module's rules); an empty list when nothing does."""
    text = "\n".join(t for t in texts if t)
    findings = [Finding("birth_date", found) for found in birth_dates_in(text)]
    findings += [Finding("first_name", found) for found in first_names_in(text)]
    if text_names_known_person(actor, text):
        findings.append(Finding("known_person"))
    return findings


def describe(flags: list[dict[str, str]]) -> list[str]:
    """The flags in words, for the author: "a date that looks like a birth date: 12/03/1985"."""
    lines = []
    for flag in flags:
        words = str(KIND_WORDS.get(flag.get("kind", ""), flag.get("kind", "")))
        lines.append(
            gettext("%(what)s: “%(words)s”") % {"what": words, "words": flag["text"]} if flag.get("text") else words
        )
    return lines

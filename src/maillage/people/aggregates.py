"""Person data answered in the only shapes other apps may have it: counts, and a yes or no.

1. Counts are of organisations' work (involvements, persons followed), never of a list of persons; the caller
   hides counts under `SMALL_CELL` (governance.indicators does) so that nobody is singled out.
2. `text_names_known_person` answers whether a text holds the first and last name of a person who has a file
   in Maillage, any file, not only those the actor may see. It answers yes or no and never which person:
   whoever wrote the text learns only that it should be rewritten without names. Each check is audited as a
   SEARCH of IDENTITY without a person (purpose `text_privacy_check`), so that the check itself is on record.
"""

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from maillage.access import audit
from maillage.access.enums import Action, Category, Outcome
from maillage.core.text import fold
from maillage.people.enums import InvolvementStatus
from maillage.people.models import Involvement, Person

SMALL_CELL = 5
TEXT_PRIVACY_CHECK = "text_privacy_check"
# Words a name can be: letters, with inner hyphens or apostrophes ("Jean-Marc", "D'Hondt").
_WORD = re.compile(r"[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*")
_MAX_WORDS = 400


def _active_on(on: dt.date) -> Q:
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def involvements_active_count(organisation_ids: Iterable[int], on: dt.date) -> int:
    """How many involvements of these organisations were active on `on` (ended ones by their dates)."""
    return (
        Involvement.objects.filter(organisation_id__in=list(organisation_ids))
        .filter(_active_on(on))
        .exclude(status=InvolvementStatus.ENDED, ended_on__isnull=True)
        .count()
    )


def persons_followed_count(organisation_ids: Iterable[int], on: dt.date) -> int:
    """How many distinct persons at least one of these organisations followed on `on`."""
    return (
        Involvement.objects.filter(organisation_id__in=list(organisation_ids))
        .filter(_active_on(on))
        .values("person_id")
        .distinct()
        .count()
    )


def text_names_known_person(actor: Any, text: str) -> bool:
    """Does `text` hold a known person's first and last name side by side (either order, accents and case
    aside)? See the module's rule 2: a yes or no only, audited without a person."""
    words = [fold(word) for word in _WORD.findall(text or "")][:_MAX_WORDS]
    words = [word for word in words if word]
    found = False
    if len(words) >= 2:
        spoken = f" {' '.join(words)} "
        # Candidates by last name: any word, or two or three words together ("van den berg"), as written folded.
        grams = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
        lookups = Q()
        for gram in grams:
            if len(gram) >= 2:
                lookups |= Q(last_name__iexact=gram)
        # Written with accents in the file but not in the text (or the reverse): compare folded in Python.
        candidates = Person.objects.not_anonymised().exclude(last_name="")
        names = candidates.filter(lookups).values_list("first_name", "last_name") if lookups else []
        for first, last in names:
            first, last = fold(first), fold(last)
            if first and last and (f" {first} {last} " in spoken or f" {last} {first} " in spoken):
                found = True
                break
        if not found:
            found = _accented_match(words, spoken)
    audit.record(
        actor=actor,
        action=Action.SEARCH,
        outcome=Outcome.ALLOWED,
        category=Category.IDENTITY,
        purpose=TEXT_PRIVACY_CHECK,
        extra={"words": len(words)},
    )
    return found


def _accented_match(words: list[str], spoken: str) -> bool:
    """Names stored with accents or hyphens that the text wrote plainly ("Lefevre" for "Lefèvre"): look up the
    last names that start like a word of the text, then compare folded."""
    prefixes = {word[:3] for word in words if len(word) >= 3}
    if not prefixes:
        return False
    lookups = Q()
    for prefix in prefixes:
        lookups |= Q(last_name__istartswith=prefix)
    rows = (
        Person.objects.not_anonymised()
        .exclude(last_name="")
        .filter(lookups)
        .values_list("first_name", "last_name")[:20000]
    )
    for first, last in rows:
        first, last = fold(first), fold(last)
        if first and last and (f" {first} {last} " in spoken or f" {last} {first} " in spoken):
            return True
    return False


def caseloads(organisation_ids: list[int], on: dt.date) -> tuple[dict[int, int], dict[int, int], int]:
    """For network analytics: ({organisation: persons followed on `on`}, {organisation: of them with a heavy
    open need (weight 4 or 5)}, distinct persons followed by any of them). Counts only."""
    from django.db.models import Count, Exists, OuterRef

    from maillage.people.enums import OPEN_NEED_STATUSES
    from maillage.people.models import Need

    active = Involvement.objects.filter(organisation_id__in=organisation_ids).filter(_active_on(on))
    active = active.exclude(status=InvolvementStatus.ENDED, ended_on__isnull=True)
    load = dict(active.values_list("organisation_id").annotate(n=Count("person_id", distinct=True)).order_by())
    heavy_need = Need.objects.filter(person_id=OuterRef("person_id"), status__in=OPEN_NEED_STATUSES, weight__gte=4)
    heavy = dict(
        active.filter(Exists(heavy_need))
        .values_list("organisation_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    persons = active.values("person_id").distinct().count()
    return load, heavy, persons


def followed_together(network_id: int, members_sql: str, start: dt.date, end: dt.date) -> dict[tuple[int, int], int]:
    """For network analytics: {(organisation a, organisation b), a < b: persons both followed during the period},
    among the organisations `members_sql` selects. Counts of pairs only."""
    from django.db import connection

    table = Involvement._meta.db_table
    active = "{t}.started_on <= %s AND ({t}.ended_on IS NULL OR {t}.ended_on >= %s) AND {t}.organisation_id IN ({m})"
    sql = (
        f"SELECT a.organisation_id, b.organisation_id, COUNT(DISTINCT a.person_id) FROM {table} a "  # noqa: S608
        f"JOIN {table} b ON b.person_id = a.person_id AND a.organisation_id < b.organisation_id "
        f"WHERE {active.format(t='a', m=members_sql)} AND {active.format(t='b', m=members_sql)} "
        "GROUP BY a.organisation_id, b.organisation_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [end, start, network_id, end, start, network_id])
        return {(a, b): n for a, b, n in cursor.fetchall()}


def open_needs_by_commune(organisation_ids: list[int], on: dt.date) -> dict[tuple[int, int], int]:
    """For network analytics (unmet needs): {(commune, life domain): distinct persons with a need of that domain
    open}, among the persons these organisations followed on `on` whose commune is known. A need's life domain is
    its term, or the term's parent for a sub-term. Counts of pairs only; the caller hides counts under
    `SMALL_CELL`."""
    from django.db.models import Case, Count, Exists, F, OuterRef, When

    from maillage.people.enums import OPEN_NEED_STATUSES
    from maillage.people.models import Need

    followed = Involvement.objects.filter(person_id=OuterRef("person_id"), organisation_id__in=organisation_ids)
    followed = followed.filter(_active_on(on)).exclude(status=InvolvementStatus.ENDED, ended_on__isnull=True)
    rows = (
        Need.objects.filter(status__in=OPEN_NEED_STATUSES, person__commune__isnull=False)
        .filter(Exists(followed))
        .annotate(
            domain=Case(
                When(term__level__gt=1, term__parent__isnull=False, then=F("term__parent_id")), default=F("term_id")
            )
        )
        .values_list("person__commune_id", "domain")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    return {(commune, domain): n for commune, domain, n in rows}

"""Finding a person outside one's network, the lawful way (door rule 4, its one exception).

A professional who meets someone may ask whether a file already exists for them, but only by giving every
identifying fact: first and last name (compared folded: accents, case and hyphens aside), birth date and commune.
The answer says no more than "a file exists" (then: ask the referent to join the network, or break the glass) or
"no file found"; it never shows the person's data. Each check is a disclosure: it is audited as a SEARCH of
IDENTITY, with the person's id when it matched (so that the person sees it on "who saw my file") and without
one when nothing matched, and a professional may check at most `EXISTENCE_CHECK_DAILY_CAP` times in 24 hours.

Opening a new file warns the same way when the name and birth date match a file (`duplicates`).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.access import audit, door
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.access.models import AccessEvent
from maillage.accounts.models import User
from maillage.core.text import fold
from maillage.people import purposes
from maillage.people.models import Person

EXISTENCE_CHECK = purposes.EXISTENCE_CHECK
DUPLICATE_CHECK = purposes.DUPLICATE_CHECK
CAP_WINDOW = dt.timedelta(hours=24)


class Found:
    NONE = "none"  # no file matches every fact
    ELSEWHERE = "elsewhere"  # a file exists, outside the actor's network
    MINE = "mine"  # a file exists and the actor already follows the person


@dataclass(frozen=True)
class Answer:
    found: str
    public_id: Any = None  # only when a file exists: the break-the-glass and join request need it


def existence_check_daily_cap() -> int:
    return int(getattr(settings, "EXISTENCE_CHECK_DAILY_CAP", 10))


def existence_cap_message() -> str:
    cap = existence_check_daily_cap()
    return ngettext(
        "You have reached the limit of %(cap)s check in 24 hours. Ask the network coordinator if you need more.",
        "You have reached the limit of %(cap)s checks in 24 hours. Ask the network coordinator if you need more.",
        cap,
    ) % {"cap": cap}


def _matching(first_name: str, last_name: str, birth_date: dt.date, commune_ids: list[int] | None) -> list[Person]:
    candidates = Person.objects.not_anonymised().filter(birth_date=birth_date)
    if commune_ids is not None:
        candidates = candidates.filter(commune_id__in=commune_ids)
    first, last = fold(first_name), fold(last_name)
    return [
        person
        for person in candidates.order_by("pk")
        if fold(person.first_name) == first and fold(person.last_name) == last
    ]


def _checks_in_window(user_id: int, now: dt.datetime) -> int:
    return AccessEvent.objects.filter(
        actor_id=user_id, action=Action.SEARCH, purpose=EXISTENCE_CHECK, created_at__gt=now - CAP_WINDOW
    ).count()


def existence_checks_left(actor: Any) -> int:
    user = getattr(actor, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return max(0, existence_check_daily_cap() - _checks_in_window(user.pk, timezone.now()))


def existence_check(
    actor: Any, *, first_name: str, last_name: str, birth_date: dt.date, commune_ids: list[int]
) -> Answer:
    """Does a file exist for the person with exactly these facts? Only a professional may ask; every fact is
    needed; the daily cap counts every check, found or not (`ValidationError` beyond it)."""
    user = getattr(actor, "user", None)
    if not getattr(actor, "is_professional", False) or user is None:
        raise ValidationError(_message_not_professional())
    if not (fold(first_name) and fold(last_name) and birth_date and commune_ids):
        raise ValidationError(_message_all_facts())
    with transaction.atomic():
        # One check at a time per professional, so that concurrent checks cannot pass the cap together.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        if _checks_in_window(user.pk, timezone.now()) >= existence_check_daily_cap():
            audit.record(
                actor=actor,
                action=Action.SEARCH,
                outcome=Outcome.DENIED,
                category=Category.IDENTITY,
                purpose=EXISTENCE_CHECK,
                reason=Reason.DAILY_CAP,
            )
            refused = True
        else:
            refused = False
            matches = _matching(first_name, last_name, birth_date, commune_ids)
            _audit_matches(actor, matches, EXISTENCE_CHECK)
    if refused:
        raise ValidationError(existence_cap_message())
    if not matches:
        return Answer(Found.NONE)
    visible = set(door.persons_visible_to(actor).filter(pk__in=[p.pk for p in matches]).values_list("pk", flat=True))
    mine = next((p for p in matches if p.pk in visible), None)
    if mine is not None:
        return Answer(Found.MINE, mine.public_id)
    return Answer(Found.ELSEWHERE, matches[0].public_id)


def duplicates(actor: Any, *, first_name: str, last_name: str, birth_date: dt.date | None) -> Answer:
    """Before opening a file: does one exist with the same name and birth date (folded)? Audited like a check
    (purpose `duplicate_check`), not counted in the daily cap: the actor is about to open a file anyway."""
    if not (birth_date and fold(first_name) and fold(last_name)):
        return Answer(Found.NONE)
    matches = _matching(first_name, last_name, birth_date, None)
    if not matches:
        return Answer(Found.NONE)
    _audit_matches(actor, matches, DUPLICATE_CHECK)
    visible = door.persons_visible_to(actor).filter(pk__in=[p.pk for p in matches]).values_list("pk", flat=True)
    mine = next((p for p in matches if p.pk in set(visible)), None)
    if mine is not None:
        return Answer(Found.MINE, mine.public_id)
    return Answer(Found.ELSEWHERE)  # no id: the professional checks with every fact, or continues


def _audit_matches(actor: Any, matches: list[Person], purpose: str) -> None:
    """An existence check is a disclosure: one SEARCH entry per matched person, or one without a person."""
    events = [
        audit.event_data(
            actor=actor,
            action=Action.SEARCH,
            outcome=Outcome.ALLOWED,
            person=person,
            category=Category.IDENTITY,
            purpose=purpose,
            reason=Reason.EXISTENCE_CHECK,
        )
        for person in (matches or [None])
    ]
    audit.record_many(events)


def _message_not_professional() -> str:
    return _("Only a professional of a partner organisation can check whether a file exists.")


def _message_all_facts() -> str:
    return _("Give the first name, last name, birth date and commune: a check needs every one of them.")


def checked_recently(actor: Any, person: Person) -> bool:
    """Did `actor` learn from an existence check, in the last 24 hours, that this person's file exists? A join
    request needs it: the public id means something to the requester only after that answer."""
    user = getattr(actor, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return AccessEvent.objects.filter(
        actor_id=user.pk,
        person_id=person.pk,
        action=Action.SEARCH,
        purpose=EXISTENCE_CHECK,
        outcome=Outcome.ALLOWED,
        created_at__gt=timezone.now() - CAP_WINDOW,
    ).exists()

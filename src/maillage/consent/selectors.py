"""Reads of consents and objections: the current state (chain heads) and the history (whole chains).

Callers have already let the person through the door (`maillage.access.door.person_for`).
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from maillage.access.door import organisation_opens_file
from maillage.access.enums import Category
from maillage.consent.models import Consent, Objection
from maillage.people.enums import InvolvementRole
from maillage.people.models import Involvement


def consents_current(person) -> QuerySet[Consent]:
    """The person's consents as they stand: heads of the supersession chains, newest first."""
    return Consent.objects.current().filter(person=person).select_related("recipient_organisation", "recorded_by")


def consents_valid(person, moment: datetime | None = None) -> QuerySet[Consent]:
    return Consent.objects.valid_at(moment or timezone.now()).filter(person=person)


def consent_history(person) -> QuerySet[Consent]:
    """Every row ever recorded for the person, newest first: nothing is overwritten."""
    return (
        Consent.objects.filter(person=person)
        .select_related("recipient_organisation", "recorded_by", "revoked_by", "supersedes")
        .order_by("-created_at", "-pk")
    )


def objections_active(person) -> QuerySet[Objection]:
    return Objection.objects.active().filter(person=person).select_related("organisation")


def objection_history(person) -> QuerySet[Objection]:
    return Objection.objects.filter(person=person).select_related("organisation").order_by("-created_at", "-pk")


def effective_row(chain: Iterable[Consent], moment: datetime) -> Consent | None:
    """The row of one supersession chain in force at `moment`: the latest recorded at or before it."""
    recorded = [row for row in chain if row.created_at <= moment]
    if not recorded:
        return None
    return max(recorded, key=lambda row: (row.created_at, row.pk or 0))


def chain_valid_at(chain: Iterable[Consent], moment: datetime) -> bool:
    """Whether the consent that `chain` records was valid at `moment`: the row then in force was started,
    not expired and not revoked at that moment."""
    row = effective_row(chain, moment)
    return row is not None and row.is_valid_at(moment)


def consent_of(person, pk: int | None) -> Consent | None:
    """The person's consent row with this id, for a view that got the person from the door; None otherwise."""
    return Consent.objects.filter(person=person, pk=pk).first() if pk is not None else None


def objection_of(person, pk: int | None) -> Objection | None:
    """The person's objection row with this id, for a view that got the person from the door; None otherwise."""
    return Objection.objects.filter(person=person, pk=pk).first() if pk is not None else None


def opens_nothing_without_identity(person, *, recipient_organisation, categories: Iterable[str]) -> bool:
    """Would a sharing of these categories open nothing to (some of) its recipients? A file opens only with the
    identity: a sharing without it covers data nobody can reach, unless the recipient already sees the identity
    on another basis. The recipient is one organisation, or the care team (every organisation involved now)."""
    if Category.IDENTITY in categories:
        return False
    if recipient_organisation is not None:
        organisation_ids = [recipient_organisation.pk]
    else:
        organisation_ids = set(
            Involvement.objects.active().filter(person=person).values_list("organisation_id", flat=True)
        )
    return any(not organisation_opens_file(person, organisation_id) for organisation_id in organisation_ids)


def referent_loses_file(person, consent: Consent) -> bool:
    """Would revoking `consent` take the file away from the referent too? True when the referent's organisation
    opens the file now and no other valid basis would still share the identity with it: the person is warned first.
    """
    referent = Involvement.objects.active().filter(person=person, role=InvolvementRole.REFERENT).first()
    if referent is None or not organisation_opens_file(person, referent.organisation_id):
        return False
    others = consents_valid(person).exclude(pk=consent.pk)
    return not any(
        Category.IDENTITY in other.categories and other.recipient_organisation_id in (None, referent.organisation_id)
        for other in others
    )

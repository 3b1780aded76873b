"""Reads of consents and objections: the current state (chain heads) and the history (whole chains).

Callers have already let the person through the door (`maillage.access.door.person_for`).
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from maillage.consent.models import Consent, Objection


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

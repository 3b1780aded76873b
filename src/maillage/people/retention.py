"""Retention: anonymise the files without activity for `PERSON_RETENTION_DAYS` (GDPR art. 5.1.e and 17).

Anonymising cleans every copy of the person's personal data, history rows included: identity and
contact, their own login, words in needs, the primary network (third parties), notes, purposes and
reasons written in free text, in consents, objections, changes of referent, proposals to end an
involvement and emergency accesses, the earlier values kept to explain refused edits and the answers kept
for replayed API requests.
What stays carries no personal data and is what the law and the network's indicators need: the row
ids of the audit log (which hold ids only and keep their hash chain intact), the involvements of
organisations with their dates and roles, the needs' life domains, statuses and weights, the legal
bases and categories of consents. The file shows nothing to anyone afterwards (the door's rule 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from maillage.access import audit
from maillage.access.enums import Action, Outcome
from maillage.access.models import BreakGlassGrant
from maillage.accounts.models import User
from maillage.consent.models import Consent, Objection
from maillage.core.models import Submission, VersionLog
from maillage.people.exports import retention_days
from maillage.people.models import (
    ContactPreference,
    InformationRecord,
    Involvement,
    InvolvementEndProposal,
    Need,
    Person,
    ReferentChange,
    Relation,
    SpaceMessage,
)

PURPOSE = "retention_anonymise"
ERASURE_PURPOSE = "erasure_request"


@dataclass(frozen=True)
class AnonymiseResult:
    persons: int
    dry_run: bool


def due_for_anonymisation(now: dt.datetime | None = None) -> QuerySet[Person]:
    """Files not anonymised yet whose last activity is older than the retention period."""
    limit = (now or timezone.now()) - dt.timedelta(days=retention_days())
    return Person.objects.filter(anonymised_at__isnull=True, last_activity_at__lt=limit).order_by("pk")


def not_anonymised(public_id: UUID) -> int | None:
    """The id of the file with this public id if it is not anonymised yet (for the erasure command)."""
    return Person.objects.filter(public_id=public_id, anonymised_at__isnull=True).values_list("pk", flat=True).first()


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def anonymise(person_ids: list[int], *, purpose: str = PURPOSE, batch_size: int = 500) -> int:
    """Anonymise these files, one transaction per batch. Returns how many were anonymised."""
    done = 0
    for batch in _batches(person_ids, batch_size):
        with transaction.atomic():
            persons = list(Person.objects.select_for_update().filter(pk__in=batch, anonymised_at__isnull=True))
            ids = [p.pk for p in persons]
            if not ids:
                continue
            now = timezone.now()
            user_ids = [p.user_id for p in persons if p.user_id]
            Person.objects.filter(pk__in=ids).update(
                first_name="—",
                last_name="",
                birth_date=None,
                phone="",
                email="",
                commune=None,
                user=None,
                opened_by=None,
                updated_by=None,
                anonymised_at=now,
                last_activity_at=now,
            )
            for user in User.objects.filter(pk__in=user_ids, kind="PERSON"):
                user.email = f"anonymised-{user.public_id}@maillage.invalid"
                user.first_name = user.last_name = user.phone = user.username = ""
                user.is_active = False
                user.set_unusable_password()
                user.save(
                    update_fields=["email", "first_name", "last_name", "phone", "username", "is_active", "password"]
                )
            Relation.objects.filter(person_id__in=ids).delete()
            ContactPreference.objects.filter(person_id__in=ids).delete()
            SpaceMessage.objects.filter(person_id__in=ids).delete()
            Need.objects.filter(person_id__in=ids).update(own_words="", updated_by=None)
            InformationRecord.objects.filter(person_id__in=ids).update(note="")
            Involvement.objects.filter(person_id__in=ids).update(end_detail="", updated_by=None)
            ReferentChange.objects.filter(person_id__in=ids).update(reason="")
            InvolvementEndProposal.objects.filter(person_id__in=ids).update(detail="", answer_comment="")
            # Append-only histories: their rows are kept, the free text in them is cleaned in place.
            Consent.objects.filter(person_id__in=ids).update(purpose="")
            Objection.objects.filter(person_id__in=ids).update(note="")
            BreakGlassGrant.objects.filter(person_id__in=ids).update(reason="")
            # Earlier values kept for stale-write messages, and answers kept for replays: copies, erased.
            VersionLog.objects.filter(subject_id__in=ids).delete()
            Submission.objects.filter(subject_id__in=ids).delete()
            audit.record_many(
                audit.event_data(action=Action.DELETE, outcome=Outcome.ALLOWED, person=pk, purpose=purpose)
                for pk in ids
            )
            done += len(ids)
    return done


def anonymise_due(*, dry_run: bool = False, now: dt.datetime | None = None) -> AnonymiseResult:
    ids = list(due_for_anonymisation(now).values_list("pk", flat=True))
    if dry_run:
        return AnonymiseResult(persons=len(ids), dry_run=True)
    return AnonymiseResult(persons=anonymise(ids), dry_run=False)

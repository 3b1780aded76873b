"""Recording the person's say over sharing: consents and legal bases, objections, and their withdrawal.

Append-only: revoking a consent or withdrawing an objection adds a row that supersedes the previous one,
so the history is kept and never overwritten. Those working with the person (an active involvement) and
the person themselves may record them (the door's rule 8). When the person acts from their own space,
their referent is told by e-mail by a background task after the commit (audited as NOTIFY).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.access import audit, door
from maillage.access.enums import Action, Category, Outcome
from maillage.access.tasks import tell_referent_of_sharing_change
from maillage.consent.enums import HowGiven, LegalBasis, SharingChange
from maillage.consent.models import Consent, Objection
from maillage.core.versioning import superseded_meanwhile
from maillage.people.models import InformationRecord


def _is_self(actor: Any, person: Any) -> bool:
    user = getattr(actor, "user", None)
    return bool(user is not None and getattr(actor, "is_person", False) and person.user_id == user.pk)


def _audit(actor, person, purpose, decision, **extra) -> None:
    audit.record(
        actor=actor,
        action=Action.SHARE,
        outcome=Outcome.ALLOWED,
        person=person,
        category=Category.IDENTITY,
        purpose=purpose,
        reason=decision.reason if decision else "",
        organisation_id=decision.organisation_id if decision and decision.organisation_id else None,
        extra=extra,
    )


def _tell_referent(person: Any, change: SharingChange) -> None:
    """After the commit, a background task tells the referent the person changed their sharing."""
    person_id = person.pk
    transaction.on_commit(lambda: tell_referent_of_sharing_change.enqueue(person_id, change.value))


def _consent_insert(
    actor: Any,
    *,
    person: Any,
    recipient_organisation: Any,
    purpose: str,
    categories: Iterable[Category | str],
    legal_basis: str,
    how_given: str,
    starts_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    supersedes: Consent | None = None,
    audit_purpose: str = "consent_write",
    decision: Any = None,
) -> Consent:
    consent = Consent(
        person=person,
        recipient_organisation=recipient_organisation,
        purpose=purpose,
        categories=sorted({str(Category(c)) for c in categories}),
        legal_basis=legal_basis,
        how_given=how_given,
        recorded_by=getattr(actor, "user", None),
        recorded_by_organisation=getattr(actor, "organisation", None),
        starts_at=starts_at or timezone.now(),
        expires_at=expires_at,
        supersedes=supersedes,
    )
    consent.full_clean()
    consent.save()
    _audit(actor, person, audit_purpose, decision, consent=consent.pk)
    return consent


def consent_record(
    actor: Any,
    *,
    person: Any,
    purpose: str,
    categories: Iterable[Category | str],
    legal_basis: str = LegalBasis.CONSENT,
    how_given: str = HowGiven.ORAL_RECORDED,
    recipient_organisation: Any = None,
    starts_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    audit_purpose: str = "consent_write",
) -> Consent:
    """Record a consent or another legal basis for sharing `categories` with an organisation or the care team.

    Care-team sharing needs the person to have been informed beforehand (an information record).
    A consent given by the person in their own space is ELECTRONIC_BY_PERSON, and their referent is told.
    """
    decision = door.require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=audit_purpose)
    categories = list(categories)
    by_person = _is_self(actor, person)
    if by_person:
        how_given = HowGiven.ELECTRONIC_BY_PERSON
        if legal_basis != LegalBasis.CONSENT:
            raise ValidationError({"legal_basis": _("From your own space you can give your consent.")})
    if legal_basis == LegalBasis.LEGAL_OBLIGATION:
        how_given = HowGiven.NOT_APPLICABLE
    if legal_basis == LegalBasis.CARE_TEAM_SHARING and not InformationRecord.objects.filter(person=person).exists():
        raise ValidationError(
            {"legal_basis": _("Care-team sharing needs the person to have been informed beforehand.")}
        )
    with transaction.atomic():
        consent = _consent_insert(
            actor,
            person=person,
            recipient_organisation=recipient_organisation,
            purpose=purpose,
            categories=categories,
            legal_basis=legal_basis,
            how_given=how_given,
            starts_at=starts_at,
            expires_at=expires_at,
            audit_purpose=audit_purpose,
            decision=decision,
        )
        if by_person:
            _tell_referent(person, SharingChange.CONSENT_GIVEN)
    return consent


# What a professional or the person reads of a consent or an objection: shown when it changed meanwhile.
CONSENT_FIELDS = ("categories", "purpose", "recipient_organisation", "expires_at", "revoked_at")
OBJECTION_FIELDS = ("category", "organisation", "note", "withdrawn_at")


def _current(consent: Consent) -> Consent:
    """The row itself, if nothing supersedes it; otherwise `StaleWrite`: the change came too late (ADR 5).

    The row is locked first, so that of two supersessions of one row only the first is made.
    """
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if Consent.objects.filter(supersedes=consent).exists():
        raise superseded_meanwhile(consent, CONSENT_FIELDS)
    return consent


def consent_revoke(actor: Any, *, consent: Consent, audit_purpose: str = "consent_write") -> Consent:
    """Revoke a consent or sharing basis from now on: a new row supersedes it, with the revocation.

    Takes effect at the very next request of every professional concerned.
    """
    person = consent.person
    decision = door.require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=audit_purpose)
    with transaction.atomic():
        current = _current(consent)
        if current.revoked_at is not None:
            raise ValidationError(_("This consent was already revoked."))
        now = timezone.now()
        revoked = Consent(
            person=person,
            recipient_organisation_id=current.recipient_organisation_id,
            purpose=current.purpose,
            categories=current.categories,
            legal_basis=current.legal_basis,
            how_given=current.how_given,
            recorded_by=getattr(actor, "user", None),
            recorded_by_organisation=getattr(actor, "organisation", None),
            starts_at=current.starts_at,
            expires_at=current.expires_at,
            revoked_at=now,
            revoked_by=getattr(actor, "user", None),
            supersedes=current,
            created_at=now,
        )
        revoked.full_clean()
        revoked.save()
        _audit(actor, person, audit_purpose, decision, consent=revoked.pk, revoked=current.pk)
        if _is_self(actor, person):
            _tell_referent(person, SharingChange.CONSENT_WITHDRAWN)
    return revoked


def consent_change(
    actor: Any,
    *,
    consent: Consent,
    categories: Iterable[Category | str] | None = None,
    expires_at: Any = ...,
    purpose: str | None = None,
    audit_purpose: str = "consent_write",
) -> Consent:
    """Change the categories, expiry or purpose of a consent: a new row supersedes it (history kept)."""
    person = consent.person
    decision = door.require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=audit_purpose)
    with transaction.atomic():
        current = _current(consent)
        if current.revoked_at is not None:
            raise ValidationError(_("A revoked consent cannot be changed: record a new one."))
        changed = _consent_insert(
            actor,
            person=person,
            recipient_organisation=current.recipient_organisation,
            purpose=current.purpose if purpose is None else purpose,
            categories=current.categories if categories is None else categories,
            legal_basis=current.legal_basis,
            how_given=HowGiven.ELECTRONIC_BY_PERSON if _is_self(actor, person) else current.how_given,
            starts_at=current.starts_at,
            expires_at=current.expires_at if expires_at is ... else expires_at,
            supersedes=current,
            audit_purpose=audit_purpose,
            decision=decision,
        )
        if _is_self(actor, person):
            _tell_referent(person, SharingChange.CONSENT_CHANGED)
    return changed


def objection_record(
    actor: Any,
    *,
    person: Any,
    category: Category | str,
    organisation: Any = None,
    note: str = "",
    audit_purpose: str = "objection_write",
) -> Objection:
    """The person objects to sharing `category` with `organisation` (or with any organisation, if None).

    Overrides every consent and care-team sharing for that category, from the next request on.
    """
    decision = door.require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=audit_purpose)
    with transaction.atomic():
        objection = Objection(
            person=person,
            organisation=organisation,
            category=str(Category(category)),
            note=note,
            recorded_by=getattr(actor, "user", None),
        )
        objection.full_clean()
        objection.save()
        _audit(actor, person, audit_purpose, decision, objection=objection.pk)
        if _is_self(actor, person):
            _tell_referent(person, SharingChange.OBJECTION_RECORDED)
    return objection


def objection_withdraw(actor: Any, *, objection: Objection, audit_purpose: str = "objection_write") -> Objection:
    """Withdraw an objection: a new row supersedes it, with the withdrawal date."""
    person = objection.person
    decision = door.require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=audit_purpose)
    with transaction.atomic():
        current = Objection.objects.select_for_update().get(pk=objection.pk)
        if Objection.objects.filter(supersedes=current).exists():
            raise superseded_meanwhile(current, OBJECTION_FIELDS)
        if current.withdrawn_at is not None:
            raise ValidationError(_("This objection was already withdrawn or changed."))
        now = timezone.now()
        withdrawn = Objection(
            person=person,
            organisation_id=current.organisation_id,
            category=current.category,
            note=current.note,
            recorded_by=getattr(actor, "user", None),
            created_at=current.created_at,
            withdrawn_at=now,
            withdrawn_by=getattr(actor, "user", None),
            supersedes=current,
        )
        withdrawn.full_clean()
        withdrawn.save()
        _audit(actor, person, audit_purpose, decision, objection=withdrawn.pk, withdrawn=current.pk)
        if _is_self(actor, person):
            _tell_referent(person, SharingChange.OBJECTION_WITHDRAWN)
    return withdrawn

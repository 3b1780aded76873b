"""Writes of the person pages: each one checked at the door, atomic, and audited (ids only).

`<noun>_<verb>(actor, *, ...)`: the actor first, keyword-only arguments after. Callers have already
resolved the person through `person_for`; each write asks the door again for its own action and
category (`require`), so a service called from elsewhere cannot skip the check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.access import audit
from maillage.access.door import require
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.access.models import BreakGlassGrant
from maillage.accounts.enums import UserKind
from maillage.accounts.models import Organisation, User
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.consent.models import Consent, Objection
from maillage.directory.models import TaxonomyTerm
from maillage.people import invitations, purposes
from maillage.people.enums import InvolvementRole, InvolvementStatus
from maillage.people.models import InformationRecord, Involvement, Need, Person, ReferentChange, Relation
from maillage.people.presenters import need_category


def _written(actor: Any, person: Person, *, action: Action, category: Category, purpose: str, **extra: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        outcome=Outcome.ALLOWED,
        person=person,
        category=category,
        purpose=purpose,
        extra={key: value for key, value in extra.items() if value is not None},
    )


def _touch(person: Person, actor: Any) -> None:
    person.last_activity_at = timezone.now()
    person.updated_by = getattr(actor, "user", None)
    person.save(update_fields=["last_activity_at", "updated_by", "updated_at"])


def person_create(
    actor: Any,
    *,
    first_name: str,
    last_name: str = "",
    birth_date: dt.date | None = None,
    phone: str = "",
    email: str = "",
    preferred_language: str = "fr",
    information_method: str,
    information_note: str = "",
    shared_categories: Iterable[str] = (),
) -> Person:
    """Open a file: the person, the record that they were informed, and the opener's involvement.

    Who may: a professional acting for one of their organisations. The care-team sharing basis covers
    the categories the person did not object to when informed (`shared_categories`).
    """
    organisation = getattr(actor, "organisation", None)
    if organisation is None or not getattr(actor, "is_professional", False):
        raise ValidationError(_("Only a professional acting for an organisation can open a file."))
    user = actor.user
    with transaction.atomic():
        person = Person(
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            phone=phone,
            email=email,
            preferred_language=preferred_language,
            opened_by=user,
            opened_by_organisation=organisation,
            updated_by=user,
        )
        person.full_clean()
        person.save()
        InformationRecord.objects.create(
            person=person,
            method=information_method,
            informed_by=user,
            organisation=organisation,
            note=information_note,
        )
        Involvement.objects.create(
            person=person,
            organisation=organisation,
            professional=user,
            role=InvolvementRole.INTERVENING,
            updated_by=user,
        )
        categories = sorted(set(shared_categories))
        if categories:
            consent = Consent(
                person=person,
                purpose=_("Coordination of the support within the care team"),
                categories=categories,
                legal_basis=LegalBasis.CARE_TEAM_SHARING,
                how_given=HowGiven.ORAL_RECORDED,
                recorded_by=user,
                recorded_by_organisation=organisation,
            )
            consent.full_clean()
            consent.save()
        _written(actor, person, action=Action.CREATE, category=Category.IDENTITY, purpose=purposes.PERSON_CREATE)
    return person


def need_save(
    actor: Any,
    *,
    person: Person,
    need: Need | None = None,
    term: TaxonomyTerm,
    own_words: str,
    status: str,
    weight: int,
) -> Need:
    """Add or change a need. Who may: whoever may edit the need's category (social, or health)."""
    creating = need is None
    need = need or Need(person=person)
    need.term, need.own_words, need.status, need.weight = term, own_words, status, weight
    category = need_category(need)
    action = Action.CREATE if creating else Action.EDIT
    with transaction.atomic():
        require(actor, person, action=action, category=category, purpose=purposes.NEED_WRITE)
        if status in ("MET", "NO_LONGER_RELEVANT") and need.closed_on is None:
            need.closed_on = timezone.localdate()
        elif status in ("OPEN", "IN_PROGRESS"):
            need.closed_on = None
        need.updated_by = actor.user
        need.full_clean()
        need.save()
        _touch(person, actor)
        _written(actor, person, action=action, category=category, purpose=purposes.NEED_WRITE, need=need.pk)
    return need


RELATION_FIELDS = (
    "name",
    "kind",
    "kind_detail",
    "quality",
    "strength",
    "support_direction",
    "takes_part",
    "keep_contact",
    "phone",
    "email",
)


def relation_save(actor: Any, *, person: Person, relation: Relation | None = None, data: dict) -> Relation:
    """Add or change someone of the primary network. Who may: whoever may edit the social category."""
    creating = relation is None
    relation = relation or Relation(person=person)
    for name in RELATION_FIELDS:
        setattr(relation, name, data[name])
    action = Action.CREATE if creating else Action.EDIT
    with transaction.atomic():
        require(actor, person, action=action, category=Category.SOCIAL, purpose=purposes.RELATION_WRITE)
        relation.updated_by = actor.user
        relation.full_clean()
        relation.save()
        _touch(person, actor)
        _written(
            actor,
            person,
            action=action,
            category=Category.SOCIAL,
            purpose=purposes.RELATION_WRITE,
            relation=relation.pk,
        )
    return relation


def involvement_create(
    actor: Any,
    *,
    person: Person,
    organisation: Organisation,
    role: str,
    life_domains: Iterable[TaxonomyTerm],
    started_on: dt.date,
) -> Involvement:
    """Record that an organisation is involved. Who may: an organisation already involved (action SHARE)."""
    if role == InvolvementRole.REFERENT:
        raise ValidationError(_("The referent is chosen with the person on the page 'Change the referent'."))
    with transaction.atomic():
        require(actor, person, action=Action.SHARE, category=Category.COORDINATION, purpose=purposes.INVOLVEMENT_WRITE)
        if Involvement.objects.active().filter(person=person, organisation=organisation).exists():
            raise ValidationError(_("This organisation is already involved with the person."))
        involvement = Involvement(
            person=person, organisation=organisation, role=role, started_on=started_on, updated_by=actor.user
        )
        involvement.full_clean()
        involvement.save()
        involvement.life_domains.set(list(life_domains))
        _touch(person, actor)
        _written(
            actor,
            person,
            action=Action.SHARE,
            category=Category.COORDINATION,
            purpose=purposes.INVOLVEMENT_WRITE,
            involvement=involvement.pk,
        )
    return involvement


def involvement_end(
    actor: Any, *, person: Person, involvement: Involvement, ended_on: dt.date, end_reason: str, end_detail: str = ""
) -> Involvement:
    """End an involvement; it stays in the history. Ending the referent's involvement leaves no referent."""
    with transaction.atomic():
        require(actor, person, action=Action.SHARE, category=Category.COORDINATION, purpose=purposes.INVOLVEMENT_WRITE)
        if involvement.status == InvolvementStatus.ENDED:
            raise ValidationError(_("This involvement has already ended."))
        if ended_on < involvement.started_on:
            raise ValidationError({"ended_on": _("An involvement cannot end before it starts.")})
        was_referent = involvement.role == InvolvementRole.REFERENT
        involvement.status = InvolvementStatus.ENDED
        involvement.ended_on = ended_on
        involvement.end_reason = end_reason
        involvement.end_detail = end_detail
        involvement.updated_by = actor.user
        involvement.full_clean()
        involvement.save(update_fields=["status", "ended_on", "end_reason", "end_detail", "updated_by", "updated_at"])
        if was_referent:
            ReferentChange.objects.create(
                person=person,
                from_involvement=involvement,
                to_involvement=None,
                reason=involvement.get_end_reason_display() + (f" — {end_detail}" if end_detail else ""),
                recorded_by=actor.user,
            )
        _touch(person, actor)
        _written(
            actor,
            person,
            action=Action.SHARE,
            category=Category.COORDINATION,
            purpose=purposes.INVOLVEMENT_WRITE,
            involvement=involvement.pk,
        )
    return involvement


def referent_change(
    actor: Any, *, person: Person, organisation: Organisation, reason: str, chosen_with_person: bool
) -> ReferentChange:
    """Make an involved organisation the referent; the previous referent stays involved as intervening.

    Every change is kept with its date and reason.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the referent changes.")})
    with transaction.atomic():
        require(actor, person, action=Action.SHARE, category=Category.COORDINATION, purpose=purposes.REFERENT_CHANGE)
        involvements = Involvement.objects.select_for_update().filter(person=person, status=InvolvementStatus.ACTIVE)
        target = next((i for i in involvements if i.organisation_id == organisation.pk), None)
        if target is None:
            raise ValidationError({"organisation": _("Choose an organisation already involved with the person.")})
        previous = next((i for i in involvements if i.role == InvolvementRole.REFERENT), None)
        if previous is not None and previous.pk == target.pk:
            raise ValidationError({"organisation": _("This organisation is already the referent.")})
        if previous is not None:
            previous.role = InvolvementRole.INTERVENING
            previous.updated_by = actor.user
            previous.save(update_fields=["role", "updated_by", "updated_at"])
        target.role = InvolvementRole.REFERENT
        target.updated_by = actor.user
        target.save(update_fields=["role", "updated_by", "updated_at"])
        change = ReferentChange.objects.create(
            person=person,
            from_involvement=previous,
            to_involvement=target,
            reason=reason.strip(),
            chosen_with_person=chosen_with_person,
            recorded_by=actor.user,
        )
        _touch(person, actor)
        _written(
            actor,
            person,
            action=Action.SHARE,
            category=Category.COORDINATION,
            purpose=purposes.REFERENT_CHANGE,
            referent_change=change.pk,
        )
    return change


# --- consent and objections: append-only rows ------------------------------------------------------------


def consent_record(
    actor: Any,
    *,
    person: Person,
    recipient: Organisation | None,
    purpose: str,
    categories: Iterable[str],
    legal_basis: str,
    how_given: str,
    starts_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
) -> Consent:
    """Record a consent or another legal basis. Who may: an involved professional, or the person."""
    with transaction.atomic():
        require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.CONSENT_WRITE)
        consent = Consent(
            person=person,
            recipient_organisation=recipient,
            purpose=purpose,
            categories=sorted(set(categories)),
            legal_basis=legal_basis,
            how_given=how_given,
            recorded_by=actor.user,
            recorded_by_organisation=getattr(actor, "organisation", None),
            starts_at=starts_at or timezone.now(),
            expires_at=expires_at,
        )
        consent.full_clean()
        consent.save()
        _touch(person, actor)
        _written(
            actor,
            person,
            action=Action.SHARE,
            category=Category.IDENTITY,
            purpose=purposes.CONSENT_WRITE,
            consent=consent.pk,
        )
    _notify_referent_on_commit(actor, person, "consent")
    return consent


def consent_revoke(actor: Any, *, person: Person, consent: Consent) -> Consent:
    """Revoke a consent: a new row supersedes it, with the revocation time and who revoked it."""
    with transaction.atomic():
        require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.CONSENT_WRITE)
        current = Consent.objects.select_for_update().filter(pk=consent.pk, person=person).first()
        if current is None or Consent.objects.filter(supersedes=current).exists() or current.revoked_at:
            raise ValidationError(_("This consent was already changed or revoked."))
        revoked = Consent(
            person=person,
            recipient_organisation_id=current.recipient_organisation_id,
            purpose=current.purpose,
            categories=current.categories,
            legal_basis=current.legal_basis,
            how_given=current.how_given,
            recorded_by=actor.user,
            recorded_by_organisation=getattr(actor, "organisation", None),
            starts_at=current.starts_at,
            expires_at=current.expires_at,
            revoked_at=timezone.now(),
            revoked_by=actor.user,
            supersedes=current,
        )
        revoked.save()
        _touch(person, actor)
        _written(
            actor,
            person,
            action=Action.SHARE,
            category=Category.IDENTITY,
            purpose=purposes.CONSENT_WRITE,
            consent=revoked.pk,
        )
    _notify_referent_on_commit(actor, person, "revocation")
    return revoked


def objection_record(
    actor: Any, *, person: Person, category: str, organisation: Organisation | None, note: str = ""
) -> Objection:
    """The person objects to one category being shared with an organisation (or with anyone)."""
    with transaction.atomic():
        require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.OBJECTION_WRITE)
        objection = Objection(
            person=person, organisation=organisation, category=category, note=note, recorded_by=actor.user
        )
        objection.full_clean()
        objection.save()
        _touch(person, actor)
        _written(
            actor,
            person,
            action=Action.SHARE,
            category=Category.IDENTITY,
            purpose=purposes.OBJECTION_WRITE,
            objection=objection.pk,
        )
    _notify_referent_on_commit(actor, person, "objection")
    return objection


def objection_withdraw(actor: Any, *, person: Person, objection: Objection) -> Objection:
    with transaction.atomic():
        require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.OBJECTION_WRITE)
        current = Objection.objects.select_for_update().filter(pk=objection.pk, person=person).first()
        if current is None or Objection.objects.filter(supersedes=current).exists() or current.withdrawn_at:
            raise ValidationError(_("This objection was already withdrawn."))
        withdrawn = Objection(
            person=person,
            organisation_id=current.organisation_id,
            category=current.category,
            note=current.note,
            recorded_by=actor.user,
            created_at=current.created_at,
            withdrawn_at=timezone.now(),
            withdrawn_by=actor.user,
            supersedes=current,
        )
        withdrawn.save()
        _touch(person, actor)
        _written(
            actor,
            person,
            action=Action.SHARE,
            category=Category.IDENTITY,
            purpose=purposes.OBJECTION_WRITE,
            objection=withdrawn.pk,
        )
    _notify_referent_on_commit(actor, person, "objection_withdrawn")
    return withdrawn


def _notify_referent_on_commit(actor: Any, person: Person, change: str) -> None:
    """When the person changes their own sharing, their referent is told (by e-mail, after the commit)."""
    if not getattr(actor, "is_person", False):
        return
    from maillage.people.notifications import notify_referent_of_sharing_change

    person_id = person.pk
    transaction.on_commit(lambda: notify_referent_of_sharing_change.enqueue(person_id=person_id, change=change))


# --- break the glass -------------------------------------------------------------------------------------


def break_glass_open(actor: Any, *, person: Person, reason: str) -> BreakGlassGrant:
    """Emergency read access for a limited time, with a mandatory reason; the referent and the person are told."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why emergency access is needed.")})
    with transaction.atomic():
        decision = require(
            actor, person, action=Action.BREAK_GLASS, category=Category.IDENTITY, purpose=purposes.BREAK_GLASS
        )
        grant = BreakGlassGrant(
            actor=actor.user, organisation_id=decision.organisation_id, person=person, reason=reason
        )
        grant.full_clean()
        grant.save()
        audit.record(
            actor=actor,
            action=Action.BREAK_GLASS,
            outcome=Outcome.ALLOWED,
            person=person,
            category=Category.IDENTITY,
            purpose=purposes.BREAK_GLASS,
            reason=Reason.BREAK_GLASS,
            break_glass=True,
            organisation_id=decision.organisation_id,
            extra={"grant": grant.pk},
        )
    from maillage.people.notifications import notify_break_glass

    grant_id = grant.pk
    transaction.on_commit(lambda: notify_break_glass.enqueue(grant_id=grant_id))
    return grant


# --- the person's own space -----------------------------------------------------------------------------


def space_invite(actor: Any, *, person: Person) -> User:
    """Create (or reset) the person's own login; the caller sends the link or prints the code.

    Who may: the referent (the caller checks). Any earlier invitation stops working.
    """
    with transaction.atomic():
        require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.SPACE_INVITE)
        user = person.user
        if user is None:
            email = (person.email or "").lower()
            if not email or User.objects.filter(email__iexact=email).exists():
                email = invitations.login_identifier_for_person_without_email(str(person.public_id))
            user = User(
                email=email,
                first_name=person.first_name,
                last_name=person.last_name,
                kind=UserKind.PERSON,
                preferred_language=person.preferred_language,
            )
            user.set_unusable_password()
            user.save()
            person.user = user
            person.save(update_fields=["user", "updated_at"])
        else:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        _written(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=purposes.SPACE_INVITE)
    return user

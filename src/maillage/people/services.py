"""Writes on a person's file: one function per use case, `<noun>_<verb>(actor, *, ...)`.

Each asks the door first (the decision is audited, allowed or denied, outside the transaction so that
denials are kept), then runs atomically, validates with `full_clean()` and records an audit event.
Forbidden or unknown persons raise `Http404`; invalid input raises `ValidationError` with a message; a
change of the secondary network that the door's rule 8 refuses to someone who works with the person raises
`PermissionDenied` with the reason in words (pages and the API show it).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.access import audit, door
from maillage.access.enums import Action, Category, NetworkChange, Outcome, Reason
from maillage.accounts.enums import OrganisationStatus
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.core.versioning import FieldChange, StaleWrite, stale_write
from maillage.people.enums import (
    ContactChannel,
    EndProposalStatus,
    InformationMethod,
    InvolvementEndReason,
    InvolvementRole,
    InvolvementStatus,
    NeedStatus,
    PersonAgreement,
)
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
from maillage.people.notifications import (
    tell_of_involvement_added,
    tell_organisation_of_end_proposal,
    tell_referent_of_end_answer,
    tell_referent_of_involvement_ended,
    tell_referent_of_message,
)

# Needs in these life domains (first part of the term code) are health data; the others social situation.
HEALTH_DOMAINS = frozenset({"health", "mental-health", "addiction", "addictions", "sante", "care"})

PERSON_FIELDS = ("first_name", "last_name", "birth_date", "phone", "email", "preferred_language", "commune")


def need_category(term: Any) -> Category:
    """The data category of a need: HEALTH for the health life domains, SOCIAL otherwise."""
    code = (getattr(term, "code", "") or "").split(".")[0]
    return Category.HEALTH if code in HEALTH_DOMAINS else Category.SOCIAL


def _organisation_id(actor: Any) -> int | None:
    organisation = getattr(actor, "organisation", None)
    return organisation.pk if organisation is not None else None


def _touch(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(last_activity_at=timezone.now())


def _written(actor, person, action, category, purpose, decision=None, **extra) -> None:
    audit.record(
        actor=actor,
        action=action,
        outcome=Outcome.ALLOWED,
        person=person,
        category=category,
        purpose=purpose,
        reason=decision.reason if decision else Reason.INVOLVED,
        organisation_id=decision.organisation_id if decision and decision.organisation_id else None,
        extra=extra,
    )


# --- the file -------------------------------------------------------------------------------------------


def person_create(
    actor: Any,
    *,
    first_name: str,
    last_name: str = "",
    birth_date: dt.date | None = None,
    phone: str = "",
    email: str = "",
    preferred_language: str = "",
    commune: Any = None,
    role: str = InvolvementRole.REFERENT,
    informed_method: str | None = None,
    information_note: str = "",
    sharing_categories: Iterable[Category | str] = (),
    sharing_basis: str = LegalBasis.CARE_TEAM_SHARING,
    how_given: str = HowGiven.ORAL_RECORDED,
    purpose: str = "person_create",
) -> Person:
    """Open a file: the person, the actor's organisation involvement (referent by default), and optionally
    the record that the person was informed and the care-team sharing they did not object to.

    Only a professional acting for their organisation may open a file. Without a sharing basis, the
    organisation knows that the person exists but sees none of their data (the door's rule 6).
    """
    organisation = getattr(actor, "organisation", None)
    if not getattr(actor, "is_professional", False) or organisation is None:
        raise PermissionDenied(_("Only a professional of a partner organisation can open a file."))
    sharing_categories = [Category(c) for c in sharing_categories]
    if sharing_categories and sharing_basis == LegalBasis.CARE_TEAM_SHARING and not informed_method:
        raise ValidationError(
            {"informed_method": _("Care-team sharing needs the person to have been informed beforehand.")}
        )
    with transaction.atomic():
        person = Person(
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            phone=phone,
            email=email,
            commune=commune,
            opened_by=actor.user,
            opened_by_organisation=organisation,
            updated_by=actor.user,
        )
        if preferred_language:
            person.preferred_language = preferred_language
        person.full_clean()
        person.save()
        involvement = Involvement(
            person=person, organisation=organisation, professional=actor.user, role=role, updated_by=actor.user
        )
        involvement.full_clean()
        involvement.save()
        if role == InvolvementRole.REFERENT:
            ReferentChange.objects.create(
                person=person,
                to_involvement=involvement,
                reason=_("File opened"),
                chosen_with_person=True,
                recorded_by=actor.user,
            )
        if informed_method:
            record = InformationRecord(
                person=person,
                method=informed_method,
                informed_by=actor.user,
                organisation=organisation,
                note=information_note,
            )
            record.full_clean()
            record.save()
        _written(actor, person, Action.CREATE, Category.IDENTITY, purpose, None, involvement=involvement.pk)
        if sharing_categories:
            from maillage.consent.services import _consent_insert

            _consent_insert(
                actor,
                person=person,
                recipient_organisation=None,
                purpose=_("Coordination of the support"),
                categories=sharing_categories,
                legal_basis=sharing_basis,
                how_given=how_given if sharing_basis != LegalBasis.LEGAL_OBLIGATION else HowGiven.NOT_APPLICABLE,
                audit_purpose=purpose,
            )
    return person


def person_update(
    actor: Any, *, person: Person, version: int | None = None, purpose: str = "person_update", **fields: Any
) -> Person:
    """Change the person's identity and contact details (category IDENTITY).

    `version` is the version the change was made from (a form's or the API's); `StaleWrite` if the file
    changed since. Without it, the version `person` was loaded at (ADR 5).
    """
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    decision = door.require(actor, person, action=Action.EDIT, category=Category.IDENTITY, purpose=purpose)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(person, name, value)
        person.version = person.version if version is None else version
        person.updated_by = actor.user
        person.last_activity_at = timezone.now()
        person.full_clean()
        person.save(update_fields=[*fields, "updated_by", "updated_at", "last_activity_at"])
        _written(actor, person, Action.EDIT, Category.IDENTITY, purpose, decision, fields=sorted(fields))
    return person


def information_record(
    actor: Any,
    *,
    person: Person,
    method: str = InformationMethod.ORAL,
    informed_at: dt.datetime | None = None,
    note: str = "",
    purpose: str = "information_record",
) -> InformationRecord:
    """Record that the person was informed of the sharing and of their right to object."""
    decision = door.require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=purpose)
    with transaction.atomic():
        record = InformationRecord(
            person=person,
            method=method,
            informed_at=informed_at or timezone.now(),
            informed_by=actor.user,
            organisation_id=_organisation_id(actor),
            note=note,
        )
        record.full_clean()
        record.save()
        _touch(person)
        _written(actor, person, Action.CREATE, Category.IDENTITY, purpose, decision, information=record.pk)
    return record


def contact_preferences_set(
    actor: Any,
    *,
    person: Person,
    preferences: Iterable[tuple[str, str]],
    purpose: str = "contact_preferences",
) -> list[ContactPreference]:
    """Replace the person's contact preferences with `preferences`, an ordered list of (channel, detail)."""
    decision = door.require(actor, person, action=Action.EDIT, category=Category.IDENTITY, purpose=purpose)
    preferences = list(preferences)
    channels = [channel for channel, _detail in preferences]
    if len(set(channels)) != len(channels) or not set(channels) <= set(ContactChannel.values):
        raise ValidationError({"preferences": _("Choose each way of contact once.")})
    with transaction.atomic():
        person.contact_preferences.all().delete()
        rows = [
            ContactPreference(person=person, channel=channel, detail=detail, rank=rank)
            for rank, (channel, detail) in enumerate(preferences, start=1)
        ]
        for row in rows:
            row.full_clean(validate_unique=False)
        ContactPreference.objects.bulk_create(rows)
        _touch(person)
        _written(actor, person, Action.EDIT, Category.IDENTITY, purpose, decision)
    return rows


# --- needs ------------------------------------------------------------------------------------------------


def need_create(
    actor: Any,
    *,
    person: Person,
    term: Any,
    own_words: str = "",
    weight: int = 3,
    status: str = NeedStatus.OPEN,
    purpose: str = "need_write",
) -> Need:
    """Record a need in the person's own words, with how heavy it is for them (1 to 5)."""
    category = need_category(term)
    decision = door.require(actor, person, action=Action.CREATE, category=category, purpose=purpose)
    with transaction.atomic():
        need = Need(person=person, term=term, own_words=own_words, weight=weight, status=status, updated_by=actor.user)
        if status in (NeedStatus.MET, NeedStatus.NO_LONGER_RELEVANT):
            need.closed_on = timezone.localdate()
        need.full_clean()
        need.save()
        _touch(person)
        _written(actor, person, Action.CREATE, category, purpose, decision, need=need.pk)
    return need


def need_update(
    actor: Any,
    *,
    need: Need,
    own_words: str | None = None,
    weight: int | None = None,
    status: str | None = None,
    version: int | None = None,
    purpose: str = "need_write",
) -> Need:
    """Change a need's words, weight or status; closing it (met, no longer relevant) dates it.

    `StaleWrite` if the need changed since `version` (by default, the version `need` was loaded at).
    """
    category = need_category(need.term)
    decision = door.require(actor, need.person, action=Action.EDIT, category=category, purpose=purpose)
    with transaction.atomic():
        changed = ["updated_by", "updated_at"]
        if own_words is not None:
            need.own_words = own_words
            changed.append("own_words")
        if weight is not None:
            need.weight = weight
            changed.append("weight")
        if status is not None and status != need.status:
            need.status = status
            need.closed_on = (
                timezone.localdate() if status in (NeedStatus.MET, NeedStatus.NO_LONGER_RELEVANT) else None
            )
            changed += ["status", "closed_on"]
        need.version = need.version if version is None else version
        need.updated_by = actor.user
        need.full_clean()
        need.save(update_fields=changed)
        _touch(need.person)
        _written(actor, need.person, Action.EDIT, category, purpose, decision, need=need.pk)
    return need


# --- primary network --------------------------------------------------------------------------------------

RELATION_FIELDS = (
    "name",
    "kind",
    "kind_detail",
    "quality",
    "strength",
    "support_direction",
    "keep_contact",
    "phone",
    "email",
    "takes_part",
)


def relation_create(actor: Any, *, person: Person, purpose: str = "relation_write", **fields: Any) -> Relation:
    """Add someone of the person's own network. A name is enough; contacts are kept only if the person wants."""
    unknown = set(fields) - set(RELATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown relation fields: {sorted(unknown)}")
    decision = door.require(actor, person, action=Action.CREATE, category=Category.SOCIAL, purpose=purpose)
    with transaction.atomic():
        relation = Relation(person=person, updated_by=actor.user, **fields)
        relation.full_clean()
        relation.save()
        _touch(person)
        _written(actor, person, Action.CREATE, Category.SOCIAL, purpose, decision, relation=relation.pk)
    return relation


def relation_update(
    actor: Any, *, relation: Relation, version: int | None = None, purpose: str = "relation_write", **fields: Any
) -> Relation:
    """Change someone of the primary network; `StaleWrite` if the relation changed since `version`."""
    unknown = set(fields) - {*RELATION_FIELDS, "ended_on"}
    if unknown:
        raise TypeError(f"Unknown relation fields: {sorted(unknown)}")
    person = relation.person
    decision = door.require(actor, person, action=Action.EDIT, category=Category.SOCIAL, purpose=purpose)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(relation, name, value)
        relation.version = relation.version if version is None else version
        relation.updated_by = actor.user
        relation.full_clean()
        relation.save()
        _touch(person)
        _written(actor, person, Action.EDIT, Category.SOCIAL, purpose, decision, relation=relation.pk)
    return relation


def relation_end(
    actor: Any, *, relation: Relation, ended_on: dt.date | None = None, purpose: str = "relation_write"
) -> Relation:
    return relation_update(actor, relation=relation, ended_on=ended_on or timezone.localdate(), purpose=purpose)


# --- secondary network ------------------------------------------------------------------------------------
# Door rule 8: one organisation does not decide another's access. Each service asks `door.network_change`
# (audited, allowed or denied) and explains a refusal in words; a person the actor may not see at all
# stays a 404.

REFUSALS = {
    Reason.OTHER_ORGANISATION: gettext_lazy(
        "You can end or change only your own organisation's involvement. "
        "To end another organisation's involvement, ask the person's referent: they can propose it."
    ),
    Reason.NOT_REFERENT: gettext_lazy(
        "Only the person's referent can propose to end another organisation's involvement. "
        "Ask the referent, or end your own organisation's involvement."
    ),
}
REFERENT_REFUSAL = gettext_lazy(
    "Only the person, or the current referent handing over, can change the referent. "
    "Talk about it with the referent and the person."
)


def _network_require(actor: Any, person: Person, change: NetworkChange, involvement: Involvement | None, purpose: str):
    """The door's rule 8 decision, or the reason it refuses: `PermissionDenied` with a message the page can
    show when the actor works with the person but may not make this change, `Http404` otherwise."""
    decision = door.network_change(actor, person, change=change, involvement=involvement, purpose=purpose)
    if decision.allowed:
        return decision
    if change == NetworkChange.CHANGE_REFERENT and decision.reason == Reason.NOT_REFERENT:
        raise PermissionDenied(str(REFERENT_REFUSAL))
    if decision.reason in REFUSALS:
        raise PermissionDenied(str(REFUSALS[decision.reason]))
    raise Http404


def _is_person(decision: door.Decision) -> bool:
    return decision.reason == Reason.SELF


def involvement_start(
    actor: Any,
    *,
    person: Person,
    organisation: Any,
    agreement: str = "",
    professional: Any = None,
    role: str = InvolvementRole.INTERVENING,
    life_domains: Iterable[Any] = (),
    started_on: dt.date | None = None,
    reason: str = "",
    chosen_with_person: bool = True,
    purpose: str = "involvement_write",
) -> Involvement:
    """Involve an organisation (and optionally one of its professionals) with the person (door rule 8c, 8d).

    Those already involved, or the person, may do it, recording how the person agreed (`PersonAgreement`):
    the person from their own space (always IN_OWN_SPACE), a professional on paper or orally. The person
    and the referent are told after the commit. An organisation already involved is not added twice.
    Starting a REFERENT involvement moves the current referent (if any) to INTERVENING and keeps the change
    in the referent history.
    """
    decision = _network_require(actor, person, NetworkChange.ADD, None, purpose)
    by_person = _is_person(decision)
    if by_person:
        agreement = PersonAgreement.IN_OWN_SPACE
    elif agreement not in (PersonAgreement.ON_PAPER, PersonAgreement.ORALLY):
        raise ValidationError(
            {
                "agreement": _(
                    "Record how the person agreed to this organisation joining their network (on paper or "
                    "orally). Without their agreement, do not add it."
                )
            }
        )
    if organisation.status != OrganisationStatus.VALIDATED:
        raise ValidationError({"organisation": _("Only an organisation validated by the network can be added.")})
    if professional is not None and not professional.memberships.active().filter(organisation=organisation).exists():
        raise ValidationError({"professional": _("This professional is not a member of that organisation.")})
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one addition at a time per person
        if Involvement.objects.active().filter(person=person, organisation=organisation).exists():
            raise ValidationError({"organisation": _("This organisation is already involved with the person.")})
        previous = None
        if role == InvolvementRole.REFERENT:
            previous = (
                Involvement.objects.select_for_update()
                .filter(person=person, role=InvolvementRole.REFERENT, status=InvolvementStatus.ACTIVE)
                .first()
            )
            if previous is not None:
                previous.role = InvolvementRole.INTERVENING
                previous.updated_by = actor.user
                previous.save(update_fields=["role", "updated_by", "updated_at"])
        involvement = Involvement(
            person=person,
            organisation=organisation,
            professional=professional,
            role=role,
            started_on=started_on or timezone.localdate(),
            agreement=agreement,
            updated_by=actor.user,
        )
        involvement.full_clean()
        involvement.save()
        involvement.life_domains.set(list(life_domains))
        if role == InvolvementRole.REFERENT:
            change = ReferentChange(
                person=person,
                from_involvement=previous,
                to_involvement=involvement,
                reason=reason or _("New referent"),
                chosen_with_person=chosen_with_person,
                recorded_by=actor.user,
            )
            change.full_clean()
            change.save()
        _touch(person)
        _written(
            actor, person, Action.CREATE, Category.COORDINATION, purpose, decision, involvement=involvement.pk,
            organisation=organisation.pk, agreement=agreement,
        )  # fmt: skip
        involvement_id, by_organisation_id = involvement.pk, None if by_person else decision.organisation_id
        transaction.on_commit(lambda: tell_of_involvement_added.enqueue(involvement_id, by_organisation_id))
    return involvement


def involvement_update(
    actor: Any,
    *,
    involvement: Involvement,
    life_domains: Iterable[Any] | None = None,
    professional: Any = ...,
    version: int | None = None,
    purpose: str = "involvement_write",
) -> Involvement:
    """Change the life domains covered or the named professional of one's own organisation's active
    involvement (door rule 8a; naming a professional changes who sees the file).

    `StaleWrite` if the involvement changed since `version`.
    """
    person = involvement.person
    decision = _network_require(actor, person, NetworkChange.EDIT, involvement, purpose)
    with transaction.atomic():
        if professional is not ...:
            if (
                professional is not None
                and not professional.memberships.active().filter(organisation_id=involvement.organisation_id).exists()
            ):
                raise ValidationError({"professional": _("This professional is not a member of that organisation.")})
            involvement.professional = professional
        involvement.version = involvement.version if version is None else version
        involvement.updated_by = actor.user
        involvement.full_clean()
        involvement.save()
        if life_domains is not None:
            involvement.life_domains.set(list(life_domains))
        _written(actor, person, Action.EDIT, Category.COORDINATION, purpose, decision, involvement=involvement.pk)
    return involvement


def involvement_end(
    actor: Any,
    *,
    involvement: Involvement,
    reason: str,
    detail: str = "",
    ended_on: dt.date | None = None,
    version: int | None = None,
    purpose: str = "involvement_write",
) -> Involvement:
    """End one's own organisation's involvement, or (the person) any involvement, with its reason (door rule
    8a, 8d). The row stays: the history is readable. Another organisation's involvement is ended through
    the referent's proposal (`involvement_end_propose`).

    From the next request on, that organisation's professionals no longer see the person (unless another
    involvement of theirs is active). Ending the referent's involvement is recorded in the referent history;
    a proposal still awaiting an answer is closed. When the person ends it, their referent is told.
    """
    person = involvement.person
    decision = _network_require(actor, person, NetworkChange.END, involvement, purpose)
    if version is not None and version != involvement.version:
        raise stale_write(involvement, read_version=version)
    _check_end(involvement, reason)
    with transaction.atomic():
        _close(actor, involvement, reason=reason, detail=detail, ended_on=ended_on)
        _written(actor, person, Action.EDIT, Category.COORDINATION, purpose, decision, involvement=involvement.pk,
                 ended=True)  # fmt: skip
        if _is_person(decision):
            involvement_id = involvement.pk
            transaction.on_commit(lambda: tell_referent_of_involvement_ended.enqueue(involvement_id))
    return involvement


def _check_end(involvement: Involvement, reason: str) -> None:
    if involvement.status == InvolvementStatus.ENDED:
        raise ValidationError(_("This involvement has already ended."))
    if reason not in InvolvementEndReason.values:
        raise ValidationError({"end_reason": _("Choose why the involvement ends.")})


def _close(actor: Any, involvement: Involvement, *, reason: str, detail: str, ended_on: dt.date | None) -> None:
    """End the involvement (inside the caller's transaction), keep the referent history, close its pending
    proposal."""
    locked = Involvement.objects.select_for_update().get(pk=involvement.pk)
    if locked.status == InvolvementStatus.ENDED:
        raise ValidationError(_("This involvement has already ended."))
    person = involvement.person
    was_referent = involvement.role == InvolvementRole.REFERENT
    involvement.status = InvolvementStatus.ENDED
    involvement.ended_on = ended_on or timezone.localdate()
    involvement.end_reason = reason
    involvement.end_detail = detail
    involvement.updated_by = actor.user
    involvement.full_clean()
    involvement.save(update_fields=["status", "ended_on", "end_reason", "end_detail", "updated_by", "updated_at"])
    if was_referent:
        ReferentChange.objects.create(
            person=person,
            from_involvement=involvement,
            to_involvement=None,
            reason=detail or InvolvementEndReason(reason).label,
            chosen_with_person=False,
            recorded_by=actor.user,
        )
    InvolvementEndProposal.objects.filter(involvement=involvement, status=EndProposalStatus.PENDING).update(
        status=EndProposalStatus.CLOSED
    )
    _touch(person)


def involvement_end_propose(
    actor: Any,
    *,
    involvement: Involvement,
    reason: str,
    detail: str = "",
    purpose: str = "involvement_end_proposal",
) -> InvolvementEndProposal:
    """The referent proposes to end another organisation's involvement, with the reason (door rule 8b).

    Nothing ends yet: the affected organisation is told (in the file and by e-mail, after the commit) and
    answers with `involvement_end_answer`. One proposal at a time per involvement.
    """
    person = involvement.person
    decision = _network_require(actor, person, NetworkChange.PROPOSE_END, involvement, purpose)
    if involvement.organisation_id == decision.organisation_id:
        raise ValidationError(_("This is your own organisation's involvement: end it directly."))
    _check_end(involvement, reason)
    if not detail.strip():
        raise ValidationError({"detail": _("Explain the proposal to the organisation in a few words.")})
    with transaction.atomic():
        Involvement.objects.select_for_update().filter(pk=involvement.pk).first()
        if InvolvementEndProposal.objects.filter(involvement=involvement, status=EndProposalStatus.PENDING).exists():
            raise ValidationError(_("A proposal to end this involvement already awaits an answer."))
        proposal = InvolvementEndProposal(
            involvement=involvement,
            person=person,
            proposed_by=actor.user,
            proposed_by_organisation_id=decision.organisation_id,
            reason=reason,
            detail=detail.strip(),
        )
        proposal.full_clean()
        proposal.save()
        _touch(person)
        _written(actor, person, Action.CREATE, Category.COORDINATION, purpose, decision, involvement=involvement.pk,
                 end_proposal=proposal.pk)  # fmt: skip
        proposal_id = proposal.pk
        transaction.on_commit(lambda: tell_organisation_of_end_proposal.enqueue(proposal_id))
    return proposal


def involvement_end_answer(
    actor: Any,
    *,
    proposal: InvolvementEndProposal,
    agree: bool,
    comment: str = "",
    purpose: str = "involvement_end_proposal",
) -> InvolvementEndProposal:
    """The affected organisation answers the referent's proposal (door rule 8b): it agrees, and its
    involvement ends with the proposal's reason; or it objects with a comment, and the involvement stays
    open, the disagreement kept for the referent and the person to see. The referent is told."""
    involvement = proposal.involvement
    person = involvement.person
    decision = _network_require(actor, person, NetworkChange.ANSWER_END, involvement, purpose)
    comment = comment.strip()
    if not agree and not comment:
        raise ValidationError(
            {"comment": _("Say why your organisation disagrees: the referent and the person read it.")}
        )
    with transaction.atomic():
        locked = InvolvementEndProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != EndProposalStatus.PENDING:
            raise ValidationError(_("This proposal was already answered or closed."))
        if agree:
            _close(actor, involvement, reason=proposal.reason, detail=proposal.detail[:255], ended_on=None)
        proposal.status = EndProposalStatus.AGREED if agree else EndProposalStatus.OBJECTED
        proposal.answered_by = actor.user
        proposal.answered_at = timezone.now()
        proposal.answer_comment = comment
        proposal.full_clean()
        proposal.save(update_fields=["status", "answered_by", "answered_at", "answer_comment"])
        _touch(person)
        _written(actor, person, Action.EDIT, Category.COORDINATION, purpose, decision, involvement=involvement.pk,
                 end_proposal=proposal.pk, agreed=agree)  # fmt: skip
        proposal_id = proposal.pk
        transaction.on_commit(lambda: tell_referent_of_end_answer.enqueue(proposal_id))
    return proposal


def referent_change(
    actor: Any,
    *,
    person: Person,
    to_involvement: Involvement,
    reason: str,
    chosen_with_person: bool = True,
    seen_change: int | None = None,
    purpose: str = "referent_change",
) -> ReferentChange:
    """Make an active involvement the person's referent, with the date and reason; the previous referent stays
    involved as INTERVENING. At most one active referent (also a database constraint).

    Who may (door rule 8e): the person, or the current referent's organisation handing over; anyone involved
    only while there is no referent.

    The referent history is append-only: `seen_change` is the id of its latest row when the writer read it
    (their version, ADR 5; 0: there was none); if the referent changed since, `StaleWrite` says from whom to whom.
    """
    decision = _network_require(actor, person, NetworkChange.CHANGE_REFERENT, to_involvement, purpose)
    if to_involvement.person_id != person.pk or to_involvement.status != InvolvementStatus.ACTIVE:
        raise ValidationError(_("The new referent must be an active involvement with this person."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the referent changes.")})
    try:
        with transaction.atomic():
            change = _referent_change(actor, person, to_involvement, reason, chosen_with_person, seen_change)
            _written(actor, person, Action.EDIT, Category.COORDINATION, purpose, decision, referent_change=change.pk,
                     involvement=to_involvement.pk)  # fmt: skip
    except IntegrityError as error:  # two first referents at once (SQLite and PostgreSQL alike)
        raise _referent_changed(person, seen_change) from error
    return change


def _latest_referent_change(person: Person) -> ReferentChange | None:
    return ReferentChange.objects.filter(person=person).order_by("-pk").first()


def _referent_changed(person: Person, seen_change: int | None) -> StaleWrite:
    """Who changed the referent since the writer read the history, from which organisation to which."""

    def organisation(change: ReferentChange | None) -> str:
        if change is None or change.to_involvement is None:
            return _("(empty)")
        return change.to_involvement.organisation.name

    seen = ReferentChange.objects.filter(pk=seen_change).first() if seen_change else None
    latest = _latest_referent_change(person)
    recorder = latest.recorded_by if latest is not None else None
    return StaleWrite(
        read_version=seen_change,
        current_version=latest.pk if latest is not None else None,
        changes=[FieldChange("referent", _("Referent"), organisation(seen), organisation(latest))],
        changed_by=recorder.get_full_name() if recorder is not None else "",
        changed_at=latest.changed_at if latest is not None else None,
    )


def _referent_change(actor, person, to_involvement, reason, chosen_with_person, seen_change) -> ReferentChange:
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one referent change at a time per person
    latest = _latest_referent_change(person)
    if seen_change is not None and seen_change != (latest.pk if latest is not None else 0):
        raise _referent_changed(person, seen_change)
    previous = (
        Involvement.objects.select_for_update()
        .filter(person=person, role=InvolvementRole.REFERENT, status=InvolvementStatus.ACTIVE)
        .first()
    )
    if previous is not None and previous.pk == to_involvement.pk:
        raise ValidationError(_("This involvement is already the referent."))
    if previous is not None:
        previous.role = InvolvementRole.INTERVENING
        previous.updated_by = actor.user
        previous.save(update_fields=["role", "updated_by", "updated_at"])
    to_involvement.role = InvolvementRole.REFERENT
    to_involvement.updated_by = actor.user
    to_involvement.save(update_fields=["role", "updated_by", "updated_at"])
    change = ReferentChange(
        person=person,
        from_involvement=previous,
        to_involvement=to_involvement,
        reason=reason,
        chosen_with_person=chosen_with_person,
        recorded_by=actor.user,
    )
    change.full_clean()
    change.save()
    _touch(person)
    return change


def person_link_user(actor: Any, *, person: Person, user: Any, purpose: str = "space_invite") -> Person:
    """Link the person's own login (their own space) to the file."""
    decision = door.require(actor, person, action=Action.SHARE, category=Category.IDENTITY, purpose=purpose)
    with transaction.atomic():
        person.user = user
        person.full_clean()
        person.save(update_fields=["user", "updated_at"])
        _written(actor, person, Action.EDIT, Category.IDENTITY, purpose, decision, user=user.pk)
    return person


# --- the person writes to their referent ----------------------------------------------------------------


def space_message_send(actor: Any, *, person: Person, body: str, purpose: str = "space_message") -> SpaceMessage:
    """The person, in their own space, writes a short message to their referent organisation.

    Refused (ValidationError) when the person has no referent now. The referent is told after the commit, by
    an e-mail without the text or the person's name.
    """
    decision = door.require(actor, person, action=Action.CREATE, category=Category.COORDINATION, purpose=purpose)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write your message.")})
    referent = (
        Involvement.objects.filter(person=person, role=InvolvementRole.REFERENT, status=InvolvementStatus.ACTIVE)
        .select_related("organisation")
        .first()
    )
    if referent is None:
        raise ValidationError(_("You have no referent now: your message could not be sent."))
    with transaction.atomic():
        message = SpaceMessage(person=person, organisation=referent.organisation, body=body)
        message.full_clean()
        message.save()
        _written(actor, person, Action.CREATE, Category.COORDINATION, purpose, decision, message=message.pk)
        message_id = message.pk
        transaction.on_commit(lambda: tell_referent_of_message.enqueue(message_id))
    return message

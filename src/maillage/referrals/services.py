"""Writes on referrals: one function per use case, `referral_<verb>(actor, *, ...)`.

The rules, in plain words:

1. Sending: a professional of an organisation involved with the person (the door's COORDINATION category)
   refers one need or project objective to another validated organisation, recording how the person agreed.
   The categories shared are picked among `door.categories_shareable` for the receiver; nothing else can be
   picked. A person may not be referred twice to the same organisation for the same need while one is pending.
2. Every move goes through `machine.check_move` (the one table); an illegal move raises `IllegalTransition`
   (409 in the pages and the API). Each move names the `version` it was made from: of two concurrent answers,
   one wins, the other gets `StaleWrite` (409). Each move writes one `ReferralTransition` and one audit entry.
3. The receiver, before it accepts, acts through the door's rule 13 (`door.referral_receiver`), never the file.
   Its opening the referral marks it received (`referral_open`): the header counts only unopened ones.
4. Accepting adds the receiver to the person's network through `people.services.involvement_start` (rule 8c:
   by the sender, with the agreement the sender recorded; by the person when they agreed in their own space)
   and records the person's consent to share the picked categories with it. The person's other pending
   referrals for the same need (or objective) become OBSOLETE.
5. Declining needs a reason (and words for OTHER); completing needs an outcome; cancelling needs a reason.
6. A receiver not on Maillage yet gets, as the referral is sent, a link by e-mail to read and answer it without
   an account (`links`): its holder acts as the receiving side on that referral alone (the door's rule 15).
7. A referral a partner sent outside Maillage (a FHIR import, `referral_record_received`) is recorded by the
   receiving organisation only when both organisations already work with the person; it shares nothing more.
   A sending organisation imports its own referrals through `referral_create`, under rule 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.access import audit, door, referral_door
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.accounts.actors import actor_for
from maillage.accounts.enums import OrganisationStatus, Role
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.consent.services import consent_record
from maillage.core.versioning import StaleWrite
from maillage.people import selectors as people_selectors
from maillage.people import services as people_services
from maillage.people.enums import OPEN_NEED_STATUSES, PersonAgreement
from maillage.people.models import Need, Person
from maillage.referrals import links
from maillage.referrals.enums import (
    PENDING_STATUSES,
    Agreement,
    ContactPreference,
    DeclineReason,
    Party,
    ReferralStatus,
    Urgency,
)
from maillage.referrals.enums import Outcome as ReferralOutcome
from maillage.referrals.machine import IllegalTransition, check_move
from maillage.referrals.models import Referral, ReferralTransition

PURPOSE = "referral"
HOW_GIVEN = {
    Agreement.IN_OWN_SPACE: HowGiven.ELECTRONIC_BY_PERSON,
    Agreement.ON_PAPER: HowGiven.PAPER_SCANNED,
    Agreement.ORALLY: HowGiven.ORAL_RECORDED,
}


# --- who is acting ----------------------------------------------------------------------------------------


def parties_of(actor: Any, referral: Referral) -> frozenset[str]:
    """The sides `actor` acts for on this referral: SYSTEM (no actor), SENDER, RECEIVER, PERSON."""
    if actor is None:
        return frozenset({Party.SYSTEM})
    if isinstance(actor, links.LinkActor):  # rule 6: the link's holder, for its one referral
        return frozenset({Party.RECEIVER}) if actor.link.referral_id == referral.pk else frozenset()
    user = getattr(actor, "user", None)
    if user is None or not user.is_authenticated:
        return frozenset()
    parties = set()
    professional = {m.organisation_id for m in getattr(actor, "memberships", ()) if m.role == Role.PROFESSIONAL}
    if referral.sender_organisation_id in professional:
        parties.add(Party.SENDER)
    if referral.receiver_organisation_id in professional and referral.status != ReferralStatus.DRAFT:
        parties.add(Party.RECEIVER)
    if getattr(actor, "is_person", False) and referral.person.user_id == user.pk:
        parties.add(Party.PERSON)
    return frozenset(parties)


def pass_door(actor: Any, referral: Referral, party: str, *, action: str, purpose: str = PURPOSE) -> door.Decision:
    """The door's decision for this side acting on the referral (audited); `Http404` when refused.

    The receiver before it accepts: rule 13 only. Everyone else: the person's COORDINATION data."""
    person = referral.person
    if party == Party.SYSTEM:
        return door.Decision(True, Reason.DUTY_TO_ALERT)
    if isinstance(actor, links.LinkActor):
        decision = referral_door.external_link(
            person,
            organisation_id=referral.receiver_organisation_id,
            usable=links.usable(actor.link, referral),
            action=action,
            purpose=links.PURPOSE,
            extra={"referral": referral.pk, "link": actor.link.pk},
        )
        if not decision.allowed:
            raise Http404
        return decision
    if party == Party.RECEIVER and not people_selectors.involvement_active(person, referral.receiver_organisation):
        decision = referral_door.referral_receiver(
            actor,
            person,
            organisation_id=referral.receiver_organisation_id,
            action=action,
            purpose=purpose,
            extra={"referral": referral.pk},
        )
        if not decision.allowed:
            raise Http404
        return decision
    if party == Party.SENDER and not people_selectors.involvement_active(person, referral.sender_organisation):
        # Door rule 14: the sender stays responsible until the first contact, even after its involvement ended.
        decision = referral_door.referral_sender(
            actor,
            person,
            organisation_id=referral.sender_organisation_id,
            awaiting_first_contact=referral.status in AWAITING_FIRST_CONTACT,
            action=action,
            purpose=purpose,
            extra={"referral": referral.pk},
        )
        if not decision.allowed:
            raise Http404
        return decision
    return door.require(actor, person, action=action, category=Category.COORDINATION, purpose=purpose)


# The sender stays responsible (door rule 14) while the referral waits for its first contact.
AWAITING_FIRST_CONTACT = (*PENDING_STATUSES, ReferralStatus.ACCEPTED)


def _record(actor: Any, referral: Referral, action: str, decision: door.Decision, **extra: Any) -> None:
    if isinstance(actor, links.LinkActor):
        extra.setdefault("link", actor.link.pk)
    audit.record(
        actor=actor,
        action=action,
        outcome=Outcome.ALLOWED,
        person=referral.person_id,
        category=Category.COORDINATION,
        purpose=PURPOSE,
        reason=decision.reason,
        organisation_id=decision.organisation_id or None,
        extra={"referral": referral.pk, **extra},
    )


# --- sending ------------------------------------------------------------------------------------------------


def may_refer(actor: Any, person: Person, *, viewable: Iterable[str] | None = None, emergency: bool = False) -> bool:
    """Whether the pages offer "Orienter" for this person: a professional acting for its current organisation,
    which the door lets create the person's COORDINATION data (an emergency access does not). A page that has
    the door's categories already (`viewable`, and whether they come from an emergency access) passes them: the
    same rule for an involved organisation, no second decision. Writes no audit entry; `referral_create`
    decides again, audited."""
    membership = getattr(actor, "membership", None)
    if membership is None or membership.role != Role.PROFESSIONAL or emergency:
        return False
    if viewable is not None:
        return Category.COORDINATION in set(viewable)
    decision = door.decide(actor, person, Action.CREATE, Category.COORDINATION)
    return decision.allowed and not decision.break_glass


def referral_create(
    actor: Any,
    *,
    person: Person,
    receiver_organisation: Any,
    expected: str,
    agreement: str,
    life_domain: Any = None,
    need: Need | None = None,
    objective: Any = None,
    receiver_service: Any = None,
    urgency: str = Urgency.NORMAL,
    eligibility: str = "",
    shared_categories: Iterable[str] = (),
    contact_preference: str = ContactPreference.THROUGH_REFERENT,
    show_decline_reason_to_person: bool = True,
    send: bool = True,
    redirected_from: Referral | None = None,
    receiver_email: str = "",
) -> Referral:
    """Rule 1: a referral of `need` (or `objective`) to `receiver_organisation`, sent at once unless `send` is
    False (a draft). `ValidationError` with field messages for bad input; `Http404` when the door refuses."""
    decision = door.require(actor, person, action=Action.CREATE, category=Category.COORDINATION, purpose=PURPOSE)
    sender_organisation = getattr(actor, "organisation", None)
    if sender_organisation is None or decision.organisation_id is None:
        raise Http404
    if decision.organisation_id != sender_organisation.pk:
        sender_organisation = next(
            m.organisation for m in actor.memberships if m.organisation_id == decision.organisation_id
        )
    errors: dict[str, str] = {}
    if need is not None and need.person_id != person.pk:
        raise Http404
    if objective is not None and objective.person_id != person.pk:
        raise Http404
    if life_domain is None:
        life_domain = need.term if need is not None else getattr(objective, "life_domain", None)
    if life_domain is None:
        errors["life_domain"] = _("Say which life domain the referral is about.")
    if receiver_organisation.status != OrganisationStatus.VALIDATED:
        errors["receiver_organisation"] = _("Only an organisation validated by the network can receive a referral.")
    elif receiver_organisation.pk == sender_organisation.pk:
        errors["receiver_organisation"] = _("Refer the person to another organisation than your own.")
    if receiver_service is not None and receiver_service.organisation_id != receiver_organisation.pk:
        errors["receiver_service"] = _("This service belongs to another organisation.")
    if agreement not in Agreement.values:
        errors["agreement"] = _(
            "Record how the person agreed to this referral. Without their agreement, do not send it."
        )
    elif agreement == Agreement.IN_OWN_SPACE:
        errors["agreement"] = _("Only the person records their agreement in their own space.")
    if not (expected or "").strip():
        errors["expected"] = _("Say what you expect from the partner.")
    receiver_email = (receiver_email or "").strip()
    no_address = send and not (receiver_email or receiver_organisation.email)
    if "receiver_organisation" not in errors and no_address and not links.on_maillage(receiver_organisation):
        errors["receiver_email"] = _(
            "This organisation is not on Maillage yet and has no e-mail address: give the address its link "
            "to answer will be sent to."
        )
    shared = sorted({str(c) for c in shared_categories})
    if not errors:
        allowed = referral_door.categories_shareable(actor, person, receiver_organisation)
        refused = [Category(c).label for c in shared if c not in allowed]
        if refused:
            errors["shared_categories"] = _("The person's consent does not allow sharing: %(categories)s.") % {
                "categories": ", ".join(str(c) for c in refused)
            }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        if need is not None and (
            Referral.objects.filter(need=need, receiver_organisation=receiver_organisation)
            .filter(status__in=[ReferralStatus.DRAFT, *PENDING_STATUSES])
            .exists()
        ):
            raise ValidationError(
                {"receiver_organisation": _("This need was already referred to this organisation, still pending.")}
            )
        referral = Referral(
            person=person,
            need=need,
            objective=objective,
            life_domain=life_domain,
            sender_organisation=sender_organisation,
            sender=actor.user,
            receiver_organisation=receiver_organisation,
            receiver_service=receiver_service,
            urgency=urgency,
            expected=expected.strip(),
            eligibility=(eligibility or "").strip(),
            shared_categories=shared,
            receiver_email=receiver_email,
            agreement=agreement,
            contact_preference=contact_preference,
            show_decline_reason_to_person=show_decline_reason_to_person,
            redirected_from=redirected_from,
            status=ReferralStatus.DRAFT,
            status_changed_at=now,
            updated_by=actor.user,
        )
        referral.full_clean()
        referral.save()
        _transition_row(actor, referral, "", ReferralStatus.DRAFT, Party.SENDER, now, "")
        _record(actor, referral, Action.CREATE, decision, receiver=receiver_organisation.pk)
        if send:
            _move(actor, referral, ReferralStatus.SENT, Party.SENDER, decision, version=referral.version)
    return referral


def referral_record_received(
    actor: Any,
    *,
    person: Person,
    sender_organisation: Any,
    expected: str,
    agreement: str,
    life_domain: Any,
    urgency: str = Urgency.NORMAL,
    eligibility: str = "",
    shared_categories: Iterable[str] = (),
    contact_preference: str = ContactPreference.THROUGH_REFERENT,
) -> Referral:
    """Rule 7: the receiving organisation records a referral a partner sent it outside Maillage (a FHIR import).

    The receiver must already work with the person (the door lets it create their COORDINATION data), and so must
    the sending organisation: naming it as sender gives it the referral's page (door rule 14), which only an
    organisation already in the person's network may get this way. Nothing is shared by the import: only the
    sender picks categories to share (rule 1), and the receiver already has what the person's consents give it.
    The referral is SENT, its first row says the receiver recorded it. `ValidationError` with field messages for
    bad input; `Http404` when the door refuses."""
    decision = door.require(actor, person, action=Action.CREATE, category=Category.COORDINATION, purpose=PURPOSE)
    receiver_organisation = getattr(actor, "organisation", None)
    if receiver_organisation is None or decision.organisation_id != receiver_organisation.pk:
        raise Http404
    errors: dict[str, str] = {}
    if sender_organisation.pk == receiver_organisation.pk:
        errors["sender_organisation"] = _("A referral comes from another organisation than yours.")
    elif sender_organisation.status != OrganisationStatus.VALIDATED or not people_selectors.involvement_active(
        person, sender_organisation
    ):
        errors["sender_organisation"] = _(
            "Only an organisation that works with the person now can be recorded as the sender: ask it to send "
            "the referral on Maillage."
        )
    if list(shared_categories):
        errors["shared_categories"] = _(
            "Only the sending organisation picks what to share: record the referral without shared categories."
        )
    if agreement not in (Agreement.ON_PAPER, Agreement.ORALLY):
        errors["agreement"] = _(
            "Record how the person agreed to this referral (on paper or orally). Without their agreement, do not "
            "record it."
        )
    if not (expected or "").strip():
        errors["expected"] = _("Say what you expect from the partner.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        referral = Referral(
            person=person,
            need=open_need(person, life_domain),
            life_domain=life_domain,
            sender_organisation=sender_organisation,
            sender=None,
            receiver_organisation=receiver_organisation,
            urgency=urgency,
            expected=expected.strip(),
            eligibility=(eligibility or "").strip(),
            shared_categories=[],
            agreement=agreement,
            contact_preference=contact_preference,
            status=ReferralStatus.SENT,
            sent_at=now,
            status_changed_at=now,
            updated_by=actor.user,
        )
        referral.full_clean()
        referral.save()
        reason = _("Recorded by the receiving organisation, from the sender's FHIR referral.")
        _transition_row(actor, referral, "", ReferralStatus.SENT, Party.RECEIVER, now, reason)
        _record(actor, referral, Action.CREATE, decision, sender=sender_organisation.pk, imported=True)
    return referral


def open_need(person: Person, life_domain: Any) -> Need | None:
    """The person's open need in this life domain, when there is exactly one (what the referral is about)."""
    needs = list(Need.objects.filter(person_id=person.pk, term=life_domain, status__in=OPEN_NEED_STATUSES)[:2])
    return needs[0] if len(needs) == 1 else None


# --- moving -----------------------------------------------------------------------------------------------


def _transition_row(actor, referral, frm, to, party, at, reason) -> ReferralTransition:
    organisation = None
    if party == Party.SENDER:
        organisation = referral.sender_organisation_id
    elif party == Party.RECEIVER:
        organisation = referral.receiver_organisation_id
    return ReferralTransition.objects.create(
        referral=referral,
        person_id=referral.person_id,
        from_status=frm,
        to_status=to,
        actor=getattr(actor, "user", None),
        organisation_id=organisation,
        party=party,
        at=at,
        reason=reason,
    )


STAMPS = {
    ReferralStatus.SENT: "sent_at",
    ReferralStatus.ACCEPTED: "answered_at",
    ReferralStatus.DECLINED: "answered_at",
    ReferralStatus.WAITING_LIST: "answered_at",
    ReferralStatus.FIRST_CONTACT_DONE: "first_contact_at",
    ReferralStatus.COMPLETED: "completed_at",
}


def _move(
    actor: Any,
    referral: Referral,
    to: str,
    party: str,
    decision: door.Decision,
    *,
    version: int | None,
    reason: str = "",
    fields: dict[str, Any] | None = None,
) -> Referral:
    """Save the move from `version` (StaleWrite if someone moved it first), with its row and audit entry."""
    frm, now = referral.status, timezone.now()
    referral.version = referral.version if version is None else version
    referral.status = to
    referral.status_changed_at = now
    referral.updated_by = getattr(actor, "user", None)
    changed = ["status", "status_changed_at", "updated_by", "updated_at"]
    stamp = STAMPS.get(to)
    if stamp and not (stamp == "answered_at" and referral.answered_at):
        setattr(referral, stamp, now)
        changed.append(stamp)
    for name, value in (fields or {}).items():
        setattr(referral, name, value)
        changed.append(name)
    referral.save(update_fields=changed)
    _transition_row(actor, referral, frm, to, party, now, reason)
    _record(actor, referral, Action.EDIT, decision, to=str(to))
    if to == ReferralStatus.SENT and links.needs_link(referral):
        links.link_issue(actor, referral=referral)  # rule 6: a partner not on Maillage answers through a link
    _tell(referral.pk, str(to), str(party))
    return referral


def _tell(referral_id: int, to: str, party: str) -> None:
    """The other side hears of the move after the commit (`tasks.tell_of_move`: ids only in the queue). A move
    nobody is told of (marking a referral received, a side's own news) enqueues nothing: no queued job, no read."""
    from maillage.referrals.tasks import tell_of_move, tells_anyone

    if tells_anyone(to, party):
        transaction.on_commit(lambda: tell_of_move.enqueue(referral_id, to, party))


def _locked(referral: Referral) -> Referral:
    """The referral as it is now (its status may have moved since it was read)."""
    fresh = Referral.objects.select_related("person", "receiver_organisation", "sender_organisation").get(
        pk=referral.pk
    )
    return fresh


def referral_transition(
    actor: Any,
    *,
    referral: Referral,
    to: str,
    version: int | None = None,
    reason: str = "",
    fields: dict[str, Any] | None = None,
) -> Referral:
    """Move `referral` to `to` as the side `actor` acts for (rule 2). The generic step under the verbs below."""
    parties = parties_of(actor, referral)
    if not parties:
        raise Http404
    read_version = referral.version if version is None else version
    with transaction.atomic():
        current = _locked(referral)
        party = check_move(current.status, to, parties)
        decision = pass_door(actor, current, party, action=Action.EDIT)
        if current.version != read_version:
            current.version = read_version  # the save below refuses it and says what changed (StaleWrite)
        _move(actor, current, to, party, decision, version=read_version, reason=reason, fields=fields)
    referral.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return current


def referral_send(actor: Any, *, referral: Referral, version: int | None = None) -> Referral:
    return referral_transition(actor, referral=referral, to=ReferralStatus.SENT, version=version)


def referral_receive(actor: Any, *, referral: Referral, version: int | None = None) -> Referral:
    return referral_transition(actor, referral=referral, to=ReferralStatus.RECEIVED, version=version)


def referral_open(actor: Any, *, referral: Referral) -> Referral:
    """The receiving organisation opens a referral it was sent: "sent" becomes "received" (time, actor, audit),
    which clears the header's counter of unopened referrals. Anyone else opening it, or a referral already
    received, moves nothing. Of two professionals opening it at once one marks it; the other's page shows it
    as it is (no error: they only looked)."""
    if referral.status != ReferralStatus.SENT or Party.RECEIVER not in parties_of(actor, referral):
        return referral
    try:
        return referral_receive(actor, referral=referral, version=referral.version)
    except (StaleWrite, IllegalTransition):
        referral.refresh_from_db()
        return referral


def referral_waitlist(actor: Any, *, referral: Referral, version: int | None = None, reason: str = "") -> Referral:
    to = ReferralStatus.WAITING_LIST
    return referral_transition(actor, referral=referral, to=to, version=version, reason=reason)


def referral_decline(
    actor: Any, *, referral: Referral, reason: str, detail: str = "", version: int | None = None
) -> Referral:
    """Rule 5: a decline states its reason (and words for OTHER)."""
    if reason not in DeclineReason.values:
        raise ValidationError({"decline_reason": _("Say why you decline.")})
    if reason == DeclineReason.OTHER and not (detail or "").strip():
        raise ValidationError({"decline_detail": _("Say in a few words why you decline.")})
    return referral_transition(
        actor,
        referral=referral,
        to=ReferralStatus.DECLINED,
        version=version,
        reason=DeclineReason(reason).label if not detail else f"{DeclineReason(reason).label}: {detail}",
        fields={"decline_reason": reason, "decline_detail": (detail or "").strip()},
    )


def referral_first_contact(actor: Any, *, referral: Referral, version: int | None = None) -> Referral:
    return referral_transition(actor, referral=referral, to=ReferralStatus.FIRST_CONTACT_DONE, version=version)


def referral_complete(
    actor: Any, *, referral: Referral, outcome: str, reason: str = "", version: int | None = None
) -> Referral:
    """Rule 5: completing states the outcome (need met or not, with a reason when not met)."""
    if outcome not in ReferralOutcome.values:
        raise ValidationError({"outcome": _("Say whether the need was met.")})
    if outcome == ReferralOutcome.NOT_MET and not (reason or "").strip():
        raise ValidationError({"outcome_reason": _("Say why the need was not met.")})
    return referral_transition(
        actor,
        referral=referral,
        to=ReferralStatus.COMPLETED,
        version=version,
        reason=(reason or "").strip(),
        fields={"outcome": outcome, "outcome_reason": (reason or "").strip()},
    )


def referral_cancel(actor: Any, *, referral: Referral, reason: str, version: int | None = None) -> Referral:
    """The sender cancels, or the person refuses (rule 4), with a reason."""
    if not (reason or "").strip():
        raise ValidationError({"cancel_reason": _("Say why the referral is cancelled.")})
    return referral_transition(
        actor,
        referral=referral,
        to=ReferralStatus.CANCELLED,
        version=version,
        reason=reason.strip(),
        fields={"cancel_reason": reason.strip()},
    )


def referral_expire(*, referral: Referral) -> Referral:
    """Maillage expires a referral left unanswered (a background task)."""
    return referral_transition(
        None, referral=referral, to=ReferralStatus.EXPIRED, reason=_("No answer in the time set by the network.")
    )


def referral_accept(actor: Any, *, referral: Referral, version: int | None = None) -> Referral:
    """Rule 4: the receiver accepts; it joins the person's network, the shared categories open to it, and
    the person's other pending referrals for the same need become obsolete."""
    parties = parties_of(actor, referral)
    if Party.RECEIVER not in parties:
        raise Http404 if not parties else IllegalTransition(_("Only the receiving organisation may accept."))
    with transaction.atomic():
        accepted = referral_transition(actor, referral=referral, to=ReferralStatus.ACCEPTED, version=version)
        person = accepted.person
        if people_selectors.involvement_active(person, accepted.receiver_organisation) is None:
            _involve(accepted)
        if accepted.shared_categories:
            recorder = _agreement_recorder(accepted) if isinstance(actor, links.LinkActor) else actor
            try:
                consent_record(
                    recorder,
                    person=person,
                    purpose=_("Referral: what %(organisation)s needs to take over, so the person need not repeat it.")
                    % {"organisation": accepted.receiver_organisation.name},
                    categories=accepted.shared_categories,
                    legal_basis=LegalBasis.CONSENT,
                    how_given=HOW_GIVEN[accepted.agreement],
                    recipient_organisation=accepted.receiver_organisation,
                    audit_purpose=PURPOSE,
                )
            except (Http404, PermissionDenied) as refusal:
                raise IllegalTransition(
                    _("The sending organisation no longer works with the person: ask the referent to add yours.")
                ) from refusal
        _make_obsolete(accepted)
    return accepted


def _agreement_recorder(referral: Referral) -> Any:
    """Who recorded the person's agreement to the referral (the person in their own space, else the sender): it
    records the consent when the receiver, answering through its link, has no account (rule 6)."""
    if referral.agreement == Agreement.IN_OWN_SPACE and referral.person.user_id:
        return actor_for(referral.person.user)
    return actor_for(referral.sender, referral.sender_organisation_id)


def _involve(referral: Referral) -> None:
    """Rule 8c through the people service: the sender adds the receiver with the agreement it recorded (the
    person, when they agreed in their own space)."""
    person = referral.person
    if referral.agreement == Agreement.IN_OWN_SPACE and person.user_id:
        adder, agreement = actor_for(person.user), PersonAgreement.IN_OWN_SPACE
    else:
        adder = actor_for(referral.sender, referral.sender_organisation_id)
        agreement = PersonAgreement.ON_PAPER if referral.agreement == Agreement.ON_PAPER else PersonAgreement.ORALLY
    try:
        people_services.involvement_start(
            adder,
            person=person,
            organisation=referral.receiver_organisation,
            agreement=agreement,
            life_domains=[referral.life_domain],
            purpose=PURPOSE,
        )
    except (Http404, PermissionDenied) as refusal:
        raise IllegalTransition(
            _("The sending organisation no longer works with the person: ask the referent to add yours.")
        ) from refusal


def _make_obsolete(accepted: Referral) -> list[Referral]:
    """The person's other pending referrals for the same need (or objective) become OBSOLETE."""
    if accepted.need_id is None and accepted.objective_id is None:
        return []
    others = Referral.objects.filter(person_id=accepted.person_id, status__in=PENDING_STATUSES).exclude(pk=accepted.pk)
    others = (
        others.filter(need_id=accepted.need_id)
        if accepted.need_id
        else others.filter(objective_id=accepted.objective_id)
    )
    done = []
    for other in others.select_related("person"):
        reason = _("Another partner accepted this need.")
        done.append(referral_transition(None, referral=other, to=ReferralStatus.OBSOLETE, reason=reason))
    return done


def referral_redirect(
    actor: Any, *, referral: Referral, receiver_organisation: Any, receiver_service: Any = None, **fields: Any
) -> Referral:
    """A decline answered in one step: the sender proposes another partner, copying the declined referral."""
    if Party.SENDER not in parties_of(actor, referral):
        raise Http404
    if referral.status != ReferralStatus.DECLINED:
        raise IllegalTransition(_("Only a declined referral can be proposed to another partner."))
    values = {
        "need": referral.need,
        "objective": None,
        "life_domain": referral.life_domain,
        "urgency": referral.urgency,
        "expected": referral.expected,
        "eligibility": referral.eligibility,
        "shared_categories": referral.shared_categories,
        "agreement": referral.agreement,
        "contact_preference": referral.contact_preference,
        "show_decline_reason_to_person": referral.show_decline_reason_to_person,
        **fields,
    }
    if referral.objective_id:
        values["objective"] = referral.objective
    return referral_create(
        actor,
        person=referral.person,
        receiver_organisation=receiver_organisation,
        receiver_service=receiver_service,
        redirected_from=referral,
        **values,
    )


# --- a network's delays --------------------------------------------------------------------------------------


def network_delays_set(
    actor: Any, *, network: Any, remind_after_days: int, expire_after_days: int, version: int | None = None
) -> Any:
    """A network's coordinators set its referral delays (no person data). `PermissionDenied` for anyone else;
    `ValidationError` when a referral would expire before its first reminder; `StaleWrite` from an old page."""
    from maillage.governance.permissions import can_manage
    from maillage.referrals.models import NetworkDelays

    if not can_manage(actor, network):
        raise PermissionDenied(_("Only the network's coordinators set its referral delays."))
    if expire_after_days <= remind_after_days:
        raise ValidationError({"expire_after_days": _("A referral must be reminded at least once before it expires.")})
    with transaction.atomic():
        row = NetworkDelays.objects.filter(network=network).first()
        if row is None:
            row = NetworkDelays(network=network)
        elif version is not None:
            row.version = version
        row.remind_after_days = remind_after_days
        row.expire_after_days = expire_after_days
        row.updated_by = actor.user
        row.full_clean()
        row.save()
    return row

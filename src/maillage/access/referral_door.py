"""The door's rule for referrals (an addition to the rules of `maillage.access.door`, in the same words):

13. An organisation a referral was sent to, while it has not answered, is not involved: its professionals see
    only what the referral states for deciding (the need's life domain, urgency, what is expected, the
    eligibility facts the sender wrote and the list of categories that would be shared), never the file
    (`referral_receiver`, audited as a VIEW of COORDINATION with the reason REFERRAL_RECEIVER). The sender
    picks the categories to share among those it may view itself, that the person has not objected to for the
    receiver, and health only for a care provider (`categories_shareable`). On acceptance the receiver joins
    the network (rule 8c, with the agreement the sender recorded) and the shared categories open to it by the
    person's consent.
14. The organisation that sent a referral stays responsible for it until the first contact is done: while the
    referral is sent, received, on a waiting list or accepted (not yet contacted), its professionals keep the
    referral's page and moves (what the referral states, its history, cancelling it) even if their own
    involvement with the person ended meanwhile (`referral_sender`, audited as COORDINATION with the reason
    REFERRAL_SENDER). The person stays visible to them as before: they keep reading the person's file (VIEW,
    LIST, SEARCH, never a write), each category on the same bases as while they were involved (a consent to
    their organisation or the care team's sharing, less what the person objected to, health for care providers),
    audited with the reason REFERRAL_SENDER (`door._referral_sender`, read in the door's one query of facts).
    After the first contact, or once the referral is closed, the door's other rules alone apply.
15. An organisation not on Maillage yet, which a referral was sent to, reads it and answers it through the link
    e-mailed to its address, without an account (`referral_door.external_link`): the link names one referral,
    expires, is revoked when the sender renews it, and is spent once answered (the referrals app vouches for
    that). Through it, the holder sees what rule 13 shows a receiver before it answers, never the file, and may
    accept or decline. Each use is audited as COORDINATION for the receiving organisation, without a user, with
    the reason EXTERNAL_LINK and the link's id; an unknown, expired, revoked or spent link is refused alike
    (EXTERNAL_LINK_INVALID), whatever the reason, and the page says nothing more than for an unknown page.
    Whoever tries many links that do not work is refused for a while without their links being looked up or
    audited one by one: the referrals app counts them (`links`, rule 7) and the door records, once per window,
    that the attempts were throttled, with neither person nor link nor address (`external_link_throttled`,
    EXTERNAL_LINK_THROTTLED).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.access.door import Decision, _audit, _bases_sql, _professional_orgs, _rows, _user_id, categories_for
from maillage.access.enums import Action, Category, Reason
from maillage.people.models import Person


class NotShareable(models.TextChoices):
    """Why a category cannot be picked for a referral (rule 13)."""

    NO_BASIS = "NO_BASIS", _("the person's consent does not let your organisation share it")
    OBJECTED = "OBJECTED", _("the person objected to sharing it with this organisation")
    HEALTH = "HEALTH", _("health data goes only to care providers")


def referral_receiver(
    actor: Any,
    person: Person,
    *,
    organisation_id: int,
    action: str = Action.VIEW,
    purpose: str = "",
    extra: dict[str, int] | None = None,
) -> Decision:
    """Rule 13: may `actor` read, for its organisation `organisation_id`, the summary of a referral about
    `person` that was sent to that organisation? The caller (the referrals services) vouches that such a
    pending referral exists; the door checks that the actor is a PROFESSIONAL of that organisation (rule 5)
    and that the file was not anonymised. Audited either way (as `action`: a VIEW, or the EXPORT of what the
    referral states); the file itself stays closed.
    """
    if _user_id(actor) is None:
        decision = Decision(False, Reason.NOT_AUTHENTICATED)
    elif person.anonymised_at is not None:
        decision = Decision(False, Reason.ANONYMISED)
    elif organisation_id in _professional_orgs(actor):
        decision = Decision(True, Reason.REFERRAL_RECEIVER, organisation_id=organisation_id)
    else:
        decision = Decision(False, Reason.NOT_PROFESSIONAL, organisation_id=organisation_id)
    _audit(actor, person, action, Category.COORDINATION, purpose, decision, extra)
    return decision


def referral_sender(
    actor: Any,
    person: Person,
    *,
    organisation_id: int,
    awaiting_first_contact: bool,
    action: str = Action.VIEW,
    purpose: str = "",
    extra: dict[str, int] | None = None,
) -> Decision:
    """Rule 14: may `actor`, for the sending organisation `organisation_id`, keep acting on a referral about
    `person` that it sent? The caller (the referrals services) vouches that the referral exists and says whether
    it still awaits its first contact; the door checks the actor is a PROFESSIONAL of that organisation (rule 5)
    and that the file was not anonymised. Audited either way."""
    if _user_id(actor) is None:
        decision = Decision(False, Reason.NOT_AUTHENTICATED)
    elif person.anonymised_at is not None:
        decision = Decision(False, Reason.ANONYMISED)
    elif organisation_id not in _professional_orgs(actor):
        decision = Decision(False, Reason.NOT_PROFESSIONAL, organisation_id=organisation_id)
    elif not awaiting_first_contact:
        decision = Decision(False, Reason.NOT_INVOLVED, organisation_id=organisation_id)
    else:
        decision = Decision(True, Reason.REFERRAL_SENDER, organisation_id=organisation_id)
    _audit(actor, person, action, Category.COORDINATION, purpose, decision, extra)
    return decision


def external_link(
    person: Person,
    *,
    organisation_id: int,
    usable: bool,
    action: str = Action.VIEW,
    purpose: str = "",
    extra: dict[str, int] | None = None,
) -> Decision:
    """Rule 15: may the holder of a referral's link act, for the receiving organisation `organisation_id`, on
    the referral about `person`? The caller (the referrals app) found the link and says whether it still works
    (`usable`); the door checks the file was not anonymised. Audited either way, without a user."""
    if person.anonymised_at is not None:
        decision = Decision(False, Reason.ANONYMISED, organisation_id=organisation_id)
    elif not usable:
        decision = Decision(False, Reason.EXTERNAL_LINK_INVALID, organisation_id=organisation_id)
    else:
        decision = Decision(True, Reason.EXTERNAL_LINK, organisation_id=organisation_id)
    _audit(None, person, action, Category.COORDINATION, purpose, decision, extra)
    return decision


def external_link_unknown(*, purpose: str = "") -> Decision:
    """Rule 15: a link that matches no referral: refused, audited without a person (nothing is known)."""
    decision = Decision(False, Reason.EXTERNAL_LINK_INVALID)
    _audit(None, None, Action.VIEW, Category.COORDINATION, purpose, decision, {"unknown": True})
    return decision


def external_link_throttled(*, everyone: bool = False, purpose: str = "") -> Decision:
    """Rule 15: one address (or, with `everyone`, all addresses together) tried too many links that do not
    work; its next attempts are refused unaudited until the window ends. Recorded once per window, without a
    person, a link or the address."""
    decision = Decision(False, Reason.EXTERNAL_LINK_THROTTLED)
    _audit(None, None, Action.VIEW, Category.COORDINATION, purpose, decision, {"everyone": everyone})
    return decision


def categories_shareable(actor: Any, person: Person, organisation: Any) -> frozenset[Category]:
    """Rule 13: the categories `actor` may pick to share with `organisation` in a referral about `person`:
    those it may view now, less those the person objected to for that organisation (or for all), less
    health unless the organisation is a care provider. Writes no audit entry."""
    return frozenset(c for c, why in why_not_shareable(actor, person, organisation).items() if not why)


def why_not_shareable(actor: Any, person: Person, organisation: Any) -> dict[Category, str]:
    """Rule 13 for each category: "" when `actor` may share it with `organisation`, else why not, as a
    `NotShareable` value (no consent lets the sender itself see it, the person objected for that organisation,
    health for an organisation that is not a care provider). The sending page shows the refused ones disabled
    with this reason. Writes no audit entry."""
    viewable = categories_for(actor, person)
    objected: set[str] = set()
    if viewable:
        sql, params = _bases_sql([person.pk], [organisation.pk], timezone.now())
        objected = {row[4] for row in _rows(sql, params) if row[0] == 2}
    why: dict[Category, str] = {}
    for category in Category:
        if category not in viewable:
            why[category] = NotShareable.NO_BASIS
        elif str(category) in objected:
            why[category] = NotShareable.OBJECTED
        elif category == Category.HEALTH and not organisation.is_care_provider:
            why[category] = NotShareable.HEALTH
        else:
            why[category] = ""
    return why

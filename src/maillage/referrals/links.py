"""Partners not on Maillage yet (issue 20, item 5): a referral answered through a link sent by e-mail.

The rules, in plain words:

1. A referral sent to an organisation with no active professional on Maillage goes, as it is sent, to an e-mail
   address: the one the sender gave (`Referral.receiver_email`), else the organisation's own. Without either,
   it cannot be sent (a draft can).
2. The e-mail carries a link for that one referral and for answering it only: no person's name, in the link or
   in the message. Only the hash of the link's token is stored (`ReferralLink.token_hash`); the task that sends
   the e-mail recomputes the token from the link's random id and the secret key.
3. The link works until `settings.REFERRAL_LINK_DAYS` after it was made, while the referral waits for an answer
   (sent or received), and until it is answered through it. The sender renews it (a new link, to the same or
   another address): the old one is revoked at once. Of two renewals made from the same page, one wins.
4. Whoever holds a working link acts as the receiving organisation for that referral alone (`LinkActor`): it
   sees what the door's rule 13 shows a receiver before it answers, never the file; opening it marks the
   referral received; it accepts or declines (with the machine's decline reasons). Each use is decided and
   audited by the door's rule 15 (`referral_door.external_link`, reason EXTERNAL_LINK).
5. An unknown, expired, revoked or spent link gets the same answer as an unknown page (404, a short explanation
   that names nothing), audited as refused (EXTERNAL_LINK_INVALID).
6. The sender sees, on the referral's page, where and when the link was sent, until when it works, and whether
   and when it was opened.
7. Links are not for guessing. Each link that does not work counts against the client's address (taken behind
   the proxies as the login takes it, `accounts.throttling.client_address`; an IPv6 /64 counts as one), for
   `settings.REFERRAL_LINK_ATTEMPTS_MINUTES` from its first one. From `settings.REFERRAL_LINK_ATTEMPTS` on, that
   address is refused (`LinkThrottled`: 429, a page that names nothing) until the window ends: no link is
   looked up, nothing is audited per attempt; the door records once that the address was throttled (rule 15,
   EXTERNAL_LINK_THROTTLED, without the address, which only the log line carries). Other addresses are not
   affected. As a backstop against many addresses, from `settings.REFERRAL_LINK_ATTEMPTS_ALL` links that do not
   work from all addresses together, a link that does not work is refused the same way without its audit
   row (recorded once too), while a working link still works. The counts live in the shared cache
   (`core.attempts`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from maillage.access import referral_door
from maillage.access.enums import Action
from maillage.accounts.enums import Role
from maillage.accounts.models import Membership
from maillage.accounts.tokens import hash_secret
from maillage.core.attempts import FailureWindow, address_key
from maillage.referrals.enums import ReferralStatus
from maillage.referrals.models import Referral, ReferralLink

logger = logging.getLogger(__name__)

DEFAULT_LINK_DAYS = 14
# Rule 7: links that do not work, per address and from all addresses together, within the window.
DEFAULT_ATTEMPTS = 10
DEFAULT_ATTEMPTS_ALL = 1000
DEFAULT_ATTEMPTS_MINUTES = 15
EVERYONE = "*"
# A link answers a referral waiting for its answer; on a waiting list, the partner has answered already.
ANSWERABLE = (ReferralStatus.SENT, ReferralStatus.RECEIVED)
PURPOSE = "referral_link"


def link_days() -> int:
    return int(getattr(settings, "REFERRAL_LINK_DAYS", DEFAULT_LINK_DAYS))


def token_for(link: ReferralLink) -> str:
    """Rule 2: the link's token, from its random id and the secret key (never stored)."""
    return salted_hmac("maillage.referrals.link", str(link.public_id), algorithm="sha256").hexdigest()


class LinkThrottled(Exception):
    """Rule 7: too many links that do not work from this address (or from all addresses): refused for up to
    `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _windows() -> tuple[FailureWindow, FailureWindow]:
    """Rule 7: the window of one address, and that of all addresses together (at least one failure and one
    second each: a limit of 0 would refuse every link)."""
    seconds = max(1, round(float(getattr(settings, "REFERRAL_LINK_ATTEMPTS_MINUTES", DEFAULT_ATTEMPTS_MINUTES)) * 60))
    per_address = max(1, int(getattr(settings, "REFERRAL_LINK_ATTEMPTS", DEFAULT_ATTEMPTS)))
    everyone = max(1, int(getattr(settings, "REFERRAL_LINK_ATTEMPTS_ALL", DEFAULT_ATTEMPTS_ALL)))
    return FailureWindow("referral-link", per_address, seconds), FailureWindow("referral-link-all", everyone, seconds)


def _failed(address: str) -> None:
    """Rule 7: count a link that did not work; the failure that uses up a window is recorded once and logged."""
    by_address, everyone = _windows()
    if by_address.fail(address) == by_address.limit:
        referral_door.external_link_throttled(purpose=PURPOSE)
        logger.warning(
            "referral links: %s links that do not work from %s; its links are refused for %s s",
            by_address.limit,
            address or "an unknown address",
            by_address.seconds,
        )
    if everyone.fail(EVERYONE) == everyone.limit:
        referral_door.external_link_throttled(everyone=True, purpose=PURPOSE)
        logger.warning(
            "referral links: %s links that do not work from all addresses; those are refused for %s s",
            everyone.limit,
            everyone.seconds,
        )


def on_maillage(organisation: Any) -> bool:
    """Rule 1: whether an organisation has at least one active professional on Maillage to answer in the app."""
    return Membership.objects.active().filter(organisation_id=organisation.pk, role=Role.PROFESSIONAL).exists()


def address_for(referral: Referral) -> str:
    return referral.receiver_email or referral.receiver_organisation.email or ""


def needs_link(referral: Referral) -> bool:
    return not on_maillage(referral.receiver_organisation)


@dataclass(frozen=True)
class LinkActor:
    """Rule 4: the holder of a working link, acting as the receiving organisation on its one referral. No user:
    the audit names the organisation and the link."""

    link: ReferralLink
    organisation: Any
    user: Any = None
    memberships: tuple = field(default=())
    is_person: bool = False
    is_authenticated: bool = False


def usable(link: ReferralLink, referral: Referral, now: dt.datetime | None = None) -> bool:
    """Rule 3."""
    now = now or timezone.now()
    return (
        link.revoked_at is None
        and link.answered_at is None
        and link.expires_at > now
        and referral.status in ANSWERABLE
    )


# --- writes ----------------------------------------------------------------------------------------------------


def link_issue(actor: Any, *, referral: Referral, email: str = "", version: int = 1) -> ReferralLink:
    """Rules 1 to 3: a new link for `referral`, e-mailed after the commit. The caller (the referrals services)
    has passed the door for the sender; the referral has just been sent, or its link is being renewed (the new
    link then follows the old one's `version`, so that a page showing the old one is stale for the new one)."""
    address = (email or address_for(referral)).strip()
    if not address:
        raise ValidationError(
            {
                "receiver_email": _(
                    "This organisation is not on Maillage yet and has no e-mail address: give the address its "
                    "link to answer will be sent to."
                )
            }
        )
    link = ReferralLink(
        referral=referral,
        email=address,
        created_by=getattr(actor, "user", None),
        version=version,
        expires_at=timezone.now() + dt.timedelta(days=link_days()),
    )
    link.token_hash = hash_secret(token_for(link))
    link.full_clean()
    link.save()
    _send_later(link.pk)
    return link


def _send_later(link_id: int) -> None:
    from maillage.referrals.tasks import send_referral_link

    transaction.on_commit(lambda: send_referral_link.enqueue(link_id))


def link_renew(actor: Any, *, referral: Referral, version: int | None, email: str = "") -> ReferralLink:
    """Rule 3: the sender replaces the referral's link (to `email`, else the same address); the old one stops
    working at once. `StaleWrite` when the link changed since the page was read (renewed by someone else)."""
    from maillage.referrals.enums import Party
    from maillage.referrals.machine import IllegalTransition
    from maillage.referrals.services import _record, parties_of, pass_door

    if Party.SENDER not in parties_of(actor, referral):
        raise Http404
    with transaction.atomic():
        fresh = Referral.objects.select_related("person", "receiver_organisation", "sender_organisation").get(
            pk=referral.pk
        )
        decision = pass_door(actor, fresh, Party.SENDER, action=Action.EDIT, purpose=PURPOSE)
        if fresh.status not in ANSWERABLE:
            raise IllegalTransition(_("Only a referral waiting for its answer can get a new link."))
        current = fresh.links.current().first()
        if email:
            fresh.receiver_email = email
            fresh.save(update_fields=["receiver_email"])
        if current is not None:
            current.version = current.version if version is None else version
            current.revoked_at = timezone.now()
            current.save(update_fields=["revoked_at"])
        link = link_issue(
            actor,
            referral=fresh,
            email=email or (current.email if current else ""),
            version=current.version + 1 if current else 1,
        )
        _record(actor, fresh, Action.EDIT, decision, link=link.pk, **({"revoked": current.pk} if current else {}))
    return link


# --- the holder of a link ---------------------------------------------------------------------------------------


def link_for(token: str, *, action: str = Action.VIEW, address: str | None = None) -> tuple[LinkActor, Referral]:
    """Rules 4, 5 and 7: the actor and referral of a working link, decided and audited by the door's rule 15;
    `Http404` for an unknown, expired, revoked or spent one; `LinkThrottled` when the client's `address` (as
    `accounts.throttling.client_address` gives it) tried too many links that do not work."""
    by_address, everyone = _windows()
    address = address_key(address)
    if by_address.reached(address):
        raise LinkThrottled(by_address.seconds)
    link = None
    if isinstance(token, str) and 0 < len(token) <= 128:
        link = (
            ReferralLink.objects.select_related(
                "referral__person",
                "referral__life_domain",
                "referral__sender_organisation",
                "referral__receiver_organisation",
                "referral__receiver_service",
            )
            .filter(token_hash=hash_secret(token))
            .first()
        )
    works = link is not None and usable(link, link.referral)
    if not works and everyone.reached(EVERYONE):
        _failed(address)
        raise LinkThrottled(everyone.seconds)
    if link is None:
        referral_door.external_link_unknown(purpose=PURPOSE)
        _failed(address)
        raise Http404
    referral = link.referral
    decision = referral_door.external_link(
        referral.person,
        organisation_id=referral.receiver_organisation_id,
        usable=works,
        action=action,
        purpose=PURPOSE,
        extra={"referral": referral.pk, "link": link.pk},
    )
    if not decision.allowed:
        _failed(address)
        raise Http404
    return LinkActor(link=link, organisation=referral.receiver_organisation), referral


def link_opened(actor: LinkActor, referral: Referral) -> Referral:
    """Rule 4: count the opening (the sender sees it) and mark the referral received."""
    from maillage.referrals.services import referral_open

    now = timezone.now()
    ReferralLink.objects.filter(pk=actor.link.pk).update(times_opened=F("times_opened") + 1, last_opened_at=now)
    ReferralLink.objects.filter(pk=actor.link.pk, first_opened_at__isnull=True).update(first_opened_at=now)
    return referral_open(actor, referral=referral)


def link_answer(
    actor: LinkActor,
    *,
    referral: Referral,
    answer: str,
    reason: str = "",
    detail: str = "",
    version: int | None = None,
) -> Referral:
    """Rule 4: accept or decline through the link (from the referral's `version` the page showed), which is then
    spent. Of two answers, one wins: the other gets `StaleWrite` or, once the link is spent, `Http404`."""
    from maillage.referrals import services

    with transaction.atomic():
        if answer == ReferralStatus.ACCEPTED:
            moved = services.referral_accept(actor, referral=referral, version=version)
        elif answer == ReferralStatus.DECLINED:
            moved = services.referral_decline(actor, referral=referral, reason=reason, detail=detail, version=version)
        else:
            raise ValidationError({"answer": _("Say whether you accept or decline this referral.")})
        spent = ReferralLink.objects.filter(pk=actor.link.pk, answered_at__isnull=True).update(
            answered_at=timezone.now()
        )
        if not spent:
            raise Http404  # answered meanwhile through the same link: the first answer stands
    return moved


# --- what the sender sees ------------------------------------------------------------------------------------------


def link_state(referral: Referral) -> ReferralLink | None:
    """Rule 6: the referral's current link (None when it went to a partner on Maillage)."""
    return referral.links.current().first()

"""Closing the loop in the background (django.tasks): reminders, escalation and expiry of waiting referrals.

The rules, in plain words:

1. A referral waiting for its receiver's answer (sent, received, on the waiting list) longer than
   `REMIND_AFTER_DAYS` since its last move gets a reminder to the receiving organisation; each further period
   adds one: the second is escalated to the person's referent, the third to the network's coordinators.
2. A referral still unanswered `EXPIRE_AFTER_DAYS` after it was sent (and not on a waiting list) expires.
3. The delays come from `settings.REFERRAL_DELAYS` ({"remind_after_days", "expire_after_days"}), unless the
   network of the two organisations (or of the receiver) set its own (`NetworkDelays`, see `Delays`).
4. The messages carry no personal data: the life domain, the urgency, the organisations and the referral's
   link. The referent is told only after `door.notify` lets Maillage do so (audited).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maillage.access import door
from maillage.access.enums import Recipient
from maillage.access.tasks import referent_of
from maillage.accounts.enums import Role
from maillage.accounts.models import Membership
from maillage.governance.models import Network
from maillage.referrals import services
from maillage.referrals.enums import Party, ReferralStatus
from maillage.referrals.models import NetworkDelays, Referral

DEFAULT_DELAYS = {"remind_after_days": 5, "expire_after_days": 30}
REMINDER_SUBJECT = gettext_noop("A referral waits for your answer")
REMINDER_BODY = gettext_noop(
    "A referral from %(sender)s to %(receiver)s (%(domain)s, %(urgency)s) waits for an answer since %(days)s days. "
    "Reference: %(id)s."
)


def delays() -> dict[str, int]:
    return {**DEFAULT_DELAYS, **getattr(settings, "REFERRAL_DELAYS", {})}


class Delays:
    """Rule 3 per network: the delays of the network both organisations are current members of, else of the
    receiver's network (the one that is reminded, and whose silence expires the referral); the smallest when
    several; else `delays()`. Read once per sweep."""

    def __init__(self) -> None:
        from maillage.governance.enums import MemberStatus
        from maillage.governance.models import NetworkMember

        self.default = delays()
        own = {
            row.network_id: {"remind_after_days": row.remind_after_days, "expire_after_days": row.expire_after_days}
            for row in NetworkDelays.objects.all()
        }
        self.by_organisation: dict[int, list[dict[str, int]]] = {}
        if own:
            members = NetworkMember.objects.filter(status=MemberStatus.MEMBER, network_id__in=list(own))
            for organisation_id, network_id in members.values_list("organisation_id", "network_id"):
                self.by_organisation.setdefault(organisation_id, []).append(own[network_id])
            # The coordinating organisation belongs to its network too.
            for network_id, organisation_id in Network.objects.filter(pk__in=list(own)).values_list(
                "pk", "organisation_id"
            ):
                self.by_organisation.setdefault(organisation_id, []).append(own[network_id])

    def for_referral(self, referral: Referral) -> dict[str, int]:
        receiver = self.by_organisation.get(referral.receiver_organisation_id, [])
        sender = self.by_organisation.get(referral.sender_organisation_id, [])
        shared = [d for d in receiver if d in sender]
        found = shared or receiver
        if not found:
            return self.default
        return {key: min(d[key] for d in found) for key in ("remind_after_days", "expire_after_days")}


def _mail(addresses: list[str], referral: Referral, days: int) -> None:
    addresses = [a for a in addresses if a and not a.endswith(".invalid")]
    if not addresses:
        return
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "sender": referral.sender_organisation.name,
            "receiver": referral.receiver_organisation.name,
            "domain": referral.life_domain.name,
            "urgency": referral.get_urgency_display(),
            "days": days,
            "id": referral.public_id,
        }
        EmailMessage(subject=_(REMINDER_SUBJECT), body=_(REMINDER_BODY) % values, to=addresses).send()


def _receiver_addresses(referral: Referral) -> list[str]:
    members = Membership.objects.active().filter(
        organisation_id=referral.receiver_organisation_id, role=Role.PROFESSIONAL
    )
    # A partner not on Maillage is reminded at the address its link went to too (`links`, rule 1).
    addresses = [referral.receiver_organisation.email or "", referral.receiver_email]
    return list(dict.fromkeys([*addresses, *members.values_list("user__email", flat=True)]))


def _coordinator_addresses() -> list[str]:
    members = Membership.objects.active().filter(role=Role.NETWORK_COORDINATOR)
    return list(members.values_list("user__email", flat=True))


def remind(referral: Referral, now: dt.datetime, days: dict[str, int] | None = None) -> int:
    """Rule 1 for one referral: the level reached (0 = not yet due)."""
    period = dt.timedelta(days=(days or delays())["remind_after_days"])
    since = referral.status_changed_at or referral.sent_at or referral.created_at
    due = int((now - since) / period) if period else 0
    if due <= referral.reminders_sent:
        return 0
    level = referral.reminders_sent + 1
    Referral.objects.filter(pk=referral.pk).update(reminders_sent=level)
    days = (now - since).days
    _mail(_receiver_addresses(referral), referral, days)
    if level >= 2:
        referent = referent_of(referral.person)
        extra = {"referral": referral.pk}
        if referent is not None and door.notify(
            referral.person, recipient=Recipient.REFERENT, purpose="referral_reminder", extra=extra
        ):
            _mail([referent.address], referral, days)
    if level >= 3:
        _mail(_coordinator_addresses(), referral, days)
    return level


# --- notices of a move (rule 5): ids in the queue, no person's name, no typed text in a mail -------------------

NEW_SUBJECT = gettext_noop("A new referral for your organisation")
NEW_BODY = gettext_noop(
    "%(sender)s sends %(receiver)s a referral (%(domain)s, %(urgency)s). Open it to answer: %(link)s"
)
MOVED_SUBJECT = gettext_noop("Your referral has moved")
MOVED_BODY = gettext_noop(
    "Your referral to %(receiver)s (%(domain)s) is now: %(status)s. Open it to follow it: %(link)s"
)
OBSOLETE_BODY = gettext_noop(
    "The referral from %(sender)s (%(domain)s) is closed: another partner took up this need. Reference: %(link)s"
)
# The receiver is told of these; the sender of every answer and end.
TELL_RECEIVER = {ReferralStatus.SENT, ReferralStatus.OBSOLETE, ReferralStatus.CANCELLED}
TELL_SENDER = {
    ReferralStatus.ACCEPTED,
    ReferralStatus.DECLINED,
    ReferralStatus.WAITING_LIST,
    ReferralStatus.FIRST_CONTACT_DONE,
    ReferralStatus.COMPLETED,
    ReferralStatus.CANCELLED,
    ReferralStatus.EXPIRED,
    ReferralStatus.OBSOLETE,
}


def tells_anyone(to: str, by_party: str) -> bool:
    """Whether a move to `to` made by `by_party` has someone to tell: most answers do; "received" (the receiver
    opening it) and a side's own move do not. The services enqueue `tell_of_move` only then."""
    return (to in TELL_RECEIVER and by_party != Party.RECEIVER) or (to in TELL_SENDER and by_party != Party.SENDER)


def _link(referral: Referral) -> str:
    path = reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id})
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def _send(addresses: list[str], subject: str, body: str, values: dict) -> int:
    addresses = sorted({a for a in addresses if a and not a.endswith(".invalid")})
    if not addresses:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        EmailMessage(subject=_(subject), body=_(body) % values, to=addresses).send()
    return len(addresses)


@task()
def tell_of_move(referral_id: int, to: str, by_party: str) -> int:
    """Tell the other side of a move (the receiver of a new referral, the sender of an answer): the organisations,
    the life domain, the urgency, the status and the link; never the person (the receiver may not know who it
    is before accepting). A side is not told of its own move. Returns the number of addresses written to."""
    referral = (
        Referral.objects.select_related("life_domain", "sender_organisation", "receiver_organisation", "sender")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        return 0
    values = {
        "sender": referral.sender_organisation.name,
        "receiver": referral.receiver_organisation.name,
        "domain": referral.life_domain.name,
        "urgency": referral.get_urgency_display(),
        "status": ReferralStatus(to).label,
        "link": _link(referral),
    }
    sent = 0
    if not tells_anyone(to, by_party):
        return sent
    # A partner not on Maillage hears of a new referral by its link's own e-mail (`send_referral_link`).
    by_link = to == ReferralStatus.SENT and referral.links.exists()
    if to in TELL_RECEIVER and by_party != Party.RECEIVER and not by_link:
        body = (
            NEW_BODY if to == ReferralStatus.SENT else (OBSOLETE_BODY if to == ReferralStatus.OBSOLETE else MOVED_BODY)
        )
        subject = NEW_SUBJECT if to == ReferralStatus.SENT else MOVED_SUBJECT
        sent += _send(_receiver_addresses(referral), subject, body, values)
    if to in TELL_SENDER and by_party != Party.SENDER:
        addresses = [referral.sender.email] if referral.sender and referral.sender.is_active else []
        sent += _send(addresses or [referral.sender_organisation.email or ""], MOVED_SUBJECT, MOVED_BODY, values)
    return sent


@task()
def referrals_sweep() -> dict[str, int]:
    """Rules 1 and 2 over every waiting referral: {"expired": n, "reminded": n}."""
    now = timezone.now()
    table = Delays()
    counts = {"expired": 0, "reminded": 0}
    waiting = Referral.objects.filter(
        status__in=[ReferralStatus.SENT, ReferralStatus.RECEIVED, ReferralStatus.WAITING_LIST]
    ).select_related("person", "life_domain", "sender_organisation", "receiver_organisation")
    for referral in waiting.iterator(chunk_size=500):
        days = table.for_referral(referral)
        expire_before = now - dt.timedelta(days=days["expire_after_days"])
        if referral.status != ReferralStatus.WAITING_LIST and referral.sent_at and referral.sent_at < expire_before:
            with transaction.atomic():
                services.referral_expire(referral=referral)
            counts["expired"] += 1
        elif remind(referral, now, days):
            counts["reminded"] += 1
    return counts


# --- a partner not on Maillage (links, rules 1 to 3) -----------------------------------------------------------

LINK_SUBJECT = gettext_noop("A referral for your organisation")
LINK_BODY = gettext_noop(
    "%(sender)s sends %(receiver)s a referral (%(domain)s, %(urgency)s).\n\n"
    "%(receiver)s is not on Maillage yet: without an account, this link lets you read what the referral says "
    "and accept or decline it. It works until %(expires)s, for this referral only; do not pass it on.\n\n"
    "%(link)s"
)


@task()
def send_referral_link(link_id: int) -> int:
    """E-mail a referral's link to the receiving organisation's address: the organisations, the life domain, the
    urgency and the link; never the person. Nothing for a link revoked or answered meanwhile. The token is
    recomputed here (`links.token_for`), so it never sits in the queue. Returns the number of addresses."""
    from maillage.referrals import links
    from maillage.referrals.models import ReferralLink

    link = (
        ReferralLink.objects.select_related(
            "referral__life_domain", "referral__sender_organisation", "referral__receiver_organisation"
        )
        .filter(pk=link_id, revoked_at__isnull=True, answered_at__isnull=True)
        .first()
    )
    if link is None:
        return 0
    referral = link.referral
    path = reverse("referrals:link_answer", kwargs={"token": links.token_for(link)})
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "sender": referral.sender_organisation.name,
            "receiver": referral.receiver_organisation.name,
            "domain": referral.life_domain.name,
            "urgency": referral.get_urgency_display(),
            "expires": formats.date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT"),
            "link": getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path,
        }
    return _send([link.email], LINK_SUBJECT, LINK_BODY, values)

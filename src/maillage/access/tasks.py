"""Alerts about a person's file, sent by the django.tasks worker after the commit (tests: ImmediateBackend).

The tasks receive ids and fixed codes only, never an address or a text typed by someone: they read the
addresses themselves, each message in its recipient's language, and each message about a person first
goes through the door (`door.notify`), which leaves a NOTIFY entry in the audit.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from maillage.access import door
from maillage.access.enums import Recipient
from maillage.access.models import BreakGlassGrant
from maillage.access.selectors import Week, break_glass_counts
from maillage.accounts.enums import Role
from maillage.accounts.models import Membership, User
from maillage.consent.enums import SharingChange
from maillage.people import purposes
from maillage.people.enums import InvolvementRole, InvolvementStatus
from maillage.people.models import Involvement, Person


@dataclass(frozen=True)
class Referent:
    """Where to tell a person's referent: the named professional's address, else the organisation's."""

    involvement_id: int
    address: str
    language: str


def referent_of(person: Person) -> Referent | None:
    """The person's active referent, if one can be reached by e-mail (professional data, not the person's)."""
    involvement = (
        Involvement.objects.filter(person=person, role=InvolvementRole.REFERENT, status=InvolvementStatus.ACTIVE)
        .select_related("professional", "organisation")
        .first()
    )
    return contact_of(involvement) if involvement is not None else None


def contact_of(involvement: Involvement) -> Referent | None:
    """Where to tell an involved organisation: its named professional's address, else the organisation's."""
    professional = involvement.professional
    if professional is not None and professional.email:
        return Referent(involvement.pk, professional.email, professional.preferred_language)
    if involvement.organisation.email:
        return Referent(involvement.pk, involvement.organisation.email, settings.LANGUAGE_CODE)
    return None


def referent_opens_file(person: Person, referent: Referent) -> bool:
    """Can the referent's organisation still open the file? A mail points to a file only for a reader who can."""
    organisation_id = (
        Involvement.objects.filter(pk=referent.involvement_id).values_list("organisation_id", flat=True).first()
    )
    return organisation_id is not None and door.organisation_opens_file(person, organisation_id)


def own_address(person: Person) -> str:
    """The person's own e-mail address; the placeholder of a login made with a printable code is none."""
    address = person.user.email if person.user_id else person.email
    return "" if address.endswith(".invalid") else address


def _break_glass_mail(grant: BreakGlassGrant, address: str, language: str) -> None:
    with translation.override(language):
        body = _(
            "The organisation %(organisation)s opened an emergency access (break the glass) to the file "
            "%(id)s until %(until)s. The reason they gave, and every page they open, are kept in the "
            'audit: see "who saw my file".'
        ) % {
            "organisation": grant.organisation.name,
            "id": grant.person.public_id,
            "until": formats.date_format(timezone.localtime(grant.expires_at), "SHORT_DATETIME_FORMAT"),
        }
        EmailMessage(subject=_("Maillage: emergency access to a file"), body=body, to=[address]).send()


@task()
def send_break_glass_alerts(grant_id: int) -> None:
    """Tell the referent and the person that an emergency access was opened; once per grant."""
    grant = BreakGlassGrant.objects.select_related("organisation", "person", "person__user").get(pk=grant_id)
    if grant.alerts_sent_at is not None:
        return
    person = grant.person
    referent = referent_of(person)
    if referent is not None and door.notify(
        person,
        recipient=Recipient.REFERENT,
        purpose=purposes.BREAK_GLASS_ALERT,
        extra={"grant": grant.pk, "involvement": referent.involvement_id},
    ):
        _break_glass_mail(grant, referent.address, referent.language)
    address = own_address(person)
    if address and door.notify(
        person, recipient=Recipient.PERSON, purpose=purposes.BREAK_GLASS_ALERT, extra={"grant": grant.pk}
    ):
        _break_glass_mail(grant, address, person.preferred_language)
    BreakGlassGrant.objects.filter(pk=grant_id).update(alerts_sent_at=timezone.now())


@task()
def tell_referent_of_sharing_change(person_id: int, change: str) -> None:
    """Tell the referent that the person changed their sharing in their own space. No personal data in the mail."""
    person = Person.objects.filter(pk=person_id).first()
    referent = referent_of(person) if person is not None else None
    if referent is None or not door.notify(
        person,
        recipient=Recipient.REFERENT,
        purpose=purposes.SHARING_ALERT,
        extra={"involvement": referent.involvement_id},
    ):
        return
    with translation.override(referent.language):
        values = {"what": SharingChange(change).label, "id": person.public_id}
        if referent_opens_file(person, referent):
            body = (
                _(
                    "A person you are referent for changed their sharing choices in their own space (%(what)s).\n"
                    "Open their file in Maillage to see the change: file %(id)s."
                )
                % values
            )
        else:  # the change took the file away from the referent too: no pointer to a file they cannot open
            body = (
                _(
                    "A person you are referent for changed their sharing choices in their own space (%(what)s). "
                    "Their sharing no longer covers your organisation: you cannot open their file any more "
                    "(file %(id)s). Talk it over with the person if you need it."
                )
                % values
            )
        subject = _("Maillage: a person you are referent for changed their sharing choices")
        EmailMessage(subject=subject, body=body, to=[referent.address]).send()


@task()
def send_break_glass_digest(week: str) -> int:
    """E-mail each network coordinator, in their language, how many emergency accesses each organisation
    opened during `week` (`2026-W49`), with the link to the page that lists them. Counts and organisation names
    only: no person, no professional, no reason. Returns the number of e-mails sent."""
    period = Week.parse(week, default=Week.containing(timezone.now()))
    counts = break_glass_counts(period)
    link = f"{settings.SITE_URL.rstrip('/')}{reverse('access:break_glass_week')}?week={period}"
    coordinators = (
        User.objects.filter(
            pk__in=Membership.objects.active().filter(role=Role.NETWORK_COORDINATOR).values("user_id"),
            is_active=True,
        )
        .exclude(email="")
        .order_by("pk")
    )
    sent = 0
    for user in coordinators:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            lines = [
                _("Emergency accesses (break the glass) opened in the network from %(first)s to %(last)s: %(total)s.")
                % {
                    "first": formats.date_format(period.first_day, "SHORT_DATE_FORMAT"),
                    "last": formats.date_format(period.last_day, "SHORT_DATE_FORMAT"),
                    "total": sum(n for _name, n in counts),
                },
                "",
                *(f"- {name}: {n}" for name, n in counts),
                "" if counts else _("None this week."),
                _("Who, when, why and for how long: %(link)s") % {"link": link},
            ]
            subject = _("Maillage: this week's emergency accesses")
            EmailMessage(subject=subject, body="\n".join(lines), to=[user.email]).send()
        sent += 1
    return sent


@task()
def seal_audit_chain() -> int:
    """Verify the audit chain and seal its head outside the database (`maillage audit seal`). Run it
    periodically: enqueue it from a timer (cron, systemd) or run the command itself. Returns the sealed seq."""
    from maillage.access import seals

    seal, _created = seals.seal_create()
    return seal.seq


def enqueue_last_week_digest() -> None:
    """The digest of the week that just ended (weekly, on Monday: maillage.core.periodic)."""
    send_break_glass_digest.enqueue(str(Week.containing(timezone.now()).shifted(-1)))


def enqueue_seal() -> bool:
    """Seal the audit chain (maillage.core.periodic), when a signing key is set and the chain holds entries."""
    from maillage.access.models import AuditChainHead

    if not settings.AUDIT_SEAL_SIGNING_KEY or not AuditChainHead.objects.filter(pk=1, seq__gt=0).exists():
        return False
    seal_audit_chain.enqueue()
    return True

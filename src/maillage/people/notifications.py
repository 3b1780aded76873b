"""E-mails about a person's file, sent by the django.tasks worker after the change is committed.

Tasks receive ids only and read what they need when they run; e-mails carry no data of the
person's file beyond what the recipient may already see (a first name and a link to log in).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from maillage.access.models import BreakGlassGrant
from maillage.accounts.models import User
from maillage.people import invitations
from maillage.people.enums import InvolvementRole, InvolvementStatus
from maillage.people.models import Involvement, Person


def _site(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def _referent_users(person: Person) -> list[User | str]:
    """The referent professional, or else the referent organisation's address."""
    involvement = (
        Involvement.objects.filter(person=person, role=InvolvementRole.REFERENT, status=InvolvementStatus.ACTIVE)
        .select_related("professional", "organisation")
        .first()
    )
    if involvement is None:
        return []
    if involvement.professional is not None and involvement.professional.is_active:
        return [involvement.professional]
    return [involvement.organisation.email] if involvement.organisation.email else []


def _send(template: str, user_or_email: User | str, context: dict, language: str) -> None:
    to = user_or_email if isinstance(user_or_email, str) else user_or_email.email
    if not to or to.endswith(".invalid"):
        return
    with translation.override(language):
        subject = render_to_string(f"people/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"people/email/{template}.txt", context)
    EmailMessage(subject=" ".join(subject.split()), body=body, to=[to]).send()


def _language(recipient: User | str) -> str:
    return settings.LANGUAGE_CODE if isinstance(recipient, str) else recipient.preferred_language


@task()
def notify_referent_of_sharing_change(person_id: int, change: str) -> None:
    """The person granted, revoked or objected in their own space: their referent is told."""
    person = Person.objects.filter(pk=person_id, anonymised_at__isnull=True).first()
    if person is None:
        return
    for user in _referent_users(person):
        context = {
            "change": change,
            "person_url": _site(reverse("people:person_detail", kwargs={"public_id": person.public_id})),
        }
        _send("sharing_changed", user, context, _language(user))


@task()
def notify_break_glass(grant_id: int) -> None:
    """Emergency access was opened: the referent and the person are alerted."""
    grant = BreakGlassGrant.objects.select_related("person", "organisation").filter(pk=grant_id).first()
    if grant is None:
        return
    context = {
        "organisation_name": grant.organisation.name,
        "expires_at": grant.expires_at,
        "who_saw_url": _site(reverse("access:who_saw", kwargs={"public_id": grant.person.public_id})),
        "space_url": _site(reverse("people:space_home")),
    }
    for user in _referent_users(grant.person):
        _send("break_glass_referent", user, context, _language(user))
    person = grant.person
    if person.user is not None:
        _send("break_glass_person", person.user, context, person.preferred_language)
    elif person.email:
        _send("break_glass_person", person.email, context, person.preferred_language)


@task()
def send_space_invitation(user_id: int) -> None:
    """The link to the person's own space; the token is computed here, never queued."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {
        "activate_url": _site(reverse("people:space_activate", kwargs={"token": invitations.link_token(user)})),
        "days": invitations.invitation_days(),
    }
    _send("space_invitation", user, context, user.preferred_language)

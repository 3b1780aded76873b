"""Background work of the network's life (django.tasks; the worker runs them, tests use ImmediateBackend)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from maillage.accounts.enums import Role
from maillage.accounts.models import Membership
from maillage.core.sites import absolute_url
from maillage.governance.enums import AgreementKind
from maillage.governance.models import Agreement, RenewalReminder
from maillage.governance.selectors import renewal_reminders_due


def _renewal_recipients(agreement: Agreement) -> list:
    """The network's coordinators, and for each party its authorised person (its named signatory, else its
    organisation admins); each user once, only those with a deliverable address."""
    memberships = Membership.objects.active().select_related("user")
    users = [
        m.user for m in memberships.filter(organisation=agreement.network.organisation, role=Role.NETWORK_COORDINATOR)
    ]
    for party in agreement.parties.select_related("signatory"):
        if party.signatory is not None and party.signatory.is_active:
            users.append(party.signatory)
        else:
            users += [
                m.user for m in memberships.filter(organisation=party.organisation, role=Role.ORGANISATION_ADMIN)
            ]
    unique = {user.pk: user for user in users if user.email and not user.email.endswith(".invalid")}
    return sorted(unique.values(), key=lambda user: user.pk)


@task()
def remind_convention_renewal(agreement_id: int, days_before: int) -> int:
    """E-mail a convention's coordinators and parties that it ends in `days_before` days or fewer, in each one's
    language, once per convention, end date and threshold (a `RenewalReminder` row, written in the same
    transaction as the sending: a second run, or a second worker, finds it and sends nothing).

    Returns the number of e-mails sent. Ids only in the task's arguments."""
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update()
            .select_related("network__organisation")
            .filter(pk=agreement_id, kind=AgreementKind.CONVENTION, ends_on__isnull=False)
            .first()
        )
        if agreement is None or agreement.ends_on < timezone.localdate():
            return 0
        if RenewalReminder.objects.filter(
            agreement=agreement, ends_on=agreement.ends_on, days_before=days_before
        ).exists():
            return 0
        url = absolute_url(reverse("governance:agreement_detail", kwargs={"public_id": agreement.public_id}))
        sent = 0
        for user in _renewal_recipients(agreement):
            with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                context = {
                    "agreement": agreement,
                    "user": user,
                    "url": url,
                    "days_left": (agreement.ends_on - timezone.localdate()).days,
                }
                subject = render_to_string("governance/email/renewal_subject.txt", context).strip()
                body = render_to_string("governance/email/renewal_body.txt", context)
            sent += send_mail(subject, body, None, [user.email])
        RenewalReminder.objects.create(
            agreement=agreement,
            ends_on=agreement.ends_on,
            days_before=days_before,
            sent_at=timezone.now(),
            recipients=sent,
        )
        agreement.renewal_reminded_at = timezone.now()
        agreement.save(update_fields=["renewal_reminded_at"])
    return sent


def enqueue_renewal_reminders() -> int:
    """Enqueue each renewal reminder due today (maillage.core.periodic runs it daily; so does the command)."""
    due = renewal_reminders_due(timezone.localdate())
    for agreement_id, days_before in due:
        remind_convention_renewal.enqueue(agreement_id, days_before)
    return len(due)

"""Background work of the directory (django.tasks; the worker runs them, tests use ImmediateBackend)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from maillage.accounts.enums import Role
from maillage.accounts.models import Membership, Organisation
from maillage.directory.selectors import stale_services


@task()
def remind_stale_listings(organisation_id: int) -> int:
    """E-mail the organisation's admins the list of its listings not updated for six months.

    Returns the number of e-mails sent (one per admin, in their language). Ids only in the task's arguments.
    """
    organisation = Organisation.objects.filter(id=organisation_id).first()
    if organisation is None:
        return 0
    services = list(stale_services().filter(organisation=organisation).order_by("updated_at"))
    if not services:
        return 0
    admins = (
        Membership.objects.active()
        .filter(organisation=organisation, role=Role.ORGANISATION_ADMIN)
        .select_related("user")
        .order_by("id")
    )
    sent = 0
    for membership in admins:
        user = membership.user
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            context = {"organisation": organisation, "services": services, "user": user, "now": timezone.now()}
            subject = render_to_string("directory/email/stale_subject.txt", context).strip()
            body = render_to_string("directory/email/stale_body.txt", context)
        sent += send_mail(subject, body, None, [user.email])
    return sent

"""Background work of the directory (django.tasks; the worker runs them, tests use ImmediateBackend)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from maillage.accounts.enums import Role
from maillage.accounts.models import Membership, Organisation
from maillage.directory import alerts
from maillage.directory.models import SavedSearch
from maillage.directory.selectors import organisations_with_stale_services, stale_services


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


@task()
def send_search_alert(saved_search_id: int) -> int:
    """E-mail the owner of a saved search the services that match it since the last alert (new ones, and those
    whose capacity changed), in their language, with a link to the search and one to stop the alerts.

    Returns 1 when an e-mail was sent, 0 when nothing changed (or the search is gone or its alerts stopped)."""
    saved = SavedSearch.objects.select_related("user").filter(id=saved_search_id, alerts=True).first()
    if saved is None or not saved.user.is_active:
        return 0
    new, changed, known = alerts.changes(saved)
    if not new and not changed:
        alerts.saved_search_record(saved, known=known)  # services gone from the search are forgotten
        return 0
    site = settings.SITE_URL.rstrip("/")
    user = saved.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "saved": saved,
            "user": user,
            "new": new,
            "changed": changed,
            "site": site,
            "search_url": site + reverse("directory:saved_search_open", args=[saved.pk]),
            "unsubscribe_url": site + reverse("directory:saved_search_unsubscribe", args=[saved.unsubscribe_token]),
        }
        subject = render_to_string("directory/email/alert_subject.txt", context).strip()
        body = render_to_string("directory/email/alert_body.txt", context)
    sent = send_mail(subject, body, None, [user.email])
    alerts.saved_search_record(saved, known=known)
    return sent


def enqueue_stale_reminders() -> int:
    """One reminder task per organisation with stale listings (weekly, maillage.core.periodic)."""
    organisation_ids = organisations_with_stale_services()
    for organisation_id in organisation_ids:
        remind_stale_listings.enqueue(organisation_id)
    return len(organisation_ids)


def enqueue_search_alerts() -> int:
    """One alert task per saved search with alerts on, of an active user (daily, maillage.core.periodic)."""
    ids = list(SavedSearch.objects.filter(alerts=True, user__is_active=True).values_list("id", flat=True))
    for saved_search_id in ids:
        send_search_alert.enqueue(saved_search_id)
    return len(ids)

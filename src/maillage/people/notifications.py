"""The invitation to the person's own space, sent by the django.tasks worker after the commit.

The task receives the login's id only and computes the link itself, so the secret never sits in the
task queue. (Alerts about sharing changes and break-the-glass are sent by `maillage.access.tasks`.)
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from maillage.accounts.models import User
from maillage.people import invitations


def _site(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


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
    if user.email.endswith(".invalid"):
        return
    with translation.override(user.preferred_language):
        subject = render_to_string("people/email/space_invitation_subject.txt", context).strip()
        body = render_to_string("people/email/space_invitation.txt", context)
    EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email]).send()

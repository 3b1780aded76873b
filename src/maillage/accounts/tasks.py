"""Background work for accounts, run by the django.tasks worker."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from maillage.accounts.enums import InvitationStatus
from maillage.accounts.models import Invitation, User
from maillage.accounts.tokens import invitation_token


@task()
def send_invitation_email(invitation_id: int, language: str) -> None:
    """Send the invitation link; nothing is sent for an invitation revoked or accepted in the meantime."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != InvitationStatus.PENDING:
        return
    path = reverse("accounts:invitation_accept", kwargs={"token": invitation_token(invitation.public_id)})
    context = {
        "invitation": invitation,
        "organisation_name": invitation.organisation.name,
        "inviter_name": invitation.invited_by.get_full_name() if invitation.invited_by else "",
        "accept_url": settings.SITE_URL.rstrip("/") + path,
        "expires_at": invitation.expires_at,
    }
    with translation.override(language):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_mfa_reset_email(user_id: int, language: str) -> None:
    """Tell a member that their second factor was reset, so that a reset they did not ask for is noticed."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {"user": user, "login_url": settings.SITE_URL.rstrip("/") + reverse("accounts:login")}
    with translation.override(language):
        subject = render_to_string("accounts/email/mfa_reset_subject.txt", context).strip()
        body = render_to_string("accounts/email/mfa_reset.txt", context)
    EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[user.email]).send()

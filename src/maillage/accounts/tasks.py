"""Background work for accounts, run by the django.tasks worker."""

from urllib.parse import urlsplit

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from maillage.accounts.enums import AccountEventKind, InvitationStatus
from maillage.accounts.models import AccountEvent, Invitation, User
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
    _send(invitation.email, language, "invitation", context)


@task()
def send_lockout_email(username: str) -> None:
    """Tell an account's owner, in their language, that logging in is blocked for a while after repeated failures.

    `username` is the address that was typed: when no active account has it, there is nobody to tell.
    """
    user = User.objects.filter(email__iexact=username, is_active=True).first()
    if user is None:
        return
    cool_off = get_cool_off()
    # Once per lockout: a lockout from one address that grows into one from every address is the same one.
    if AccountEvent.objects.filter(
        kind=AccountEventKind.LOGIN_LOCKED, subject_user=user, created_at__gt=timezone.now() - cool_off
    ).exists():
        return
    AccountEvent.objects.create(kind=AccountEventKind.LOGIN_LOCKED, subject_user=user)
    _send(
        user.email,
        user.preferred_language,
        "lockout",
        {
            "email": user.email,
            "minutes": max(1, round(cool_off.total_seconds() / 60)),
            "reset_url": settings.SITE_URL.rstrip("/") + reverse("accounts:password_reset"),
        },
    )


def _send(to: str, language: str, template: str, context: dict) -> None:
    """Render `accounts/email/<template>{_subject.txt,.txt,.html}` in `language` and send it to `to`."""
    with translation.override(language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}.txt", context)
        html = render_to_string(f"accounts/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


class _PasswordResetMailer(PasswordResetForm):
    """Django's reset e-mail (link, single-use token), in each recipient's own language."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs) -> None:
        with translation.override(context["user"].preferred_language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


@task()
def send_password_reset_email(email: str) -> None:
    """Mail a password-reset link to the active accounts with this address (none: nothing is sent)."""
    mailer = _PasswordResetMailer({"email": email})
    if not mailer.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    mailer.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="accounts/email/password_reset_subject.txt",
        email_template_name="accounts/email/password_reset.txt",
        html_email_template_name="accounts/email/password_reset.html",
    )


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

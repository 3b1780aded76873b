"""Writes in accounts: invitations, memberships, organisation details, API tokens.

Each service takes the acting `Actor` first, runs atomically, validates, and records who did it
(`AccountEvent`, plus the `*_by` fields of the row itself).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maillage.accounts.actors import Actor
from maillage.accounts.enums import AccountEventKind, ApiScope, InvitationStatus, OrganisationStatus, Role
from maillage.accounts.models import AccountEvent, ApiToken, Invitation, Membership, Organisation, User
from maillage.accounts.permissions import (
    can_change_membership,
    can_edit_organisation,
    can_manage_members,
    can_manage_token,
)
from maillage.accounts.tokens import hash_secret, invitation_token, new_api_token

API_TOKEN_MAX_LIFETIME = dt.timedelta(days=366)
ORGANISATION_EDITABLE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "sector",
    "identifier_scheme",
    "identifier",
    "street_address",
    "postcode",
    "locality",
    "email",
    "phone",
    "website",
)


def _record(
    kind: AccountEventKind,
    *,
    actor_user: User | None,
    organisation: Organisation | None = None,
    subject_user: User | None = None,
    object_id: Any = None,
) -> None:
    AccountEvent.objects.create(
        kind=kind, actor=actor_user, organisation=organisation, subject_user=subject_user, object_id=object_id
    )


def invitable_roles(actor: Actor) -> list[tuple[str, str]]:
    """Organisation admins invite admins and professionals; only platform staff name network coordinators."""
    roles = [Role.PROFESSIONAL, Role.ORGANISATION_ADMIN]
    if actor.is_platform_staff:
        roles.append(Role.NETWORK_COORDINATOR)
    return [(role.value, role.label) for role in roles]


# Invitations ---------------------------------------------------------------------------------------------------


def invitation_create(
    actor: Actor, *, organisation: Organisation, email: str, role: str = Role.PROFESSIONAL, job_title: str = ""
) -> Invitation:
    """Invite a colleague by e-mail; the e-mail leaves once the transaction commits.

    An earlier open invitation of the same address to the same organisation is revoked: only the newest link works.
    """
    if not can_manage_members(actor, organisation):
        raise PermissionDenied
    email = User.objects.normalize_email(email).strip().lower()
    if role not in {value for value, _label in invitable_roles(actor)}:
        raise ValidationError({"role": _("You cannot give this role.")})
    if organisation.status == OrganisationStatus.DEACTIVATED:
        raise ValidationError(_("This organisation is deactivated."))
    existing = Membership.objects.filter(organisation=organisation, user__email__iexact=email).first()
    if existing is not None and existing.is_active:
        raise ValidationError({"email": _("This person is already a member of the organisation.")})
    if existing is not None:
        raise ValidationError({"email": _("This person is a former member: reactivate them in the members list.")})

    now = timezone.now()
    with transaction.atomic():
        for previous in (
            Invitation.objects.select_for_update().open().filter(organisation=organisation, email__iexact=email)
        ):
            previous.revoked_at, previous.revoked_by = now, actor.user
            previous.save(update_fields=["revoked_at", "revoked_by"])
        invitation = Invitation(
            organisation=organisation,
            email=email,
            role=role,
            job_title=job_title.strip(),
            invited_by=actor.user,
            expires_at=now + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        invitation.token_hash = hash_secret(invitation_token(invitation.public_id))
        invitation.full_clean()
        invitation.save()
        _record(
            AccountEventKind.INVITATION_CREATED,
            actor_user=actor.user,
            organisation=organisation,
            object_id=invitation.public_id,
        )
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: _enqueue_invitation_email(invitation.pk, language))
    return invitation


def _enqueue_invitation_email(invitation_id: int, language: str) -> None:
    from maillage.accounts.tasks import send_invitation_email

    send_invitation_email.enqueue(invitation_id, language)


def invitation_revoke(actor: Actor, *, invitation: Invitation) -> Invitation:
    if not can_manage_members(actor, invitation.organisation):
        raise PermissionDenied
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != InvitationStatus.PENDING and invitation.status != InvitationStatus.EXPIRED:
            raise ValidationError(_("This invitation is no longer open."))
        invitation.revoked_at, invitation.revoked_by = timezone.now(), actor.user
        invitation.save(update_fields=["revoked_at", "revoked_by"])
        _record(
            AccountEventKind.INVITATION_REVOKED,
            actor_user=actor.user,
            organisation=invitation.organisation,
            object_id=invitation.public_id,
        )
    return invitation


def invitation_accept(actor: Actor, *, invitation: Invitation) -> Membership:
    """The invited person, logged in with the invited address, joins the organisation."""
    user = actor.user
    if user is None or not user.is_active:
        raise PermissionDenied
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        _check_acceptable(invitation)
        if user.email.lower() != invitation.email.lower():
            raise ValidationError(_("This invitation was sent to another e-mail address."))
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role, "job_title": invitation.job_title},
        )
        if not created and not membership.is_active:
            membership.is_active = True
            membership.role, membership.job_title = invitation.role, invitation.job_title
            membership.deactivated_at = membership.deactivated_by = None
            membership.save(update_fields=["is_active", "role", "job_title", "deactivated_at", "deactivated_by"])
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _record(
            AccountEventKind.INVITATION_ACCEPTED,
            actor_user=user,
            organisation=invitation.organisation,
            subject_user=user,
            object_id=invitation.public_id,
        )
    return membership


def invitation_register(invitation: Invitation, *, first_name: str, last_name: str, password: str) -> User:
    """A newcomer accepts an invitation: their account is created with the invited address, then they join."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_acceptable(invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("An account already exists for this address: log in to accept."))
        user = User(email=invitation.email, first_name=first_name.strip(), last_name=last_name.strip())
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password1": error.messages}) from error
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        invitation_accept(Actor(user=user), invitation=invitation)
    return user


def _check_acceptable(invitation: Invitation) -> None:
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation link is no longer valid."))
    if invitation.organisation.status == OrganisationStatus.DEACTIVATED:
        raise ValidationError(_("This organisation is deactivated."))


# Memberships and organisation ----------------------------------------------------------------------------------


def membership_deactivate(actor: Actor, *, membership: Membership) -> Membership:
    """Ends the member's access to this organisation at their next request (see ActorMiddleware), and revokes
    the API tokens that act for this membership."""
    if not can_change_membership(actor, membership):
        raise PermissionDenied
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.is_active:
            membership.is_active = False
            membership.deactivated_at, membership.deactivated_by = timezone.now(), actor.user
            membership.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
            _record(
                AccountEventKind.MEMBERSHIP_DEACTIVATED,
                actor_user=actor.user,
                organisation=membership.organisation,
                subject_user=membership.user,
            )
            # For good: reactivating the member later does not bring their tokens back.
            for token in ApiToken.objects.select_for_update().filter(membership=membership, revoked_at__isnull=True):
                _token_revoke(actor.user, token, organisation=membership.organisation)
    return membership


def membership_reactivate(actor: Actor, *, membership: Membership) -> Membership:
    if not can_change_membership(actor, membership):
        raise PermissionDenied
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            membership.is_active = True
            membership.deactivated_at = membership.deactivated_by = None
            membership.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
            _record(
                AccountEventKind.MEMBERSHIP_REACTIVATED,
                actor_user=actor.user,
                organisation=membership.organisation,
                subject_user=membership.user,
            )
    return membership


def organisation_update(actor: Actor, *, organisation: Organisation, data: Mapping[str, Any]) -> Organisation:
    """An organisation admin edits the public details; status and care-provider flag stay with platform staff."""
    if not can_edit_organisation(actor, organisation):
        raise PermissionDenied
    unknown = set(data) - set(ORGANISATION_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)})
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        for name, value in data.items():
            setattr(organisation, name, value)
        organisation.updated_by = actor.user
        organisation.full_clean()
        organisation.save(update_fields=[*data, "updated_by", "updated_at"])
        _record(AccountEventKind.ORGANISATION_UPDATED, actor_user=actor.user, organisation=organisation)
    return organisation


# API tokens ----------------------------------------------------------------------------------------------------


def api_token_create(
    actor: Actor, *, name: str, scopes: Iterable[str], expires_at: dt.datetime
) -> tuple[ApiToken, str]:
    """A new personal access token, acting for the actor's current membership. Returns the row and the secret,
    which is shown once and never stored.

    Only a logged-in session creates tokens: the API refuses token management to a token (`api_auth`).
    """
    if not actor.is_authenticated:
        raise PermissionDenied
    scopes = sorted(set(scopes))
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the token a name.")]
    if set(scopes) - set(ApiScope.values):
        errors["scopes"] = [_("Some of these scopes do not exist.")]
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = [_("The expiry date must be in the future.")]
    elif expires_at > now + API_TOKEN_MAX_LIFETIME:
        errors["expires_at"] = [_("A token lives one year at most.")]
    if errors:
        raise ValidationError(errors)
    secret, prefix = new_api_token()
    with transaction.atomic():
        token = ApiToken(
            user=actor.user,
            membership=actor.membership,
            name=name.strip(),
            prefix=prefix,
            token_hash=hash_secret(secret),
            scopes=scopes,
            expires_at=expires_at,
        )
        token.full_clean()
        token.save()
        _record(
            AccountEventKind.TOKEN_CREATED,
            actor_user=actor.user,
            organisation=actor.organisation,
            subject_user=actor.user,
            object_id=token.public_id,
        )
    return token, secret


def api_token_revoke(actor: Actor, *, token: ApiToken) -> ApiToken:
    if not can_manage_token(actor, token):
        raise PermissionDenied
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            _token_revoke(actor.user, token)
    return token


def api_tokens_revoke_all(actor: Actor, *, user: User) -> int:
    """Platform staff deactivating an account revokes all its tokens, for good: reactivating it later does not
    bring them back. Returns how many were revoked."""
    if not actor.is_platform_staff:
        raise PermissionDenied
    with transaction.atomic():
        tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
        for token in tokens:
            _token_revoke(actor.user, token)
    return len(tokens)


def _token_revoke(actor_user: User | None, token: ApiToken, *, organisation: Organisation | None = None) -> None:
    """Revoke a token locked by the caller's transaction, and record it."""
    token.revoked_at, token.revoked_by = timezone.now(), actor_user
    token.save(update_fields=["revoked_at", "revoked_by"])
    _record(
        AccountEventKind.TOKEN_REVOKED,
        actor_user=actor_user,
        organisation=organisation,
        subject_user=token.user,
        object_id=token.public_id,
    )


def api_token_touch(token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute so that API reads do not all write."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now

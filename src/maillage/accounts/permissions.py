"""Who may manage what in accounts. Predicates take an `Actor`, never a request."""

from maillage.accounts.actors import Actor
from maillage.accounts.enums import Role
from maillage.accounts.models import ApiToken, Membership, Organisation, User


def can_manage_members(actor: Actor, organisation: Organisation | None) -> bool:
    """An organisation's admins manage its members and invitations; platform staff may help any organisation."""
    if organisation is None or not actor.is_authenticated:
        return False
    if actor.is_platform_staff:
        return True
    return any(
        membership.organisation_id == organisation.pk and membership.role == Role.ORGANISATION_ADMIN
        for membership in actor.memberships
    )


def can_edit_organisation(actor: Actor, organisation: Organisation | None) -> bool:
    """The same people who manage the members edit the organisation's details."""
    return can_manage_members(actor, organisation)


def can_change_membership(actor: Actor, membership: Membership) -> bool:
    """An admin deactivates or reactivates others in their organisation, never their own membership."""
    return can_manage_members(actor, membership.organisation) and membership.user_id != actor.user.pk


def can_manage_token(actor: Actor, token: ApiToken) -> bool:
    """Tokens are personal: only their owner lists and revokes them."""
    return actor.is_authenticated and token.user_id == actor.user.pk


def can_reset_mfa(actor: Actor, user: User) -> bool:
    """Platform staff reset anyone's second factor; an organisation admin, that of a member of the organisation
    they act for (not platform staff). Never one's own: that goes through one's security page."""
    if not actor.is_authenticated or user.pk == actor.user.pk:
        return False
    if actor.is_platform_staff:
        return True
    organisation = actor.organisation
    return (
        not user.is_staff
        and actor.is_organisation_admin
        and Membership.objects.filter(organisation=organisation, user=user).exists()
    )

"""Reads in accounts."""

from django.db.models import Q, QuerySet

from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from maillage.accounts.tokens import hash_secret


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    """Every membership of the organisation, active first, then by name."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "deactivated_by")
        .order_by("-is_active", "user__last_name", "user__first_name", "user__email")
    )


def invitations_pending_for(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.pending().filter(organisation=organisation).select_related("invited_by")


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token designates, whatever its state; None for an unknown token."""
    if not token or len(token) > 128:
        return None
    return Invitation.objects.select_related("organisation").filter(token_hash=hash_secret(token)).first()


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("membership__organisation").order_by("-created_at", "-id")


def api_token_with_secret(secret: str) -> ApiToken | None:
    """The token with this secret, whatever its state (to tell its holder why it is refused); else None."""
    if not secret or len(secret) > 128:
        return None
    return (
        ApiToken.objects.select_related("user", "membership__organisation")
        .filter(token_hash=hash_secret(secret))
        .first()
    )


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The usable token with this secret, else None.

    Usable: neither revoked nor expired, its owner active, and the membership it acts for (if any) active in an
    organisation that is not deactivated.
    """
    if not secret or len(secret) > 128:
        return None
    active_membership = Q(membership__isnull=True) | Q(membership__is_active=True) & ~Q(
        membership__organisation__status=OrganisationStatus.DEACTIVATED
    )
    return (
        ApiToken.objects.usable()
        .select_related("user", "membership__organisation")
        .filter(active_membership, token_hash=hash_secret(secret), user__is_active=True)
        .first()
    )


def validated_organisations() -> QuerySet[Organisation]:
    """The organisations of the network that others may see: validated ones."""
    return Organisation.objects.filter(status=OrganisationStatus.VALIDATED).order_by("name", "id")

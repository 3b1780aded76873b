"""Who is acting: built once per request by ActorMiddleware, passed to every domain function.

The access door (`maillage.access`) and services take an `Actor`, never a request, so that
tasks, commands and the API reach the same decisions.
"""

from dataclasses import dataclass, field

from maillage.accounts.enums import Role, UserKind
from maillage.accounts.models import ApiToken, Membership, Organisation, User

CURRENT_ORGANISATION_SESSION_KEY = "maillage_organisation_id"


@dataclass(frozen=True)
class Actor:
    user: User | None
    membership: Membership | None = None
    memberships: tuple[Membership, ...] = field(default_factory=tuple)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None and self.user.is_active

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(membership.organisation_id for membership in self.memberships)

    @property
    def is_professional(self) -> bool:
        return self.role == Role.PROFESSIONAL

    @property
    def is_organisation_admin(self) -> bool:
        return self.role == Role.ORGANISATION_ADMIN

    @property
    def is_network_coordinator(self) -> bool:
        return any(membership.role == Role.NETWORK_COORDINATOR for membership in self.memberships)

    @property
    def is_platform_staff(self) -> bool:
        return bool(self.user and self.user.is_active and self.user.is_staff)

    @property
    def is_person(self) -> bool:
        return bool(self.user and self.user.kind == UserKind.PERSON)


ANONYMOUS = Actor(user=None)


def actor_for(user: User | None, organisation_id: int | None = None) -> Actor:
    """The actor for a user, acting for `organisation_id` when it is one of their active memberships."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    memberships = tuple(
        Membership.objects.active().filter(user=user).select_related("organisation").order_by("organisation__name")
    )
    current = next((m for m in memberships if m.organisation_id == organisation_id), None)
    if current is None and memberships:
        current = memberships[0]
    return Actor(user=user, membership=current, memberships=memberships)


def actor_for_token(token: ApiToken) -> Actor:
    """The actor of an API request: the token acts for its own membership only, whatever others its owner has.

    `api_token_for_secret` has already checked that the owner and the membership are active.
    """
    if token.membership is None:
        return Actor(user=token.user)
    return Actor(user=token.user, membership=token.membership, memberships=(token.membership,))

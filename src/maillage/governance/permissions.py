"""Who may do what in the network's life. Predicates take an `Actor`, never a request.

1. The network's coordinators are the active NETWORK_COORDINATOR members of its coordinating organisation;
   they run it: members, charter versions, bodies, objectives. Platform staff may set a network up.
2. A member organisation acts through the professionals who act for it (`actor.organisation`): it comments
   during a consultation, writes reviews and sheets, presents itself, registers for events, when its college
   has that right (professional organisations have every right).
3. Only a member organisation's authorised person signs for it: the signatory it named, or, when it named
   none, its organisation admins. A coordinator does not sign for others.
4. An organisation changes only what is its own: its presentation, its reviews, its signatory.
"""

from typing import Any

from maillage.accounts.enums import Role
from maillage.governance.enums import College, MemberStatus
from maillage.governance.models import CollegeRights, Network, NetworkMember


def is_coordinator(actor: Any, network: Network) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    return any(
        m.organisation_id == network.organisation_id and m.role == Role.NETWORK_COORDINATOR for m in actor.memberships
    )


def can_manage(actor: Any, network: Network) -> bool:
    return is_coordinator(actor, network)


def can_set_up_network(actor: Any) -> bool:
    return bool(getattr(actor, "is_platform_staff", False) or getattr(actor, "is_network_coordinator", False))


def acting_member(actor: Any, network: Network) -> NetworkMember | None:
    """The membership of the organisation the actor acts for, when it is a current member; else None."""
    organisation = getattr(actor, "organisation", None)
    if organisation is None or not actor.is_authenticated:
        return None
    return (
        NetworkMember.objects.filter(network=network, organisation=organisation, status=MemberStatus.MEMBER)
        .select_related("organisation", "network")
        .first()
    )


def college_allows(member: NetworkMember, right: str) -> bool:
    """`right` is one of CollegeRights' booleans (may_comment, may_sign, may_sit, may_attend_events)."""
    if member.college == College.PROFESSIONAL:
        return True
    rights = CollegeRights.objects.filter(network_id=member.network_id, college=member.college).first()
    return bool(rights is None or getattr(rights, right))


def is_authorised_signatory(actor: Any, member: NetworkMember) -> bool:
    """Rule 3: the named signatory, or the organisation's admins when none is named."""
    if not getattr(actor, "is_authenticated", False):
        return False
    membership = getattr(actor, "membership", None)
    if membership is None or membership.organisation_id != member.organisation_id:
        return False
    if member.signatory_id is not None:
        return member.signatory_id == actor.user.pk
    return membership.role == Role.ORGANISATION_ADMIN


def can_name_signatory(actor: Any, member: NetworkMember) -> bool:
    membership = getattr(actor, "membership", None)
    return bool(
        membership is not None
        and membership.organisation_id == member.organisation_id
        and membership.role == Role.ORGANISATION_ADMIN
    )

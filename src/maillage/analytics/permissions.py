"""Who sees which analytics. Predicates take an `Actor`, never a request.

1. The network's dashboard, map, alerts and reports: only the network's coordinators (the active
   NETWORK_COORDINATOR members of its coordinating organisation, `governance.permissions.is_coordinator`).
2. An organisation's own view (its ego network and load): the admins of that organisation, acting for it.
3. No role gives any person's data here: every page shows organisations and counts, counts of persons hidden
   under 5.
"""

from typing import Any

from maillage.accounts.enums import Role
from maillage.governance import permissions as governance_permissions
from maillage.governance.models import Network


def can_see_network(actor: Any, network: Network) -> bool:
    return governance_permissions.is_coordinator(actor, network)


def can_see_own_organisation(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.is_organisation_admin and actor.organisation)


def coordinated_network(actor: Any) -> Network | None:
    """The first network (by name) the actor coordinates."""
    if not getattr(actor, "is_authenticated", False):
        return None
    organisation_ids = [m.organisation_id for m in actor.memberships if m.role == Role.NETWORK_COORDINATOR]
    return Network.objects.filter(organisation_id__in=organisation_ids).order_by("name").first()

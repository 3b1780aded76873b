"""Who may change what in the directory. Directory listings hold no person data."""

from maillage.accounts.actors import Actor
from maillage.accounts.models import Organisation


def can_edit_listing(actor: Actor, organisation: Organisation | int) -> bool:
    """Any active member of the organisation edits its services and locations; platform staff too."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return actor.is_authenticated and (organisation_id in actor.organisation_ids or actor.is_platform_staff)


def can_validate_organisations(actor: Actor) -> bool:
    """The network coordinator validates new organisations (platform staff may stand in)."""
    return actor.is_authenticated and (actor.is_network_coordinator or actor.is_platform_staff)

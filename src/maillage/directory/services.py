"""Writes of the directory: `<noun>_<verb>(actor, *, ...)`, atomic, checked, index kept in step by signals."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.actors import Actor
from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Organisation
from maillage.directory.enums import CapacityStatus, ServiceStatus
from maillage.directory.models import Location, Service, ServiceAtLocation
from maillage.directory.permissions import can_edit_listing, can_validate_organisations

SERVICE_FIELDS = [
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "application_process",
    "fees_description",
    "is_free",
    "minimum_age",
    "maximum_age",
    "situations",
    "residence_required",
    "eligibility_description",
    "languages",
    "self_referral",
    "professional_referral",
    "appointment_required",
    "mobilisable_by",
    "mobilisation_means",
    "mobilisation_link",
    "opening_hours",
    "capacity_status",
    "waiting_time_days",
]


def _require_edit(actor: Actor, organisation_id: int) -> None:
    if not can_edit_listing(actor, organisation_id):
        raise PermissionDenied(_("Only members of this organisation may change its listings."))


@transaction.atomic
def service_save(
    actor: Actor, *, service: Service, needs=None, locations=None, capacity_changed: bool = False
) -> Service:
    """Create or update a service of the actor's organisation, with its needs and locations."""
    _require_edit(actor, service.organisation_id)
    if capacity_changed or (service.pk is None and service.capacity_status):
        service.capacity_updated_at = timezone.now()
    service.updated_by = actor.user
    service.full_clean()
    service.save()
    if needs is not None:
        service.needs.set(needs)
    if locations is not None:
        wanted = {location.pk for location in locations}
        if any(location.organisation_id != service.organisation_id for location in locations):
            raise ValidationError(_("A service can only be delivered at its own organisation's locations."))
        service.at_locations.exclude(location_id__in=wanted).delete()
        existing = set(service.at_locations.values_list("location_id", flat=True))
        for location_id in wanted - existing:
            ServiceAtLocation.objects.create(service=service, location_id=location_id, updated_by=actor.user)
    return service


@transaction.atomic
def service_set_capacity(
    actor: Actor, *, service: Service, capacity_status: str, waiting_time_days: int | None = None
) -> Service:
    """The one-click capacity update: also confirms the listing is alive (updated_at moves)."""
    _require_edit(actor, service.organisation_id)
    if capacity_status not in CapacityStatus.values:
        raise ValidationError({"capacity_status": _("Choose a capacity from the list.")})
    service.capacity_status = capacity_status
    service.waiting_time_days = waiting_time_days if capacity_status == CapacityStatus.WAITING_LIST else None
    service.capacity_updated_at = timezone.now()
    service.updated_by = actor.user
    service.save(
        update_fields=["capacity_status", "waiting_time_days", "capacity_updated_at", "updated_by", "updated_at"]
    )
    return service


@transaction.atomic
def service_confirm(actor: Actor, *, service: Service) -> Service:
    """ "Still accurate": refreshes the listing's date without changing it (answers a stale reminder)."""
    _require_edit(actor, service.organisation_id)
    service.updated_by = actor.user
    service.save(update_fields=["updated_by", "updated_at"])
    return service


@transaction.atomic
def location_save(actor: Actor, *, location: Location) -> Location:
    _require_edit(actor, location.organisation_id)
    location.updated_by = actor.user
    location.full_clean()
    location.save()
    return location


@transaction.atomic
def location_attach(actor: Actor, *, location: Location, organisation: Organisation) -> Location:
    """The network coordinator gives a location imported without its organisation to the one that runs it."""
    if not can_validate_organisations(actor):
        raise PermissionDenied(_("Only the network coordinator attaches locations to organisations."))
    location = Location.objects.select_for_update().get(pk=location.pk)
    if location.organisation_id is not None:
        raise ValidationError(_("This location already belongs to %(name)s.") % {"name": location.organisation})
    if organisation.status == OrganisationStatus.DEACTIVATED:
        raise ValidationError(_("%(name)s is deactivated.") % {"name": organisation})
    location.organisation = organisation
    location.updated_by = actor.user
    location.save(update_fields=["organisation", "updated_by", "updated_at"])
    return location


@transaction.atomic
def organisation_validate(actor: Actor, *, organisation: Organisation) -> Organisation:
    """The network coordinator accepts a new organisation: its services become public."""
    if not can_validate_organisations(actor):
        raise PermissionDenied(_("Only the network coordinator validates organisations."))
    if organisation.status != OrganisationStatus.PENDING:
        raise ValidationError(_("This organisation is not awaiting validation."))
    organisation.status = OrganisationStatus.VALIDATED
    organisation.validated_at = timezone.now()
    organisation.validated_by = actor.user
    organisation.updated_by = actor.user
    organisation.save(update_fields=["status", "validated_at", "validated_by", "updated_by", "updated_at"])
    Service.objects.filter(organisation=organisation, awaiting_validation=True).update(awaiting_validation=False)
    return organisation


@transaction.atomic
def organisation_reject(actor: Actor, *, organisation: Organisation) -> Organisation:
    """The network coordinator refuses a new organisation: it is deactivated, its services made inactive."""
    if not can_validate_organisations(actor):
        raise PermissionDenied(_("Only the network coordinator validates organisations."))
    if organisation.status != OrganisationStatus.PENDING:
        raise ValidationError(_("This organisation is not awaiting validation."))
    organisation.status = OrganisationStatus.DEACTIVATED
    organisation.updated_by = actor.user
    organisation.save(update_fields=["status", "updated_by", "updated_at"])
    Service.objects.filter(organisation=organisation).update(
        status=ServiceStatus.INACTIVE, awaiting_validation=False, updated_by=actor.user, updated_at=timezone.now()
    )
    return organisation


@transaction.atomic
def service_decide(actor: Actor, *, service: Service, publish: bool) -> Service:
    """The network coordinator publishes an imported service, or refuses it (it is made inactive)."""
    if not can_validate_organisations(actor):
        raise PermissionDenied(_("Only the network coordinator validates organisations."))
    service = Service.objects.select_for_update().defer("search_vector").get(pk=service.pk)
    if not service.awaiting_validation:
        raise ValidationError(_("This service is not awaiting validation."))
    service.awaiting_validation = False
    if not publish:
        service.status = ServiceStatus.INACTIVE
    service.updated_by = actor.user
    service.save(update_fields=["awaiting_validation", "status", "updated_by", "updated_at"])
    return service

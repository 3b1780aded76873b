"""Reads of the directory (taxonomy, services, organisations' listings)."""

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Organisation
from maillage.directory.enums import ServiceStatus
from maillage.directory.models import BUILTIN_TAXONOMY_ID, Location, Service, ServiceAtLocation, TaxonomyTerm
from maillage.directory.search import LISTED_STATUSES, STALE_AFTER


def life_domains() -> QuerySet[TaxonomyTerm]:
    """The built-in taxonomy's life domains (level-1 terms), in their display order."""
    return TaxonomyTerm.objects.filter(taxonomy__public_id=BUILTIN_TAXONOMY_ID, level=1).order_by("position", "code")


def builtin_terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(taxonomy__public_id=BUILTIN_TAXONOMY_ID).order_by("level", "position")


def need_choices() -> list[tuple[str, str]]:
    """(code, label) for a need filter: each life domain followed by its sub-terms, indented.

    Every search page builds it: rows as tuples, not a hundred model instances (`TaxonomyTerm.name`'s rule)."""
    english = (get_language() or "fr").startswith("en")
    rows = (
        TaxonomyTerm.objects.filter(taxonomy__public_id=BUILTIN_TAXONOMY_ID)
        .order_by("position", "code")
        .values_list("id", "parent_id", "level", "code", "name_fr", "name_en")
    )
    terms = [
        (pk, parent_id, level, code, name_en if english and name_en else name_fr)
        for pk, parent_id, level, code, name_fr, name_en in rows
    ]
    children: dict[int, list[tuple[str, str]]] = {}
    for _pk, parent_id, _level, code, name in terms:
        if parent_id:
            children.setdefault(parent_id, []).append((code, f"— {name}"))
    choices = []
    for pk, _parent_id, level, code, name in terms:
        if level == 1:
            choices.append((code, name))
            choices += children.get(pk, [])
    return choices


def public_service(public_id) -> Service | None:
    """A listed service for the public detail page (None when unknown, hidden or of an unvalidated partner)."""
    return (
        Service.objects.filter(
            public_id=public_id,
            status__in=LISTED_STATUSES,
            organisation__status=OrganisationStatus.VALIDATED,
            awaiting_validation=False,
        )
        .defer("search_vector")
        .select_related("organisation")
        .prefetch_related(
            "needs",
            "phones",
            "contacts",
            "required_documents",
            "areas__territory",
            Prefetch("at_locations", queryset=ServiceAtLocation.objects.select_related("location__commune")),
        )
        .first()
    )


def stale_services() -> QuerySet[Service]:
    """Listed services whose record was not updated for six months (the directory flags them)."""
    return Service.objects.filter(
        updated_at__lt=timezone.now() - STALE_AFTER,
        status__in=[ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED],
    ).defer("search_vector")


def organisations_with_stale_services() -> list[int]:
    return sorted(set(stale_services().values_list("organisation_id", flat=True)))


def services_of(organisation_id: int) -> QuerySet[Service]:
    return (
        Service.objects.filter(organisation_id=organisation_id)
        .defer("search_vector")
        .prefetch_related("needs", "at_locations__location")
        .order_by("name")
    )


def pending_organisations() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(status=OrganisationStatus.PENDING)
        .select_related("territory")
        .annotate(service_count=Count("services"))
        .order_by("created_at")
    )


def services_awaiting_validation() -> QuerySet[Service]:
    """Imported services of validated organisations, for the coordinator to publish (those of an organisation
    awaiting validation go with it)."""
    return (
        Service.objects.filter(awaiting_validation=True, organisation__status=OrganisationStatus.VALIDATED)
        .defer("search_vector")
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )


def unclaimed_locations() -> QuerySet[Location]:
    """Locations imported without their organisation, for the coordinator to attach."""
    return Location.objects.filter(organisation__isnull=True).order_by("name", "pk")


def attachable_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.exclude(status=OrganisationStatus.DEACTIVATED).order_by("name", "pk")


def stale_services_of(organisation_id: int) -> QuerySet[Service]:
    """The organisation's listed services not updated for six months, the oldest first."""
    return stale_services().filter(organisation_id=organisation_id).order_by("updated_at", "pk")

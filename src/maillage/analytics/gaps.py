"""Unmet needs: by commune and life domain, persons with an open need and no service with capacity nearby.

The rules, in plain words:

1. Persons counted are those the network's member organisations follow at the end of the period, whose commune
   is known, with a need open (or being worked on). A need's life domain is its term, or the term's parent when
   the term is a sub-term.
2. A service is nearby when one of its locations is in the commune or one of its service areas covers the
   commune (that territory or one above it). It offers the life domain when one of its needs is the domain or a
   sub-term of it. It has capacity when it is active and declares places available.
3. A gap is a (commune, life domain) where persons have that need open and no service nearby has capacity; it
   keeps how many services of the domain are nearby all the same (full, waiting list, not declared).
4. Small cells: a gap of fewer than `SMALL_CELL` persons is not kept at all, so no output can show it.
"""

from collections import defaultdict
from dataclasses import dataclass

from maillage.directory.enums import CapacityStatus, ServiceStatus
from maillage.directory.models import Service, ServiceArea, ServiceAtLocation
from maillage.people.aggregates import SMALL_CELL
from maillage.territories.models import Territory


@dataclass(frozen=True)
class Gap:
    commune: int
    life_domain: int
    persons: int
    services_nearby: int


def _services_by_domain(domains: set[int]) -> dict[int, set[int]]:
    """domain -> services offering it (rule 2)."""
    through = Service.needs.through
    rows = through.objects.filter(taxonomyterm__in=domains) | through.objects.filter(
        taxonomyterm__parent_id__in=domains
    )
    found: dict[int, set[int]] = defaultdict(set)
    for service, term, parent in rows.values_list("service_id", "taxonomyterm_id", "taxonomyterm__parent_id"):
        found[term if term in domains else parent].add(service)
    return found


def _nearby(communes: set[int], services: set[int]) -> dict[int, set[int]]:
    """commune -> services nearby (rule 2), among `services`."""
    found: dict[int, set[int]] = defaultdict(set)
    located = ServiceAtLocation.objects.filter(service_id__in=services, location__commune_id__in=communes)
    for service, commune in located.values_list("service_id", "location__commune_id"):
        found[commune].add(service)
    paths = dict(Territory.objects.filter(pk__in=communes).values_list("pk", "path"))
    areas = ServiceArea.objects.filter(service_id__in=services, territory__isnull=False)
    for service, area_path in areas.values_list("service_id", "territory__path"):
        for commune, path in paths.items():
            if area_path and path.startswith(area_path):
                found[commune].add(service)
    return found


def unmet_needs(needs_by_commune: dict[tuple[int, int], int]) -> list[Gap]:
    """Rules 1 to 4, from {(commune, life domain): persons} (people.aggregates.open_needs_by_commune)."""
    cells = {key: n for key, n in needs_by_commune.items() if n >= SMALL_CELL}
    if not cells:
        return []
    domains = {domain for _commune, domain in cells}
    offering = _services_by_domain(domains)
    all_services = set().union(*offering.values()) if offering else set()
    with_capacity = set(
        Service.objects.filter(
            pk__in=all_services, status=ServiceStatus.ACTIVE, capacity_status=CapacityStatus.AVAILABLE
        ).values_list("pk", flat=True)
    )
    nearby = _nearby({commune for commune, _domain in cells}, all_services)
    gaps = []
    for (commune, domain), n in sorted(cells.items()):
        here = nearby.get(commune, set()) & offering.get(domain, set())
        if not here & with_capacity:
            gaps.append(Gap(commune=commune, life_domain=domain, persons=n, services_nearby=len(here)))
    return gaps

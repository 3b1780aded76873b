"""Reads for the dashboards: counts only, no personal data."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from maillage.access.selectors import Week, break_glass_counts
from maillage.accounts.actors import Actor
from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.models import Membership, Organisation


@dataclass(frozen=True)
class Figure:
    label: str | Promise
    value: int


def dashboard_figures(actor: Actor) -> list[Figure]:
    """A few counts that fit the actor's role: their organisation's members, the network's organisations."""
    figures: list[Figure] = []
    if actor.is_organisation_admin and actor.organisation is not None:
        members = Membership.objects.active().filter(organisation=actor.organisation).count()
        figures.append(Figure(_("Active members of your organisation"), members))
    if actor.is_network_coordinator or actor.is_platform_staff:
        counts = dict.fromkeys(OrganisationStatus.values, 0)
        for status, count in _organisation_counts():
            counts[status] = count
        figures.append(Figure(_("Validated organisations"), counts[OrganisationStatus.VALIDATED]))
        figures.append(Figure(_("Organisations awaiting validation"), counts[OrganisationStatus.PENDING]))
        this_week = sum(n for _name, n in break_glass_counts(Week.containing(timezone.now())))
        figures.append(Figure(_("Emergency accesses this week"), this_week))
    return figures


def _organisation_counts() -> list[tuple[str, int]]:
    return list(Organisation.objects.order_by().values("status").annotate(n=Count("id")).values_list("status", "n"))

"""The dashboard's cards about the directory (registered in DirectoryConfig.ready): no person data.

A member sees their organisation's services that were not updated for six months; the network coordinator
(or platform staff) sees the organisations awaiting validation and the network's stale entries.
"""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.actors import Actor
from maillage.core.dashboard import Card, Row
from maillage.directory import selectors
from maillage.directory.permissions import can_validate_organisations

ROWS = 5


def member_cards(actor: Actor) -> Iterable[Card]:
    if actor.organisation is None or not (actor.is_professional or actor.is_organisation_admin):
        return []
    stale = list(selectors.stale_services_of(actor.organisation.pk).only("public_id", "name", "updated_at"))
    rows = [
        Row(
            service.name,
            reverse("directory:service_edit", kwargs={"public_id": service.public_id}),
            when=timezone.localdate(service.updated_at),
            when_label=_("last updated on"),
        )
        for service in stale[:ROWS]
    ]
    return [
        Card(
            key="services",
            title=_("Our services to update"),
            order=40,
            count=len(stale),
            rows=rows,
            more_url=reverse("directory:manage"),
            more_label=_("All our services"),
            empty=_(
                "Every service of your organisation was updated in the last six months. Partners trust what "
                "they see: update a service as soon as its hours, places or capacity change."
            ),
        )
    ]


def coordinator_cards(actor: Actor) -> Iterable[Card]:
    if not can_validate_organisations(actor):
        return []
    pending = list(selectors.pending_organisations()[:ROWS])
    pending_count = len(pending) if len(pending) < ROWS else selectors.pending_organisations().count()
    stale = selectors.stale_services().select_related("organisation").order_by("updated_at", "pk")
    stale_rows = list(stale.only("public_id", "name", "updated_at", "organisation__name")[:ROWS])
    stale_count = len(stale_rows) if len(stale_rows) < ROWS else stale.count()
    pending_url = reverse("directory:pending")
    return [
        Card(
            key="to-validate",
            title=_("Organisations to validate"),
            order=10,
            count=pending_count,
            urgent=bool(pending),
            rows=[
                Row(
                    organisation.name,
                    pending_url,
                    when=timezone.localdate(organisation.created_at),
                    when_label=_("asked on"),
                )
                for organisation in pending
            ],
            more_url=pending_url,
            more_label=_("Everything awaiting validation"),
            empty=_("No organisation awaits validation. New organisations appear here as soon as they register."),
        ),
        Card(
            key="stale-entries",
            title=_("Directory entries not updated for six months"),
            order=20,
            count=stale_count,
            rows=[
                Row(
                    service.name,
                    reverse("directory:service_detail", kwargs={"public_id": service.public_id}),
                    when=timezone.localdate(service.updated_at),
                    when_label=_("last updated on"),
                    detail=service.organisation.name,
                )
                for service in stale_rows
            ],
            empty=_("Every listed service was updated in the last six months."),
        ),
    ]

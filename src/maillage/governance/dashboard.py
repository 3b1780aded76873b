"""The dashboard's cards about the network's life (registered in GovernanceConfig.ready): no person data.

An organisation's authorised person sees what awaits its signature; a member sees the consultations open for
its comments; a coordinator, and the authorised person of each party, see the conventions that end soon.
"""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.actors import Actor
from maillage.core.dashboard import Card, Row
from maillage.governance import permissions, selectors
from maillage.governance.enums import VersionStatus

ROWS = 5


def governance_cards(actor: Actor) -> Iterable[Card]:
    if not actor.is_authenticated or actor.is_person or actor.organisation is None:
        return []
    network = selectors.network_for_actor(actor)
    if network is None:
        return []
    cards: list[Card] = []
    member = permissions.acting_member(actor, network)
    if member is not None and permissions.is_authorised_signatory(actor, member):
        waiting = selectors.versions_awaiting_signature(member)
        cards.append(
            Card(
                key="to-sign",
                title=_("Awaiting your organisation's signature"),
                order=15,
                count=len(waiting),
                urgent=bool(waiting),
                rows=[
                    Row(
                        f"{version.agreement.title} (v{version.number})",
                        reverse("governance:version_detail", kwargs={"public_id": version.public_id}),
                        when=version.adopted_on,
                        when_label=_("adopted on"),
                    )
                    for version in waiting[:ROWS]
                ],
                empty=_("Your organisation has signed the network's charter and conventions in force."),
            )
        )
    if member is not None and permissions.college_allows(member, "may_comment"):
        open_versions = list(
            selectors.AgreementVersion.objects.filter(
                agreement__network=network,
                status=VersionStatus.CONSULTATION,
                consultation_ends_on__gte=timezone.localdate(),
            ).select_related("agreement")
        )
        if open_versions:
            cards.append(
                Card(
                    key="consultations",
                    title=_("Open for your comments"),
                    order=35,
                    count=len(open_versions),
                    rows=[
                        Row(
                            f"{version.agreement.title} (v{version.number})",
                            reverse("governance:version_detail", kwargs={"public_id": version.public_id}),
                            when=version.consultation_ends_on,
                            when_label=_("comments close on"),
                        )
                        for version in open_versions[:ROWS]
                    ],
                )
            )
    coordinator = permissions.can_manage(actor, network)
    if coordinator or (member is not None and permissions.is_authorised_signatory(actor, member)):
        today = timezone.localdate()
        ending = selectors.conventions_to_renew(network, today, None if coordinator else member)
        if ending:
            cards.append(
                Card(
                    key="conventions-to-renew",
                    title=_("Conventions to renew"),
                    order=36,
                    count=len(ending),
                    urgent=True,
                    rows=[
                        Row(
                            agreement.title,
                            reverse("governance:agreement_detail", kwargs={"public_id": agreement.public_id}),
                            when=agreement.ends_on,
                            when_label=_("ends on"),
                        )
                        for agreement in ending[:ROWS]
                    ],
                )
            )
    return cards

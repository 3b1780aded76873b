"""The dashboard's card for the network coordinator (registered in AccessConfig.ready): the week's emergency
accesses, counted per organisation. No person data (the door's rule 5)."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from maillage.access.selectors import Week, break_glass_counts
from maillage.accounts.actors import Actor
from maillage.core.dashboard import Card, Row


def coordinator_cards(actor: Actor) -> Iterable[Card]:
    if not (actor.is_network_coordinator or actor.is_platform_staff):
        return []
    counts = break_glass_counts(Week.containing(timezone.now()))
    url = reverse("access:break_glass_week")
    return [
        Card(
            key="emergency-week",
            title=_("Emergency accesses this week"),
            order=30,
            count=sum(n for _name, n in counts),
            rows=[Row(name, url, detail=_accesses(n)) for name, n in counts],
            more_url=url,
            more_label=_("Who, when, why, how long"),
            empty=_("No emergency access was opened this week."),
        )
    ]


def _accesses(count: int) -> str:
    return ngettext("%(count)d emergency access", "%(count)d emergency accesses", count) % {"count": count}

"""Stated trust between partner organisations: the survey campaigns (after the PARTNER tool) and their results.

The rules, in plain words:

1. The network's coordinators open a campaign: a title, the days it is open, whether the raters are anonymous.
   Who rates whom comes from the observed graph of the twelve months before it opens (persons followed
   together, meetings, referrals): each member organisation rates each partner it worked with, and nobody
   else. A network with no observed link has nothing to ask.
2. While the campaign is open, an organisation (any of its active members acting for it) answers, and changes,
   only its own ratings: openness, reliability, shared mission, and the value the partner brings (resources,
   involvement), each from 1 to 4. Each write checks the rating's version and is sent once (GuardedForm).
3. Stated trust is the mean of openness, reliability and shared mission; the value is the mean of resources
   and involvement. Results: per link (the two directions), per organisation (average trust given and
   received) and response rates (ratings answered out of those asked, organisations that answered).
4. Anonymous raters: no output says which organisation gave which rating. A link shows only the mean of its
   two directions, once both answered; an organisation's average received shows only from `MIN_RATERS`
   raters; the average given is never shown. Named raters: every direction is shown with its rater.
5. The coordinators see every result; an organisation sees its own answers, its own average received (under
   rule 4) and the response rates. The snapshot reads the latest campaign opened by the end of its period,
   with the same rules.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.analytics.models import TrustCampaign, TrustRating
from maillage.core.text import collation_key
from maillage.governance import permissions
from maillage.governance.models import Network
from maillage.governance.services import log_event

MIN_RATERS = 3
OBSERVED_DAYS = 365
SCORES = ("openness", "reliability", "shared_mission", "resources", "involvement")


def observed_partners(network: Network, start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Rule 1: the pairs (a, b), a < b, of member organisations that worked together in [start, end]."""
    from maillage.analytics import compute, sources

    inputs = sources.load(network, start, end)
    return sorted(key for key, row in compute._links(inputs).items() if row["weight"] > 0)


def campaign_open(
    actor: Any, *, network: Network, title: str, opens_on: dt.date, closes_on: dt.date, anonymous: bool
) -> TrustCampaign:
    """Rule 1: a coordinator opens a campaign; one unanswered rating per rater and partner."""
    if not permissions.can_manage(actor, network):
        raise PermissionDenied(_("Only the network's coordinators can do this."))
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The survey must close on or after the day it opens.")})
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The survey must close today or later.")})
    observed_to = opens_on
    observed_from = observed_to - dt.timedelta(days=OBSERVED_DAYS - 1)
    pairs = observed_partners(network, observed_from, observed_to)
    if not pairs:
        raise ValidationError(
            _("No member organisations worked together in the twelve months before this date: nobody to rate.")
        )
    with transaction.atomic():
        campaign = TrustCampaign(
            network=network,
            title=title,
            opens_on=opens_on,
            closes_on=closes_on,
            anonymous=anonymous,
            observed_from=observed_from,
            observed_to=observed_to,
            updated_by=actor.user,
        )
        campaign.full_clean()
        campaign.save()
        TrustRating.objects.bulk_create(
            [TrustRating(campaign=campaign, rater_id=a, partner_id=b) for x, y in pairs for a, b in ((x, y), (y, x))]
        )
        log_event(actor, network, "trust_campaign_open", campaign)
    return campaign


def can_answer(actor: Any, rating: TrustRating) -> bool:
    """Rule 2: the rater organisation's members, while the campaign is open."""
    organisation = getattr(actor, "organisation", None)
    return bool(
        getattr(actor, "is_authenticated", False)
        and organisation is not None
        and organisation.pk == rating.rater_id
        and rating.campaign.is_open(timezone.localdate())
    )


def rating_answer(actor: Any, *, rating: TrustRating, version: int | None, **scores: int) -> TrustRating:
    """Rule 2: the rater organisation answers (or changes) its rating of one partner."""
    if not can_answer(actor, rating):
        raise PermissionDenied(_("Only the rating organisation can answer, while the survey is open."))
    with transaction.atomic():
        if version is not None:
            rating.version = version
        for name in SCORES:
            setattr(rating, name, scores[name])
        rating.answered_at = timezone.now()
        rating.updated_by = actor.user
        rating.full_clean()
        rating.save()
        log_event(actor, rating.campaign.network, "trust_rating_answer", rating)
    return rating


# --- results -------------------------------------------------------------------------------------------------


@dataclass
class LinkTrust:
    a: int
    b: int
    trust: float | None = None  # the mean of both directions (anonymous) or of those answered (named)
    value: float | None = None
    a_to_b: TrustRating | None = None  # named raters only
    b_to_a: TrustRating | None = None


@dataclass
class OrganisationTrust:
    organisation: int
    asked: int = 0
    answered: int = 0
    given: float | None = None  # named raters only
    received: float | None = None
    received_value: float | None = None
    raters: int = 0

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


@dataclass
class Results:
    campaign: TrustCampaign
    asked: int = 0
    answered: int = 0
    organisations_asked: int = 0
    organisations_answered: int = 0
    links: dict[tuple[int, int], LinkTrust] = field(default_factory=dict)
    organisations: dict[int, OrganisationTrust] = field(default_factory=dict)

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def _mean(values: list[float]) -> float | None:
    return round(mean(values), 2) if values else None


def results(campaign: TrustCampaign) -> Results:
    """Rules 3 and 4: what the campaign says, with the anonymity it promised already applied."""
    found = Results(campaign=campaign)
    ratings = list(campaign.ratings.all())
    by_pair: dict[tuple[int, int], dict[int, TrustRating]] = defaultdict(dict)
    received: dict[int, list[TrustRating]] = defaultdict(list)
    given: dict[int, list[TrustRating]] = defaultdict(list)
    for rating in ratings:
        org = found.organisations.setdefault(rating.rater_id, OrganisationTrust(rating.rater_id))
        found.organisations.setdefault(rating.partner_id, OrganisationTrust(rating.partner_id))
        org.asked += 1
        found.asked += 1
        if rating.answered_at is not None:
            org.answered += 1
            found.answered += 1
            received[rating.partner_id].append(rating)
            given[rating.rater_id].append(rating)
        key = (min(rating.rater_id, rating.partner_id), max(rating.rater_id, rating.partner_id))
        by_pair[key][rating.rater_id] = rating
    found.organisations_asked = sum(1 for o in found.organisations.values() if o.asked)
    found.organisations_answered = sum(1 for o in found.organisations.values() if o.answered)
    for (a, b), sides in by_pair.items():
        done = [r for r in sides.values() if r.answered_at is not None]
        link = LinkTrust(a, b)
        if campaign.anonymous:
            if len(done) == 2:
                link.trust, link.value = _mean([r.trust for r in done]), _mean([r.value for r in done])
        else:
            link.trust, link.value = _mean([r.trust for r in done]), _mean([r.value for r in done])
            link.a_to_b, link.b_to_a = sides.get(a), sides.get(b)
        found.links[(a, b)] = link
    for org_id, org in found.organisations.items():
        got = received.get(org_id, [])
        org.raters = len(got)
        if not campaign.anonymous or len(got) >= MIN_RATERS:
            org.received = _mean([r.trust for r in got])
            org.received_value = _mean([r.value for r in got])
        if not campaign.anonymous:
            org.given = _mean([r.trust for r in given.get(org_id, [])])
    return found


def campaign_for_snapshot(network: Network, end: dt.date) -> TrustCampaign | None:
    """Rule 5: the latest campaign opened by `end` that has answers."""
    return (
        TrustCampaign.objects.filter(network=network, opens_on__lte=end, ratings__answered_at__isnull=False)
        .order_by("-opens_on", "-pk")
        .distinct()
        .first()
    )


def campaigns_for(network: Network):
    return TrustCampaign.objects.filter(network=network).order_by("-opens_on", "-pk")


def own_ratings(campaign: TrustCampaign, organisation_id: int) -> list[TrustRating]:
    rows = campaign.ratings.filter(rater_id=organisation_id).select_related("partner")
    return sorted(rows, key=lambda r: collation_key(r.partner.name))

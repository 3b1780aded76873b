"""The stated trust survey: the coordinators open it, partners come from the observed graph, each organisation
answers only its own ratings, results respect the anonymity promised, and the snapshot reads them."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory
from maillage.analytics import compute, selectors, trust
from maillage.analytics.models import TrustRating
from maillage.analytics.tests.test_scenarios import TODAY, _follow, _members
from maillage.core.tests.helpers import post_form
from maillage.core.versioning import StaleWrite
from maillage.governance.tests.factories import NetworkFactory, coordinator_of

pytestmark = pytest.mark.django_db
SCORES = {"openness": 4, "reliability": 3, "shared_mission": 2, "resources": 4, "involvement": 2}


@pytest.fixture
def scene():
    """Four members: a works with b, c and d; b with c. d never worked with b or c."""
    network = NetworkFactory()
    a, b, c, d = _members(network, 4)
    _follow(a, b, c)
    _follow(a, d)
    coordinator = coordinator_of(network)
    admins = {org: MembershipFactory(organisation=org, admin=True) for org in (a, b, c, d)}
    return network, (a, b, c, d), coordinator, admins


def _actor(membership):
    return actor_for(membership.user, membership.organisation_id)


def _open(network, coordinator, *, anonymous=True):
    return trust.campaign_open(
        _actor(coordinator),
        network=network,
        title="Confiance 2026",
        opens_on=TODAY,
        closes_on=TODAY + dt.timedelta(days=14),
        anonymous=anonymous,
    )


def _answer(campaign, admins, rater, partner, **scores):
    rating = TrustRating.objects.get(campaign=campaign, rater=rater, partner=partner)
    return trust.rating_answer(_actor(admins[rater]), rating=rating, version=rating.version, **{**SCORES, **scores})


class TestCampaign:
    def test_partners_come_from_the_observed_graph(self, scene):
        network, (a, b, c, d), coordinator, _admins = scene
        campaign = _open(network, coordinator)
        asked = set(campaign.ratings.values_list("rater_id", "partner_id"))
        pairs = [(a, b), (a, c), (b, c), (a, d)]
        assert asked == {(x.pk, y.pk) for p, q in pairs for x, y in ((p, q), (q, p))}

    def test_only_a_coordinator_opens_one(self, scene):
        network, (a, *_), _coordinator, admins = scene
        with pytest.raises(PermissionDenied):
            trust.campaign_open(
                _actor(admins[a]), network=network, title="x", opens_on=TODAY, closes_on=TODAY, anonymous=True
            )

    def test_nothing_to_ask_without_links(self):
        network = NetworkFactory()
        _members(network, 2)
        with pytest.raises(ValidationError):
            _open(network, coordinator_of(network))

    def test_the_form_opens_it(self, client, scene):
        network, _orgs, coordinator, _admins = scene
        client.force_login(coordinator.user)
        url = reverse("analytics_trust:campaign_create", kwargs={"public_id": network.public_id})
        data = {"title": "Confiance", "opens_on": TODAY, "closes_on": TODAY - dt.timedelta(days=1)}
        response = post_form(client, url, data)
        assert response.status_code == 400 and "le jour de son ouverture ou après" in response.content.decode()
        response = post_form(client, url, {**data, "closes_on": TODAY + dt.timedelta(days=7), "anonymous": "on"})
        assert response.status_code == 302
        assert network.trust_campaigns.get().anonymous

    def test_a_member_cannot_open_the_form(self, client, scene):
        network, (a, *_), _coordinator, admins = scene
        client.force_login(admins[a].user)
        url = reverse("analytics_trust:campaign_create", kwargs={"public_id": network.public_id})
        assert client.get(url).status_code == 403


class TestAnswering:
    def test_an_organisation_answers_its_own_rating_through_the_form(self, client, scene):
        network, (a, b, _c, _d), coordinator, admins = scene
        campaign = _open(network, coordinator)
        client.force_login(admins[a].user)
        url = reverse(
            "analytics_trust:rating_answer", kwargs={"public_id": campaign.public_id, "partner": b.public_id}
        )
        response = post_form(client, url, {k: str(v) for k, v in SCORES.items()})
        assert response.status_code == 302
        rating = TrustRating.objects.get(campaign=campaign, rater=a, partner=b)
        assert rating.trust == 3 and rating.value == 3 and rating.answered_at

    def test_another_organisations_rating_is_not_found(self, client, scene):
        network, (a, b, c, d), coordinator, admins = scene
        campaign = _open(network, coordinator)
        client.force_login(admins[d].user)
        url = reverse(
            "analytics_trust:rating_answer", kwargs={"public_id": campaign.public_id, "partner": b.public_id}
        )
        assert client.get(url).status_code == 404  # d never worked with b: d has no rating of b to give
        rating = TrustRating.objects.get(campaign=campaign, rater=a, partner=b)
        with pytest.raises(PermissionDenied):
            trust.rating_answer(_actor(admins[c]), rating=rating, version=rating.version, **SCORES)

    def test_an_answer_from_an_old_version_is_refused(self, scene):
        network, (a, b, *_), coordinator, admins = scene
        campaign = _open(network, coordinator)
        rating = TrustRating.objects.get(campaign=campaign, rater=a, partner=b)
        version = rating.version
        _answer(campaign, admins, a, b)
        with pytest.raises(StaleWrite):
            trust.rating_answer(_actor(admins[a]), rating=rating, version=version, **SCORES)

    def test_a_finished_campaign_takes_no_answer(self, scene):
        network, (a, b, *_), coordinator, admins = scene
        campaign = _open(network, coordinator)
        campaign.closes_on = TODAY - dt.timedelta(days=1)
        campaign.opens_on = TODAY - dt.timedelta(days=10)
        campaign.save()
        with pytest.raises(PermissionDenied):
            _answer(campaign, admins, a, b)


class TestResults:
    def test_named_raters_show_each_direction_and_what_was_given(self, scene):
        network, (a, b, _c, _d), coordinator, admins = scene
        campaign = _open(network, coordinator, anonymous=False)
        _answer(campaign, admins, a, b)  # trust 3
        found = trust.results(campaign)
        link = found.links[(min(a.pk, b.pk), max(a.pk, b.pk))]
        assert link.trust == 3 and {link.a_to_b.rater_id, link.b_to_a.rater_id} == {a.pk, b.pk}
        assert found.organisations[a.pk].given == 3 and found.organisations[b.pk].received == 3
        assert (found.answered, found.asked, found.organisations_answered, found.organisations_asked) == (1, 8, 1, 4)

    def test_anonymity_is_kept_in_every_output(self, client, scene):
        network, (a, b, c, d), coordinator, admins = scene
        campaign = _open(network, coordinator)
        _answer(campaign, admins, b, a, openness=1, reliability=1, shared_mission=1)
        _answer(campaign, admins, c, a, openness=1, reliability=1, shared_mission=4)
        _answer(campaign, admins, a, b)
        found = trust.results(campaign)
        ab, ac = found.links[(min(a.pk, b.pk), max(a.pk, b.pk))], found.links[(min(a.pk, c.pk), max(a.pk, c.pk))]
        assert ab.trust == 2.0  # both directions answered: their mean only
        assert ac.trust is None  # one direction only: it would name its rater
        assert ab.a_to_b is None and ab.b_to_a is None
        assert found.organisations[a.pk].received is None  # 2 raters, under MIN_RATERS
        assert all(o.given is None for o in found.organisations.values())
        _answer(campaign, admins, d, a, openness=4, reliability=4, shared_mission=4)
        assert trust.results(campaign).organisations[a.pk].received == 2.33

        # The pages: the coordinator's shows no direction; a's shows its own received average only.
        client.force_login(coordinator.user)
        page = client.get(reverse("analytics_trust:campaign_detail", kwargs={"public_id": campaign.public_id}))
        html = page.content.decode()
        assert (
            page.status_code == 200 and "Sa note du partenaire" not in html and "Confiance moyenne donnée" not in html
        )
        assert "Par lien" in html and "2,33" in html  # the coordinator sees the links and a's received average
        client.force_login(admins[b].user)
        html = client.get(page.request["PATH_INFO"]).content.decode()
        assert "Par lien" not in html and "2.33" not in html and "2,33" not in html

        # The snapshot: the link's mean of both directions, no average given, received from 3 raters.
        snapshot = compute.take(network, TODAY - dt.timedelta(days=89), TODAY)
        assert snapshot.trust_campaign == campaign
        links = {(m.source_id, m.target_id): m for m in snapshot.link_metrics.all()}
        assert links[(min(a.pk, b.pk), max(a.pk, b.pk))].stated_trust == 2.0
        assert links[(min(a.pk, c.pk), max(a.pk, c.pk))].stated_trust is None
        metrics = {m.organisation_id: m for m in snapshot.organisation_metrics.all()}
        assert metrics[a.pk].trust_received == 2.33 and metrics[b.pk].trust_received is None
        assert all(m.trust_given is None for m in metrics.values())

    def test_an_anonymous_link_is_not_shown_to_its_own_parties(self, client, scene):
        network, (a, b, *_), coordinator, admins = scene
        campaign = _open(network, coordinator)
        _answer(campaign, admins, a, b, openness=1, reliability=1, shared_mission=1)
        _answer(campaign, admins, b, a, openness=4, reliability=4, shared_mission=4)
        snapshot = compute.take(network, TODAY - dt.timedelta(days=89), TODAY)
        assert snapshot.link_metrics.get(source=min(a.pk, b.pk), target=max(a.pk, b.pk)).stated_trust == 2.5
        # b knows its own 4: from a mean of 2.5 it would read a's 1.
        assert all(link.stated_trust is None for link in selectors.ego_links(snapshot, b.pk))
        client.force_login(admins[b].user)
        html = client.get(reverse("analytics:organisation")).content.decode()
        assert "confiance déclarée" not in html and "2,5" not in html

    def test_named_trust_in_the_snapshot(self, scene):
        network, (a, b, *_), coordinator, admins = scene
        campaign = _open(network, coordinator, anonymous=False)
        _answer(campaign, admins, a, b)
        snapshot = compute.take(network, TODAY - dt.timedelta(days=89), TODAY)
        metrics = {m.organisation_id: m for m in snapshot.organisation_metrics.all()}
        assert metrics[a.pk].trust_given == 3 and metrics[b.pk].trust_received == 3
        link = snapshot.link_metrics.get(source=min(a.pk, b.pk), target=max(a.pk, b.pk))
        assert (link.stated_trust, link.stated_value, link.shared_persons) == (3, 3, 1)

    def test_an_outsider_sees_nothing(self, client, scene):
        network, _orgs, coordinator, _admins = scene
        campaign = _open(network, coordinator)
        client.force_login(MembershipFactory().user)
        assert client.get(reverse("analytics_trust:campaign_detail", args=[campaign.public_id])).status_code == 403
        assert client.get(reverse("analytics_trust:campaign_list", args=[network.public_id])).status_code == 403

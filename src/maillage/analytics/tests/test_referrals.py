"""How referrals feed the snapshot: which statuses count as taken up or declined, crisis work, the receivers'
time to answer, and the hot potato (a referral out soon after a crisis began, chains of declines, ping-pong)."""

import datetime as dt

import pytest
from django.utils import timezone

from maillage.analytics import compute, sources
from maillage.analytics.enums import AlertKind
from maillage.analytics.tests.test_scenarios import TODAY, _alerts, _balanced, _members
from maillage.coordination.enums import CrisisKind
from maillage.coordination.models import CrisisEpisode
from maillage.governance.tests.factories import NetworkFactory
from maillage.people.tests.factories import PersonFactory, TaxonomyTermFactory
from maillage.referrals.enums import Agreement, DeclineReason, ReferralStatus, Urgency
from maillage.referrals.models import Referral, ReferralTransition

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def refer(
    sender,
    receiver,
    *,
    person=None,
    status=ReferralStatus.SENT,
    reason="",
    urgency=Urgency.NORMAL,
    at=None,
    domain=None,
):
    return Referral.objects.create(
        person=person or PersonFactory(),
        life_domain=domain or TaxonomyTermFactory(),
        sender_organisation=sender,
        receiver_organisation=receiver,
        expected="Un relais",
        agreement=Agreement.ORALLY,
        status=status,
        decline_reason=reason,
        urgency=urgency,
        sent_at=at or NOW - dt.timedelta(days=3),
    )


def _counts(network):
    inputs = sources.load(network, TODAY - dt.timedelta(days=89), TODAY)
    return inputs


# Each status of referrals.enums.ReferralStatus a sent referral can be in: (taken up, declined).
EXPECTED = {
    ReferralStatus.SENT: (0, 0),
    ReferralStatus.RECEIVED: (0, 0),
    ReferralStatus.ACCEPTED: (1, 0),
    ReferralStatus.DECLINED: (0, 1),
    ReferralStatus.WAITING_LIST: (0, 0),
    ReferralStatus.FIRST_CONTACT_DONE: (1, 0),
    ReferralStatus.COMPLETED: (1, 0),
    ReferralStatus.CANCELLED: (0, 0),
    ReferralStatus.EXPIRED: (0, 0),
    ReferralStatus.OBSOLETE: (0, 0),
}


def test_every_sent_status_is_mapped():
    assert set(EXPECTED) == set(ReferralStatus) - {ReferralStatus.DRAFT}
    assert set(ReferralStatus.values) >= sources.TAKEN_UP | {sources.DECLINED} | sources.ANSWERS


@pytest.mark.parametrize("status", EXPECTED)
def test_status_counts_as_taken_up_or_declined(status):
    network = NetworkFactory()
    a, b = _members(network, 2)
    refer(a, b, status=status)
    counts = _counts(network).referrals[(a.pk, b.pk)]
    assert (counts["sent"], counts["taken_up"], counts["declined"]) == (1, *EXPECTED[status])


def test_first_contact_done_is_taken_up_on_the_link():
    network = NetworkFactory()
    a, b = _members(network, 2)
    refer(a, b, status=ReferralStatus.FIRST_CONTACT_DONE)
    refer(a, b, status=ReferralStatus.ACCEPTED)
    snapshot = compute.take(network, TODAY - dt.timedelta(days=89), TODAY)
    link = snapshot.link_metrics.get()
    assert (link.referrals_taken_up, link.referrals_declined) == (2, 0)


def test_decline_reasons():
    network = NetworkFactory()
    a, b = _members(network, 2)
    for reason in DeclineReason.values:
        refer(a, b, status=ReferralStatus.DECLINED, reason=reason)
    counts = _counts(network).referrals[(a.pk, b.pk)]
    assert (counts["declined"], counts["no_capacity"], counts["out_of_criteria"]) == (len(DeclineReason), 1, 1)


def test_a_crisis_referral_is_crisis_work():
    network = NetworkFactory()
    a, b, *_ = _balanced(network)
    (e,) = _members(network, 1)
    refer(a, e, urgency=Urgency.CRISIS, status=ReferralStatus.ACCEPTED)
    refer(e, a, urgency=Urgency.CRISIS, status=ReferralStatus.ACCEPTED)
    person = PersonFactory()
    CrisisEpisode.objects.create(person=person, kind=CrisisKind.HOUSING, started_at=NOW - dt.timedelta(days=20))
    refer(b, e, person=person, at=NOW - dt.timedelta(days=2), status=ReferralStatus.ACCEPTED)
    snapshot, alerts = _alerts(network)
    # a-e only ever worked together in crises (twice: an alert); b-e's one referral came in an open crisis, 18
    # days after it began (not soon after: no hot potato), so it is crisis work, once (under the threshold).
    assert alerts == [(AlertKind.CRISIS_ONLY_LINK, min(a.pk, e.pk), max(a.pk, e.pk))]
    link = snapshot.link_metrics.get(source=min(b.pk, e.pk), target=max(b.pk, e.pk))
    assert (link.crisis_work, link.calm_work) == (1, 0)


def test_time_to_answer_is_the_median_from_the_transitions():
    network = NetworkFactory()
    a, b = _members(network, 2)
    for hours in (2, 10, 30):
        referral = refer(a, b, status=ReferralStatus.ACCEPTED, at=NOW - dt.timedelta(days=5))
        sent = NOW - dt.timedelta(days=4)
        for to, at in (
            (ReferralStatus.SENT, sent),
            (ReferralStatus.RECEIVED, sent + dt.timedelta(hours=1)),
            (ReferralStatus.ACCEPTED, sent + dt.timedelta(hours=hours)),
        ):
            ReferralTransition.objects.create(
                referral=referral, person=referral.person, to_status=to, party="RECEIVER", at=at
            )
    snapshot = compute.take(network, TODAY - dt.timedelta(days=89), TODAY)
    metrics = {m.organisation_id: m for m in snapshot.organisation_metrics.all()}
    assert metrics[b.pk].answer_hours == 10
    assert metrics[a.pk].answer_hours is None


class TestHotPotato:
    def test_referral_out_soon_after_a_crisis_began(self):
        network = NetworkFactory()
        a, b, *_ = _balanced(network)
        person = PersonFactory()
        CrisisEpisode.objects.create(
            person=person, kind=CrisisKind.HOUSING, started_at=NOW - dt.timedelta(days=10), ended_at=NOW
        )
        refer(a, b, person=person, at=NOW - dt.timedelta(days=9), status=ReferralStatus.ACCEPTED)
        refer(b, a, status=ReferralStatus.ACCEPTED)  # outside any crisis: the link is not crisis-only
        snapshot, alerts = _alerts(network)
        assert alerts == [(AlertKind.HOT_POTATO, a.pk, None)]
        alert = snapshot.alerts.get()
        assert alert.facts["urgent_handoffs"] == 1 and alert.facts["hours"] == 72
        assert snapshot.organisation_metrics.get(organisation=a).urgent_handoffs == 1

    def test_chain_of_declines(self):
        network = NetworkFactory()
        a, b, c, d = _balanced(network)
        person, domain = PersonFactory(), TaxonomyTermFactory()
        for receiver, days in ((b, 9), (c, 8)):
            refer(
                a,
                receiver,
                person=person,
                domain=domain,
                status=ReferralStatus.DECLINED,
                reason="OUT_OF_CRITERIA",
                at=NOW - dt.timedelta(days=days),
            )
        refer(a, d, person=person, domain=domain, status=ReferralStatus.ACCEPTED, at=NOW - dt.timedelta(days=7))
        snapshot, alerts = _alerts(network)
        assert alerts == [(AlertKind.HOT_POTATO, a.pk, None)]
        assert snapshot.alerts.get().facts["decline_chains"] == 1

    def test_ping_pong_between_two_organisations(self):
        network = NetworkFactory()
        a, b, *_ = _balanced(network)
        person = PersonFactory()
        refer(a, b, person=person, status=ReferralStatus.ACCEPTED, at=NOW - dt.timedelta(days=9))
        refer(b, a, person=person, status=ReferralStatus.ACCEPTED, at=NOW - dt.timedelta(days=4))
        snapshot, alerts = _alerts(network)
        assert alerts == [(AlertKind.HOT_POTATO, min(a.pk, b.pk), max(a.pk, b.pk))]
        assert snapshot.link_metrics.get(source=min(a.pk, b.pk), target=max(a.pk, b.pk)).ping_pong == 1

    def test_shared_work_is_no_hot_potato(self):
        network = NetworkFactory()
        a, b, c, _d = _balanced(network)
        person = PersonFactory()
        refer(a, b, person=person, status=ReferralStatus.ACCEPTED, at=NOW - dt.timedelta(days=9))
        refer(a, c, person=person, status=ReferralStatus.DECLINED, reason="NO_CAPACITY")
        refer(b, c, person=PersonFactory(), status=ReferralStatus.COMPLETED)
        _snapshot, alerts = _alerts(network)
        assert alerts == []

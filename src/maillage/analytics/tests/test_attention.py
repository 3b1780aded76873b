"""Persons who may need attention (over-solicited, abandoned): the signals, the snapshot's counts, and the
referent's views through the door."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.access.enums import Category
from maillage.access.models import AccessEvent
from maillage.accounts.tests.factories import MembershipFactory
from maillage.analytics import attention, compute, report
from maillage.analytics.enums import AlertKind
from maillage.analytics.models import Thresholds
from maillage.analytics.tests.test_scenarios import _members
from maillage.coordination.enums import ContactKind
from maillage.coordination.models import Contact, Meeting
from maillage.governance.tests.factories import NetworkFactory, coordinator_of
from maillage.people.tests.factories import (
    ConsentFactory,
    InvolvementFactory,
    NeedFactory,
    PersonFactory,
    TaxonomyTermFactory,
)
from maillage.projects.enums import Carrier
from maillage.projects.models import Objective, Project, ProjectAction
from maillage.referrals.enums import Agreement, ReferralStatus
from maillage.referrals.models import Referral

pytestmark = pytest.mark.django_db
NOW = timezone.now()
TODAY = timezone.localdate()
LIMITS = Thresholds()


def followed(*orgs, days=10, referent=None):
    person = PersonFactory()
    for org in orgs:
        InvolvementFactory(
            person=person, organisation=org, started_on=TODAY - dt.timedelta(days=days), referent=org == referent
        )
    return person


def days_back(days: int) -> dt.datetime:
    # At noon, local time, `days` days ago: days are counted in local dates, and a plain `now - n days` falls on
    # the day after when it crosses a change of summer time late in the evening.
    return timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=days), dt.time(12)))


def contact(person, org, days_ago=1):
    Contact.objects.create(person=person, organisation=org, kind=ContactKind.PHONE, happened_at=days_back(days_ago))


def refer(person, sender, receiver, *, domain, status=ReferralStatus.SENT, days_ago=1):
    return Referral.objects.create(
        person=person,
        life_domain=domain,
        sender_organisation=sender,
        receiver_organisation=receiver,
        expected="Un relais",
        agreement=Agreement.ORALLY,
        status=status,
        sent_at=NOW - dt.timedelta(days=days_ago),
    )


def actions(person, own, others):
    project, _ = Project.objects.get_or_create(person=person)
    objective, _ = Objective.objects.get_or_create(project=project, person=person, own_words="Un logement")
    involvement = person.involvements.first()
    for _ in range(own):
        ProjectAction.objects.create(project=project, objective=objective, person=person, what="x")
    for _ in range(others):
        ProjectAction.objects.create(
            project=project,
            objective=objective,
            person=person,
            carrier=Carrier.ORGANISATION,
            involvement=involvement,
            organisation=involvement.organisation,
            what="x",
        )


def signals_of(person, limits=LIMITS):
    return attention.signals([person.pk], limits)[person.pk]


def keys(reasons):
    return [r.key for r in reasons]


class TestOverSolicitation:
    def test_a_person_followed_calmly_has_no_signal(
        self,
    ):
        a, b = _members(NetworkFactory(), 2)
        person = followed(a, b)
        contact(person, a)
        found = signals_of(person)
        assert not found.any and found.organisations == 2 and found.contacts == 1

    def test_many_organisations(self):
        orgs = _members(NetworkFactory(), 5)
        person = followed(*orgs)
        contact(person, orgs[0])
        found = signals_of(person)
        assert keys(found.over_solicitation) == [attention.ORGANISATIONS]
        assert found.over_solicitation[0].value == 5 and found.over_solicitation[0].threshold == 5
        assert not found.abandoned

    def test_many_contacts_and_meetings_in_30_days(self):
        (a,) = _members(NetworkFactory(), 1)
        person = followed(a)
        for days in range(6):
            contact(person, a, days_ago=days + 1)
        contact(person, a, days_ago=45)  # outside the window
        for days in (2, 3):
            Meeting.objects.create(
                person=person, organisation=a, purpose="Concertation", starts_at=NOW - dt.timedelta(days=days)
            )
        found = signals_of(person)
        assert found.contacts == 8
        assert keys(found.over_solicitation) == [attention.CONTACTS]

    def test_many_referrals_in_30_days(self):
        a, b = _members(NetworkFactory(), 2)
        person = followed(a)
        contact(person, a)
        domain = TaxonomyTermFactory()
        for days in (1, 2, 3, 4):
            refer(person, a, b, domain=domain, status=ReferralStatus.ACCEPTED, days_ago=days)
        assert keys(signals_of(person).over_solicitation) == [attention.REFERRALS]

    def test_a_person_who_carries_their_project_is_not_over_solicited(self):
        orgs = _members(NetworkFactory(), 5)
        person = followed(*orgs)
        contact(person, orgs[0])
        actions(person, own=1, others=1)
        found = signals_of(person)
        assert found.own_share == 50 and not found.over_solicited
        actions(person, own=0, others=8)  # 1 of 10 open actions: 10 %
        assert signals_of(person).over_solicited

    def test_the_network_thresholds_apply(self):
        network = NetworkFactory()
        orgs = _members(network, 5)
        person = followed(*orgs)
        contact(person, orgs[0])
        limits = Thresholds.objects.create(network=network, over_solicitation_organisations=6)
        assert not signals_of(person, limits).any


class TestAbandonment:
    def test_no_contact_for_too_long(self):
        (a,) = _members(NetworkFactory(), 1)
        person = followed(a, days=90)
        found = signals_of(person)
        assert keys(found.abandonment) == [attention.NO_CONTACT]
        assert found.quiet_days == 90 and found.last_contact is None
        contact(person, a, days_ago=61)
        assert signals_of(person).quiet_days == 61
        contact(person, a, days_ago=5)
        assert not signals_of(person).any

    def test_a_need_nobody_carries(self):
        (a,) = _members(NetworkFactory(), 1)
        person = followed(a)
        contact(person, a)
        housing, employment = TaxonomyTermFactory(), TaxonomyTermFactory()
        NeedFactory(person=person, term=housing, opened_on=TODAY - dt.timedelta(days=70))
        NeedFactory(person=person, term=TaxonomyTermFactory(), opened_on=TODAY - dt.timedelta(days=10))  # recent
        # An involvement that names no life domain may carry anything: no signal yet.
        assert not signals_of(person).any
        involvement = person.involvements.get()
        involvement.life_domains.add(employment)
        found = signals_of(person)
        assert keys(found.abandonment) == [attention.UNCARRIED_NEEDS] and found.uncarried_needs == 1
        involvement.life_domains.add(housing)
        assert not signals_of(person).any

    def test_a_need_with_a_referral_under_way_is_carried(self):
        a, b = _members(NetworkFactory(), 2)
        person = followed(a)
        contact(person, a)
        housing = TaxonomyTermFactory()
        person.involvements.get().life_domains.add(TaxonomyTermFactory())
        NeedFactory(person=person, term=housing, opened_on=TODAY - dt.timedelta(days=70))
        assert signals_of(person).abandoned
        refer(person, a, b, domain=housing, status=ReferralStatus.WAITING_LIST)
        assert not signals_of(person).any

    def test_a_referral_unanswered(self):
        a, b = _members(NetworkFactory(), 2)
        person = followed(a)
        contact(person, a)
        refer(person, a, b, domain=TaxonomyTermFactory(), status=ReferralStatus.RECEIVED, days_ago=13)
        assert not signals_of(person).any
        refer(person, a, b, domain=TaxonomyTermFactory(), status=ReferralStatus.SENT, days_ago=15)
        found = signals_of(person)
        assert keys(found.abandonment) == [attention.UNANSWERED] and found.unanswered_referrals == 1

    def test_referrals_declined_in_chain(self):
        a, b, c = _members(NetworkFactory(), 3)
        person = followed(a)
        contact(person, a)
        housing = TaxonomyTermFactory()
        refer(person, a, b, domain=housing, status=ReferralStatus.DECLINED, days_ago=20)
        assert not signals_of(person).any
        refer(person, a, c, domain=housing, status=ReferralStatus.DECLINED, days_ago=10)
        assert keys(signals_of(person).abandonment) == [attention.DECLINE_CHAINS]
        refer(person, a, b, domain=housing, status=ReferralStatus.ACCEPTED, days_ago=2)
        assert not signals_of(person).any

    def test_no_signal_without_an_active_involvement_or_once_anonymised(self):
        (a,) = _members(NetworkFactory(), 1)
        gone = PersonFactory()
        InvolvementFactory(person=gone, organisation=a, ended=True, started_on=TODAY - dt.timedelta(days=200))
        anonymised = followed(a, days=200)
        anonymised.anonymised_at = NOW
        anonymised.save(update_fields=["anonymised_at"])
        assert attention.signals([gone.pk, anonymised.pk], LIMITS) == {}


def test_the_signals_take_the_same_queries_for_3_or_30_persons():
    orgs = _members(NetworkFactory(), 3)
    domain = TaxonomyTermFactory()

    def make(n):
        persons = []
        for _ in range(n):
            person = followed(*orgs, days=90)
            contact(person, orgs[0], days_ago=70)
            NeedFactory(person=person, term=domain, opened_on=TODAY - dt.timedelta(days=80))
            refer(person, orgs[0], orgs[1], domain=domain, status=ReferralStatus.DECLINED, days_ago=3)
            persons.append(person.pk)
        return persons

    few, many = make(3), make(30)
    with CaptureQueriesContext(connection) as small:
        assert len(attention.signals(few, LIMITS)) == 3
    with CaptureQueriesContext(connection) as large:
        found = attention.signals(many, LIMITS)
    assert len(found) == 30 and all(s.abandoned for s in found.values())
    assert len(large.captured_queries) == len(small.captured_queries) <= 8


def test_ids_read_as_a_range_give_the_same_signals(monkeypatch):
    """Many dense ids are read as a range (`attention._among`): the persons of the range not asked for, and their
    contacts, needs, referrals and actions, stay out, and the signals are those read by the list of ids."""
    orgs = _members(NetworkFactory(), 5)
    housing, employment = TaxonomyTermFactory(), TaxonomyTermFactory()
    persons = []
    for i in range(12):
        person = followed(*orgs[: 1 + i % 5], days=90, referent=orgs[0] if i % 2 else None)
        if i % 3:
            contact(person, orgs[0], days_ago=1 + i * 7)
        NeedFactory(person=person, term=housing, opened_on=TODAY - dt.timedelta(days=80))
        if i % 4 == 0:
            person.involvements.first().life_domains.add(employment)
        refer(person, orgs[0], orgs[1], domain=housing, status=ReferralStatus.DECLINED, days_ago=3 + i)
        refer(person, orgs[0], orgs[2], domain=housing, status=ReferralStatus.DECLINED, days_ago=2)
        if i % 5 == 1:
            actions(person, own=0, others=3)
        persons.append(person.pk)
    asked = [pk for i, pk in enumerate(persons) if i % 3 != 1]
    by_list = attention.signals(asked, LIMITS)
    monkeypatch.setattr(attention, "DENSE_FROM", 2)
    with CaptureQueriesContext(connection) as queries:
        by_range = attention.signals(asked, LIMITS)
    assert sum('"person_id" >= ' in q["sql"] for q in queries.captured_queries) >= 6  # read as ranges
    assert sorted(by_range) == sorted(by_list) == sorted(asked)
    assert by_range == by_list
    assert any(s.abandoned for s in by_list.values()) and any(s.over_solicited for s in by_list.values())


class TestSnapshot:
    def test_counts_per_referent_organisation_and_alerts_without_the_person(self):
        network = NetworkFactory()
        a, b, c, d, e = _members(network, 5)
        crowded = followed(a, b, c, d, e, referent=a)
        crowded.last_name = "Crowdedname"
        crowded.save(update_fields=["last_name"])
        contact(crowded, a)
        forgotten = followed(b, c, days=120)  # no referent: every organisation involved should act
        snapshot = compute.take(network, TODAY - dt.timedelta(days=89), TODAY)
        metrics = {m.organisation_id: m for m in snapshot.organisation_metrics.all()}
        assert (metrics[a.pk].over_solicited, metrics[a.pk].abandoned) == (1, 0)
        assert (metrics[b.pk].over_solicited, metrics[b.pk].abandoned) == (0, 1)
        assert (metrics[c.pk].abandoned, metrics[d.pk].abandoned) == (1, 0)
        alerts = sorted(
            (x.kind, x.organisation_id)
            for x in snapshot.alerts.filter(kind__in=[AlertKind.OVER_SOLICITATION, AlertKind.ABANDONMENT])
        )
        assert alerts == sorted(
            [(AlertKind.OVER_SOLICITATION, a.pk), (AlertKind.ABANDONMENT, b.pk), (AlertKind.ABANDONMENT, c.pk)]
        )
        stored = str(list(snapshot.alerts.values())) + str(list(snapshot.organisation_metrics.values()))
        assert all(
            set(facts) <= {"over_solicited", "abandoned"} for facts in snapshot.alerts.values_list("facts", flat=True)
        )
        assert "Crowdedname" not in stored and forgotten.last_name not in stored
        csv = report.as_csv(snapshot)
        assert "Crowdedname" not in csv

    def test_the_dashboard_hides_the_count_under_5(self, client):
        network = NetworkFactory()
        orgs = _members(network, 5)
        followed(*orgs, referent=orgs[0])
        compute.take(network, TODAY - dt.timedelta(days=89), TODAY)
        client.force_login(coordinator_of(network).user)
        response = client.get(reverse("analytics:dashboard", kwargs={"public_id": network.public_id}))
        groups = {g.kind: g for g in response.context["alert_groups"]}
        assert AlertKind.OVER_SOLICITATION in groups
        why = groups[AlertKind.OVER_SOLICITATION].alerts[0].why
        assert "fewer than 5" in why or "moins de 5" in why


@pytest.fixture
def referent_case():
    """A referent organisation and a partner, one person over-solicited and one abandoned (shared coordination),
    one calm person, and one abandoned person whose referent is the partner."""
    network = NetworkFactory()
    referent_org, partner_org, *others = _members(network, 5)
    referent = MembershipFactory(organisation=referent_org).user
    partner = MembershipFactory(organisation=partner_org).user
    crowded = followed(referent_org, partner_org, *others, referent=referent_org)
    contact(crowded, referent_org)
    forgotten = followed(referent_org, partner_org, days=100, referent=referent_org)
    calm = followed(referent_org, partner_org, referent=referent_org)
    contact(calm, referent_org)
    elsewhere = followed(referent_org, partner_org, days=100, referent=partner_org)
    for person in (crowded, forgotten, calm, elsewhere):
        ConsentFactory(person=person, categories=[Category.IDENTITY, Category.SOCIAL, Category.COORDINATION])
    return {
        "referent": referent,
        "partner": partner,
        "crowded": crowded,
        "forgotten": forgotten,
        "calm": calm,
        "elsewhere": elsewhere,
        "orgs": [referent_org, partner_org, *others],
    }


class TestReferentViews:
    def test_the_referent_lists_the_persons_needing_attention_audited_and_not_stored(self, client, referent_case):
        case = referent_case
        client.force_login(case["referent"])
        response = client.get(reverse("analytics:attention"))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        listed = [row["person"] for row in response.context["rows"]]
        assert listed == [case["forgotten"], case["crowded"]]  # the abandoned first
        body = response.content.decode()
        assert case["forgotten"].last_name.upper() in body and case["calm"].last_name.upper() not in body
        events = AccessEvent.objects.filter(purpose="attention_list")
        assert set(events.values_list("person_id", flat=True)) == {case["forgotten"].pk, case["crowded"].pk}

    def test_a_partner_sees_only_the_persons_it_is_the_referent_of(self, client, referent_case):
        client.force_login(referent_case["partner"])
        response = client.get(reverse("analytics:attention"))
        assert [row["person"] for row in response.context["rows"]] == [referent_case["elsewhere"]]

    def test_the_coordination_not_shared_hides_the_row(self, client, referent_case):
        case = referent_case
        forgotten = case["forgotten"]
        forgotten.consents.all().delete() if hasattr(forgotten, "consents") else None
        from maillage.consent.models import Consent

        Consent.objects.filter(person=forgotten).update(categories=[Category.IDENTITY])
        client.force_login(case["referent"])
        response = client.get(reverse("analytics:attention"))
        assert [row["person"] for row in response.context["rows"]] == [case["crowded"]]
        assert response.context["hidden"] == 1

    def test_the_person_page_shows_the_panel_to_the_referent_only(self, client, referent_case):
        case = referent_case
        url = reverse("people:person_detail", kwargs={"public_id": case["forgotten"].public_id})
        client.force_login(case["referent"])
        response = client.get(url)
        assert response.context["attention"].abandoned
        assert 'id="attention"' in response.content.decode()
        client.force_login(case["partner"])
        response = client.get(url)
        assert response.context["attention"] is None
        assert 'id="attention"' not in response.content.decode()

    def test_a_coordinator_sees_only_the_persons_whose_referent_involvement_names_them(self, client, referent_case):
        case = referent_case
        coordinator = MembershipFactory(organisation=case["orgs"][0], coordinator=True).user
        client.force_login(coordinator)
        assert client.get(reverse("analytics:attention")).context["rows"] == []  # nothing by role (door rule 5)
        named = followed(case["orgs"][2], days=100)
        named.involvements.update(role="REFERENT", professional=coordinator)
        ConsentFactory(person=named, categories=[Category.IDENTITY, Category.COORDINATION])
        MembershipFactory(organisation=case["orgs"][2], user=coordinator, coordinator=True)
        client.force_login(coordinator)
        response = client.get(reverse("analytics:attention"))
        assert [row["person"] for row in response.context["rows"]] == [named]
        page = client.get(reverse("people:person_detail", kwargs={"public_id": named.public_id}))
        assert page.status_code == 200 and page.context["attention"].abandoned
        assert (
            client.get(reverse("people:person_detail", kwargs={"public_id": case["forgotten"].public_id})).status_code
            == 404
        )

    def test_the_list_takes_the_same_queries_for_more_persons(self, client, referent_case):
        case = referent_case
        client.force_login(case["referent"])
        client.get(reverse("analytics:attention"))
        with CaptureQueriesContext(connection) as before:
            client.get(reverse("analytics:attention"))
        for _ in range(6):
            person = followed(*case["orgs"][:2], days=100, referent=case["orgs"][0])
            ConsentFactory(person=person, categories=[Category.IDENTITY, Category.COORDINATION])
        with CaptureQueriesContext(connection) as after:
            response = client.get(reverse("analytics:attention"))
        assert len(response.context["rows"]) == 8
        assert len(after.captured_queries) == len(before.captured_queries)

    def test_an_admin_of_the_referent_organisation_sees_no_one_by_role(self, client, referent_case):
        admin = MembershipFactory(organisation=referent_case["orgs"][0], admin=True).user
        client.force_login(admin)
        response = client.get(reverse("analytics:attention"))
        assert response.status_code == 200 and response.context["rows"] == []
        client.logout()
        assert client.get(reverse("analytics:attention")).status_code == 302

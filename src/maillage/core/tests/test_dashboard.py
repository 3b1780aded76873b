"""The dashboard per role: the work waiting, persons only through the door, empty states that say what to do."""

import datetime as dt

import pytest
from django.utils import timezone

from maillage.access.enums import Action, Outcome
from maillage.access.models import AccessEvent
from maillage.access.services import break_glass_open
from maillage.accounts.actors import actor_for
from maillage.accounts.services import invitation_create
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from maillage.core import dashboard
from maillage.core.dashboard import Card, Row
from maillage.directory.models import Service
from maillage.directory.tests.factories import ServiceFactory
from maillage.people import purposes
from maillage.people.enums import InvolvementEndReason
from maillage.people.models import InvolvementEndProposal, Person
from maillage.people.tests.factories import ConsentFactory, InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db


def cards(response) -> dict[str, Card]:
    return {card.key: card for card in response.context["cards"]}


def labels(card: Card) -> list[str]:
    return [str(row.label) for row in card.rows]


def followed(organisation, *, first_name: str, last_name: str, shared: bool = True, days_ago: int = 0) -> Person:
    person = PersonFactory(first_name=first_name, last_name=last_name)
    InvolvementFactory(person=person, organisation=organisation)
    if shared:
        ConsentFactory(person=person)
    Person.objects.filter(pk=person.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=days_ago))
    return person


@pytest.fixture
def professional():
    return MembershipFactory(organisation__name="CPAS d'Arlon", user__first_name="Louise")


class TestProfessional:
    def test_recent_files_name_the_persons_whose_identity_is_shared_and_mask_the_others(self, client, professional):
        organisation = professional.organisation
        shared = followed(organisation, first_name="Amélie", last_name="Fontaine", days_ago=1)
        masked = followed(organisation, first_name="Bruno", last_name="Secret", shared=False)
        old = followed(organisation, first_name="Chantal", last_name="Ancienne", days_ago=40)
        stranger = PersonFactory(first_name="Denis", last_name="Inconnu")
        InvolvementFactory(person=stranger)
        client.force_login(professional.user)

        response = client.get("/")

        recent = cards(response)["recent"]
        assert labels(recent) == ["Personne (identité non partagée avec vous)", "FONTAINE Amélie"]
        assert recent.count == 2
        html = response.text
        assert "Secret" not in html and "Ancienne" not in html and "Inconnu" not in html
        assert str(shared.public_id) in html and str(masked.public_id) in html
        assert str(old.public_id) not in html and str(stranger.public_id) not in html
        assert response["Cache-Control"] == "no-store"
        listed = AccessEvent.objects.filter(action=Action.LIST, purpose=purposes.DASHBOARD, outcome=Outcome.ALLOWED)
        assert set(listed.values_list("person_id", flat=True)) == {shared.pk, masked.pk}

    def test_a_proposal_to_end_my_organisations_involvement_waits_for_me(self, client, professional):
        person = followed(professional.organisation, first_name="Amélie", last_name="Fontaine", days_ago=30)
        involvement = person.involvements.get()
        InvolvementEndProposal.objects.create(
            involvement=involvement, person=person, reason=InvolvementEndReason.OBJECTIVES_MET
        )
        other = followed(OrganisationFactory(), first_name="Bruno", last_name="Ailleurs")
        InvolvementEndProposal.objects.create(
            involvement=other.involvements.get(), person=other, reason=InvolvementEndReason.OBJECTIVES_MET
        )
        client.force_login(professional.user)

        waiting = cards(client.get("/"))["waiting"]

        assert waiting.count == 1 and waiting.urgent
        assert labels(waiting) == ["FONTAINE Amélie"]
        assert "acceptez ou objectez" in str(waiting.rows[0].detail)

    def test_my_open_emergency_access_is_listed_until_it_ends(self, client, professional):
        person = PersonFactory(first_name="Amélie", last_name="Fontaine")
        InvolvementFactory(person=person, referent=True)
        Person.objects.filter(pk=person.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=60))
        grant = break_glass_open(
            actor_for(professional.user), public_id=person.public_id, reason="Admise aux urgences"
        )
        client.force_login(professional.user)

        response = client.get("/")

        emergency = cards(response)["emergency"]
        assert emergency.count == 1
        assert labels(emergency) == ["FONTAINE Amélie"]
        assert emergency.rows[0].when == timezone.localtime(grant.expires_at)
        assert "ouvert jusqu&#x27;au" in response.text

    def test_services_not_updated_for_six_months_are_to_update(self, client, professional):
        stale = ServiceFactory(organisation=professional.organisation, name="Permanence logement")
        ServiceFactory(organisation=professional.organisation, name="Épicerie sociale")
        ServiceFactory(name="Service d'un autre")
        Service.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - dt.timedelta(days=200))
        Service.objects.filter(name="Service d'un autre").update(updated_at=timezone.now() - dt.timedelta(days=200))
        client.force_login(professional.user)

        services = cards(client.get("/"))["services"]

        assert services.count == 1
        assert labels(services) == ["Permanence logement"]
        assert services.rows[0].url.endswith(f"/manage/services/{stale.public_id}/")

    def test_a_first_day_shows_empty_states_that_say_what_to_do(self, client, professional):
        client.force_login(professional.user)
        response = client.get("/")
        assert [card.key for card in response.context["cards"]] == [
            "waiting",
            "meetings-week",
            "mentions",
            "recent",
            "project-reviews",
            "emergency",
            "services",
        ]
        assert "Rien ne vous attend" in response.text
        assert "Ouvrez un dossier depuis la liste des personnes que vous suivez" in response.text
        assert "Vous n&#x27;avez aucun accès d&#x27;urgence ouvert" in response.text
        assert "Vous travaillez pour CPAS d&#x27;Arlon (Professionnel·le)" in response.text

    def test_the_dashboard_reads_in_english_with_english_dates(self, client, professional):
        followed(professional.organisation, first_name="Amélie", last_name="Fontaine")
        client.force_login(professional.user)
        response = client.get("/", headers={"accept-language": "en"})
        assert "Files changed in the last two weeks" in response.text
        assert f"changed on {timezone.localdate():%d/%m/%Y}" in response.text  # day first, as in Belgium

    def test_dates_are_in_the_french_format(self, client, professional):
        followed(professional.organisation, first_name="Amélie", last_name="Fontaine")
        client.force_login(professional.user)
        assert f"modifié le {timezone.localdate():%d/%m/%Y}" in client.get("/").text

    # Session, user and memberships (3), our stale services (1), the door's grants (1), the recent files (1),
    # the proposals awaiting an answer (1), my open emergency accesses (1), the door's facts for the listing (1),
    # the audit batch (savepoint, chain head, entries in one statement, head update, release: 5); beyond 5
    # recent files, their count (1); my meetings this week (1) and the notes that mention me (1); the network
    # the organisation belongs to (1, governance).
    # The project reviews due this week: the persons followed, then their planned reviews (2).
    # The header's count of unopened referrals sent to the organisation (1).
    DASHBOARD_QUERIES = 20

    def test_query_count_is_pinned_whatever_the_number_of_files(self, client, professional, django_assert_num_queries):
        for index in range(3):
            followed(professional.organisation, first_name=f"Prénom{index}", last_name=f"Nom{index}")
        client.force_login(professional.user)
        client.get("/")
        with django_assert_num_queries(self.DASHBOARD_QUERIES):
            client.get("/")
        for index in range(3, 30):
            followed(professional.organisation, first_name=f"Prénom{index}", last_name=f"Nom{index}")
        with django_assert_num_queries(self.DASHBOARD_QUERIES + 1):
            response = client.get("/")
        assert cards(response)["recent"].count == 30


class TestOrganisationAdmin:
    def test_members_and_invitations_not_accepted_yet(self, client):
        admin = MembershipFactory(admin=True)
        MembershipFactory(organisation=admin.organisation)
        MembershipFactory(organisation=admin.organisation, is_active=False)
        invitation_create(actor_for(admin.user), organisation=admin.organisation, email="nouvelle@example.org")
        client.force_login(admin.user)

        by_key = cards(client.get("/"))

        assert by_key["members"].count == 2
        assert labels(by_key["invitations"]) == ["nouvelle@example.org"]
        assert "recent" not in by_key and "to-validate" not in by_key

    def test_no_invitation_says_to_invite(self, client):
        admin = MembershipFactory(admin=True)
        client.force_login(admin.user)
        assert "Invitez un·e collègue" in client.get("/").text


class TestCoordinator:
    def test_organisations_to_validate_stale_entries_and_the_weeks_emergency_accesses(self, client):
        coordinator = MembershipFactory(coordinator=True)
        OrganisationFactory(name="Maison médicale du Nord", status="PENDING")
        stale = ServiceFactory(name="Vestiaire", organisation__name="Croix-Rouge Arlon")
        Service.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - dt.timedelta(days=400))
        person = PersonFactory(first_name="Amélie", last_name="Fontaine")
        InvolvementFactory(person=person, referent=True)
        emergency = MembershipFactory(organisation__name="Urgences du Sud").user
        break_glass_open(actor_for(emergency), public_id=person.public_id, reason="Admise aux urgences")
        client.force_login(coordinator.user)

        response = client.get("/")

        by_key = cards(response)
        assert labels(by_key["to-validate"]) == ["Maison médicale du Nord"] and by_key["to-validate"].urgent
        assert labels(by_key["stale-entries"]) == ["Vestiaire"]
        assert by_key["stale-entries"].rows[0].detail == "Croix-Rouge Arlon"
        assert by_key["emergency-week"].count == 1 and labels(by_key["emergency-week"]) == ["Urgences du Sud"]
        assert "Fontaine" not in response.text and str(person.public_id) not in response.text
        assert "recent" not in by_key and "services" not in by_key

    def test_platform_staff_see_the_networks_work_and_no_person(self, client):
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        response = client.get("/")
        assert [card.key for card in response.context["cards"]] == ["to-validate", "stale-entries", "emergency-week"]
        assert "Aucune organisation n&#x27;attend de validation" in response.text


class TestPerson:
    def test_what_changed_in_my_network_and_who_looked(self, client):
        person = PersonFactory(with_login=True, first_name="Amélie")
        referent = MembershipFactory(organisation__name="CPAS d'Arlon")
        InvolvementFactory(person=person, organisation=referent.organisation, referent=True)
        InvolvementFactory(
            person=person, organisation__name="Ancien partenaire", ended=True, started_on=dt.date(2020, 1, 1)
        )
        ConsentFactory(person=person)
        client.force_login(referent.user)
        client.get(f"/people/{person.public_id}/")
        client.logout()
        client.force_login(person.user)

        response = client.get("/")

        by_key = cards(response)
        changes = {str(row.label): str(row.detail) for row in by_key["network"].rows}
        assert changes == {"CPAS d'Arlon": "a rejoint votre réseau", "Ancien partenaire": "a quitté votre réseau"}
        assert by_key["looks"].count == 1 and labels(by_key["looks"]) == ["CPAS d'Arlon"]
        assert f"/access/{person.public_id}/who-saw/" in response.text
        assert response["Cache-Control"] == "no-store"

    def test_a_quiet_month_says_so(self, client):
        person = PersonFactory(with_login=True)
        InvolvementFactory(person=person, referent=True, started_on=dt.date(2020, 1, 1))
        client.force_login(person.user)
        response = client.get("/")
        assert "Personne d&#x27;autre n&#x27;a ouvert votre dossier ces 30 derniers jours." in response.text
        assert "Aucune organisation n&#x27;a rejoint ni quitté votre réseau" in response.text


class TestRegistry:
    def test_cards_come_from_every_provider_in_their_order_and_a_provider_counts_once(self, monkeypatch):
        monkeypatch.setattr(dashboard, "_providers", [])

        def late(actor):
            return [Card(key="b", title="B", order=20)]

        def early(actor):
            return [Card(key="a", title="A", order=10, rows=[Row("x", when=dt.date(2026, 1, 2))])]

        dashboard.register(late)
        dashboard.register(early)
        dashboard.register(late)
        result = dashboard.cards_for(actor_for(None))
        assert [card.key for card in result] == ["a", "b"]
        assert result[0].rows[0].with_time is False

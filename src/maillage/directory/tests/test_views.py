import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.enums import OrganisationStatus
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from maillage.directory.enums import CapacityStatus, ServiceStatus
from maillage.directory.models import Location, Service, TaxonomyTerm
from maillage.directory.tests.factories import ServiceFactory, TerritoryFactory, place_service
from maillage.territories.models import PostalCode, Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter(libramont):
    service = ServiceFactory(
        name="Abri de nuit",
        description="Hébergement d'urgence pour personnes sans abri.",
        needs=[TaxonomyTerm.objects.get(code="housing.emergency-shelter")],
        opening_hours="Mo-Su 19:00-24:00",
        mobilisation_means=["PHONE", "WALK_IN"],
    )
    place_service(service, commune=libramont, latitude=49.92, longitude=5.38)
    return service


class TestPublicSearch:
    def test_anonymous_search_page(self, client, shelter):
        response = client.get(reverse("directory:search"), {"q": "hébergements", "need": "housing"})
        assert response.status_code == 200
        assert "Abri de nuit" in response.content.decode()

    def test_htmx_answers_the_results_fragment(self, client, shelter):
        response = client.get(reverse("directory:search"), {"q": "abri"}, headers={"HX-Request": "true"})
        body = response.content.decode()
        assert response.status_code == 200 and 'id="results"' in body and "<html" not in body

    def test_map_view_without_tiles(self, client, shelter, settings):
        settings.MAP_TILE_URL = ""
        response = client.get(reverse("directory:search"), {"q": "abri", "view": "map"})
        body = response.content.decode()
        assert "<svg" in body and "Libramont-Chevigny" in body and "<image" not in body

    def test_map_view_with_tiles(self, client, shelter, settings):
        settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
        body = client.get(reverse("directory:search"), {"q": "abri", "view": "map"}).content.decode()
        assert '<image href="https://tiles.example.org/' in body

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "x" * 20_000},
            {"q": "\"'; DROP TABLE x; --", "need": "nope", "age": "-4", "radius": "abc", "page": "0"},
            {"lat": "nan", "lon": "inf", "radius": "1e309"},
            {"place": "<script>", "situation": "EVIL", "open_now": "yes"},
            {"commune": "999999"},
        ],
    )
    def test_bad_parameters_never_fail(self, client, shelter, params):
        response = client.get(reverse("directory:search"), params)
        assert response.status_code == 200

    def test_place_typed_by_name(self, client, shelter):
        body = client.get(reverse("directory:search"), {"place": "libramont chevigny"}).content.decode()
        assert "Abri de nuit" in body and "Libramont-Chevigny" in body

    def test_a_place_several_communes_could_be_offers_links(self, client, shelter, province):
        TerritoryFactory(code="84999", name="Libin", parent=province)
        body = client.get(reverse("directory:search"), {"place": "LIB", "q": "abri", "page": "2"}).content.decode()
        assert "Abri de nuit" not in body and 'class="empty"' not in body, "the question, not 'nothing found'"
        assert '<a href="?q=abri&amp;place=Libin">Libin</a>' in body
        assert '<a href="?q=abri&amp;place=Libramont-Chevigny">Libramont-Chevigny</a>' in body

    def test_place_hints(self, client, shelter, province):
        TerritoryFactory(code="84999", name="Libin", parent=province)
        PostalCode.objects.create(
            country="BE", code="6890", locality="Libin", commune=Territory.objects.get(name="Libin")
        )
        body = client.get(reverse("directory:place_hints"), {"place": "li"}).content.decode()
        assert body.strip() == '<option value="Libin">6890</option><option value="Libramont-Chevigny"></option>'
        assert client.get(reverse("directory:place_hints"), {"place": "l"}).content.decode().strip() == ""
        assert client.get(reverse("directory:place_hints"), {"place": "x" * 10_000}).status_code == 200

    def test_service_detail(self, client, shelter):
        response = client.get(reverse("directory:service_detail", args=[shelter.public_id]))
        # Opening hours in words, not the OSM code.
        assert response.status_code == 200 and "Tous les jours, 19 h \u2013 24 h" in response.content.decode()

    def test_hidden_service_detail_is_404(self, client, shelter):
        shelter.organisation.status = OrganisationStatus.PENDING
        shelter.organisation.save()
        assert client.get(reverse("directory:service_detail", args=[shelter.public_id])).status_code == 404


class TestApi:
    def test_search(self, client, shelter):
        response = client.get("/api/v1/directory/services", {"q": "abris", "postcode": "", "radius_km": 10})
        assert response.status_code == 200
        data = response.json()
        assert data["count"] == 1 and data["results"][0]["name"] == "Abri de nuit"
        assert data["results"][0]["needs"] == [{"code": "housing.emergency-shelter", "name": "Hébergement d'urgence"}]
        assert data["results"][0]["locations"][0]["latitude"] == 49.92

    def test_search_loads_locations_and_needs_once_for_the_page(self, client, shelter, django_assert_max_num_queries):
        for number in range(5):
            place_service(
                ServiceFactory(name=f"Abri {number}", needs=[shelter.needs.first()]),
                commune=shelter.at_locations.first().location.commune,
                latitude=49.92,
                longitude=5.38,
            )
        with django_assert_max_num_queries(12):
            data = client.get("/api/v1/directory/services", {"q": "abri"}).json()
        assert data["count"] == 6 and all(hit["locations"] and hit["needs"] for hit in data["results"])

    def test_search_by_typed_place(self, client, shelter, province):
        data = client.get("/api/v1/directory/services", {"place": "Libramont"}).json()
        assert data["place"] == "Libramont-Chevigny" and data["count"] == 1 and not data["place_not_found"]
        TerritoryFactory(code="84999", name="Libin", parent=province)
        data = client.get("/api/v1/directory/services", {"place": "li"}).json()
        assert data["place_not_found"] and data["count"] == 0
        assert [commune["name"] for commune in data["place_suggestions"]] == ["Libin", "Libramont-Chevigny"]

    def test_invalid_parameter_is_422(self, client, shelter):
        response = client.get("/api/v1/directory/services", {"age": "-1"})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "age"

    def test_hostile_text(self, client, shelter):
        for text in ['"', "NEAR", "*", "-", "OR", "'; DROP TABLE directory_service; --", "🙂"]:
            assert client.get("/api/v1/directory/services", {"q": text}).status_code == 200

    def test_detail_and_404(self, client, shelter):
        response = client.get(f"/api/v1/directory/services/{shelter.public_id}")
        assert response.status_code == 200 and response.json()["needs"][0]["code"] == "housing.emergency-shelter"
        assert client.get("/api/v1/directory/services/00000000-0000-4000-8000-000000000000").status_code == 404

    def test_taxonomy(self, client, db):
        terms = client.get("/api/v1/directory/taxonomy").json()
        domains = [term for term in terms if term["level"] == 1]
        assert len(domains) == 15
        addictions = next(term for term in terms if term["code"] == "addictions")
        assert "toxicomanie" in addictions["synonyms"] and addictions["mappings"]["data_inclusion"] == [
            "sante--addictions"
        ]


class TestEditing:
    def test_member_edits_own_service(self, client, shelter):
        member = MembershipFactory(organisation=shelter.organisation)
        client.force_login(member.user)
        url = reverse("directory:service_edit", args=[shelter.public_id])
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "name": "Abri de nuit Saint-Martin",
                "status": ServiceStatus.ACTIVE,
                "opening_hours": "Mo-Su 20:00-24:00",
            },
        )
        assert response.status_code == 302
        shelter.refresh_from_db()
        assert shelter.name == "Abri de nuit Saint-Martin" and shelter.updated_by == member.user

    def test_invalid_opening_hours_are_explained(self, client, shelter):
        member = MembershipFactory(organisation=shelter.organisation)
        client.force_login(member.user)
        response = client.post(
            reverse("directory:service_edit", args=[shelter.public_id]),
            {
                "name": "Abri",
                "status": ServiceStatus.ACTIVE,
                "opening_hours": "tous les jours",
                "minimum_age": 30,
                "maximum_age": 20,
            },
        )
        body = response.content.decode()
        assert response.status_code == 400
        assert "OpenStreetMap" in body and "âge maximum" in body

    def test_member_of_another_organisation_gets_404(self, client, shelter):
        stranger = MembershipFactory()
        client.force_login(stranger.user)
        assert client.get(reverse("directory:service_edit", args=[shelter.public_id])).status_code == 404
        response = client.post(
            reverse("directory:service_capacity", args=[shelter.public_id]), {"capacity_status": "FULL"}
        )
        assert response.status_code == 404
        shelter.refresh_from_db()
        assert shelter.capacity_status == CapacityStatus.AVAILABLE

    def test_user_without_organisation_gets_a_clear_403(self, client, db):
        client.force_login(UserFactory())
        response = client.get(reverse("directory:manage"))
        assert response.status_code in {302, 403}

    def test_capacity_quick_update_with_htmx(self, client, shelter):
        member = MembershipFactory(organisation=shelter.organisation)
        client.force_login(member.user)
        before = timezone.now()
        response = client.post(
            reverse("directory:service_capacity", args=[shelter.public_id]),
            {"capacity_status": "WAITING_LIST", "waiting_time_days": "14"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200 and "<html" not in response.content.decode()
        shelter.refresh_from_db()
        assert shelter.capacity_status == CapacityStatus.WAITING_LIST and shelter.waiting_time_days == 14
        assert shelter.capacity_updated_at >= before

    def test_capacity_bad_value(self, client, shelter):
        member = MembershipFactory(organisation=shelter.organisation)
        client.force_login(member.user)
        response = client.post(
            reverse("directory:service_capacity", args=[shelter.public_id]),
            {"capacity_status": "LOTS"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 400

    def test_manage_page_and_new_service(self, client, libramont):
        member = MembershipFactory()
        client.force_login(member.user)
        assert client.get(reverse("directory:manage")).status_code == 200
        need = TaxonomyTerm.objects.get(code="food.meals")
        response = client.post(
            reverse("directory:service_create"),
            {
                "name": "Resto du cœur",
                "status": ServiceStatus.ACTIVE,
                "needs": [need.id],
                "capacity_status": "AVAILABLE",
            },
        )
        assert response.status_code == 302
        service = Service.objects.get(name="Resto du cœur")
        assert service.organisation == member.organisation and service.capacity_updated_at is not None
        found = client.get("/api/v1/directory/services", {"q": "restaurant social"}).json()
        assert [result["name"] for result in found["results"]] == ["Resto du cœur"]


class TestCoordinatorValidation:
    def test_only_the_coordinator_sees_the_pending_list(self, client, db):
        client.force_login(MembershipFactory().user)
        assert client.get(reverse("directory:pending")).status_code == 403

    def test_validate_makes_services_public(self, client, db):
        pending = OrganisationFactory(status=OrganisationStatus.PENDING, name="Nouvelle asbl")
        ServiceFactory(organisation=pending, name="Permanence sociale")
        coordinator = MembershipFactory(coordinator=True)
        client.force_login(coordinator.user)
        assert "Nouvelle asbl" in client.get(reverse("directory:pending")).content.decode()
        assert client.get("/api/v1/directory/services", {"q": "permanence"}).json()["count"] == 0
        client.post(reverse("directory:organisation_validate", args=[pending.public_id]))
        pending.refresh_from_db()
        assert pending.status == OrganisationStatus.VALIDATED and pending.validated_by == coordinator.user
        assert client.get("/api/v1/directory/services", {"q": "permanence"}).json()["count"] == 1

    def test_reject(self, client, db):
        pending = OrganisationFactory(status=OrganisationStatus.PENDING)
        service = ServiceFactory(organisation=pending)
        client.force_login(MembershipFactory(coordinator=True).user)
        url = reverse("directory:organisation_reject", args=[pending.public_id])
        assert "Refuser" in client.post(url).content.decode()  # asked first, nothing refused yet
        pending.refresh_from_db()
        assert pending.status == OrganisationStatus.PENDING
        client.post(url, {"confirmed": "yes"})
        pending.refresh_from_db()
        service.refresh_from_db()
        assert pending.status == OrganisationStatus.DEACTIVATED and service.status == ServiceStatus.INACTIVE

    def test_professional_cannot_validate(self, client, db):
        pending = OrganisationFactory(status=OrganisationStatus.PENDING)
        client.force_login(MembershipFactory().user)
        assert client.post(reverse("directory:organisation_validate", args=[pending.public_id])).status_code == 403
        pending.refresh_from_db()
        assert pending.status == OrganisationStatus.PENDING


class TestLocationsWithoutOrganisation:
    @pytest.fixture
    def civic(self, db):
        return Location.objects.create(name="Maison des associations", address_1="1 rue Forest", city="Bastogne")

    def test_the_coordinator_attaches_one(self, client, civic):
        coordinator = MembershipFactory(coordinator=True)
        runner = OrganisationFactory(name="Asbl Les Forges")
        client.force_login(coordinator.user)
        page = client.get(reverse("directory:pending")).content.decode()
        assert "Maison des associations" in page and f'value="{runner.public_id}"' in page

        response = client.post(
            reverse("directory:location_attach", args=[civic.public_id]),
            {"organisation": runner.public_id},
            follow=True,
        )

        civic.refresh_from_db()
        assert civic.organisation == runner and civic.updated_by == coordinator.user
        assert "Asbl Les Forges" in response.content.decode()
        assert "Maison des associations" not in client.get(reverse("directory:pending")).content.decode()

    @pytest.mark.parametrize("choice", ["", "not-a-uuid", "00000000-0000-4000-8000-000000000000", "deactivated"])
    def test_a_bad_choice_is_explained_and_changes_nothing(self, client, civic, choice):
        if choice == "deactivated":
            choice = OrganisationFactory(status=OrganisationStatus.DEACTIVATED).public_id
        client.force_login(MembershipFactory(coordinator=True).user)
        response = client.post(
            reverse("directory:location_attach", args=[civic.public_id]), {"organisation": choice}, follow=True
        )
        assert response.status_code == 200 and 'class="message message-error"' in response.content.decode()
        civic.refresh_from_db()
        assert civic.organisation is None

    def test_an_attached_location_stays_with_its_organisation(self, client, civic):
        first, second = OrganisationFactory(), OrganisationFactory()
        Location.objects.filter(pk=civic.pk).update(organisation=first)
        client.force_login(MembershipFactory(coordinator=True).user)
        client.post(reverse("directory:location_attach", args=[civic.public_id]), {"organisation": second.public_id})
        civic.refresh_from_db()
        assert civic.organisation == first

    def test_only_the_coordinator_attaches(self, client, civic):
        member = MembershipFactory()
        client.force_login(member.user)
        url = reverse("directory:location_attach", args=[civic.public_id])
        assert client.post(url, {"organisation": member.organisation.public_id}).status_code == 403
        civic.refresh_from_db()
        assert civic.organisation is None


class TestStaleReminder:
    def test_command_enqueues_and_task_mails_the_admins(self, db):
        organisation = OrganisationFactory(name="Maison d'accueil")
        admin = MembershipFactory(organisation=organisation, admin=True)
        MembershipFactory(organisation=organisation)  # a professional gets no reminder
        stale = ServiceFactory(organisation=organisation, name="Hébergement temporaire")
        ServiceFactory(organisation=organisation, name="Service à jour")
        Service.objects.filter(id=stale.id).update(updated_at=timezone.now() - timedelta(days=200))
        fresh_org = OrganisationFactory()
        MembershipFactory(organisation=fresh_org, admin=True)
        ServiceFactory(organisation=fresh_org)

        out = io.StringIO()
        call_command("directory_remind_stale", stdout=out)
        assert "reminders enqueued: 1" in out.getvalue()

        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [admin.user.email]
        assert "Hébergement temporaire" in message.body and "Service à jour" not in message.body

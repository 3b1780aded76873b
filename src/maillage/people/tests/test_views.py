"""The professional's person pages: who gets what (role x status), 404 never 403, audit, masking, forms."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.access.enums import Action, Category, Outcome
from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.consent.models import Consent, Objection
from maillage.core.tests.helpers import post_form
from maillage.people.enums import InvolvementRole, InvolvementStatus
from maillage.people.models import Involvement, Need, Person, ReferentChange, Relation
from maillage.people.tests.factories import ObjectionFactory, PersonFactory

pytestmark = pytest.mark.django_db


def detail_url(person) -> str:
    return reverse("people:person_detail", kwargs={"public_id": person.public_id})


ROLES = ["referent", "partner", "stranger", "admin", "coordinator", "staff"]


class TestPersonDetailMatrix:
    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("referent", 200),
            ("partner", 200),
            ("stranger", 404),
            ("admin", 404),
            ("coordinator", 404),
            ("staff", 404),
        ],
        ids=[f"{role}-active-involvement" for role in ROLES],
    )
    def test_by_role(self, client, network, role, expected):
        client.force_login(getattr(network, role))
        assert client.get(detail_url(network.person)).status_code == expected

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            ("none", 200),
            ("involvement-ended", 404),
            ("identity-objected", 404),
            ("basis-revoked", 404),
            ("person-anonymised", 404),
            ("membership-ended", 302),
        ],
        ids=lambda value: str(value),
    )
    def test_partner_by_status(self, client, network, change, expected):
        partner = network.partner
        if change == "involvement-ended":
            Involvement.objects.filter(pk=network.partner_involvement.pk).update(
                status=InvolvementStatus.ENDED, ended_on=timezone.localdate()
            )
        elif change == "identity-objected":
            ObjectionFactory(person=network.person, organisation=network.partner_org, category=Category.IDENTITY)
        elif change == "basis-revoked":
            Consent.objects.filter(person=network.person).update(revoked_at=timezone.now())
        elif change == "person-anonymised":
            Person.objects.filter(pk=network.person.pk).update(anonymised_at=timezone.now())
        elif change == "membership-ended":
            partner.memberships.update(is_active=False)
        client.force_login(partner)
        response = client.get(detail_url(network.person))
        assert response.status_code == expected

    def test_anonymous_is_sent_to_log_in(self, client, network):
        response = client.get(detail_url(network.person))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_unknown_id_is_404_like_a_forbidden_one(self, client, network):
        client.force_login(network.referent)
        unknown = reverse("people:person_detail", kwargs={"public_id": "00000000-0000-4000-8000-000000000000"})
        assert client.get(unknown).status_code == 404

    def test_stranger_404_is_audited_as_denied(self, client, network):
        client.force_login(network.stranger)
        client.get(detail_url(network.person))
        event = AccessEvent.objects.filter(person_id=network.person.pk).last()
        assert (event.actor_id, event.outcome, event.purpose) == (network.stranger.pk, Outcome.DENIED, "person_page")


class TestPersonDetailContent:
    def test_access_is_logged_per_category_shown(self, client, network):
        client.force_login(network.partner)
        client.get(detail_url(network.person))
        events = AccessEvent.objects.filter(person_id=network.person.pk, actor_id=network.partner.pk)
        assert {e.category for e in events if e.outcome == Outcome.ALLOWED} == {
            Category.IDENTITY,
            Category.SOCIAL,
            Category.PROJECT,
            Category.COORDINATION,
        }
        assert all(e.purpose == "person_page" and e.action == Action.VIEW for e in events)

    def test_sections_are_masked_by_category(self, client, network):
        ObjectionFactory(person=network.person, organisation=network.partner_org, category=Category.SOCIAL)
        client.force_login(network.partner)
        partner_page = client.get(detail_url(network.person)).content.decode()
        assert "Josiane" not in partner_page and "Un logement plus grand" not in partner_page
        assert "Non partagé avec votre organisation" in partner_page
        client.force_login(network.referent)
        referent_page = client.get(detail_url(network.person)).content.decode()
        assert "Josiane" in referent_page and "Un logement plus grand" in referent_page

    def test_health_need_only_with_a_basis_for_health(self, client, network):
        client.force_login(network.referent)
        assert "Dormir mieux." not in client.get(detail_url(network.person)).content.decode()

    def test_ecomap_and_its_table_are_on_the_page(self, client, network):
        client.force_login(network.referent)
        html = client.get(detail_url(network.person)).content.decode()
        assert 'role="img"' in html and "<table" in html
        assert html.count("Josiane") >= 2  # picture and table

    # Session and actor (3), door and its audit entry (9), the sections (9), the door again for the
    # categories (3), the audit of the categories shown (5), the session save (2), the proposals to end an
    # involvement (1), the requests to join the network, for the referent (1), the messages the person wrote
    # to the referent (1).
    # The header's count of unopened referrals sent to the organisation (1).
    # The referent's signals (analytics.attention, 8): the actor's network (1; its thresholds would be one more),
    # the involvements and their life domains (2), contacts, meetings, referrals, project actions and needs (5).
    PERSON_PAGE_QUERIES = 30

    def test_query_count_is_pinned(self, client, network, django_assert_num_queries):
        client.force_login(network.referent)
        client.get(detail_url(network.person))
        with django_assert_num_queries(self.PERSON_PAGE_QUERIES):
            client.get(detail_url(network.person))
        # The same count whatever the size of the file.
        for index in range(10):
            Relation.objects.create(person=network.person, name=f"Voisin {index}", kind="NEIGHBOUR")
            Need.objects.create(person=network.person, term=network.housing, own_words=f"besoin {index}")
        with django_assert_num_queries(self.PERSON_PAGE_QUERIES):
            client.get(detail_url(network.person))

    def test_ecomap_download(self, client, network):
        client.force_login(network.referent)
        response = client.get(reverse("people:person_ecomap", kwargs={"public_id": network.person.public_id}))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert "attachment" in response["Content-Disposition"] and "Fontaine" not in response["Content-Disposition"]
        assert b"Josiane" in response.content


class TestPersonList:
    def test_lists_only_the_persons_i_follow(self, client, network):
        PersonFactory(first_name="Inconnu", last_name="Ailleurs")
        client.force_login(network.referent)
        html = client.get(reverse("people:person_list")).content.decode().lower()
        assert "fontaine" in html and "ailleurs" not in html
        assert AccessEvent.objects.filter(person_id=network.person.pk, action=Action.LIST).exists()

    @pytest.mark.parametrize("role", ["stranger", "admin", "coordinator", "staff"])
    def test_others_see_nobody(self, client, network, role):
        client.force_login(getattr(network, role))
        html = client.get(reverse("people:person_list")).content.decode()
        # The public id, not the name: a randomly generated user name could contain it.
        assert str(network.person.public_id) not in html
        assert not AccessEvent.objects.filter(person_id=network.person.pk, action=Action.LIST).exists()

    def test_search_is_posted_and_finds_within_visible_persons(self, client, network):
        other = PersonFactory(first_name="Amélie", last_name="Cachée")
        client.force_login(network.referent)
        response = client.post(reverse("people:person_list"), {"q": "amél"})
        html = response.content.decode().lower()
        assert "fontaine" in html and "cachée" not in html
        assert AccessEvent.objects.filter(person_id=network.person.pk, action=Action.SEARCH).exists()
        assert not AccessEvent.objects.filter(person_id=other.pk).exists()

    def test_search_does_not_find_a_name_the_actor_may_not_see(self, client, network):
        ObjectionFactory(person=network.person, organisation=network.partner_org, category=Category.IDENTITY)
        client.force_login(network.partner)
        html = client.post(reverse("people:person_list"), {"q": "Fontaine"}).content.decode()
        assert "FONTAINE" not in html and str(network.person.public_id) not in html

    def test_htmx_gets_the_results_fragment(self, client, network):
        client.force_login(network.referent)
        response = client.post(reverse("people:person_list"), {"q": "Font"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert 'id="results"' in html and "<html" not in html


class TestOpenAFile:
    def data(self, **overrides):
        return {
            "first_name": "Bruno",
            "last_name": "Lambert",
            "preferred_language": "fr",
            "is_referent": "on",
            "informed": "on",
            "information_method": "ORAL",
            "shared_categories": ["IDENTITY", "SOCIAL", "COORDINATION"],
            **overrides,
        }

    def test_opens_the_file_with_prior_information_and_lands_on_it(self, client, network):
        client.force_login(network.referent)
        response = post_form(client, reverse("people:person_create"), self.data())
        person = Person.objects.get(last_name="Lambert")
        assert response.status_code == 302 and response["Location"] == detail_url(person)
        assert person.information_records.count() == 1
        assert person.involvements.get().role == InvolvementRole.REFERENT
        assert client.get(detail_url(person)).status_code == 200

    def test_errors_are_clear_and_keep_what_was_typed(self, client, network):
        client.force_login(network.referent)
        response = client.post(reverse("people:person_create"), self.data(informed="", shared_categories=["SOCIAL"]))
        html = response.content.decode()
        assert response.status_code == 422
        assert 'value="Lambert"' in html and "identité" in html
        assert not Person.objects.filter(last_name="Lambert").exists()

    @pytest.mark.parametrize("role", ["admin", "coordinator", "staff"])
    def test_only_professionals_open_files(self, client, network, role):
        client.force_login(getattr(network, role))
        assert client.post(reverse("people:person_create"), self.data()).status_code == 404


class TestForms:
    def url(self, name, network, **kwargs):
        return reverse(f"people:{name}", kwargs={"public_id": network.person.public_id, **kwargs})

    def test_add_a_need(self, client, network):
        client.force_login(network.referent)
        data = {"term": network.housing.pk, "own_words": "Trouver un garant", "status": "OPEN", "weight": "4"}
        response = post_form(client, self.url("need_create", network), data)
        assert response.status_code == 302
        assert Need.objects.filter(person=network.person, own_words="Trouver un garant", weight=4).exists()
        assert AccessEvent.objects.filter(person_id=network.person.pk, action=Action.CREATE, purpose="need_write")

    def test_a_need_with_errors_keeps_the_words(self, client, network):
        client.force_login(network.referent)
        response = client.post(self.url("need_create", network), {"own_words": "Mes mots à moi", "weight": "9"})
        assert response.status_code == 422
        assert "Mes mots à moi" in response.content.decode()

    def test_a_health_need_without_basis_is_refused_with_a_message(self, client, network):
        client.force_login(network.referent)
        data = {"term": network.health.pk, "own_words": "x", "status": "OPEN", "weight": "3"}
        response = client.post(self.url("need_create", network), data)
        assert response.status_code == 422
        assert not Need.objects.filter(person=network.person, own_words="x").exists()

    def test_edit_a_need(self, client, network):
        need = Need.objects.get(person=network.person, term=network.housing)
        client.force_login(network.referent)
        url = self.url("need_edit", network, need_id=need.public_id)
        assert client.get(url).status_code == 200
        post_form(client, url, {"term": network.housing.pk, "own_words": "Fait", "status": "MET", "weight": "2"})
        need.refresh_from_db()
        assert need.status == "MET" and need.closed_on is not None

    def test_add_a_relation_without_keeping_contact(self, client, network):
        client.force_login(network.referent)
        data = {
            "name": "Karim",
            "kind": "FRIEND",
            "quality": "SUPPORTIVE",
            "strength": "2",
            "support_direction": "MUTUAL",
            "phone": "0470 00 00 00",
        }
        assert post_form(client, self.url("relation_create", network), data).status_code == 302
        relation = Relation.objects.get(person=network.person, name="Karim")
        assert relation.phone == ""

    def test_involve_an_organisation_then_end_it(self, client, network):
        client.force_login(network.referent)
        data = {"organisation": network.stranger_org.pk, "role": "CONSULTED", "started_on": "2026-01-05"}
        response = post_form(client, self.url("involvement_create", network), data)
        assert (
            response.status_code == 422
            and "Indiquez comment la personne a donné son accord" in response.content.decode()
        )
        data["agreement"] = "ON_PAPER"
        assert post_form(client, self.url("involvement_create", network), data).status_code == 302
        involvement = Involvement.objects.get(person=network.person, organisation=network.stranger_org)
        assert involvement.agreement == "ON_PAPER"
        client.force_login(network.stranger)
        assert client.get(detail_url(network.person)).status_code == 200
        end = self.url("involvement_end", network, involvement_id=involvement.public_id)  # its own (rule 8a)
        response = post_form(
            client, end, {"ended_on": timezone.localdate().isoformat(), "end_reason": "OBJECTIVES_MET"}
        )
        assert response.status_code == 302
        assert client.get(detail_url(network.person)).status_code == 404

    def test_change_of_referent_needs_a_reason_and_is_kept(self, client, network):
        client.force_login(network.referent)
        url = self.url("referent_change", network)
        response = post_form(client, url, {"organisation": network.partner_org.pk, "reason": "   "})
        assert response.status_code == 422 and 'id="id_reason_error"' in response.content.decode()
        response = post_form(
            client,
            url,
            {"organisation": network.partner_org.pk, "reason": "Choisi avec Amélie", "chosen_with_person": "on"},
        )
        assert response.status_code == 302
        change = ReferentChange.objects.filter(person=network.person).latest("changed_at")
        assert change.reason == "Choisi avec Amélie" and change.to_involvement.organisation == network.partner_org

    def test_writes_are_refused_to_strangers_with_404(self, client, network):
        client.force_login(network.stranger)
        data = {"term": network.housing.pk, "own_words": "x", "status": "OPEN", "weight": "3"}
        assert client.post(self.url("need_create", network), data).status_code == 404
        assert client.post(self.url("referent_change", network), {}).status_code == 404


class TestConsentPages:
    def url(self, name, network):
        return reverse(f"consent:{name}", kwargs={"public_id": network.person.public_id})

    def test_record_and_revoke_a_consent(self, client, network):
        client.force_login(network.referent)
        data = {
            "recipient": network.partner_org.pk,
            "purpose": "Suivi médical",
            "categories": ["HEALTH"],
            "legal_basis": "CONSENT",
            "how_given": "PAPER_SCANNED",
        }
        assert post_form(client, self.url("consent_create", network), data).status_code == 302
        consent = Consent.objects.get(person=network.person, purpose="Suivi médical")
        client.force_login(network.partner)
        assert "Dormir mieux." in client.get(detail_url(network.person)).content.decode()
        asked = client.post(self.url("consent_revoke", network), {"consent": consent.pk})
        assert asked.status_code == 200 and f'name="consent" value="{consent.pk}"' in asked.content.decode()
        confirmed = {"consent": consent.pk, "confirmed": "yes"}
        assert client.post(self.url("consent_revoke", network), confirmed).status_code == 302
        assert "Dormir mieux." not in client.get(detail_url(network.person)).content.decode()

    def test_consent_form_errors(self, client, network):
        client.force_login(network.referent)
        data = {"purpose": "Suivi", "legal_basis": "CONSENT", "how_given": "NOT_APPLICABLE"}
        response = client.post(self.url("consent_create", network), data)
        assert response.status_code == 422
        assert 'value="Suivi"' in response.content.decode()

    def test_objection_then_withdrawal(self, client, network):
        client.force_login(network.referent)
        data = {"category": "SOCIAL", "organisation": network.partner_org.pk}
        assert post_form(client, self.url("objection_create", network), data).status_code == 302
        client.force_login(network.partner)
        assert "Josiane" not in client.get(detail_url(network.person)).content.decode()
        objection = Objection.objects.get(person=network.person)
        client.post(self.url("objection_withdraw", network), {"objection": objection.pk})
        assert "Josiane" in client.get(detail_url(network.person)).content.decode()

    def test_revoking_another_persons_consent_is_404(self, client, network):
        other_consent = Consent.objects.create(
            person=PersonFactory(),
            purpose="x",
            categories=["SOCIAL"],
            legal_basis="CONSENT",
            how_given="ORAL_RECORDED",
        )
        client.force_login(network.referent)
        assert client.post(self.url("consent_revoke", network), {"consent": other_consent.pk}).status_code == 404


class TestWhoSaw:
    def url(self, network):
        return reverse("access:who_saw", kwargs={"public_id": network.person.public_id})

    def test_referent_sees_who_saw_in_plain_words(self, client, network):
        client.force_login(network.partner)
        client.get(detail_url(network.person))
        client.force_login(network.referent)
        html = client.get(self.url(network)).content.decode()
        # Told to the referent about the person (the person's own space says "votre dossier").
        assert "Centre de santé mentale" in html and "ouverture du dossier" in html
        assert "votre dossier" not in html

    @pytest.mark.parametrize("role", ["partner", "stranger", "admin", "staff"])
    def test_only_the_referent(self, client, network, role):
        client.force_login(getattr(network, role))
        assert client.get(self.url(network)).status_code == 404


class TestBreakGlass:
    def url(self, network):
        return reverse("access:break_glass", kwargs={"public_id": network.person.public_id})

    def test_reason_is_mandatory(self, client, network):
        client.force_login(network.stranger)
        response = client.post(self.url(network), {"reason": "vite"})
        assert response.status_code == 422 and not BreakGlassGrant.objects.exists()

    def test_opens_read_access_with_a_banner_and_stands_out_in_who_saw(
        self, client, network, django_capture_on_commit_callbacks
    ):
        client.force_login(network.stranger)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url(network), {"reason": "Hospitalisation en urgence, besoin du traitement"})
        assert response.status_code == 302
        page = client.get(detail_url(network.person)).content.decode()
        assert "banner-break-glass" in page
        assert BreakGlassGrant.objects.filter(person=network.person, actor=network.stranger).exists()
        assert AccessEvent.objects.filter(person_id=network.person.pk, break_glass=True, outcome="ALLOWED").exists()
        assert len(mail.outbox) >= 1
        client.force_login(network.referent)
        who_saw = client.get(reverse("access:who_saw", kwargs={"public_id": network.person.public_id}))
        assert "row-break-glass" in who_saw.content.decode()
        assert "Hospitalisation en urgence, besoin du traitement" in who_saw.content.decode()

    def test_unknown_person_is_404(self, client, network):
        client.force_login(network.stranger)
        url = reverse("access:break_glass", kwargs={"public_id": "00000000-0000-4000-8000-000000000000"})
        assert client.post(url, {"reason": "Une raison suffisamment longue"}).status_code == 404

    @pytest.mark.parametrize("role", ["admin", "staff"])
    def test_not_for_non_professionals(self, client, network, role):
        client.force_login(getattr(network, role))
        assert client.post(self.url(network), {"reason": "Une raison suffisamment longue"}).status_code == 404

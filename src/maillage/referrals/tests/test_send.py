"""Sending from the pages: the "Orienter" entry points, the candidates (capacity, experience), the form that lets
only the consented categories be picked (a forged POST included), draft or send, once; the redirect after a
decline in one step."""

import pytest
from django.urls import reverse

from maillage.access import referral_door
from maillage.access.enums import Category
from maillage.access.models import AccessEvent
from maillage.core.tests.helpers import guard_fields, post_form
from maillage.directory.tests.factories import ServiceFactory
from maillage.people.tests.factories import ObjectionFactory
from maillage.referrals import services
from maillage.referrals.enums import DeclineReason, ReferralStatus
from maillage.referrals.models import Referral
from maillage.referrals.tests.test_services import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(scene):
    return ServiceFactory(
        organisation=scene.receiver_org, name="Accompagnement au logement", needs=[scene.network.housing]
    )


def send_url(scene, **query):
    base = reverse("referrals:referral_send", kwargs={"public_id": scene.network.person.public_id})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


FORM = {
    "expected": "Un logement adapté à trois enfants.",
    "urgency": "HIGH",
    "eligibility": "38 ans, Namur",
    "contact_preference": "PHONE",
    "show_decline_reason_to_person": "on",
    "agreement": "ORALLY",
    "shared_categories": ["IDENTITY", "SOCIAL"],
    "action": "send",
}


class TestEntryPoints:
    def test_the_person_page_offers_orienter_for_each_open_need(self, scene, client):
        client.force_login(scene.network.referent)
        page = client.get(reverse("people:person_detail", kwargs={"public_id": scene.network.person.public_id}))
        assert f"?need={scene.need.public_id}" in page.content.decode()

    def test_the_project_page_offers_orienter_for_an_objective(self, scene, client, service):
        from maillage.projects import services as project_services
        from maillage.projects.tests.factories import objective

        project = project_services.project_start(scene.sender, person=scene.network.person, title="Projet de vie")
        goal = objective(scene.sender, project, "Trouver un logement", life_domain=scene.network.housing)
        client.force_login(scene.network.referent)
        page = client.get(reverse("projects:project_detail", kwargs={"public_id": scene.network.person.public_id}))
        assert f"?objective={goal.public_id}" in page.content.decode()
        url = send_url(scene, objective=goal.public_id, service=service.public_id)
        assert post_form(client, url, FORM).status_code == 302
        assert Referral.objects.get().objective_id == goal.pk

    def test_a_stranger_cannot_open_the_send_page(self, scene, client, service):
        client.force_login(scene.other.user)
        assert client.get(send_url(scene, need=scene.need.public_id)).status_code == 404

    def test_the_service_page_asks_which_of_my_people(self, scene, client, service):
        client.force_login(scene.network.referent)
        detail = client.get(reverse("directory:service_detail", kwargs={"public_id": service.public_id}))
        orient = reverse("referrals:service_orient", kwargs={"service_id": service.public_id})
        assert orient in detail.content.decode()
        page = client.get(orient)
        assert page.status_code == 200 and page["Cache-Control"] == "no-store"
        html = page.content.decode()
        assert "Fontaine" in html and f"service={service.public_id}" in html
        assert AccessEvent.objects.filter(person_id=scene.network.person.pk, purpose="referral_write").exists()

    def test_the_service_page_lists_nobody_the_organisation_does_not_follow(self, scene, client, service):
        client.force_login(scene.other.user)
        page = client.get(reverse("referrals:service_orient", kwargs={"service_id": service.public_id}))
        assert page.status_code == 200 and "Fontaine" not in page.content.decode()

    def test_the_need_step_carries_ids_only(self, scene, client, service):
        client.force_login(scene.network.referent)
        page = client.get(send_url(scene, service=service.public_id)).content.decode()
        assert f"need={scene.need.public_id}&amp;service={service.public_id}" in page


class TestCandidates:
    def test_candidates_show_capacity_and_experience(self, scene, client, service):
        declined = send(scene)
        services.referral_decline(scene.receiver, referral=declined, reason=DeclineReason.NO_CAPACITY)
        ServiceFactory(organisation=scene.network.referent_org, needs=[scene.network.housing], name="Notre service")
        client.force_login(scene.network.referent)
        html = client.get(send_url(scene, need=scene.need.public_id)).content.decode()
        assert "Accompagnement au logement" in html
        assert "Places available" in html or "Places disponibles" in html
        assert "1 declined" in html or "1 refusée" in html
        assert "Notre service" not in html  # not one's own organisation


class TestForm:
    def test_only_consented_categories_are_choices_the_others_shown_with_why(self, scene, client, service):
        client.force_login(scene.network.referent)
        html = client.get(send_url(scene, need=scene.need.public_id, service=service.public_id)).content.decode()
        assert 'name="shared_categories" value="SOCIAL"' in html
        assert 'name="shared_categories" value="HEALTH"' not in html
        assert 'name="shared_categories" value="DOCUMENTS"' not in html
        assert "disabled" in html

    def test_sent_with_two_categories(self, scene, client, service):
        client.force_login(scene.network.referent)
        url = send_url(scene, need=scene.need.public_id, service=service.public_id)
        response = post_form(client, url, FORM)
        assert response.status_code == 302
        referral = Referral.objects.get()
        assert referral.status == ReferralStatus.SENT
        assert referral.shared_categories == ["IDENTITY", "SOCIAL"]
        assert referral.receiver_service == service and referral.contact_preference == "PHONE"
        assert scene.network.person.last_name not in response["Location"]

    def test_saved_as_a_draft(self, scene, client, service):
        client.force_login(scene.network.referent)
        url = send_url(scene, need=scene.need.public_id, service=service.public_id)
        post_form(client, url, {**FORM, "action": "draft"})
        assert Referral.objects.get().status == ReferralStatus.DRAFT

    def test_sent_once_even_when_posted_twice(self, scene, client, service):
        client.force_login(scene.network.referent)
        url = send_url(scene, need=scene.need.public_id, service=service.public_id)
        fields = guard_fields(client.get(url).content.decode())
        first = client.post(url, {**fields, **FORM})
        second = client.post(url, {**fields, **FORM})
        assert first.status_code == second.status_code == 302
        assert Referral.objects.count() == 1

    def test_a_forged_category_cannot_be_picked(self, scene, client, service):
        client.force_login(scene.network.referent)
        url = send_url(scene, need=scene.need.public_id, service=service.public_id)
        response = post_form(client, url, {**FORM, "shared_categories": ["SOCIAL", "HEALTH"]})
        assert response.status_code == 422
        assert not Referral.objects.exists()

    def test_an_objected_category_is_shown_disabled_with_why(self, scene, client, service):
        ObjectionFactory(person=scene.network.person, organisation=scene.receiver_org, category=Category.SOCIAL)
        why = referral_door.why_not_shareable(scene.sender, scene.network.person, scene.receiver_org)
        assert why[Category.SOCIAL] == referral_door.NotShareable.OBJECTED
        client.force_login(scene.network.referent)
        url = send_url(scene, need=scene.need.public_id, service=service.public_id)
        assert 'value="SOCIAL"' not in client.get(url).content.decode()
        response = post_form(client, url, FORM)
        assert response.status_code == 422 and not Referral.objects.exists()

    def test_the_agreement_is_required(self, scene, client, service):
        client.force_login(scene.network.referent)
        url = send_url(scene, need=scene.need.public_id, service=service.public_id)
        response = post_form(client, url, {**FORM, "agreement": ""})
        assert response.status_code == 422
        assert "Un logement adapté à trois enfants." in response.content.decode()  # nothing typed is lost
        assert not Referral.objects.exists()

    def test_send_page_refuses_get_writes_and_an_unknown_service(self, scene, client, service):
        client.force_login(scene.network.referent)
        own = ServiceFactory(organisation=scene.network.referent_org, needs=[scene.network.housing])
        assert client.get(send_url(scene, need=scene.need.public_id, service=own.public_id)).status_code == 404
        assert client.get(send_url(scene, need="not-a-uuid")).status_code == 404


class TestRedirect:
    def test_declined_no_capacity_then_redirected_in_one_step(self, scene, client, service):
        declined = send(scene)
        services.referral_decline(scene.receiver, referral=declined, reason=DeclineReason.NO_CAPACITY)
        other = ServiceFactory(organisation=scene.other_org, name="Logement solidaire", needs=[scene.network.housing])
        client.force_login(scene.network.referent)
        detail = client.get(reverse("referrals:referral_detail", kwargs={"referral_id": declined.public_id}))
        url = reverse("referrals:referral_redirect", kwargs={"referral_id": declined.public_id})
        assert url in detail.content.decode()
        picker = client.get(url).content.decode()
        assert "Logement solidaire" in picker and "Accompagnement au logement" not in picker
        form_url = f"{url}?service={other.public_id}"
        page = client.get(form_url).content.decode()
        assert "Un logement adapté à trois enfants." in page  # what the declined one stated
        response = post_form(client, form_url, FORM)
        assert response.status_code == 302
        new = Referral.objects.exclude(pk=declined.pk).get()
        assert new.redirected_from == declined and new.receiver_organisation == scene.other_org
        assert new.status == ReferralStatus.SENT

    def test_only_a_declined_referral_is_redirected(self, scene, client, service):
        referral = send(scene)
        client.force_login(scene.network.referent)
        url = reverse("referrals:referral_redirect", kwargs={"referral_id": referral.public_id})
        assert client.get(url).status_code == 404
        client.force_login(scene.receiver.user)
        assert client.get(url).status_code == 404

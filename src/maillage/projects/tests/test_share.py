"""The project shown outward: the readable document and its PDF, the person's own space (read, answer, rate,
say it differently), the FHIR R4B export and the API."""

import datetime as dt
import io
import uuid
from html import unescape

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from maillage.access.models import AccessEvent
from maillage.accounts.actors import actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.core.tests.helpers import post_form
from maillage.people.models import Person, Relation
from maillage.projects import selectors, services
from maillage.projects.api import fhir_bundle_of
from maillage.projects.enums import (
    ActionStatus,
    AgreementAnswer,
    AgreementHow,
    Carrier,
    Frequency,
    Holder,
    ObjectiveStatus,
    Priority,
    Progress,
    ReviewStatus,
)
from maillage.projects.models import Divergence, ObjectiveReview, ProjectVersion, Review
from maillage.projects.tests.factories import action, objective

pytestmark = pytest.mark.django_db

HOUSING_WORDS = "Je veux un logement plus grand pour mes enfants."
JOB_WORDS = "Retrouver un travail à mi-temps."


@pytest.fixture
def built(network, referent, project):
    """A project built by the referent: two objectives, actions carried by the person, a relative and the partner,
    a version proposed, a review planned; the person has their own login."""
    user = UserFactory(kind=UserKind.PERSON, email="amelie.projet@example.org")
    Person.objects.filter(pk=network.person.pk).update(user=user)
    network.person.user = user
    housing = objective(
        referent,
        project,
        HOUSING_WORDS,
        priority=Priority.HIGH,
        indicator="Un bail signé",
        target="Un trois-chambres",
        target_date=dt.date(2027, 6, 30),
        life_domain=network.housing,
        reformulation="Accès à un logement adapté à la composition familiale",
    )
    objective(referent, project, JOB_WORDS, indicator="Un contrat signé")
    action(referent, housing, "Visiter deux logements", starts_on=dt.date(2027, 1, 5), frequency=Frequency.WEEKLY)
    action(
        referent,
        housing,
        "Garder les enfants pendant les visites",
        carrier=Carrier.RELATION,
        relation=Relation.objects.get(person=network.person, name="Josiane"),
    )
    action(
        referent,
        housing,
        "Accompagner à l'agence immobilière sociale",
        carrier=Carrier.ORGANISATION,
        involvement=network.partner_involvement,
    )
    project.refresh_from_db()
    services.version_propose(referent, project=project, note="Premier projet")
    project.refresh_from_db()
    services.review_plan(referent, project=project, planned_on=timezone.localdate() + dt.timedelta(days=20))
    project.refresh_from_db()
    return network


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


class TestReadableDocument:
    def test_the_pdf_carries_the_persons_words_and_the_objectives(self, built, client):
        client.force_login(built.referent)
        url = reverse("projects:project_document_pdf", kwargs={"public_id": built.person.public_id})
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Disposition"] == 'attachment; filename="projet-personnalise.pdf"'
        text = pdf_text(response.content).replace("\n", " ")
        assert HOUSING_WORDS in text and JOB_WORDS in text
        assert "Avec vos mots" in text and "Un bail signé" in text
        assert "Vous : Visiter deux logements" in text  # the person's own action, first, in the second person
        assert text.index("Vous : Visiter") < text.index("Josiane : Garder")
        assert "Centre de santé mentale" in text
        assert "Fontaine" not in text  # the first name only, never the surname
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        assert "Fontaine" not in str(reader.metadata) and "Amélie" not in str(reader.metadata)
        assert AccessEvent.objects.filter(
            actor_id=built.referent.pk, action="EXPORT", category="PROJECT", outcome="ALLOWED"
        ).exists()

    def test_the_reader_chooses_english(self, built, client):
        client.force_login(built.referent)
        url = reverse("projects:project_document_pdf", kwargs={"public_id": built.person.public_id})
        response = client.get(url, {"lang": "en"})
        text = pdf_text(response.content)
        assert response["Content-Disposition"] == 'attachment; filename="personal-project.pdf"'
        assert "In your words" in text and "What you want to work on" in text and HOUSING_WORDS in text

    def test_an_unknown_language_falls_back_to_the_readers(self, built, client):
        client.force_login(built.referent)
        url = reverse("projects:project_document", kwargs={"public_id": built.person.public_id})
        html = unescape(client.get(url, {"lang": "xx"}).content.decode())
        assert 'lang="fr"' in html and "Avec vos mots" in html and HOUSING_WORDS in html

    def test_the_person_reads_it_in_their_preferred_language(self, built, client):
        Person.objects.filter(pk=built.person.pk).update(preferred_language="en")
        client.force_login(built.person.user)
        url = reverse("projects:project_document", kwargs={"public_id": built.person.public_id})
        html = unescape(client.get(url).content.decode())
        assert "In your words" in html and "Your referent" not in html.split("<main")[0]

    def test_stranger_and_break_the_glass_cannot_download(self, built, client):
        url = reverse("projects:project_document_pdf", kwargs={"public_id": built.person.public_id})
        client.force_login(built.stranger)
        assert client.get(url).status_code == 404
        client.force_login(built.referent)
        assert (
            client.get(reverse("projects:project_document_pdf", kwargs={"public_id": uuid.uuid4()})).status_code == 404
        )

    def test_no_project_yet_is_said_in_words(self, network, client):
        client.force_login(network.referent)
        url = reverse("projects:project_document_pdf", kwargs={"public_id": network.person.public_id})
        assert "Aucun projet n'a encore été commencé" in pdf_text(client.get(url).content)


class TestOwnSpace:
    def test_the_person_reads_their_project_in_plain_words(self, built, client):
        client.force_login(built.person.user)
        response = client.get(reverse("projects:space_project"))
        html = unescape(response.content.decode())
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        assert HOUSING_WORDS in html and "Avec vos mots" in html
        assert "Êtes-vous d'accord avec ce projet ?" in html
        assert html.index(HOUSING_WORDS) < html.index("Accès à un logement adapté")  # their words first
        assert 'href="tel:' not in html or "Appeler" in html

    def test_the_person_agrees_in_their_own_space(self, built, client):
        client.force_login(built.person.user)
        url = reverse("projects:space_project_answer")
        response = post_form(
            client, url, {"answer": AgreementAnswer.AGREED, "comment": "Merci"}, page=reverse("projects:space_project")
        )
        assert response.status_code == 302
        version = ProjectVersion.objects.get()
        assert version.answer == AgreementAnswer.AGREED and version.answer_how == AgreementHow.IN_OWN_SPACE
        assert version.answer_recorded_by == built.person.user and version.answer_comment == "Merci"
        html = unescape(client.get(reverse("projects:space_project")).content.decode())
        assert "Vous l'avez accepté le" in html and "Êtes-vous d'accord" not in html

    def test_an_answer_without_a_choice_is_shown_again(self, built, client):
        client.force_login(built.person.user)
        response = post_form(
            client,
            reverse("projects:space_project_answer"),
            {"comment": "Je ne sais pas"},
            page=reverse("projects:space_project"),
        )
        assert response.status_code == 422 and "Je ne sais pas" in response.content.decode()
        assert not ProjectVersion.objects.exclude(answer="").exists()

    def test_the_person_rates_their_progress_for_the_review(self, built, client):
        client.force_login(built.person.user)
        housing = selectors.objectives_of(selectors.latest_project(built.person))[0]
        page = unescape(client.get(reverse("projects:space_project")).content.decode())
        from maillage.core.tests.helpers import guard_fields

        fields = guard_fields(page, reverse("projects:space_project_rate"))
        response = client.post(
            reverse("projects:space_project_rate"),
            {
                **fields,
                "objective": str(housing.public_id),
                "rating": Progress.LITTLE,
                "comment": "J'ai visité un appartement",
            },
        )
        assert response.status_code == 302
        entry = ObjectiveReview.objects.get()
        assert entry.person_rating == Progress.LITTLE and entry.progress is None
        assert entry.review == Review.objects.get(status=ReviewStatus.PLANNED)
        assert entry.person_comment == "J'ai visité un appartement"

    def test_the_person_says_they_see_it_differently(self, built, client):
        client.force_login(built.person.user)
        job = selectors.objectives_of(selectors.latest_project(built.person))[1]
        page = unescape(client.get(reverse("projects:space_project")).content.decode())
        from maillage.core.tests.helpers import guard_fields

        fields = guard_fields(page, reverse("projects:space_project_view"))
        response = client.post(
            reverse("projects:space_project_view"),
            {**fields, "objective": str(job.public_id), "view": "Je préfère une formation d'abord."},
        )
        assert response.status_code == 302
        divergence = Divergence.objects.get()
        assert divergence.objective == job and divergence.views.get().holder == Holder.PERSON
        html = unescape(client.get(reverse("projects:space_project")).content.decode())
        assert "Je préfère une formation d'abord." in html

    def test_a_professional_has_no_own_space_project(self, built, client):
        client.force_login(built.referent)
        assert client.get(reverse("projects:space_project")).status_code == 404


class TestFhir:
    def bundle(self, network):
        return fhir_bundle_of(actor_for(network.referent), network.person)

    def test_the_bundle_is_valid_r4b_with_mapped_statuses(self, built):
        project = selectors.latest_project(built.person)
        _housing, job = selectors.objectives_of(project)
        services.objective_close(
            actor_for(built.referent),
            objective=job,
            status=ObjectiveStatus.DROPPED,
            reason="Pas maintenant",
            confirmed=True,
        )
        data = self.bundle(built)
        bundle = Bundle.model_validate(data)  # fhir.resources R4B: the structure and the types
        resources = {}
        for entry in bundle.entry:
            resources.setdefault(entry.resource.__resource_type__, []).append(entry.resource)
        (care_plan,) = resources["CarePlan"]
        assert care_plan.status == "active" and care_plan.intent == "plan"
        assert care_plan.status in {
            "draft",
            "active",
            "on-hold",
            "revoked",
            "completed",
            "entered-in-error",
            "unknown",
        }
        goals = {goal.description.text: goal for goal in resources["Goal"]}
        housing_goal, job_goal = goals[HOUSING_WORDS], goals[JOB_WORDS]
        assert housing_goal.lifecycleStatus == "active" and job_goal.lifecycleStatus == "cancelled"
        assert housing_goal.achievementStatus.coding[0].code == "in-progress"
        assert job_goal.achievementStatus.coding[0].code == "not-achieved"
        assert housing_goal.priority.coding[0].code == "high-priority"
        target = housing_goal.target[0]
        assert target.measure.text == "Un bail signé" and target.detailString == "Un trois-chambres"
        assert str(target.dueDate) == "2027-06-30"
        assert housing_goal.expressedBy.type == "Patient"
        # Activities: the person, the relative, the practitioner and organisation of the partner.
        performers = {
            activity.detail.description: [p.type or p.reference.split(":")[0] for p in activity.detail.performer]
            for activity in care_plan.activity
        }
        assert performers["Visiter deux logements"] == ["Patient"]
        relative_ref = next(a for a in care_plan.activity if a.detail.description.startswith("Garder"))
        related = next(r for r in resources["RelatedPerson"])
        assert relative_ref.detail.performer[0].reference == f"urn:uuid:{related.id}"
        visit = next(a for a in care_plan.activity if a.detail.description.startswith("Visiter"))
        assert visit.detail.status == "scheduled"
        assert visit.detail.scheduledTiming.repeat.periodUnit == "wk"
        agency = next(a for a in care_plan.activity if a.detail.description.startswith("Accompagner"))
        kinds = [_kind(resources, ref.reference) for ref in agency.detail.performer]
        assert kinds == ["Practitioner", "Organization"]
        for activity in care_plan.activity:
            assert activity.detail.status in {
                "not-started",
                "scheduled",
                "in-progress",
                "on-hold",
                "completed",
                "cancelled",
                "stopped",
                "unknown",
                "entered-in-error",
            }
        (team,) = resources["CareTeam"]
        assert {p.role[0].text for p in team.participant} == {"Référent", "Intervenant"}
        # The person is never named: a logical identifier only.
        assert "Fontaine" not in str(data) and "Amélie" not in str(data)

    def test_a_reached_objective_and_a_review(self, built):
        referent = actor_for(built.referent)
        project = selectors.latest_project(built.person)
        housing, _job = selectors.objectives_of(project)
        review = Review.objects.get()
        review.project = project
        services.review_record(
            referent,
            review=review,
            held_on=timezone.localdate(),
            entries=[services.EntryIn(objective=housing, progress=Progress.GOOD)],
        )
        goals = {
            e["resource"]["description"]["text"]: e["resource"]
            for e in self.bundle(built)["entry"]
            if e["resource"]["resourceType"] == "Goal"
        }
        assert goals[HOUSING_WORDS]["achievementStatus"]["coding"][0]["code"] == "improving"

    def test_no_project_is_an_empty_collection(self, network):
        bundle = Bundle.model_validate(fhir_bundle_of(actor_for(network.referent), network.person))
        assert bundle.type == "collection" and not bundle.entry


def _kind(resources, reference):
    key = reference.removeprefix("urn:uuid:")
    for kind, rows in resources.items():
        if any(getattr(row, "id", None) == key for row in rows):
            return kind
    return None


class TestApi:
    def url(self, network, rest=""):
        return f"/api/v1/projects/persons/{network.person.public_id}/project{rest}"

    def test_read_the_project(self, built, client):
        client.force_login(built.partner)
        response = client.get(self.url(built))
        body = response.json()
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        objectives = body["project"]["objectives"]
        assert [o["own_words"] for o in objectives] == [HOUSING_WORDS, JOB_WORDS]
        assert [a["carrier"] for a in objectives[0]["actions"]] == ["PERSON", "RELATION", "ORGANISATION"]
        assert body["project"]["versions"][0]["number"] == 1 and body["project"]["versions"][0]["answer"] is None

    def test_fhir_through_the_api(self, built, client):
        client.force_login(built.partner)
        response = client.get(self.url(built, "/fhir"))
        assert response.status_code == 200
        Bundle.model_validate(response.json())
        client.force_login(built.stranger)
        assert client.get(self.url(built, "/fhir")).status_code == 404

    def test_create_once_then_change_from_the_version_read(self, built, client):
        client.force_login(built.referent)
        version = client.get(self.url(built)).json()["project"]["version"]
        payload = {"own_words": "Apprendre à conduire", "indicator": "Le permis", "priority": 3, "version": version}
        headers = {"Idempotency-Key": "k-1"}
        first = client.post(self.url(built, "/objectives"), payload, content_type="application/json", headers=headers)
        again = client.post(self.url(built, "/objectives"), payload, content_type="application/json", headers=headers)
        assert first.status_code == 201 and again.status_code == 201 and again["Idempotent-Replayed"] == "true"
        assert first.json() == again.json()
        created = first.json()
        assert created["project_version"] == version + 1
        objective_url = self.url(built, f"/objectives/{created['objective']['id']}")
        stale = client.patch(
            objective_url, {"version": version, "target": "Avant l'été"}, content_type="application/json"
        )
        assert stale.status_code == 409 and stale.json()["current_version"] == version + 1
        fresh = client.patch(
            objective_url, {"version": version + 1, "target": "Avant l'été"}, content_type="application/json"
        )
        assert fresh.status_code == 200 and fresh.json()["objective"]["target"] == "Avant l'été"

    def test_an_action_of_another_organisation_is_refused_in_words(self, built, client):
        client.force_login(built.partner)
        body = client.get(self.url(built)).json()["project"]
        action_id = body["objectives"][0]["actions"][0]["id"]  # the person's own: anyone may change it
        ok = client.patch(
            self.url(built, f"/actions/{action_id}"),
            {"version": body["version"], "status": "IN_PROGRESS"},
            content_type="application/json",
        )
        assert ok.status_code == 200 and ok.json()["action"]["status"] == ActionStatus.IN_PROGRESS
        client.force_login(built.referent)
        body = client.get(self.url(built)).json()["project"]
        payload = {
            "what": "Une visite à domicile",
            "carrier": "ORGANISATION",
            "organisation_id": str(built.partner_org.public_id),
        }
        added = client.post(
            self.url(built, f"/objectives/{body['objectives'][1]['id']}/actions"),
            payload,
            content_type="application/json",
            headers={"Idempotency-Key": "k-2"},
        )
        assert added.status_code == 201  # the referent coordinates: may add an action for a partner
        client.force_login(built.stranger)
        assert client.get(self.url(built)).status_code == 404

    def test_the_answer_is_the_persons_or_recorded_with_how_it_was_given(self, built, client):
        client.force_login(built.referent)
        version = client.get(self.url(built)).json()["project"]["version"]
        wrong = client.post(
            self.url(built, "/versions/1/answer"),
            {"version": version, "answer": "AGREED", "how": "IN_OWN_SPACE"},
            content_type="application/json",
        )
        assert wrong.status_code == 422
        client.force_login(built.person.user)
        answered = client.post(
            self.url(built, "/versions/1/answer"),
            {"version": version, "answer": "AGREED_WITH_RESERVATIONS", "how": "IN_OWN_SPACE", "comment": "Oui mais"},
            content_type="application/json",
        )
        assert answered.status_code == 200
        assert answered.json()["version"]["answer_how"] == AgreementHow.IN_OWN_SPACE
        again = client.post(
            self.url(built, "/versions/1/answer"),
            {"version": answered.json()["project_version"], "answer": "AGREED", "how": "IN_OWN_SPACE"},
            content_type="application/json",
        )
        assert again.status_code == 422  # once per version

    def test_bad_input_is_a_clear_422(self, built, client):
        client.force_login(built.referent)
        response = client.post(
            self.url(built, "/objectives"),
            {"own_words": "", "indicator": "x"},
            content_type="application/json",
            headers={"Idempotency-Key": "k-3"},
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "own_words"
        missing = client.post(
            self.url(built, "/versions/99/answer"),
            {"version": 1, "answer": "AGREED", "how": "ON_PAPER"},
            content_type="application/json",
        )
        assert missing.status_code == 404


def test_the_fhir_care_team_only_for_who_may_see_the_coordination_data(built):
    from maillage.access.enums import Category
    from maillage.people.tests.factories import ObjectionFactory

    ObjectionFactory(person=built.person, category=Category.COORDINATION, organisation=built.partner_org)
    kinds = [e["resource"]["resourceType"] for e in fhir_bundle_of(actor_for(built.partner), built.person)["entry"]]
    assert "CarePlan" in kinds and "CareTeam" in kinds  # the bundle keeps its shape...
    team = next(
        e["resource"]
        for e in fhir_bundle_of(actor_for(built.partner), built.person)["entry"]
        if e["resource"]["resourceType"] == "CareTeam"
    )
    assert "participant" not in team  # ...with nobody named in the team

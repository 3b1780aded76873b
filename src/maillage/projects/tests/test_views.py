"""The project pages: the door (404 for a forbidden person, no-store), field errors, double submissions and
lost updates on forms, who may change what, confirmations, and the accessible matrix."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.access.models import AccessEvent
from maillage.core.tests.helpers import guard_fields, post_form
from maillage.people.models import Relation
from maillage.projects import services
from maillage.projects.enums import AgreementAnswer, AgreementHow, Carrier, ObjectiveStatus
from maillage.projects.models import Objective, Project, ProjectAction, Review
from maillage.projects.tests.factories import action, objective

pytestmark = pytest.mark.django_db


def url(name, network, **kwargs):
    return reverse(f"projects:{name}", kwargs={"public_id": network.person.public_id, **kwargs})


def fresh(project):
    return Project.objects.get(pk=project.pk)


class TestDoor:
    @pytest.mark.parametrize("name", ["project_detail", "project_matrix", "project_history", "objective_create"])
    def test_a_stranger_gets_404_and_every_answer_is_no_store(self, client, network, project, name):
        client.force_login(network.stranger)
        response = client.get(url(name, network))
        assert response.status_code == 404
        assert response["Cache-Control"] == "no-store"
        client.force_login(network.referent)
        response = client.get(url(name, network))
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"

    def test_the_page_is_audited_as_project_data(self, client, network, project):
        client.force_login(network.partner)
        client.get(url("project_detail", network))
        assert AccessEvent.objects.filter(
            actor_id=network.partner.pk, person_id=network.person.pk, category="PROJECT", purpose="project_page"
        ).exists()

    def test_an_objective_of_another_person_is_404(self, client, network, referent, project):
        from maillage.people.tests.factories import ConsentFactory, InvolvementFactory, PersonFactory

        other = PersonFactory()
        InvolvementFactory(person=other, organisation=network.referent_org, referent=True)
        ConsentFactory(person=other)
        their_project = services.project_start(referent, person=other)
        theirs = objective(referent, their_project)
        client.force_login(network.referent)
        assert client.get(url("objective_edit", network, objective_id=theirs.public_id)).status_code == 404

    def test_the_person_file_links_to_the_project(self, client, network, project):
        client.force_login(network.referent)
        html = client.get(reverse("people:person_detail", kwargs={"public_id": network.person.public_id})).content
        assert url("project_detail", network).encode() in html


class TestForms:
    def test_start_then_add_an_objective_with_field_errors_first(self, client, network):
        client.force_login(network.referent)
        page = url("project_detail", network)
        assert client.get(page).status_code == 200
        response = post_form(client, url("project_start", network), {"title": "Mon nouveau départ"}, page=page)
        assert response.status_code == 302
        response = post_form(
            client, url("objective_create", network), {"own_words": "", "indicator": "", "priority": "2"}
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert 'id="id_own_words_error"' in html and 'id="id_indicator_error"' in html
        assert not Objective.objects.exists()
        response = post_form(
            client,
            url("objective_create", network),
            {
                "own_words": "Avoir un logement à moi",
                "indicator": "Un bail signé",
                "priority": "1",
                "target_date": "2020-01-01",
            },
        )
        assert response.status_code == 422  # a past date
        assert "id_target_date_error" in response.content.decode()

    def test_a_form_sent_twice_creates_one_objective(self, client, network, project):
        client.force_login(network.referent)
        form_url = url("objective_create", network)
        fields = guard_fields(client.get(form_url).content.decode())
        data = {**fields, "own_words": "Trouver un travail", "indicator": "Un contrat", "priority": "2"}
        assert client.post(form_url, data).status_code == 302
        second = client.post(form_url, data)
        assert second.status_code == 302
        assert Objective.objects.filter(own_words="Trouver un travail").count() == 1

    def test_two_professionals_the_second_is_refused_with_what_changed(self, client, network, referent, project):
        goal = objective(referent, project, "Trouver un logement")
        edit = url("objective_edit", network, objective_id=goal.public_id)
        add = url("action_create", network, objective_id=goal.public_id)
        client.force_login(network.referent)
        first = guard_fields(client.get(edit).content.decode())
        client.force_login(network.partner)
        second = guard_fields(client.get(add).content.decode())
        client.force_login(network.referent)
        data = {"own_words": "Trouver un logement", "indicator": "Un bail", "priority": "1", "target": "Avant l'été"}
        assert client.post(edit, {**first, **data}).status_code == 302
        client.force_login(network.partner)
        response = client.post(
            add,
            {
                **second,
                "carrier": "PERSON",
                "what": "Visiter trois logements",
                "frequency": "WEEKLY",
                "status": "PLANNED",
            },
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "Visiter trois logements" in html  # what was typed is kept
        assert "Trouver un logement" in html and "Rita Ferrant" in html  # what changed, and who
        assert not ProjectAction.objects.exists()
        again = guard_fields(html)
        assert again["version"] == str(fresh(project).version)

    def test_only_the_own_organisation_or_referent_actions_are_offered_and_changed(
        self, client, network, referent, project
    ):
        goal = objective(referent, project)
        mine = action(
            referent, goal, "Dossier logement", carrier=Carrier.ORGANISATION, involvement=network.referent_involvement
        )
        client.force_login(network.partner)
        html = client.get(url("project_detail", network)).content.decode()
        assert url("action_edit", network, action_id=mine.public_id) not in html
        assert client.get(url("action_edit", network, action_id=mine.public_id)).status_code == 403
        form = client.get(url("action_create", network, objective_id=goal.public_id)).content.decode()
        assert network.partner_org.name in form and network.referent_org.name not in form.split("<form")[1]

    def test_closing_an_objective_asks_for_confirmation(self, client, network, referent, project):
        goal = objective(referent, project)
        close = url("objective_close", network, objective_id=goal.public_id)
        client.force_login(network.referent)
        response = post_form(client, close, {"status": ObjectiveStatus.REACHED, "reason": "Bail signé"})
        assert response.status_code == 200 and 'name="confirmed" value="yes"' in response.content.decode()
        goal.refresh_from_db()
        assert goal.status == ObjectiveStatus.ACTIVE
        fields = dict(guard_fields(client.get(close).content.decode()))
        response = client.post(
            close, {**fields, "status": ObjectiveStatus.REACHED, "reason": "Bail signé", "confirmed": "yes"}
        )
        assert response.status_code == 302
        goal.refresh_from_db()
        assert goal.status == ObjectiveStatus.REACHED

    def test_the_person_answer_recorded_by_a_professional_on_paper(self, client, network, referent, project):
        objective(referent, project)
        proposed = services.version_propose(referent, project=fresh(project))
        client.force_login(network.referent)
        answer = url("agreement_record", network, number=proposed.number)
        html = client.get(answer).content.decode()
        assert "IN_OWN_SPACE" not in html  # not a choice a professional can take
        response = post_form(client, answer, {"answer": AgreementAnswer.AGREED, "how": AgreementHow.ON_PAPER})
        assert response.status_code == 302
        proposed.refresh_from_db()
        assert proposed.answer_how == AgreementHow.ON_PAPER and proposed.answer_recorded_by == network.referent
        assert client.get(answer).status_code == 404  # answered once

    def test_review_planned_in_the_past_is_a_field_error(self, client, network, project):
        client.force_login(network.referent)
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        response = post_form(client, url("review_create", network), {"planned_on": yesterday.isoformat()})
        assert response.status_code == 422 and "id_planned_on_error" in response.content.decode()
        response = post_form(client, url("review_create", network), {"planned_on": "31/02/2026"})
        assert response.status_code == 422 and not Review.objects.exists()


class TestPages:
    def test_matrix_is_a_real_table_with_headers_and_shows_the_gap(self, client, network, referent, project):
        goal = objective(referent, project, "Logement")
        objective(referent, project, "Travail")
        action(referent, goal, "Chercher", carrier=Carrier.RELATION, relation=Relation.objects.get(name="Josiane"))
        client.force_login(network.referent)
        html = client.get(url("project_matrix", network)).content.decode()
        assert "<table" in html and '<th scope="col">Josiane</th>' in html and '<th scope="row">' in html
        assert html.count("gap-cell") >= 1

    def test_version_page_shows_what_changed(self, client, network, referent, project):
        goal = objective(referent, project, "Logement")
        services.version_propose(referent, project=fresh(project))
        action(referent, goal, "Appeler le propriétaire")
        services.version_propose(referent, project=fresh(project))
        client.force_login(network.partner)
        html = client.get(url("version_detail", network, number=2)).content.decode()
        assert "Appeler le propriétaire" in html and "diff-added" in html
        assert client.get(url("version_detail", network, number=9)).status_code == 404

    def test_suggestions_mark_the_care_team(self, client, network, referent, project):
        from maillage.directory.models import Service

        service = Service.objects.create(organisation=network.partner_org, name="Accompagnement logement")
        service.needs.add(network.housing)
        goal = objective(referent, project, "Logement", life_domain=network.housing)
        client.force_login(network.referent)
        html = client.get(url("objective_suggestions", network, objective_id=goal.public_id)).content.decode()
        assert "Accompagnement logement" in html
        assert "badge-ok" in html

    def test_review_recorded_with_both_ratings(self, client, network, referent, project):
        goal = objective(referent, project)
        review = services.review_plan(referent, project=fresh(project), planned_on=timezone.localdate())
        record = url("review_record", network, review_id=review.public_id)
        client.force_login(network.referent)
        key = f"o{goal.pk}"
        response = post_form(
            client,
            record,
            {
                "held_on": timezone.localdate().isoformat(),
                f"{key}-progress": "1",
                f"{key}-person_rating": "2",
                f"{key}-person_comment": "Je trouve que ça avance",
                f"{key}-decision": "KEPT",
            },
        )
        assert response.status_code == 302
        html = client.get(url("project_detail", network)).content.decode()
        assert "Je trouve que ça avance" in html

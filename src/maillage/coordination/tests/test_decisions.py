"""A meeting's decisions become actions of the personalised project in one step, under the project's own rules:
its version check, and an organisation's action added only by that organisation or the referent."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.actors import actor_for
from maillage.coordination import services
from maillage.coordination.models import Decision, Meeting
from maillage.coordination.tests.test_meetings import convene
from maillage.core.tests.helpers import guard_fields, post_form
from maillage.people.models import Relation
from maillage.projects import services as project_services
from maillage.projects.enums import Carrier
from maillage.projects.models import Project, ProjectAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(network):
    """A meeting held yesterday with two decisions, and the person's project with one objective."""
    referent = actor_for(network.referent)
    project = project_services.project_start(referent, person=network.person, title="Projet de vie")
    objective = project_services.objective_add(
        referent, project=project, own_words="Un logement plus grand.", indicator="Un bail signé"
    )
    meeting = convene(network)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
    meeting.refresh_from_db()
    services.meeting_record(
        referent,
        meeting=meeting,
        version=meeting.version,
        minutes="Tour de table.",
        person_said="Je veux rester à Namur.",
        attendance={},
        decisions=["Visiter deux logements à Namur", "Demander l'allocation de loyer"],
    )
    meeting.refresh_from_db()
    return meeting, project, objective


def urls(network, meeting, number=1):
    kwargs = {"public_id": network.person.public_id, "meeting_id": meeting.public_id}
    page = reverse("coordination:meeting_detail", kwargs=kwargs)
    return page, reverse("coordination:decision_action", kwargs={**kwargs, "number": number})


class TestDecisionToAction:
    def test_the_minutes_decision_becomes_a_project_action_in_one_step(self, network, held, client):
        meeting, project, objective = held
        page, url = urls(network, meeting)
        client.force_login(network.referent)
        html = client.get(page).content.decode()
        assert url in html and "Visiter deux logements à Namur" in html
        data = {
            "what": "Visiter deux logements à Namur",
            "objective": str(objective.public_id),
            "who": f"involvement-{network.partner_involvement.pk}",
            "ends_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        }
        response = post_form(client, url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        action = ProjectAction.objects.get()
        assert action.objective == objective and action.what == "Visiter deux logements à Namur"
        assert action.carrier == Carrier.ORGANISATION and action.organisation == network.partner_org
        assert "concertation" in action.means
        decision = Decision.objects.get(text="Visiter deux logements à Namur")
        assert decision.action_id == action.pk
        project.refresh_from_db()
        assert project.version == 3  # started 1, objective 2, action 3
        html = client.get(page).content.decode()
        assert url not in html  # the first decision is in the project, its link gone
        assert urls(network, meeting, 2)[1] in html
        assert reverse("projects:project_detail", kwargs={"public_id": network.person.public_id}) in html
        # The same decision a second time: not offered any more.
        assert client.get(url).status_code == 404

    def test_a_decision_carried_by_the_person_or_a_relative(self, network, held, client):
        meeting, _project, objective = held
        _page, url = urls(network, meeting, 2)
        client.force_login(network.referent)
        mother = Relation.objects.get(person=network.person, name="Josiane")
        data = {
            "what": "Aider à remplir la demande",
            "objective": str(objective.public_id),
            "who": f"relation-{mother.pk}",
        }
        assert post_form(client, url, data).status_code == 302
        action = ProjectAction.objects.get()
        assert action.carrier == Carrier.RELATION and action.relation == mother

    def test_a_stale_project_version_is_refused_and_nothing_saved(self, network, held, client):
        meeting, project, objective = held
        _page, url = urls(network, meeting)
        client.force_login(network.referent)
        fields = guard_fields(client.get(url).content.decode())
        # Meanwhile someone renames the project.
        project_services.project_update(actor_for(network.partner), project=project, title="Reprendre pied")
        data = {"what": "Visiter", "objective": str(objective.public_id), "who": "person"}
        response = client.post(url, {**fields, **data})
        assert response.status_code == 422
        assert not ProjectAction.objects.exists() and not Decision.objects.filter(action_id__isnull=False).exists()

    def test_a_partner_cannot_give_the_action_to_another_organisation(self, network, held, client):
        meeting, _project, objective = held
        _page, url = urls(network, meeting)
        client.force_login(network.partner)
        data = {
            "what": "Visiter",
            "objective": str(objective.public_id),
            "who": f"involvement-{network.referent_involvement.pk}",
        }
        response = post_form(client, url, data)
        assert response.status_code == 422
        assert "another organisation" in response.content.decode() or "autre organisation" in response.content.decode()
        assert not ProjectAction.objects.exists()
        # Its own organisation: allowed.
        data["who"] = f"involvement-{network.partner_involvement.pk}"
        assert post_form(client, url, data).status_code == 302

    def test_without_a_project_the_referent_is_sent_to_start_it(self, network, client):
        meeting = convene(network)
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
        meeting.refresh_from_db()
        services.meeting_record(
            actor_for(network.referent),
            meeting=meeting,
            version=meeting.version,
            minutes="",
            person_said="",
            attendance={},
            decisions=["Revoir le budget"],
        )
        _page, url = urls(network, meeting)
        client.force_login(network.referent)
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("projects:project_detail", kwargs={"public_id": network.person.public_id})
        assert not Project.objects.exists()

    def test_a_planned_meeting_or_a_stranger_gets_404(self, network, held, client):
        meeting, _project, _objective = held
        _page, url = urls(network, meeting)
        client.force_login(network.stranger)
        assert client.get(url).status_code == 404
        client.force_login(network.referent)
        assert client.get(urls(network, meeting, 3)[1]).status_code == 404
        planned = convene(network)
        assert client.get(urls(network, planned)[1]).status_code == 404

    def test_the_service_refuses_a_second_conversion(self, network, held):
        meeting, _project, objective = held
        decision = meeting.decisions.first()
        referent = actor_for(network.referent)
        services.decision_to_action(
            referent, decision=decision, objective=objective, version=None, carrier=Carrier.PERSON
        )
        with pytest.raises(ValidationError):
            services.decision_to_action(
                referent, decision=decision, objective=objective, version=None, carrier=Carrier.PERSON
            )
        assert ProjectAction.objects.count() == 1


class TestDecisionCarrierInTheMinutes:
    """The minutes name who carries each decision (the person, a relative, an organisation of the care team with
    its professional) and by when; both are checked, and both become the project action's."""

    def minutes(self, network, client, data):
        meeting = convene(network)
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
        meeting.refresh_from_db()
        client.force_login(network.referent)
        url = reverse(
            "coordination:meeting_minutes",
            kwargs={"public_id": network.person.public_id, "meeting_id": meeting.public_id},
        )
        present = {f"attendance_{p.pk}": "PRESENT" for p in meeting.participants.all()}
        return meeting, url, post_form(client, url, {"minutes": "Tour de table.", **present, **data})

    def test_the_minutes_name_who_carries_a_decision_and_by_when_and_the_action_takes_both(self, network, client):
        referent = actor_for(network.referent)
        project = project_services.project_start(referent, person=network.person, title="Projet de vie")
        objective = project_services.objective_add(
            referent, project=project, own_words="Un logement.", indicator="Un bail signé"
        )
        due = timezone.localdate() + dt.timedelta(days=20)
        meeting, _url, response = self.minutes(
            network,
            client,
            {
                "decision_1": "Visiter deux logements",
                "decision_1_who": f"involvement-{network.partner_involvement.pk}",
                "decision_1_due": due.isoformat(),
                "decision_2": "Appeler la propriétaire",
                "decision_2_who": "person",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        meeting.refresh_from_db()
        first, second = meeting.decisions.all()
        assert first.carrier == Carrier.ORGANISATION and first.involvement == network.partner_involvement
        assert first.responsible == network.partner_org and first.due_on == due
        assert second.carrier == Carrier.PERSON and second.due_on is None
        html = client.get(urls(network, meeting)[0]).content.decode()
        assert network.partner_org.name in html
        # The one-step page offers them already chosen ...
        form_page = client.get(urls(network, meeting, 1)[1]).content.decode()
        chosen = re.search(r'<input type="radio" name="who" value="([^"]+)"[^>]*checked', form_page)
        assert chosen and chosen.group(1) == f"involvement-{network.partner_involvement.pk}"
        assert f'value="{due.isoformat()}"' in form_page
        # ... and the service carries them when the caller does not say otherwise.
        project.refresh_from_db()
        action = services.decision_to_action(referent, decision=first, objective=objective, version=project.version)
        assert action.carrier == Carrier.ORGANISATION and action.organisation == network.partner_org
        assert action.ends_on == due

    def test_a_carrier_or_a_date_without_decision_or_a_date_before_the_meeting_is_refused(self, network, client):
        yesterday_but_one = timezone.localdate() - dt.timedelta(days=3)
        meeting, _url, response = self.minutes(
            network,
            client,
            {
                "decision_1_who": "person",
                "decision_2": "Revoir le budget",
                "decision_2_due": yesterday_but_one.isoformat(),
            },
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "Écrivez la décision" in html and "après la réunion" in html
        assert 'value="Revoir le budget"' in html  # nothing typed is lost
        assert not meeting.decisions.exists()

    def test_a_relative_no_longer_in_the_network_cannot_carry_a_decision(self, network):
        mother = Relation.objects.get(person=network.person, name="Josiane")
        mother.ended_on = timezone.localdate()
        mother.save(update_fields=["ended_on"])
        meeting = convene(network)
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
        meeting.refresh_from_db()
        with pytest.raises(ValidationError):
            services.meeting_record(
                actor_for(network.referent),
                meeting=meeting,
                version=meeting.version,
                minutes="",
                person_said="",
                attendance={},
                decisions=[{"text": "Aider", "carrier": Carrier.RELATION, "relation": mother}],
            )
        assert not meeting.decisions.exists()


def test_the_minutes_offer_the_next_meeting_with_its_date_in_the_page_language(network, client):
    """No raw ISO date on screen: the next meeting's choice reads as the language writes dates."""
    meeting = convene(network)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
    later = convene(network)
    client.force_login(network.referent)
    url = reverse(
        "coordination:meeting_minutes",
        kwargs={"public_id": network.person.public_id, "meeting_id": meeting.public_id},
    )
    html = client.get(url).content.decode()
    local = timezone.localtime(later.starts_at, ZoneInfo(later.time_zone))
    assert f"{local:%d/%m/%Y}" in html
    assert f"{local:%Y-%m-%d}" not in html

"""The main coordination flows in Chromium, as a referent would run them: a note in the thread, a meeting convened
with the person and a relative, its minutes with a decision that becomes an action of the personalised project.
axe on each page; the thread and meeting pages screenshotted at 1280 and 375 px."""

import datetime as dt

import pytest
from django.utils import timezone

from maillage.accounts.actors import actor_for
from maillage.coordination.models import Decision, Meeting, Note
from maillage.people.models import Relation
from maillage.projects import services as project_services
from maillage.projects.models import ProjectAction

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_note_meeting_minutes_and_decision_into_the_project(page, live_server, log_in, axe_check, screenshot, network):
    referent = actor_for(network.referent)
    project = project_services.project_start(referent, person=network.person, title="Projet de vie")
    objective = project_services.objective_add(
        referent, project=project, own_words="Un logement plus grand.", indicator="Un bail signé"
    )
    mother = Relation.objects.get(person=network.person, name="Josiane")
    thread = f"{live_server.url}/coordination/persons/{network.person.public_id}/"
    log_in(page, network.referent)

    # A note in the thread.
    page.goto(thread)
    page.locator("#id_body").fill("Visite du logement faite, en attente du propriétaire.")
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter au fil").click()
    assert page.get_by_text("Visite du logement faite, en attente du propriétaire.").is_visible()
    assert Note.objects.filter(person=network.person).count() == 1
    axe_check(page, "thread")
    screenshot(page, "thread-1280")

    # A meeting with the person (invited by default) and her mother.
    page.get_by_role("link", name="Convoquer une réunion").click()
    when = timezone.localtime() + dt.timedelta(days=9)
    page.locator("#id_purpose").fill("Point sur le logement")
    page.locator("#id_starts_at").fill(when.strftime("%Y-%m-%dT10:00"))
    page.locator("#id_place").fill("CPAS, salle 2")
    page.locator(f"input[name=professionals][value='{network.partner.pk}']").check()
    page.locator(f"input[name=relations][value='{mother.pk}']").check()
    assert page.locator("#id_invite_person").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Convoquer et envoyer les invitations").click()
    meeting = Meeting.objects.get()
    kinds = set(meeting.participants.values_list("kind", flat=True))
    assert {"PERSON", "RELATIVE", "PROFESSIONAL"} <= kinds
    axe_check(page, "meeting")
    screenshot(page, "meeting-planned-1280")

    # It took place: the minutes, with a decision, which becomes a project action in one step.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    page.reload()
    page.get_by_role("link", name="Compte rendu et décisions").click()
    page.locator("#id_minutes").fill("Tour de table.")
    page.locator("#id_person_said").fill("Je veux rester à Namur.")
    page.locator("#id_decision_1").fill("Visiter deux logements à Namur")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le compte rendu").click()
    page.get_by_role("link", name="En faire une action du projet").click()
    page.locator(f"input[name=who][value='involvement-{network.partner_involvement.pk}']").check()
    axe_check(page, "decision-action")
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter au projet personnalisé").click()
    action = ProjectAction.objects.get()
    assert action.objective == objective and action.what == "Visiter deux logements à Namur"
    assert Decision.objects.get().action_id == action.pk
    assert page.get_by_role("link", name="dans le projet personnalisé").is_visible()
    screenshot(page, "meeting-held-1280")

    # The same pages on a phone.
    page.set_viewport_size(PHONE)
    screenshot(page, "meeting-held-375")
    axe_check(page, "meeting-phone")
    page.goto(thread)
    screenshot(page, "thread-375")

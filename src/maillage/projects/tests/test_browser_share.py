"""The main outward flow in Chromium: a referent's project, read in plain words and agreed by the person on a
375 px phone, and the PDF downloaded; the readable page at 1280 px. axe on each page, screenshots saved."""

import io
from pathlib import Path

import pypdf
import pytest

from maillage.accounts.actors import actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.people.models import Person, Relation
from maillage.projects import services
from maillage.projects.enums import AgreementAnswer, AgreementHow, Carrier, Frequency, Priority
from maillage.projects.models import ProjectVersion

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
WORDS = "Je veux un logement plus grand pour mes enfants."


def build_project(network):
    """The referent builds the project with the person: objectives in their words, actions, a version, a review."""
    import datetime as dt

    from django.utils import timezone

    referent = actor_for(network.referent)
    project = services.project_start(referent, person=network.person, title="Projet de vie")
    housing = services.objective_add(
        referent,
        project=project,
        own_words=WORDS,
        indicator="Un bail signé",
        target="Un trois-chambres",
        target_date=dt.date(2027, 6, 30),
        priority=Priority.HIGH,
        life_domain=network.housing,
    )
    services.objective_add(referent, project=project, own_words="Dormir mieux.", indicator="Six heures par nuit")
    services.action_add(referent, objective=housing, what="Visiter deux logements", frequency=Frequency.WEEKLY)
    services.action_add(
        referent,
        objective=housing,
        what="Garder les enfants pendant les visites",
        carrier=Carrier.RELATION,
        relation=Relation.objects.get(person=network.person, name="Josiane"),
    )
    services.action_add(
        referent,
        objective=housing,
        what="Accompagner à l'agence immobilière sociale",
        carrier=Carrier.ORGANISATION,
        involvement=network.partner_involvement,
    )
    services.version_propose(referent, project=project, note="Premier projet")
    services.review_plan(referent, project=project, planned_on=timezone.localdate() + dt.timedelta(days=14))
    return project


def test_the_person_reads_and_agrees_on_a_phone_and_the_pdf_downloads(
    page, live_server, log_in, axe_check, screenshot, network
):
    user = UserFactory(kind=UserKind.PERSON, email="personne-projet@maillage.invalid")
    Person.objects.filter(pk=network.person.pk).update(user=user)
    network.person.user = user
    build_project(network)

    # The referent sees the readable page at 1280 px and downloads the PDF.
    log_in(page, network.referent)
    page.goto(f"{live_server.url}/projects/{network.person.public_id}/document/")
    assert page.get_by_role("heading", name="Ce sur quoi vous voulez avancer").is_visible()
    assert page.get_by_text(WORDS).is_visible()
    axe_check(page, "document-desktop")
    screenshot(page, "document-desktop")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF (Français)").click()
    download = download_info.value
    assert download.suggested_filename == "projet-personnalise.pdf"
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages)
    assert WORDS in text.replace("\n", " ") and "Dormir mieux." in text
    page.context.clear_cookies()

    # The person, on a phone, reads their project and agrees to it in their own space.
    page.set_viewport_size(PHONE)
    log_in(page, user)
    page.goto(f"{live_server.url}/projects/me/")
    assert page.get_by_role("heading", name="Ce sur quoi vous voulez avancer").is_visible()
    assert page.get_by_text(WORDS).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing sideways
    axe_check(page, "space-project-phone")
    screenshot(page, "space-project-phone")
    page.get_by_label("Oui, je suis d'accord").check()
    page.get_by_label("Ce que vous voulez en dire").fill("Merci, on commence par le logement.")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma réponse").click()
    assert page.get_by_text("Votre réponse est enregistrée.").is_visible()
    assert page.get_by_text("Vous l'avez accepté le").is_visible()
    version = ProjectVersion.objects.get()
    assert version.answer == AgreementAnswer.AGREED and version.answer_how == AgreementHow.IN_OWN_SPACE
    assert version.answer_recorded_by_id == user.pk

    # The person says where they are for the review, on the phone.
    page.get_by_text("Dire où j'en suis").first.click()
    page.get_by_label("Un peu").first.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer mon avis").first.click()
    assert page.get_by_text("Votre avis est enregistré pour le bilan.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page, "space-project-phone-after")
    screenshot(page, "space-project-phone-after")

    # The team around the person: call or write, from the phone.
    assert page.locator('#team a[href^="tel:"], #team a[href^="mailto:"], #team a[href$="#write"]').count() >= 1

    # The page to print, on the phone, in English at the person's choice.
    page.get_by_role("link", name="Le voir pour l'imprimer").click()
    page.get_by_role("link", name="Read it in English").click()
    assert page.get_by_role("heading", name="What you want to work on").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page, "document-phone-en")
    screenshot(page, "document-phone-en")
    page.go_back()
    page.go_back()

    # And the PDF downloads from the phone too, in the language chosen.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF (English)").click()
    assert download_info.value.suggested_filename == "personal-project.pdf"


def test_a_referent_builds_the_project_in_the_pages_and_the_person_agrees_on_a_phone(
    page, live_server, log_in, axe_check, screenshot, network, browser_errors
):
    """The whole flow through the pages: the referent starts the project, adds an objective in the person's words
    and an action, proposes the version; the person agrees on a phone; the PDF downloads."""
    user = UserFactory(kind=UserKind.PERSON, email="personne-pages@maillage.invalid")
    Person.objects.filter(pk=network.person.pk).update(user=user)

    log_in(page, network.referent)
    project_url = f"{live_server.url}/projects/{network.person.public_id}/"
    page.goto(project_url)
    with page.expect_navigation():
        page.get_by_role("button", name="Commencer le projet").click()
    page.goto(project_url)
    page.get_by_role("link", name="Ajouter un objectif").click()
    page.get_by_label("L'objectif, avec les mots de la personne").fill(WORDS)
    page.get_by_label("Ce qui montrera le progrès").fill("Un bail signé")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(project_url)
    page.get_by_role("link", name="Ajouter une action").first.click()
    page.get_by_label("Quoi", exact=True).fill("Visiter deux logements")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(project_url)
    page.get_by_role("link", name="Proposer une version à la personne").click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert ProjectVersion.objects.filter(number=1, answer="").exists()

    # The project page shows the team around the person and offers the project in plain words.
    page.goto(project_url)
    team = page.locator("#team")
    assert (
        team.get_by_text("CPAS de Namur").first.is_visible()
        and team.get_by_text("Centre de santé mentale").is_visible()
    )
    axe_check(page, "project-page-with-team")
    screenshot(page, "project-page-with-team")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Le télécharger en PDF").click()
    pdf = pypdf.PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert WORDS in " ".join(p.extract_text() for p in pdf.pages).replace("\n", " ")
    page.context.clear_cookies()

    page.set_viewport_size(PHONE)
    log_in(page, user)
    page.goto(f"{live_server.url}/people/me/")
    with page.expect_navigation():
        page.get_by_role("link", name="Votre projet").click()
    assert page.get_by_text(WORDS).is_visible()
    page.get_by_label("Oui, mais j'ai des réserves").check()
    page.get_by_label("Ce que vous voulez en dire").fill("D'accord, mais pas avant l'été.")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma réponse").click()
    assert page.get_by_text("Votre réponse est enregistrée.").is_visible()
    version = ProjectVersion.objects.get(number=1)
    assert version.answer == AgreementAnswer.AGREED_WITH_RESERVATIONS
    assert (
        version.answer_how == AgreementHow.IN_OWN_SPACE and version.answer_comment == "D'accord, mais pas avant l'été."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page, "space-after-agreeing")

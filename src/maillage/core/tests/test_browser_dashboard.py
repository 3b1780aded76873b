"""The dashboard with work in it, in Chromium: the professional's and the coordinator's, in French and English,
on a 375 px phone and a 1280 px screen, accessible (axe), no sideways scrolling, no hidden person named."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from maillage.access.door import open_file
from maillage.access.services import break_glass_open
from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory
from maillage.core.tests.browser.plugin import DESKTOP
from maillage.directory.models import Service
from maillage.directory.tests.factories import ServiceFactory
from maillage.people.enums import InvolvementEndReason
from maillage.people.models import InvolvementEndProposal, Person
from maillage.people.tests.factories import ConsentFactory, InvolvementFactory, PersonFactory

pytestmark = pytest.mark.browser

PHONE_375 = {"width": 375, "height": 812}
VIEWPORTS = [pytest.param(PHONE_375, id="375"), pytest.param(DESKTOP, id="1280")]


def _stale(service) -> None:
    Service.objects.filter(pk=service.pk).update(updated_at=timezone.now() - dt.timedelta(days=220))


@pytest.fixture
def professional(transactional_db):
    organisation = OrganisationFactory(name="CPAS de Bastogne")
    user = MembershipFactory(organisation=organisation, user__first_name="Claire").user
    shared = PersonFactory(first_name="Amélie", last_name="Fontaine")
    involvement = InvolvementFactory(person=shared, organisation=organisation)
    ConsentFactory(person=shared)
    InvolvementEndProposal.objects.create(
        involvement=involvement, person=shared, reason=InvolvementEndReason.OBJECTIVES_MET
    )
    hidden = PersonFactory(first_name="Bruno", last_name="Discret")
    InvolvementFactory(person=hidden, organisation=organisation)
    elsewhere = PersonFactory(first_name="Chantal", last_name="Urgence")
    InvolvementFactory(person=elsewhere, referent=True)
    Person.objects.filter(pk=elsewhere.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=90))
    break_glass_open(actor_for(user), public_id=elsewhere.public_id, reason="Admise aux urgences, traitement inconnu")
    _stale(ServiceFactory(organisation=organisation, name="Permanence logement"))
    return user


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_professional_sees_the_work_waiting_in_french_and_english(
    page, live_server, log_in, axe_check, screenshot, professional, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, professional)
    page.goto(live_server.url + "/")

    # A screen reader hears each card's count with its title.
    assert page.get_by_role("heading", name=re.compile(r"^En attente de votre réponse \(\s*1\s*\)$")).is_visible()
    waiting = page.get_by_role("region", name="En attente de votre réponse")
    assert waiting.get_by_role("link", name="FONTAINE Amélie").is_visible()
    recent = page.get_by_role("region", name="Dossiers modifiés ces deux dernières semaines")
    assert recent.get_by_role("link", name="Personne (identité non partagée avec vous)").is_visible()
    emergency = page.get_by_role("region", name="Mes accès d'urgence")
    assert emergency.get_by_role("link", name="URGENCE Chantal").is_visible()
    assert "ouvert jusqu'au" in emergency.inner_text()
    services = page.get_by_role("region", name="Nos services à mettre à jour")
    assert services.get_by_role("link", name="Permanence logement").is_visible()
    assert "Discret" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_check(page, "dashboard-professional-fr")
    screenshot(page, "professional-fr")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("region", name="Waiting for your answer").get_by_role("link").first.is_visible()
    assert page.get_by_role("region", name="My emergency accesses").get_by_text("open until").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_check(page, "dashboard-professional-en")
    screenshot(page, "professional-en")

    page.get_by_role("region", name="Waiting for your answer").get_by_role("link", name="FONTAINE Amélie").click()
    page.wait_for_url("**/people/*/")


@pytest.fixture
def coordinator(transactional_db):
    OrganisationFactory(name="Maison médicale du Nord", status="PENDING")
    _stale(ServiceFactory(name="Vestiaire solidaire", organisation__name="Croix-Rouge Arlon"))
    person = PersonFactory(first_name="Amélie", last_name="Quintavalle-Brûlé")
    InvolvementFactory(person=person, referent=True)
    emergency = MembershipFactory(organisation=OrganisationFactory(name="Urgences du Sud", care_provider=True)).user
    break_glass_open(actor_for(emergency), public_id=person.public_id, reason="Admise inconsciente aux urgences")
    return MembershipFactory(organisation=OrganisationFactory(name="Réseau Lux"), coordinator=True).user


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_coordinator_sees_what_to_validate_and_the_stale_entries(
    page, live_server, log_in, axe_check, screenshot, coordinator, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, coordinator)
    page.goto(live_server.url + "/")

    to_validate = page.get_by_role("region", name="Organisations à valider")
    assert to_validate.get_by_role("link", name="Maison médicale du Nord").is_visible()
    stale = page.get_by_role("region", name="Fiches de l'annuaire non mises à jour depuis six mois")
    assert stale.get_by_role("link", name="Vestiaire solidaire").is_visible()
    assert stale.get_by_text("Croix-Rouge Arlon").is_visible()
    week = page.get_by_role("region", name="Accès d'urgence cette semaine")
    assert week.get_by_role("link", name="Urgences du Sud").is_visible()
    assert "Quintavalle" not in page.content()  # a name no generated user has
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_check(page, "dashboard-coordinator-fr")
    screenshot(page, "coordinator-fr")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("region", name="Organisations to validate").is_visible()
    axe_check(page, "dashboard-coordinator-en")
    screenshot(page, "coordinator-en")

    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    to_validate.get_by_role("link", name="Tout ce qui attend une validation").click()
    page.wait_for_url("**/directory/pending/")


@pytest.fixture
def person_with_a_look(transactional_db):
    person = PersonFactory(with_login=True, first_name="Amélie", last_name="Fontaine")
    referent = MembershipFactory(organisation=OrganisationFactory(name="CPAS d'Arlon"))
    InvolvementFactory(person=person, organisation=referent.organisation, referent=True)
    ConsentFactory(person=person)
    open_file(actor_for(referent.user), person.public_id, purpose="person_page")
    return person.user


def test_the_person_sees_what_changed_and_who_looked_on_a_phone(
    page, live_server, log_in, axe_check, screenshot, person_with_a_look
):
    page.set_viewport_size(PHONE_375)
    log_in(page, person_with_a_look)
    page.goto(live_server.url + "/")
    network = page.get_by_role("region", name="Ce qui a changé dans votre réseau")
    assert network.get_by_text("a rejoint votre réseau").is_visible()
    looks = page.get_by_role("region", name="Qui a consulté votre dossier")
    assert looks.get_by_text("CPAS d'Arlon").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_check(page, "dashboard-person")
    screenshot(page, "person-fr")
    looks.get_by_role("link", name="Tous ceux qui ont vu mon dossier, et pourquoi").click()
    page.wait_for_url("**/who-saw/")

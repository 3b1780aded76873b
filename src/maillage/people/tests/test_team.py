"""The team around the person: who sees it (the person; a professional with the coordination data), what it
says (organisation, role, professional, job) and the buttons to call or write."""

import pytest
from django.urls import reverse

from maillage.access.enums import Category
from maillage.accounts.enums import UserKind
from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import UserFactory
from maillage.people.presenters import person_page
from maillage.people.team import team_of, team_visible
from maillage.people.tests.factories import ObjectionFactory

pytestmark = pytest.mark.django_db


def actor_of(user):
    from maillage.accounts.actors import actor_for

    return actor_for(user)


@pytest.fixture
def team_network(network):
    network.referent.phone = "081 24 56 78"
    network.referent.save(update_fields=["phone"])
    Membership.objects.filter(user=network.referent).update(job_title="Assistante sociale")
    network.partner_org.phone = "+32 (0)81 11.22.33"
    network.partner_org.email = "accueil@csm.example.org"
    network.partner_org.save(update_fields=["phone", "email"])
    network.partner_involvement.professional = None
    network.partner_involvement.save(update_fields=["professional"])
    network.person.user = UserFactory(kind=UserKind.PERSON, email="amelie.team@example.org")
    network.person.save(update_fields=["user"])
    return network


def test_the_referent_comes_first_with_their_own_contact(team_network):
    page = person_page(actor_of(team_network.partner), team_network.person)
    referent, partner = team_of(page)
    assert referent.is_referent and referent.professional == "Rita Ferrant"
    assert referent.job_title == "Assistante sociale" and referent.organisation == "CPAS de Namur"
    assert referent.tel_uri == "tel:081245678"
    assert referent.mailto_uri == f"mailto:{team_network.referent.email}"
    assert referent.message_url == ""  # a professional writes an e-mail; the in-app message is the person's
    # No named professional: the organisation's own phone and address.
    assert partner.name == "Centre de santé mentale" and partner.professional == ""
    assert partner.tel_uri == "tel:+3281112233" and partner.mailto_uri == "mailto:accueil@csm.example.org"


def test_the_person_writes_to_their_referent_in_the_app(team_network, client):
    page = person_page(actor_of(team_network.person.user), team_network.person)
    referent = team_of(page)[0]
    assert referent.message_url == reverse("people:space_home") + "#write"
    client.force_login(team_network.person.user)
    html = client.get(reverse("people:space_home")).content.decode()
    assert 'href="tel:081245678"' in html and 'href="mailto:accueil@csm.example.org"' in html
    assert f'href="{reverse("people:space_home")}#write"' in html
    assert f"mailto:{team_network.referent.email}" not in html


def test_a_partner_without_the_coordination_data_does_not_see_the_team(team_network):
    ObjectionFactory(person=team_network.person, category=Category.COORDINATION, organisation=team_network.partner_org)
    page = person_page(actor_of(team_network.partner), team_network.person)
    assert Category.PROJECT in page.categories  # may still read the project...
    assert not team_visible(page) and team_of(page) == []  # ...but not who else works with the person


def test_the_person_sees_their_team_whatever_they_objected_to(team_network):
    ObjectionFactory(person=team_network.person, category=Category.COORDINATION, organisation=None)
    page = person_page(actor_of(team_network.person.user), team_network.person)
    assert [member.organisation for member in team_of(page)] == ["CPAS de Namur", "Centre de santé mentale"]


def test_a_stranger_sees_no_team(team_network):
    page = person_page(actor_of(team_network.stranger), team_network.person)
    assert team_of(page) == []

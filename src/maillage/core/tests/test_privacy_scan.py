"""The scan of the test run's URLs and log lines for persons' names finds them (privacy_scan.py).

The scan itself runs at the end of every test of the suite; these tests prove that it would fail one.
"""

import logging
import re
from pathlib import Path

import pytest
from django.urls import reverse

from maillage.access.enums import Category
from maillage.access.tests.matrix import ActorKind, BasisKind, BasisState, Case, InvolvementState, build
from maillage.accounts.tests.factories import MembershipFactory
from maillage.core.tests.privacy_scan import (
    SCAN,
    PersonDataInTraces,
    describe,
    name_parts,
    names_in,
    note_database_persons,
    raise_on_leaks,
    url_hits,
)
from maillage.people.tests.factories import PersonFactory

FONTAINE = name_parts("Amélie", "Fontaine")
SOURCE = Path(__file__).resolve().parents[2]  # src/maillage
# Forms and htmx requests that put what is typed in a URL: only the public directory's search, which holds no
# person data (its words are those of a need, a place, a service).
GET_WITH_INPUT = re.compile(r"""method=["']?get|hx-get=""", re.IGNORECASE)
PUBLIC_GET_TEMPLATES = {
    "directory/templates/directory/search.html",
    # "Who saw my file" filters: an organisation id, a visitor kind, two dates, a box; no typed words.
    "access/templates/access/who_saw.html",
    # The network's practice library: words about practices and a life domain; reviews and sheets are checked
    # for personal data before they are shared (governance.privacy_check).
    "governance/templates/governance/sheet_list.html",
    # The snapshot computation's status, polled by its ids (a network's, a snapshot's); nothing typed.
    "analytics/templates/analytics/_compute.html",
}


class TestNamesIn:
    @pytest.mark.parametrize(
        "url",
        [
            "/people/?q=Fontaine",
            "/people/?q=amelie",
            "/people/?q=Am%C3%A9lie+Fontaine",
            "/people/?q=Am%25C3%25A9lie",  # encoded twice
            "/people/?q=FONTAINE&page=2",
            "/people/?q=font",  # the start of a name, as typed in a search box
            "/people/?next=/people/%3Fq%3Dfontaine",
            "/people/amelie-fontaine/",
            "/api/v1/people/persons?name=Fontaine",
        ],
    )
    def test_finds_a_name_in_a_url(self, url):
        assert url_hits(url, FONTAINE)

    @pytest.mark.parametrize(
        "url",
        [
            "/people/",
            "/people/?page=2",
            "/people/3f2b8c1e-0d4a-4f6e-9a51-2c7d8e9f0a1b/",
            "/directory/?q=fontainebleau",  # another word that starts with the name
            "/directory/?q=fon",  # too short to mean anyone
            "/directory/?q=lie",
            "/people/?next=/people/font/",  # a path in a query string: whole words only
        ],
    )
    def test_ignores_urls_without_the_name(self, url):
        assert not url_hits(url, FONTAINE)

    def test_an_id_in_a_query_string_is_not_the_start_of_a_name(self):
        decamps = name_parts("Marc", "Decamps")
        assert url_hits("/people/?q=deca", decamps) == {"decamps"}
        assert not url_hits("/people/?person=3f2b8c1e-deca-4f6e-9a51-2c7d8e9f0a1b", decamps)

    def test_finds_a_name_in_a_log_line(self):
        assert names_in("people: opened the file of AMÉLIE Fontaine", FONTAINE) == {"amelie", "fontaine"}
        assert not names_in("Not Found: /people/3f2b8c1e-0d4a-4f6e-9a51-2c7d8e9f0a1b/", FONTAINE)

    def test_name_parts_leave_out_particles_and_initials(self):
        assert name_parts("Jean-Marie", "Van den Bossche") == {"jean", "marie", "bossche"}
        assert name_parts("J.", "Le Gall") == {"gall"}


def test_no_template_sends_typed_words_in_a_url_but_the_public_directory():
    """Dev and production access logs (runserver, granian) and proxies see URLs: forms about persons POST."""
    found = {
        path.relative_to(SOURCE).as_posix()
        for path in SOURCE.glob("*/templates/**/*.html")
        if GET_WITH_INPUT.search(path.read_text(encoding="utf-8"))
    }
    assert found <= PUBLIC_GET_TEMPLATES, found - PUBLIC_GET_TEMPLATES


@pytest.mark.django_db
class TestTheRunIsScanned:
    """A test that puts a name in a URL or a log line fails at its teardown, naming the URL and the test."""

    def test_a_name_in_a_requested_url_and_in_a_log_line_is_caught(self, client, request):
        person = PersonFactory(first_name="Zébulon", last_name="Quatrefages")
        client.force_login(MembershipFactory().user)
        client.get(reverse("people:person_list") + "?q=Quatref")
        client.get(reverse("directory:search") + "?q=logement")
        logging.getLogger("maillage.example").warning("opened the file of %s", person.last_name)
        leaks = SCAN.leaks()  # what the teardown hook checks; taking it leaves this test's teardown clean
        assert len(leaks) == 2, leaks
        assert "URL 'GET /people/?q=Quatref' carries quatrefages" in leaks[0]
        assert "maillage.example: opened the file of Quatrefages" in leaks[1] and "carries quatrefages" in leaks[1]
        assert all(request.node.nodeid in leak for leak in leaks)

    def test_a_redirect_to_a_url_with_a_name_is_caught(self, client):
        PersonFactory(first_name="Zébulon", last_name="Quatrefages")
        client.get("/people/?q=rien")  # not logged in: redirected to the login page, with where it came from
        assert not SCAN.leaks()
        client.get("/people/?whom=Z%C3%A9bulon")
        leaks = SCAN.leaks()
        assert any(leak.startswith("redirect 'Location /accounts/login/?next=") for leak in leaks), leaks

    def test_persons_created_without_signals_are_looked_for(self, client):
        """The demo generator bulk-creates its persons: their names come from the database."""
        from maillage.people.models import Person

        Person.objects.bulk_create([Person(first_name="Ombeline", last_name="Vasseur-Quint")])
        client.get("/directory/?q=vasseur")
        with pytest.raises(PersonDataInTraces, match="vasseur"):
            note_database_persons()
            raise_on_leaks()

    def test_a_clean_test_passes(self, client):
        PersonFactory(first_name="Zébulon", last_name="Quatrefages")
        client.get("/directory/?q=logement")
        note_database_persons()
        raise_on_leaks()


@pytest.mark.browser
def test_in_the_browser_a_search_by_name_leaves_no_name_in_any_url(page, live_server, log_in):
    """The live server's requests are scanned too: the search box POSTs; a name typed in the address bar is caught."""
    situation = build(
        Case(
            ActorKind.PROFESSIONAL_INVOLVED,
            Category.IDENTITY,
            BasisState.VALID,
            BasisKind.CARE_TEAM_SHARING,
            InvolvementState.ACTIVE,
        )
    )
    person = situation.person
    person.first_name, person.last_name = "Zébulon", "Quatrefages"
    person.save()
    log_in(page, situation.user)
    page.goto(live_server.url + reverse("people:person_list"))
    page.get_by_label("Rechercher par nom").fill("Quatref")
    page.get_by_role("button", name="Rechercher").click()
    page.locator("#results").get_by_text("QUATREFAGES Zébulon").wait_for()
    traces, parts = SCAN.take()
    assert "quatrefages" in parts
    assert any(trace.text == "POST /people/" for trace in traces), [trace.text for trace in traces]
    assert not describe(traces, parts)

    page.goto(live_server.url + reverse("people:person_list") + "?q=Quatrefages")
    assert any("URL 'GET /people/?q=Quatrefages' carries quatrefages" in leak for leak in SCAN.leaks())

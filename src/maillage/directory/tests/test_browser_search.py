"""The public directory search in Chromium: type a need, filter by postcode, results update in place.

Elements are found by id, not by label text: the French catalogue is filled at release time.
"""

import pytest

from maillage.core.tests.browser.plugin import PHONE
from maillage.directory.enums import CapacityStatus
from maillage.directory.models import TaxonomyTerm
from maillage.directory.tests.factories import ServiceFactory, TerritoryFactory, place_service
from maillage.territories.models import Level, PostalCode

pytestmark = pytest.mark.browser


@pytest.fixture
def directory(transactional_db):
    from maillage.directory.taxonomy import load_builtin_taxonomy

    load_builtin_taxonomy()
    province = TerritoryFactory(level=Level.PROVINCE, code="80000", name="Luxembourg", latitude=49.95, longitude=5.5)
    libramont = TerritoryFactory(
        code="84077", name="Libramont-Chevigny", parent=province, latitude=49.92, longitude=5.38
    )
    arlon = TerritoryFactory(code="81001", name="Arlon", parent=province, latitude=49.683, longitude=5.816)
    PostalCode.objects.create(country="BE", code="6800", locality="Libramont", commune=libramont)
    shelter = ServiceFactory(
        name="Abri de nuit Saint-Martin",
        description="Hébergement d'urgence pour personnes sans abri.",
        needs=[TaxonomyTerm.objects.get(code="housing.emergency-shelter")],
        organisation__name="Relais social",
        capacity_status=CapacityStatus.AVAILABLE,
        mobilisation_means=["PHONE", "WALK_IN"],
    )
    place_service(shelter, commune=libramont, latitude=49.921, longitude=5.379)
    far = ServiceFactory(
        name="Maison d'accueil d'Arlon",
        description="Hébergement temporaire pour familles.",
        needs=[TaxonomyTerm.objects.get(code="housing.temporary-housing")],
        capacity_status=CapacityStatus.FULL,
    )
    place_service(far, commune=arlon, latitude=49.684, longitude=5.815)
    grocery = ServiceFactory(name="Épicerie sociale", needs=[TaxonomyTerm.objects.get(code="food.social-grocery")])
    place_service(grocery, commune=libramont, latitude=49.919, longitude=5.381)
    return shelter


def test_search_by_need_and_place_updates_in_place(page, live_server, directory, axe_check, screenshot):
    page.goto(live_server.url + "/directory/")
    page.evaluate("window.notReloaded = true")

    page.locator("#id_q").fill("hebergements")
    page.locator("form.directory-search button[type=submit]").click()
    results = page.locator("#results")
    page.wait_for_url("**q=hebergements**")
    page.wait_for_function("() => !document.querySelector('#results').textContent.includes('Épicerie')")
    results.get_by_role("link", name="Abri de nuit Saint-Martin").wait_for()
    assert results.get_by_role("link", name="Maison d'accueil d'Arlon").is_visible()
    assert not results.get_by_text("Épicerie sociale").is_visible()

    page.locator("#id_place").fill("6800")
    page.locator("#id_radius").fill("10")
    page.locator("form.directory-search button[type=submit]").click()
    page.wait_for_function("() => !document.querySelector('#results').textContent.includes('Arlon')")
    card = results.locator(".result-card").first
    assert "Abri de nuit Saint-Martin" in card.inner_text()
    assert card.locator(".badge-open").count() == 1
    assert " km" in card.inner_text()
    assert page.evaluate("window.notReloaded === true"), "htmx should swap the results without reloading the page"
    assert "place=6800" in page.url
    axe_check(page, "search results")
    screenshot(page, "search-results")

    results.locator(".view-switch a").nth(1).click()
    page.locator("figure.result-map svg").wait_for()

    assert page.locator("figure.result-map circle.map-point").count() == 1
    axe_check(page, "map view")
    screenshot(page, "map")
    page.locator(".result-card h3 a").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Abri de nuit Saint-Martin"
    axe_check(page, "service page")


def test_search_works_without_javascript_on_a_phone(browser, live_server, directory):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="fr-BE")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/directory/?q=abri&need=housing")
        assert page.get_by_role("link", name="Abri de nuit Saint-Martin").is_visible()
        page.locator("#id_q").fill("épicerie")
        page.locator("#id_need").select_option("")
        page.locator("form.directory-search button[type=submit]").click()
        page.wait_for_load_state()
        assert page.get_by_role("link", name="Épicerie sociale").is_visible()
        assert "q=%C3%A9picerie" in page.url
        assert not page.locator("[data-near-me]").is_visible(), "no script: no button that would do nothing"
    finally:
        context.close()


def test_near_me_then_a_typed_place(page, live_server, directory, axe_check, screenshot):
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 49.92134, "longitude": 5.37912})
    page.goto(live_server.url + "/directory/")
    results = page.locator("#results")

    page.locator("#id_place").press_sequentially("lib")
    page.wait_for_function("() => document.querySelectorAll('#place-options option').length === 1")
    assert page.locator("#place-options option").get_attribute("value") == "Libramont-Chevigny"
    assert page.url == live_server.url + "/directory/", "the place hints do not change the address"

    page.locator("[data-near-me]").click()
    page.wait_for_url("**lat=49.92**")
    assert "lon=5.38" in page.url, "the position is rounded to about a kilometre"
    assert page.locator("#id_place").input_value() == "" and page.locator("#id_radius").input_value() == "10"
    results.get_by_role("link", name="Abri de nuit Saint-Martin").wait_for()
    assert not results.get_by_text("Maison d'accueil d'Arlon").is_visible()
    axe_check(page, "near me")
    screenshot(page, "near-me")

    page.locator("#id_place").fill("arlon")
    page.locator("form.directory-search button[type=submit]").click()
    page.wait_for_url("**place=arlon**")
    results.get_by_role("link", name="Maison d'accueil d'Arlon").wait_for()
    assert "lat=" not in page.url, "a typed place replaces the position"


def test_the_coordinator_attaches_a_location_without_organisation(page, live_server, log_in, axe_check, screenshot):
    from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory
    from maillage.directory.models import Location

    coordinator = MembershipFactory(coordinator=True)
    runner = OrganisationFactory(name="Asbl Les Forges")
    civic = Location.objects.create(name="Maison des associations", address_1="1 rue Forest", city="Bastogne")
    log_in(page, coordinator.user)
    page.goto(live_server.url + "/directory/pending/")
    axe_check(page, "pending with a location")
    screenshot(page, "pending-location")

    page.locator(f"#attach-{civic.public_id}").select_option(str(runner.public_id))
    with page.expect_navigation():
        page.locator(".attach-form button[type=submit]").click()
    assert page.locator(".message-success").is_visible()
    civic.refresh_from_db()
    assert civic.organisation == runner


def test_a_typo_and_a_prefixed_postcode_on_a_phone(browser, live_server, directory, axe_check, screenshot):
    """« hebergemnt » near « B-6800 »: the results say which words they are for, each card its commune and
    distance, and the nearest can be put first."""
    context = browser.new_context(viewport=PHONE, locale="fr-BE")
    page = context.new_page()
    page.goto(live_server.url + "/directory/?q=hebergemnt&place=B-6800&radius=60")
    results = page.locator("#results")
    assert "« hébergement »" in results.locator("p[role=status]").inner_text()
    assert results.get_by_role("link", name="Abri de nuit Saint-Martin").is_visible()
    assert "Libramont-Chevigny" in results.locator(".result-card").first.locator(".organisation").inner_text()
    axe_check(page)
    screenshot(page, "typo-corrected")
    results.locator(".sort-switch a").nth(1).click()
    page.wait_for_url("**sort=distance**")
    cards = page.locator(".result-card h3").all_inner_texts()
    assert cards[-1] == "Maison d'accueil d'Arlon"
    screenshot(page, "nearest-first")
    context.close()

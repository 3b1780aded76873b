"""The search filters with their counts, and a remote service, in Chromium on a 375 px phone (FR and EN)."""

import pytest

from maillage.directory.enums import CapacityStatus, ServiceKind
from maillage.directory.tests.factories import ServiceFactory, TerritoryFactory, place_service
from maillage.territories.models import Level

pytestmark = pytest.mark.browser

PHONE_375 = {"width": 375, "height": 812}


@pytest.fixture
def directory(transactional_db):
    from maillage.directory.search_index import rebuild_index
    from maillage.directory.taxonomy import load_builtin_taxonomy

    load_builtin_taxonomy()
    province = TerritoryFactory(level=Level.PROVINCE, code="80000", name="Luxembourg", latitude=49.95, longitude=5.5)
    libramont = TerritoryFactory(
        code="84077", name="Libramont-Chevigny", parent=province, latitude=49.92, longitude=5.38
    )
    workshop = ServiceFactory(name="Atelier budget", kinds=[ServiceKind.WORKSHOP], is_free=True)
    place_service(workshop, commune=libramont, latitude=49.921, longitude=5.379)
    aid = ServiceFactory(name="Aide financière", kinds=[ServiceKind.FINANCIAL_AID], is_free=False)
    place_service(aid, commune=libramont, latitude=49.92, longitude=5.38)
    ServiceFactory(
        name="Ligne d'écoute",
        kinds=[ServiceKind.SUPPORT],
        remote=True,
        on_site=False,
        capacity_status=CapacityStatus.AVAILABLE,
    )
    rebuild_index()
    return libramont


@pytest.mark.parametrize("locale", ["fr-BE", "en-GB"])
def test_filters_with_counts_on_a_phone(browser, live_server, directory, axe_check, screenshot, locale):
    context = browser.new_context(viewport=PHONE_375, locale=locale)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/directory/?place=Libramont-Chevigny")
        results = page.locator("#results")
        assert results.get_by_role("link", name="Ligne d'écoute").is_visible(), "remote: found from every place"
        assert results.locator(".badge-remote").count() == 1
        options = page.locator("#id_kind option").all_inner_texts()
        assert any(text.endswith("(1)") for text in options), options
        axe_check(page, "filters")
        screenshot(page, f"filters-{locale}")

        page.locator("#id_fees").select_option("free")
        page.wait_for_function("() => !document.querySelector('#results').textContent.includes('Aide financière')")
        assert "fees=free" in page.url
        assert results.get_by_role("link", name="Atelier budget").is_visible()
        # The counts follow the results (the other filters' counts, not the chosen one's).
        page.wait_for_function(
            "() => [...document.querySelectorAll('#id_kind option')].some(o => o.value === 'FINANCIAL_AID' "
            "&& o.textContent.trim().endsWith('(0)'))"
        )
        assert page.locator("#id_fees").input_value() == "free"
        axe_check(page, "filtered")
        page.set_viewport_size({"width": 1280, "height": 900})
        screenshot(page, f"filters-wide-{locale}")
    finally:
        context.close()


def test_a_member_saves_a_search_on_a_phone(page, live_server, directory, log_in, axe_check, screenshot):
    from maillage.accounts.tests.factories import MembershipFactory
    from maillage.directory.models import SavedSearch

    member = MembershipFactory()
    page.set_viewport_size(PHONE_375)
    log_in(page, member.user)
    page.goto(live_server.url + "/directory/?kind=WORKSHOP&place=Libramont-Chevigny")
    page.locator(".save-search summary").click()
    page.locator("#id_saved_name").fill("Ateliers Libramont")
    axe_check(page, "save a search")
    with page.expect_navigation():
        page.locator(".save-search button[type=submit]").click()
    assert "/directory/saved/" in page.url
    assert page.get_by_role("link", name="Ateliers Libramont").is_visible()
    axe_check(page, "saved searches")
    screenshot(page, "saved-searches")
    assert SavedSearch.objects.get().query == {"kind": "WORKSHOP", "place": "Libramont-Chevigny"}

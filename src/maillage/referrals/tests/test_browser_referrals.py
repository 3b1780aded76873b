"""Issue 20's "Checked by", in Chromium, as new users would: a referral sent from the person's need with two
categories shared, received (by opening it), accepted, first contact, completed; a second one declined "no
capacity" and proposed to another partner in one step; the receiver never sees a category that was not shared
(before accepting: the referral only; after: the file without it); a move from a stale tab refused with a clear
message (409). axe on each page; the inbox at 375 px is saved as a screenshot."""

import re

import pytest

from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory
from maillage.consent.models import Consent
from maillage.directory.tests.factories import ServiceFactory
from maillage.people.models import Need
from maillage.referrals import services
from maillage.referrals.enums import Agreement, DeclineReason, Outcome, ReferralStatus, Urgency
from maillage.referrals.models import Referral

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
EXPECTED = "Un logement adapté à trois enfants, avant la rentrée."
SOCIAL_WORDS = "Un logement plus grand pour mes enfants."  # the housing need: SOCIAL data, never shared


def _move(page, status: str):
    """The button of one move on the referral's page."""
    return page.locator(f"form.move:has(input[name=to][value={status}]) button")


CONTRAST = """element => {
    const style = getComputedStyle(element);
    const luminance = colour => {
        const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(v => {
            const c = Number(v) / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [light, dark] = [luminance(style.color), luminance(style.backgroundColor)].sort((a, b) => b - a);
    return (light + 0.05) / (dark + 0.05);
}"""


def _contrast(page, selector: str) -> float:
    """The contrast ratio of an element's text colour on its own background (WCAG's formula)."""
    return page.locator(selector).first.evaluate(CONTRAST)


def _follow(page, link) -> None:
    with page.expect_navigation():
        link.click()


def _press(page, status: str) -> None:
    """Press a move's button and wait for the page it leads to (the referral again, or its refusal)."""
    with page.expect_navigation():
        _move(page, status).click()


def _switch(page, log_in, user) -> None:
    page.context.clear_cookies()
    log_in(page, user)


def test_a_referral_from_sending_to_completion_and_a_decline_redirected(
    page, live_server, log_in, axe_check, screenshot, browser_errors, scene
):
    page.set_default_timeout(30_000)  # a long scenario on a shared two-core machine
    network = scene.network
    # The person's consent covers the referent's organisation only: the receiver gets what the referral shares.
    Consent.objects.filter(person=network.person).update(recipient_organisation=network.referent_org)
    housing = ServiceFactory(
        organisation=scene.receiver_org, name="Accompagnement au logement", needs=[network.housing]
    )
    ServiceFactory(organisation=scene.other_org, name="Écoute et sommeil", needs=[network.health])
    third_org = OrganisationFactory(name="Maison médicale du quartier", care_provider=True)
    ServiceFactory(organisation=third_org, name="Consultation du sommeil", needs=[network.health])
    MembershipFactory(organisation=third_org)
    base = live_server.url

    # 1. The referent orients the person from their housing need: a partner, then the form, two categories shared.
    log_in(page, network.referent)
    page.goto(f"{base}/people/{network.person.public_id}/")
    _follow(page, page.locator(f"a[href*='need={scene.need.public_id}']"))
    _follow(page, page.locator(f"a[href*='service={housing.public_id}']").first)
    page.locator("textarea[name=expected]").fill(EXPECTED)
    page.locator("select[name=urgency]").select_option(Urgency.HIGH)
    page.locator("textarea[name=eligibility]").fill("38 ans, Namur, trois enfants")
    page.locator("input[name=shared_categories][value=IDENTITY]").check()
    page.locator("input[name=shared_categories][value=COORDINATION]").check()
    assert page.locator("input[name=shared_categories][value=SOCIAL]").count() == 1  # offered, left unticked
    page.locator("input[name=agreement][value=ORALLY]").check()
    axe_check(page, "send-form")
    with page.expect_navigation(url=re.compile(r"/referrals/[0-9a-f-]{36}/$")):
        page.locator("button[name=action][value=send]").click()
    referral = Referral.objects.get(receiver_organisation=scene.receiver_org)
    assert referral.status == ReferralStatus.SENT
    assert referral.shared_categories == ["COORDINATION", "IDENTITY"]

    # 2. The receiver finds it in its inbox and decides from the summary: the shared categories, never the others.
    _switch(page, log_in, scene.receiver.user)
    page.goto(f"{base}/referrals/organisation/{scene.receiver_org.public_id}/inbox/")
    page.set_viewport_size(PHONE)
    axe_check(page, "inbox-phone")
    # The header's counter of new referrals is readable on this page too (its badge style comes from another app).
    assert _contrast(page, ".site-header .button-header .badge") >= 4.5
    screenshot(page, "inbox-375")
    page.set_viewport_size({"width": 1280, "height": 800})
    filters = page.get_by_role("navigation", name="Filtrer par statut")
    assert filters.get_by_role("link").all_inner_texts() == ["Tous", "Envoyée (1)"]  # the empty statuses left out
    _follow(page, page.locator(f"main table a[href$='/referrals/{referral.public_id}/']"))
    text = page.locator("main").inner_text()
    assert EXPECTED in text and "Identité et coordonnées" in text and "Notes de coordination" in text
    assert "Situation sociale" not in text and "Projet personnalisé" not in text
    assert network.person.last_name not in page.content()
    axe_check(page, "detail-receiver")
    assert "Reçue" in page.locator("main dl").inner_text()  # opening it marked it received
    assert _move(page, "RECEIVED").count() == 0

    # 3. Two tabs: one accepts; the other, still showing "decline", is refused with a clear message (409).
    other_tab = page.context.new_page()
    other_tab.goto(page.url)
    _press(other_tab, "ACCEPTED")
    assert other_tab.get_by_text("Acceptée").first.is_visible()
    other_tab.close()
    browser_errors.allow("409")
    page.locator("select[name=decline_reason]").select_option(DeclineReason.NO_CAPACITY)
    _press(page, "DECLINED")
    alert = page.get_by_role("alert")
    assert "ne peut pas devenir" in alert.inner_text() or "cannot become" in alert.inner_text()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED

    # 4. Accepted, the receiver opens the person's file: what was shared, not the housing need (SOCIAL).
    page.goto(f"{base}/people/{network.person.public_id}/")
    assert page.get_by_role("heading", level=1).inner_text()  # the identity, shared
    assert SOCIAL_WORDS not in page.content()
    page.goto(f"{base}/referrals/{referral.public_id}/")
    _press(page, "FIRST_CONTACT_DONE")
    page.locator("select[name=outcome]").select_option(Outcome.NEED_MET)
    _press(page, "COMPLETED")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome == Outcome.NEED_MET
    assert list(referral.transitions.values_list("to_status", flat=True)) == [
        "DRAFT",
        "SENT",
        "RECEIVED",
        "ACCEPTED",
        "FIRST_CONTACT_DONE",
        "COMPLETED",
    ]

    # 5. A second referral (the health need) is declined "no capacity", then proposed to another partner in one step.
    health_need = Need.objects.get(person=network.person, term=network.health)
    second = services.referral_create(
        scene.sender,
        person=network.person,
        need=health_need,
        receiver_organisation=scene.other_org,
        expected="Un suivi du sommeil.",
        agreement=Agreement.ORALLY,
    )
    _switch(page, log_in, scene.other.user)
    page.goto(f"{base}/referrals/{second.public_id}/")
    page.locator("select[name=decline_reason]").select_option(DeclineReason.NO_CAPACITY)
    _press(page, "DECLINED")
    second.refresh_from_db()
    assert second.status == ReferralStatus.DECLINED and second.decline_reason == DeclineReason.NO_CAPACITY

    _switch(page, log_in, network.referent)
    page.goto(f"{base}/referrals/{second.public_id}/")
    assert "Pas de place pour le moment" in page.locator("main").inner_text()
    _follow(page, page.get_by_role("link", name="Proposer un autre partenaire"))
    assert page.locator(f"a[href*='{scene.other_org.public_id}']").count() == 0
    assert "Écoute et sommeil" not in page.locator("main").inner_text()  # the one that declined is left out
    _follow(page, page.get_by_role("link", name=re.compile("Choisir ce partenaire")).first)
    assert page.locator("textarea[name=expected]").input_value() == "Un suivi du sommeil."
    axe_check(page, "redirect-form")
    with page.expect_navigation(url=re.compile(r"/referrals/[0-9a-f-]{36}/$")):
        page.locator("button[name=action][value=send]").click()
    redirected = Referral.objects.get(redirected_from=second)
    assert redirected.receiver_organisation == third_org and redirected.status == ReferralStatus.SENT

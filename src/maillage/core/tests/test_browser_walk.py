"""The accessibility walk: every main page that a professional, a person in their own space, a network
coordinator and an anonymous visitor reach, in real Chromium, in French and in English, at 375 px and 1280 px.

On each page: the page answers 200 in the language asked for, axe-core (the copy bundled in the
`axe-playwright-python` dependency, no CDN) finds no WCAG 2.0/2.1/2.2 A or AA violation of any impact, the
browser reports no console error, and at 375 px nothing scrolls sideways. One Chromium and one data set
(the demo territory, at a small size) serve the whole walk; each page is one subtest, so one failing page
does not hide the others. The violations found are written to `test-artifacts/` as JSON, and a few
phone-sized screenshots are saved there too.
"""

import io
import json
import time
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from maillage.access.enums import Category
from maillage.coordination.models import Meeting
from maillage.core.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DemoTerritory, generate_demo
from maillage.core.tests.browser.plugin import artifact_path, save_screenshot
from maillage.directory.models import Service
from maillage.directory.selectors import public_service
from maillage.governance.models import (
    Agreement,
    AgreementVersion,
    Body,
    ExperienceReview,
    Network,
    Objective,
    PracticeSheet,
)
from maillage.people.demo import PERSON_LOGIN, PROFESSIONAL_LOGIN
from maillage.people.enums import InvolvementRole
from maillage.people.models import Involvement, Need, Person
from maillage.people.services import need_category
from maillage.referrals.models import Referral

pytestmark = pytest.mark.browser

LANGUAGES = ("fr", "en")
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
# WCAG 2.2 level A and AA success criteria, as axe tags them (2.2 adds to 2.1, which adds to 2.0).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": WCAG_TAGS}}
DEMO_SIZES = {"organisations": 12, "services": 20, "persons": 10}
# Pages worth looking at on a phone: saved as `test-artifacts/core-test_browser_walk-<name>.png`.
SCREENSHOTS = {
    ("person", "space"),
    ("professional", "person page"),
    ("anonymous", "directory search"),
    ("coordinator", "analytics dashboard"),
}


# The first elements that stick out on the right of the window without a scrolling box to hold them. A box
# with `overflow` holds a positioned descendant only if the box, or a box inside it, is its containing block.
WIDE_ELEMENTS = """() => {
  const width = window.innerWidth;
  const held = element => {
    let escapes = getComputedStyle(element).position === "absolute";
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (escapes && style.position === "static") continue;
      if (style.overflowX !== "visible") return true;
      escapes = style.position === "absolute";
    }
    return false;
  };
  const name = element => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + [...element.classList].map(cls => "." + cls).join("");
  return [...document.body.querySelectorAll("*")]
    .filter(element => element.getBoundingClientRect().right > width + 1 && !held(element))
    .slice(0, 4).map(name);
}"""


@dataclass(frozen=True)
class Role:
    name: str
    email: str | None  # None: an anonymous visitor
    pages: list[tuple[str, str]]  # (name, path)


def walk_roles() -> list[Role]:
    """The roles and the pages each reaches, from the demo territory's fixed logins and their data."""
    person = Person.objects.get(user__email__iexact=PERSON_LOGIN)
    referent = Involvement.objects.get(person=person, role=InvolvementRole.REFERENT, ended_on__isnull=True)
    assert referent.professional.email == PROFESSIONAL_LOGIN, "the demo professional is the person's referent"
    organisation = referent.organisation
    p = person.public_id
    # A need in the social situation: the referent CPAS sees those, not the health ones.
    need = next(
        n for n in Need.objects.filter(person=person).order_by("pk") if need_category(n.term) == Category.SOCIAL
    )
    meeting = Meeting.objects.filter(person=person).order_by("pk").first()
    referral = Referral.objects.filter(sender_organisation=organisation).order_by("pk").first()
    coordinator_login = f"coordination@{DEMO_EMAIL_DOMAIN}"
    network = Network.objects.order_by("pk").first()
    n = network.public_id
    agreement = Agreement.objects.filter(network=network).order_by("pk").first()
    version = AgreementVersion.objects.filter(agreement=agreement).order_by("pk").first()
    body = Body.objects.filter(network=network).order_by("pk").first()
    objective = Objective.objects.filter(network=network).order_by("pk").first()
    review = ExperienceReview.objects.filter(network=network).order_by("pk").first()
    sheet = PracticeSheet.objects.filter(network=network).order_by("pk").first()
    service = next(s for s in Service.objects.order_by("pk") if public_service(s.public_id) is not None)
    directory_search = "/directory/?q=logement"
    return [
        Role(
            "professional",
            PROFESSIONAL_LOGIN,
            [
                ("dashboard", "/"),
                ("my people", "/people/"),
                ("person page", f"/people/{p}/"),
                ("identity", f"/people/{p}/identity/"),
                ("need", f"/people/{p}/needs/{need.public_id}/"),
                ("new need", f"/people/{p}/needs/new/"),
                ("new relation", f"/people/{p}/relations/new/"),
                ("new involvement", f"/people/{p}/involvements/new/"),
                ("new consent", f"/consent/{p}/new/"),
                ("who saw", f"/access/{p}/who-saw/"),
                ("project", f"/projects/{p}/"),
                ("project matrix", f"/projects/{p}/matrix/"),
                ("project history", f"/projects/{p}/history/"),
                ("coordination thread", f"/coordination/persons/{p}/"),
                ("meeting", f"/coordination/persons/{p}/meetings/{meeting.public_id}/"),
                ("calendar", "/coordination/calendar/"),
                ("send referral", f"/referrals/person/{p}/send/"),
                ("referrals inbox", f"/referrals/organisation/{organisation.public_id}/inbox/"),
                ("referrals outbox", f"/referrals/organisation/{organisation.public_id}/outbox/"),
                ("referral", f"/referrals/{referral.public_id}/"),
                ("existence check", "/access/check/"),
                ("new person", "/people/new/"),
                ("directory search", directory_search),
                ("service", f"/directory/services/{service.public_id}/"),
            ],
        ),
        Role(
            "person",
            PERSON_LOGIN,
            [
                ("dashboard", "/"),
                ("space", "/people/me/"),
                ("own project", "/projects/me/"),
                ("own referrals", "/referrals/me/"),
                ("who saw", f"/access/{p}/who-saw/"),
                ("coordination thread", f"/coordination/persons/{p}/"),
                ("meeting", f"/coordination/persons/{p}/meetings/{meeting.public_id}/"),
                ("directory search", directory_search),
            ],
        ),
        Role(
            "coordinator",
            coordinator_login,
            [
                ("dashboard", "/"),
                ("networks", "/network/"),
                ("network", f"/network/{n}/"),
                ("agreements", f"/network/{n}/agreements/"),
                ("agreement", f"/network/agreement/{agreement.public_id}/"),
                ("agreement version", f"/network/version/{version.public_id}/"),
                ("body", f"/network/body/{body.public_id}/"),
                ("objectives", f"/network/{n}/objectives/"),
                ("objective", f"/network/objective/{objective.public_id}/"),
                ("reviews", f"/network/{n}/reviews/"),
                ("review", f"/network/review/{review.public_id}/"),
                ("library", f"/network/{n}/library/"),
                ("practice sheet", f"/network/sheet/{sheet.public_id}/"),
                ("events", f"/network/{n}/events/"),
                ("knowledge map", f"/network/{n}/map/"),
                ("contributions", f"/network/{n}/contributions/"),
                ("analytics", "/analytics/"),
                ("analytics dashboard", f"/analytics/network/{n}/"),
                ("analytics map", f"/analytics/network/{n}/map/"),
                ("analytics organisations", f"/analytics/network/{n}/organisations/"),
                ("analytics thresholds", f"/analytics/network/{n}/thresholds/"),
                ("trust surveys", f"/trust/network/{n}/"),
                ("referral delays", f"/referrals/network/{n}/delays/"),
                ("directory to validate", "/directory/pending/"),
            ],
        ),
        Role(
            "anonymous",
            None,
            [
                ("login", "/accounts/login/"),
                ("password reset", "/accounts/password/reset/"),
                ("directory", "/directory/"),
                ("directory search", directory_search),
                ("service", f"/directory/services/{service.public_id}/"),
            ],
        ),
    ]


def switch_language(page, base_url: str, language: str) -> None:
    """Choose the language with the header's switch, as a visitor would (it also becomes the user's own)."""
    if page.url in ("about:blank", ""):
        page.goto(base_url + "/accounts/login/")
    page.set_viewport_size(DESKTOP)
    with page.expect_navigation():
        page.locator(f"form.language-switcher button[name=language][value={language}]").click()
    assert page.locator("html").get_attribute("lang") == language


def open_page(page, url: str, language: str) -> list[str]:
    """Open `url` and return what is wrong with the answer (empty when nothing is)."""
    response = page.goto(url)
    if response is None or response.status != 200:
        return [f"answered {response.status if response else 'nothing'}"]
    # An htmx request in flight fades its element (.htmx-request): axe would measure the faded colours.
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    lang = page.locator("html").get_attribute("lang")
    return [] if lang == language else [f'<html lang="{lang}">, expected "{language}"']


def audit_page(page, width: int) -> tuple[list[str], list[dict]]:
    """What axe finds on the page as it is laid out now, and at phone width whether it scrolls sideways."""
    problems = []
    violations = page.evaluate("options => axe.run(document, options).then(result => result.violations)", AXE_OPTIONS)
    for violation in violations:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    if width <= PHONE["width"]:
        scroll_width, inner_width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
        if scroll_width > inner_width:
            wide = ", ".join(page.evaluate(WIDE_ELEMENTS))
            problems.append(f"scrolls sideways at {width} px: {scroll_width} px wide, because of {wide}")
    return problems, violations


def test_every_main_page_is_accessible_in_both_languages_and_on_a_phone(browser, live_server, log_in, subtests):
    """Each page is loaded once per language and audited at 375 px, then at 1280 px once the window is widened:
    no script of the site reads the window's width, so the layout at each width is the style sheets' alone."""
    from axe_playwright_python.base import AXE_SCRIPT

    generate_demo(DemoTerritory(seed=2026, sizes=DEMO_SIZES, progress=False))
    call_command("analytics_compute", "--no-progress", "--months", "2", stdout=io.StringIO())
    started = time.perf_counter()
    report: dict[str, list[dict]] = {}
    checked = 0
    for role in walk_roles():
        context = browser.new_context(viewport=DESKTOP, locale="fr-BE", timezone_id="Europe/Brussels")
        # Generous: CI shares two cores with other jobs, and the first page of a role compiles its templates.
        context.set_default_timeout(30_000)
        # axe-core is in every page from its start: sending it on each run would double the walk's time.
        context.add_init_script(AXE_SCRIPT)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message, errors=errors: _console(errors, message))
        page.on("pageerror", lambda error, errors=errors: errors.append(f"page error: {error}"))
        try:
            if role.email:
                log_in(page, get_user_model().objects.get(email__iexact=role.email), password=DEMO_PASSWORD)
            for language in LANGUAGES:
                switch_language(page, live_server.url, language)
                for name, path in role.pages:
                    page.set_viewport_size(PHONE)
                    errors.clear()
                    opened = open_page(page, live_server.url + path, language)
                    for viewport in (PHONE, DESKTOP):
                        label = f"{role.name} · {name} · {language} · {viewport['width']} px"
                        with subtests.test(msg=label):
                            page.set_viewport_size(viewport)
                            problems, violations = list(opened), []
                            if not opened:
                                problems, violations = audit_page(page, viewport["width"])
                            problems.extend(errors)
                            errors.clear()
                            checked += 1
                            if violations:
                                report[label] = violations
                            if viewport is PHONE and language == "fr" and (role.name, name) in SCREENSHOTS:
                                save_screenshot(page, f"core-test_browser_walk-{role.name}-{name}-375")
                            assert not problems, f"{path}:\n  " + "\n  ".join(problems)
        finally:
            context.close()
    summary = {"page_views": checked, "seconds": round(time.perf_counter() - started), "violations": report}
    artifact_path("core-test_browser_walk-axe", ".json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))


def _console(errors: list[str], message) -> None:
    if message.type == "error":
        location = message.location.get("url", "") if message.location else ""
        errors.append(f"console error: {message.text} ({location})")

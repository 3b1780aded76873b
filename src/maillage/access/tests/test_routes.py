"""Every route is declared to the door, and every route that shows person data obeys the matrix.

- Enumeration: walks every URL pattern (Django's resolver) and every django-ninja operation under /api/v1/,
  and fails when one is neither `@person_data` nor `@no_person_data` (nor a Django/library view that never
  sees person data). Declare yours: `from maillage.access.door import no_person_data, person_data`.
- No storing: every answer of every route declared `@person_data` (pages, fragments, exports, API operations;
  200s, 404s and the rest) is `Cache-Control: no-store` (maillage.access.no_store); public pages are not.
- Matrix: every GET route declared `@person_data` is called as each actor kind, in each basis and involvement
  state; a route with a `public_id` answers 2xx exactly when the table allows its first category and 404
  otherwise (never 403), and writes an audit entry; a list route shows the person exactly when their
  existence is visible.
"""

import re
import uuid

import pytest
from django.contrib import admin
from django.http import HttpResponse
from django.urls import reverse

from maillage.access.door import no_person_data, person_data
from maillage.access.enums import Category
from maillage.access.models import AccessEvent
from maillage.access.no_store import PersonDataNoStoreMiddleware
from maillage.access.tests.matrix import (
    ActorKind,
    BasisKind,
    BasisState,
    Case,
    InvolvementState,
    build,
    exists_expected,
    expected,
)
from maillage.access.tests.routes import all_routes, is_allowlisted, person_routes
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import MembershipFactory, UserFactory
from maillage.people.tests.factories import PersonFactory

PERSON_APPS = {"people", "consent", "access"}


def undeclared_routes() -> list[str]:
    return [
        route.label
        for route in all_routes()
        if route.declaration is None and not route.declared_no_person_data and not is_allowlisted(route)
    ]


def test_every_route_is_declared_to_the_door():
    missing = undeclared_routes()
    assert not missing, (
        "These views are neither @person_data nor @no_person_data (maillage.access.door); declare them:\n  "
        + "\n  ".join(missing)
    )


def test_enumeration_catches_a_route_that_bypasses_the_door(settings):
    """A new undeclared view (here a throw-away URLconf) makes the enumeration fail."""
    settings.ROOT_URLCONF = "maillage.access.tests.urls_bypass"
    from django.urls import clear_url_caches

    clear_url_caches()
    try:
        missing = undeclared_routes()
    finally:
        clear_url_caches()
    assert any("leaky_person_view" in label for label in missing)
    assert not any("declared_view" in label for label in missing)


def test_admin_has_no_person_models():
    registered = [model._meta.label for model in admin.site._registry if model._meta.app_label in PERSON_APPS]
    assert registered == [], "Person data in the admin bypasses the door"


def test_person_data_declaration_is_readable():
    @person_data(categories=[Category.SOCIAL, Category.IDENTITY])
    def view(request):
        return None

    assert view.maillage_person_data["categories"] == frozenset({Category.SOCIAL, Category.IDENTITY})


# --- the matrix against the routes ----------------------------------------------------------------------

ROUTE_SITUATIONS = [
    Case(actor, Category.IDENTITY, basis, BasisKind.CARE_TEAM_SHARING, involvement)
    for actor in ActorKind
    for basis in (BasisState.VALID, BasisState.REVOKED, BasisState.OBJECTED, BasisState.NONE)
    for involvement in InvolvementState
]


def _get_routes():
    routes = []
    for route in person_routes():
        if route.method is not None and "GET" not in route.method.split(","):
            continue
        if route.declaration["action"] not in ("VIEW", "LIST", "SEARCH", "EXPORT"):
            continue
        routes.append(route)
    return routes


GET_ROUTES = _get_routes()


# Routes narrower than the door: only the referent's organisation and the person themselves (on top of the
# door's rules). Keyed by the view's dotted name.
REFERENT_AND_PERSON_ONLY = {
    "maillage.people.views.person_export",
    "maillage.people.views_space.space_export",
    "maillage.access.views.who_saw",
}


# List routes whose rows are meetings, not persons (a calendar): the matrix's person has none, so they never show
# them; coordination/tests check that a meeting shows its person only where the door shares them.
LISTS_OF_MEETINGS = {"maillage.coordination.views.calendar"}

# List routes that show only the persons with a signal (analytics' persons needing attention): the matrix's person
# has none, so the route must never show them where the door hides them, and need not where it allows;
# analytics/tests/test_attention.py checks the rows through the door.
LISTS_OF_SIGNALS = {"maillage.analytics.views_attention.attention_list"}


def _expected_for_route(case: Case, route) -> bool:
    allowed = expected(case)
    name = f"{route.view.__module__}.{route.view.__qualname__}"
    if route.declaration["action"] == "EXPORT" and case.actor == ActorKind.BREAK_THE_GLASS:
        allowed = False  # door rule 9: break-the-glass reads (VIEW, LIST, SEARCH); every download asks for EXPORT
    involved = case.involvement == InvolvementState.ACTIVE
    if case.actor == ActorKind.REFERRAL_SENDER and not involved and route.declaration["action"] == "EXPORT":
        allowed = False  # door rule 14: the sender of a referral keeps reading (VIEW, LIST, SEARCH), no download
    if name in REFERENT_AND_PERSON_ONLY:
        referent = case.actor == ActorKind.REFERRAL_SENDER and involved  # the involved organisation is the referent
        allowed = allowed and (case.actor in (ActorKind.PROFESSIONAL_INVOLVED, ActorKind.THE_PERSON) or referent)
    return allowed


def _url(route, person) -> str | None:
    path = "/" + route.path
    if "<uuid:public_id>" in path or "{public_id}" in path:
        path = path.replace("<uuid:public_id>", str(person.public_id)).replace("{public_id}", str(person.public_id))
    if "<" in path or "{" in path:
        return None  # other parameters: covered by the app's own tests
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("route", GET_ROUTES, ids=[r.label for r in GET_ROUTES])
def test_route_obeys_the_matrix(route, client):
    first = route.declaration["primary"]
    checked = 0
    for situation_case in ROUTE_SITUATIONS:
        case = Case(situation_case.actor, first, situation_case.basis, situation_case.kind, situation_case.involvement)
        situation = build(case)
        url = _url(route, situation.person)
        if url is None:
            pytest.skip(f"{route.label}: parameters other than public_id")
        if f"{route.view.__module__}.{route.view.__qualname__}" in LISTS_OF_MEETINGS:
            pytest.skip(f"{route.label}: lists meetings, not persons")
        client.force_login(situation.user)
        response = client.get(url)
        checked += 1
        if response.status_code < 300 or response.status_code == 404:
            assert response["Cache-Control"] == "no-store", (case.id, response.status_code)
        if "public_id" in route.path:
            if _expected_for_route(case, route):
                assert response.status_code < 300, (case.id, response.status_code)
            else:
                assert response.status_code == 404, (case.id, response.status_code)
            assert AccessEvent.objects.filter(person_id=situation.person.pk, actor_id=situation.user.pk).exists()
        else:
            if response.status_code >= 300:
                continue  # e.g. a list reserved to professionals redirects a person
            shown = str(situation.person.public_id) in response.content.decode()
            if f"{route.view.__module__}.{route.view.__qualname__}" in LISTS_OF_SIGNALS:
                assert not shown or exists_expected(case), case.id
            else:
                assert shown is exists_expected(case) or (shown is False and not expected(case)), case.id
        client.logout()
    assert checked


def test_matrix_covers_every_person_route():
    """Sanity: the matrix above runs on every GET route declared @person_data (reported for review)."""
    assert all(route.declaration for route in GET_ROUTES)


SEARCHES = {
    "page": lambda client, words: client.post(reverse("people:person_list"), {"q": words}),
    "api": lambda client, words: client.post(
        "/api/v1/people/persons/search", {"q": words}, content_type="application/json"
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("where", list(SEARCHES))
def test_search_by_name_obeys_the_matrix(where, client):
    """The searches by name, POSTed (no name in a URL), find a person exactly when their identity is shared."""
    checked = 0
    for case in ROUTE_SITUATIONS:
        situation = build(case)
        client.force_login(situation.user)
        response = SEARCHES[where](client, situation.person.last_name)
        client.logout()
        if response.status_code == 302:
            continue  # the list of the persons I follow is for professionals: a person is sent to their space
        assert response.status_code == 200 and response["Cache-Control"] == "no-store", case.id
        assert (str(situation.person.public_id) in response.content.decode()) is expected(case), case.id
        checked += 1
    assert checked >= len([case for case in ROUTE_SITUATIONS if case.actor != ActorKind.THE_PERSON])


# --- no storing of person data ----------------------------------------------------------------------------

ALL_PERSON_ROUTES = person_routes()


def _any_url(route) -> str:
    """The route's URL with every parameter a fresh id (a large number for an `int`): nothing behind it, so the
    door answers 404."""

    def fresh(match: re.Match) -> str:
        return "999999" if match.group(0).startswith("<int:") else str(uuid.uuid4())

    return "/" + re.sub(r"<(?:uuid:|str:|int:)?\w+>|\{\w+\}", fresh, route.path)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ALL_PERSON_ROUTES, ids=[r.label for r in ALL_PERSON_ROUTES])
def test_every_answer_of_a_person_data_route_is_no_store(route, client):
    """Any method the route takes, as a professional and as a person: whatever the status, no-store."""
    professional = MembershipFactory().user
    person_user = UserFactory(kind=UserKind.PERSON)
    PersonFactory(user=person_user)
    url = _any_url(route)
    methods = route.method.split(",") if route.method else ["GET", "POST"]
    for user in (professional, person_user):
        client.force_login(user)
        for method in methods:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.generic(method, url, "{}", content_type="application/json")
            assert response["Cache-Control"] == "no-store", (user.kind, method, response.status_code)
        client.logout()


@pytest.mark.django_db
def test_the_person_list_search_and_its_fragment_are_no_store(client):
    situation = build(
        Case(
            ActorKind.PROFESSIONAL_INVOLVED,
            Category.IDENTITY,
            BasisState.VALID,
            BasisKind.CARE_TEAM_SHARING,
            InvolvementState.ACTIVE,
        )
    )
    client.force_login(situation.user)
    words = {"q": situation.person.last_name}
    for response in (
        client.get(reverse("people:person_list")),
        client.post(reverse("people:person_list"), words),
        client.post(reverse("people:person_list"), words, headers={"HX-Request": "true"}),
    ):
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        assert str(situation.person.public_id) in response.content.decode()
        assert response["Pragma"] == "no-cache" and "Expires" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/directory/", "/api/v1/directory/taxonomy", "/api/hsds/services"])
def test_public_pages_stay_cacheable(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response


def test_a_new_person_data_view_is_no_store_without_doing_anything(rf):
    """The mark is the declaration itself: a view declared @person_data needs nothing more."""

    @person_data(categories=[Category.IDENTITY])
    def view(request):
        return HttpResponse("a person's data")

    @no_person_data
    def public(request):
        return HttpResponse("nothing personal")

    for declared, stored in ((view, False), (public, True)):
        request = rf.get("/")
        middleware = PersonDataNoStoreMiddleware(lambda request, declared=declared: declared(request))
        middleware.process_view(request, declared, (), {})
        response = middleware(request)
        assert ("no-store" not in response.get("Cache-Control", "")) is stored

"""Every route is declared to the door, and every route that shows person data obeys the matrix.

- Enumeration: walks every URL pattern (Django's resolver) and every django-ninja operation under /api/v1/,
  and fails when one is neither `@person_data` nor `@no_person_data` (nor a Django/library view that never
  sees person data). Declare yours: `from maillage.access.door import no_person_data, person_data`.
- Matrix: every GET route declared `@person_data` is called as each actor kind, in each basis and involvement
  state; a route with a `public_id` answers 2xx exactly when the table allows its first category and 404
  otherwise (never 403), and writes an audit entry; a list route shows the person exactly when their
  existence is visible.
"""

import pytest
from django.contrib import admin

from maillage.access.door import person_data
from maillage.access.enums import Category
from maillage.access.models import AccessEvent
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


def _expected_for_route(case: Case, route) -> bool:
    allowed = expected(case)
    if f"{route.view.__module__}.{route.view.__qualname__}" in REFERENT_AND_PERSON_ONLY:
        allowed = allowed and case.actor in (ActorKind.PROFESSIONAL_INVOLVED, ActorKind.THE_PERSON)
    return allowed


def _url(route, person) -> str | None:
    path = "/" + route.path
    if "<uuid:public_id>" in path or "{public_id}" in path:
        return path.replace("<uuid:public_id>", str(person.public_id)).replace("{public_id}", str(person.public_id))
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
        client.force_login(situation.user)
        response = client.get(url)
        checked += 1
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
            assert shown is exists_expected(case) or (shown is False and not expected(case)), case.id
        client.logout()
    assert checked


def test_matrix_covers_every_person_route():
    """Sanity: the matrix above runs on every GET route declared @person_data (reported for review)."""
    assert all(route.declaration for route in GET_ROUTES)

"""The whole /api/v1/ against its own OpenAPI description: valid OpenAPI 3.1, and every operation, fed with
generated and hostile data by schemathesis, answers no 5xx and only what it documents.

Operations that other apps add later are covered automatically: the schema is loaded from the running API.
"""

import json
import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from maillage.accounts.tests.conftest import make_token
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory

MAX_EXAMPLES = 25


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _value in pairs]
    duplicated = {key for key in keys if keys.count(key) > 1}
    assert not duplicated, f"duplicated keys in the OpenAPI description: {duplicated}"
    return dict(pairs)


@pytest.mark.django_db
def test_openapi_description_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    text = response.content.decode()
    # No duplicated keys (JSON parsers such as Swagger UI's reject them; Python's silently keeps the last).
    json.loads(text, object_pairs_hook=_no_duplicates)
    description = response.json()
    assert description["openapi"].startswith("3.1")
    validate(description)
    for path, item in description["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"400", "404", "422", "429"} <= set(responses), (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= set(responses), (method, path)


@pytest.mark.django_db
def test_interactive_docs_are_served_without_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Nothing is fetched from another host: a check for the letters "cdn" failed on a random CSRF token.
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") and not source.startswith("//") for source in sources)
    bundle = client.get("/static/ninja/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


# Loaded at collection from the live API (no database needed for the description itself).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES)


@pytest.fixture
def _keep_test_connection():
    # Like Django's test client: the WSGI handler must not close the test transaction's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_headers(db, _keep_test_connection):
    membership = MembershipFactory(admin=True)
    OrganisationFactory.create_batch(3)
    return {"Authorization": f"Bearer {make_token(membership.user)}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_resists_generated_and_hostile_input(case, api_headers):
    # Schema-valid data may still break a business rule (an expiry in the past...): a 422 is then right.
    case.call_and_validate(headers=api_headers, excluded_checks=[positive_data_acceptance])

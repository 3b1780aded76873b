import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.actors import actor_for
from maillage.accounts.enums import ApiScope, OrganisationStatus, UserKind
from maillage.accounts.models import AccountEvent, ApiToken, Membership, Organisation
from maillage.accounts.services import api_token_revoke, membership_deactivate, membership_reactivate
from maillage.accounts.tests.conftest import make_token
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from maillage.accounts.tokens import hash_secret

pytestmark = pytest.mark.django_db


def assert_error_format(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    return body


MEMBERSHIP_ENDED = (
    "This token no longer works: the membership it acts for has ended, or its organisation is deactivated."
)


class TestTokenAuth:
    def test_token_authenticates_and_builds_the_actor(self, client, member, bearer):
        response = client.get("/api/v1/accounts/me", headers=bearer)
        assert response.status_code == 200
        body = response.json()
        assert body["email"] == member.user.email
        assert body["current_organisation_id"] == str(member.organisation.public_id)
        assert body["token_scopes"] == sorted(ApiScope.values)
        assert ApiToken.objects.get().last_used_at is not None

    def test_no_credentials_is_401(self, client):
        body = assert_error_format(client.get("/api/v1/accounts/me"), 401)
        assert body["errors"] == []

    @pytest.mark.parametrize(
        ("state", "message"),
        [
            ("unknown", "Authentication required: send a valid API token."),
            ("expired", "This token has expired."),
            ("revoked", "This token has been revoked."),
            ("inactive-user", "The account of this token is deactivated."),
            (
                "membership-ended",
                MEMBERSHIP_ENDED,
            ),
            (
                "organisation-deactivated",
                MEMBERSHIP_ENDED,
            ),
            ("unbound", "This token acts for no organisation: create a new one."),
        ],
    )
    def test_unusable_token_is_401_with_its_reason(self, client, member, state, message):
        secret = make_token(member.user)
        token = ApiToken.objects.get()
        if state == "unknown":
            secret = secret[:-4] + "abcd"
        elif state == "expired":
            ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        elif state == "revoked":
            api_token_revoke(actor_for(member.user), token=token)
        elif state == "inactive-user":
            member.user.is_active = False
            member.user.save(update_fields=["is_active"])
        elif state == "membership-ended":
            member.is_active = False
            member.save(update_fields=["is_active"])
        elif state == "organisation-deactivated":
            Organisation.objects.filter(pk=member.organisation_id).update(status=OrganisationStatus.DEACTIVATED)
        else:
            ApiToken.objects.filter(pk=token.pk).update(membership=None)
        headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
        body = assert_error_format(client.get("/api/v1/accounts/me", headers=headers), 401)
        assert body["detail"] == message
        assert client.get("/api/v1/accounts/me", headers=headers)["WWW-Authenticate"] == "Bearer"

    def test_the_reasons_are_translated(self, client, member):
        secret = make_token(member.user)
        api_token_revoke(actor_for(member.user), token=ApiToken.objects.get())
        body = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"}).json()
        assert body["detail"] == "Ce jeton a été révoqué."

    def test_bad_token_with_a_session_is_still_401(self, client, member):
        client.force_login(member.user)
        assert client.get("/api/v1/accounts/me").status_code == 200
        assert_error_format(client.get("/api/v1/accounts/me", headers={"Authorization": "Bearer nope"}), 401)

    def test_missing_scope_is_403(self, client, member):
        secret = make_token(member.user, scopes=[ApiScope.PERSONS_READ])
        response = client.get("/api/v1/accounts/organisations", headers={"Authorization": f"Bearer {secret}"})
        body = assert_error_format(response, 403)
        assert "directory:read" in body["detail"]

    def test_only_the_hash_is_stored(self, member):
        secret = make_token(member.user)
        token = ApiToken.objects.get()
        assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
        assert secret.startswith(token.prefix + "_")
        assert len(secret) > 40


class TestSessionAuth:
    def test_browser_session_reads(self, client, member):
        client.force_login(member.user)
        body = client.get("/api/v1/accounts/me").json()
        assert body["token_scopes"] is None

    def test_deactivated_session_user_gets_a_401_not_a_redirect(self, client, member):
        client.force_login(member.user)
        member.is_active = False
        member.save(update_fields=["is_active"])
        assert_error_format(client.get("/api/v1/accounts/me"), 401)
        assert client.get("/").status_code == 302

    def test_session_write_needs_csrf(self, member):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(member.user)
        payload = {"name": "x", "scopes": [], "expires_at": (timezone.now() + dt.timedelta(days=3)).isoformat()}
        response = client.post("/api/v1/accounts/tokens", payload, content_type="application/json")
        assert_error_format(response, 403)
        client.get("/")  # a page with a form (here: log out) sets the CSRF cookie
        csrf = client.cookies["csrftoken"].value
        response = client.post(
            "/api/v1/accounts/tokens", payload, content_type="application/json", headers={"X-CSRFToken": csrf}
        )
        assert response.status_code == 201


class TestTokensApi:
    def test_create_list_revoke_from_a_session(self, client, member):
        client.force_login(member.user)
        expires = (timezone.now() + dt.timedelta(days=90)).isoformat()
        response = client.post(
            "/api/v1/accounts/tokens",
            {"name": "Script", "scopes": ["directory:read"], "expires_at": expires},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["token"].startswith(created["prefix"])
        assert created["organisation_id"] == str(member.organisation.public_id)
        listed = client.get("/api/v1/accounts/tokens").json()
        assert listed["count"] == 1
        assert all("token" not in item for item in listed["items"])
        new_headers = {"Authorization": f"Bearer {created['token']}"}
        assert client.get("/api/v1/accounts/organisations", headers=new_headers).status_code == 200

        response = client.post(f"/api/v1/accounts/tokens/{created['id']}/revoke")
        assert response.status_code == 200
        assert response.json()["revoked_at"]
        assert client.get("/api/v1/accounts/me", headers=new_headers).status_code == 401
        assert AccountEvent.objects.filter(kind="TOKEN_REVOKED", actor=member.user).exists()

    @pytest.mark.parametrize("with_session", [False, True], ids=["token", "token-and-session"])
    @pytest.mark.parametrize("operation", ["list", "create", "revoke"])
    def test_a_token_cannot_manage_tokens(self, client, member, operation, with_session):
        secret = make_token(member.user, scopes=["directory:read"])
        token = ApiToken.objects.get()
        if with_session:
            client.force_login(member.user)
        headers = {"Authorization": f"Bearer {secret}"}
        if operation == "list":
            response = client.get("/api/v1/accounts/tokens", headers=headers)
        elif operation == "create":
            expires = (timezone.now() + dt.timedelta(days=1)).isoformat()
            payload = {"name": "successor", "scopes": ["directory:read"], "expires_at": expires}
            response = client.post(
                "/api/v1/accounts/tokens", payload, content_type="application/json", headers=headers
            )
        else:
            response = client.post(f"/api/v1/accounts/tokens/{token.public_id}/revoke", headers=headers)
        body = assert_error_format(response, 403)
        assert body["detail"] == (
            "Les jetons d'API se gèrent depuis une session connectée uniquement : "
            "un jeton ne peut ni créer, ni lister, ni révoquer de jetons."
        )
        assert ApiToken.objects.get() == token
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_another_authorization_scheme_does_not_stand_for_a_token(self, client, member):
        client.force_login(member.user)
        response = client.get("/api/v1/accounts/tokens", headers={"Authorization": "Basic c3RhZ2luZzpzdGFnaW5n"})
        assert response.status_code == 200
        response = client.get("/api/v1/accounts/tokens", headers={"Authorization": "bearer nonsense"})
        assert_error_format(response, 403)

    def test_the_refusal_is_translated(self, client, member):
        headers = {"Authorization": f"Bearer {make_token(member.user)}", "Accept-Language": "en"}
        body = assert_error_format(client.get("/api/v1/accounts/tokens", headers=headers), 403)
        assert body["detail"] == (
            "API tokens are managed from a logged-in session only: a token cannot create, list or revoke tokens."
        )

    @pytest.mark.parametrize(
        ("payload", "field", "message"),
        [
            ({"scopes": [], "expires_at": "2099-01-01T00:00:00Z"}, "name", "Ce champ est obligatoire."),
            ({"name": "x", "scopes": ["nope"], "expires_at": "2099-01-01T00:00:00Z"}, "scopes.0", None),
            ({"name": "x", "scopes": [], "expires_at": "2099-01-01T00:00:00Z"}, "expires_at", None),
            (
                {"name": "x", "scopes": [], "expires_at": "2000-01-01T00:00:00Z"},
                "expires_at",
                "Saisissez une date et une heure dans le futur.",
            ),
            ({"name": "x", "scopes": [], "expires_at": "tomorrow"}, "expires_at", None),
        ],
    )
    def test_invalid_payloads_give_field_errors(self, client, member, payload, field, message):
        client.force_login(member.user)
        response = client.post("/api/v1/accounts/tokens", payload, content_type="application/json")
        body = assert_error_format(response, 422)
        errors = {error["field"]: error["message"] for error in body["errors"]}
        assert field in errors
        if message:
            assert errors[field] == message
        assert not ApiToken.objects.exists()

    def test_openapi_says_expires_at_must_be_in_the_future_and_tokens_need_a_session(self, client):
        description = client.get("/api/v1/openapi.json").json()
        expires_at = description["components"]["schemas"]["TokenCreateIn"]["properties"]["expires_at"]
        assert expires_at["format"] == "date-time"
        assert "must be in the future" in expires_at["description"]
        for method, path in [("get", "/tokens"), ("post", "/tokens"), ("post", "/tokens/{token_id}/revoke")]:
            operation = description["paths"]["/api/v1/accounts" + path][method]
            assert operation["security"] == [{"SessionOnlyAuth": []}], (method, path)
            assert "a request authenticated by a token is refused" in operation["description"]
            assert "403" in operation["responses"]

    def test_someone_elses_token_is_404(self, client, member):
        client.force_login(member.user)
        other = MembershipFactory()
        make_token(other.user)
        token = ApiToken.objects.get(user=other.user)
        response = client.post(f"/api/v1/accounts/tokens/{token.public_id}/revoke")
        assert_error_format(response, 404)
        token.refresh_from_db()
        assert token.revoked_at is None


def test_the_token_pages_ignore_a_token_and_ask_to_log_in(client, member):
    secret = make_token(member.user)
    token = ApiToken.objects.get()
    headers = {"Authorization": f"Bearer {secret}"}
    pages = [
        client.get(reverse("accounts:tokens"), headers=headers),
        client.post(reverse("accounts:tokens"), {"name": "successor", "lifetime": 7}, headers=headers),
        client.post(reverse("accounts:token_revoke", args=[token.public_id]), headers=headers),
    ]
    for response in pages:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert list(ApiToken.objects.all()) == [token]
    token.refresh_from_db()
    assert token.revoked_at is None


class TestTokenLifecycle:
    """A token never outlives its owner's membership of the organisation it acts for."""

    def test_a_token_acts_for_its_own_membership_only(self, client, member):
        other = MembershipFactory(user=member.user, organisation=OrganisationFactory(name="AAA first by name"))
        secret = make_token(member.user)  # made while acting for the first organisation by name
        assert ApiToken.objects.get().membership == other
        body = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"}).json()
        assert body["current_organisation_id"] == str(other.organisation.public_id)
        assert [m["organisation_id"] for m in body["memberships"]] == [str(other.organisation.public_id)]
        # Leaving the other organisation ends this token, not the member's session rights elsewhere.
        admin = MembershipFactory(admin=True, organisation=other.organisation)
        membership_deactivate(actor_for(admin.user), membership=other)
        assert client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
        client.force_login(member.user)
        assert client.get("/api/v1/accounts/me").status_code == 200

    def test_deactivating_the_member_revokes_their_tokens_for_good(self, client, member):
        secrets = [make_token(member.user), make_token(member.user)]
        elsewhere = MembershipFactory(user=member.user)
        other_secret = make_token(member.user)
        ApiToken.objects.filter(token_hash=hash_secret(other_secret)).update(membership=elsewhere)
        admin = MembershipFactory(admin=True, organisation=member.organisation)

        membership_deactivate(actor_for(admin.user), membership=member)

        revoked = ApiToken.objects.filter(membership=member)
        assert revoked.count() == 2
        assert all(token.revoked_at and token.revoked_by == admin.user for token in revoked)
        events = AccountEvent.objects.filter(kind="TOKEN_REVOKED", subject_user=member.user)
        assert {event.object_id for event in events} == {token.public_id for token in revoked}
        assert {event.actor for event in events} == {admin.user}
        assert {event.organisation for event in events} == {member.organisation}
        # The token acting for another organisation is that organisation's business: it keeps working.
        other_headers = {"Authorization": f"Bearer {other_secret}"}
        assert client.get("/api/v1/accounts/me", headers=other_headers).status_code == 200

        membership_reactivate(actor_for(admin.user), membership=member)
        for secret in secrets:
            response = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"})
            assert_error_format(response, 401)
        assert ApiToken.objects.filter(membership=member, revoked_at__isnull=True).count() == 0

    def test_reaccepting_an_invitation_does_not_revive_tokens(self, client, member):
        secret = make_token(member.user)
        admin = MembershipFactory(admin=True, organisation=member.organisation)
        membership_deactivate(actor_for(admin.user), membership=member)
        Membership.objects.filter(pk=member.pk).update(is_active=True)  # however the membership comes back
        assert client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401

    def test_deactivating_the_account_in_the_admin_revokes_its_tokens_for_good(self, client, member):
        secret = make_token(member.user)
        staff = UserFactory(is_staff=True, is_superuser=True)
        client.force_login(staff)
        url = reverse("admin:accounts_user_change", args=[member.user.pk])
        form = client.get(url).context["adminform"].form
        data = {name: value for name, value in form.initial.items() if value is not None}
        data.update(
            {
                "is_active": "",
                "groups": [],
                "user_permissions": [],
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            }
        )
        data = {key: value for key, value in data.items() if key not in {"password", "is_staff", "is_superuser"}}
        response = client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        token = ApiToken.objects.get()
        assert token.revoked_at is not None and token.revoked_by == staff
        assert AccountEvent.objects.filter(kind="TOKEN_REVOKED", object_id=token.public_id, actor=staff).exists()
        type(member.user).objects.filter(pk=member.user.pk).update(is_active=True)
        client.logout()
        assert client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401

    def test_a_deactivated_organisation_refuses_its_tokens(self, client, member):
        secret = make_token(member.user)
        Organisation.objects.filter(pk=member.organisation_id).update(status=OrganisationStatus.DEACTIVATED)
        assert_error_format(client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"}), 401)

    def test_a_token_without_membership_serves_a_person_but_not_a_professional(self, client):
        person = UserFactory(kind=UserKind.PERSON)
        secret = make_token(person)
        assert ApiToken.objects.get(user=person).membership is None
        assert client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        # A professional's unbound token (made before tokens were bound) has no organisation to act for.
        professional = MembershipFactory().user
        secret = make_token(professional)
        ApiToken.objects.filter(user=professional).update(membership=None)
        response = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"})
        assert_error_format(response, 401)


class TestErrorFormat:
    def test_malformed_json_is_400(self, client, member):
        client.force_login(member.user)
        response = client.post("/api/v1/accounts/tokens", "{not json", content_type="application/json")
        assert_error_format(response, 400)

    def test_wrong_method_is_405(self, client, bearer):
        response = client.delete("/api/v1/accounts/me", headers=bearer)
        assert_error_format(response, 405)
        assert "GET" in response["Allow"]

    def test_unknown_path_is_404_json(self, client, bearer):
        assert_error_format(client.get("/api/v1/nowhere", headers=bearer), 404)
        assert_error_format(client.post("/api/v1/nowhere/else", headers=bearer), 404)

    def test_invalid_query_is_422_with_field(self, client, bearer):
        body = assert_error_format(client.get("/api/v1/accounts/organisations?page=0", headers=bearer), 422)
        assert body["errors"][0]["field"] == "page"
        body = assert_error_format(client.get("/api/v1/accounts/organisations?page_size=x", headers=bearer), 422)
        assert body["errors"][0]["field"] == "page_size"

    def test_null_characters_are_refused(self, client, bearer):
        response = client.post(
            "/api/v1/accounts/tokens",
            '{"name": "a\\u0000b", "scopes": [], "expires_at": "2099-01-01T00:00:00Z"}',
            content_type="application/json",
            headers=bearer,
        )
        assert_error_format(response, 422)

    def test_too_large_body_is_400(self, client, bearer, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
        body = json.dumps({"name": "x" * 200, "scopes": [], "expires_at": "2099-01-01T00:00:00Z"})
        response = client.post("/api/v1/accounts/tokens", body, content_type="application/json", headers=bearer)
        assert_error_format(response, 400)

    def test_throttling_is_429(self, client, bearer, monkeypatch):
        from config.api import api

        for throttle in api.throttle:
            monkeypatch.setattr(throttle, "num_requests", 2)
        assert client.get("/api/v1/accounts/me", headers=bearer).status_code == 200
        assert client.get("/api/v1/accounts/me", headers=bearer).status_code == 200
        response = client.get("/api/v1/accounts/me", headers=bearer)
        assert_error_format(response, 429)
        assert int(response["Retry-After"]) > 0

    def test_messages_are_translated(self, client):
        french = client.get("/api/v1/accounts/me", headers={"Accept-Language": "fr"}).json()["detail"]
        english = client.get("/api/v1/accounts/me", headers={"Accept-Language": "en"}).json()["detail"]
        assert english == "Authentication required: send a valid API token."
        assert french  # the French catalogue is filled by the lead


class TestOrganisationsApi:
    def test_lists_validated_organisations_paginated(self, client, bearer, member):
        OrganisationFactory.create_batch(3)
        OrganisationFactory(status=OrganisationStatus.PENDING, name="Pending one")
        page = client.get("/api/v1/accounts/organisations?page_size=2", headers=bearer).json()
        assert page["count"] == 4  # three + the member's own
        assert len(page["items"]) == 2
        assert page["next"].endswith("page=2&page_size=2") or "page=2" in page["next"]
        assert page["previous"] is None
        second = client.get(page["next"], headers=bearer).json()
        assert len(second["items"]) == 2 and second["next"] is None and second["previous"]
        names = [item["name"] for item in page["items"] + second["items"]]
        assert "Pending one" not in names

    def test_page_beyond_the_end_is_empty(self, client, bearer):
        page = client.get("/api/v1/accounts/organisations?page=999999", headers=bearer).json()
        assert page["items"] == [] and page["next"] is None

    def test_page_size_is_bounded(self, client, bearer):
        assert client.get("/api/v1/accounts/organisations?page_size=1000", headers=bearer).status_code == 422


class TestHostileCookies:
    def test_session_cookie_with_a_null_character_is_ignored(self, client, bearer):
        client.cookies["sessionid"] = "abc\x00def12345"
        assert client.get("/api/v1/accounts/me", headers=bearer).status_code == 200
        assert client.get("/").status_code == 302


class TestHostileBodies:
    def test_malformed_multipart_is_400(self, client, bearer):
        response = client.generic(
            "POST",
            "/api/v1/accounts/tokens",
            b"--x\r\nContent-Disposition: form-data\r\n\r\nbroken",
            content_type="multipart/form-data",  # no boundary
            headers=bearer,
        )
        assert response.status_code in {400, 422}
        assert set(response.json()) == {"detail", "errors"}

    def test_form_field_with_a_null_character_is_422(self, client, bearer):
        response = client.post("/api/v1/accounts/tokens", {"name": "a\x00b"}, headers=bearer)
        assert response.status_code == 422

import pytest
from django.urls import reverse

from maillage.accounts.actors import CURRENT_ORGANISATION_SESSION_KEY
from maillage.accounts.enums import AccountEventKind, OrganisationStatus, Sector
from maillage.accounts.models import AccountEvent, ApiToken
from maillage.accounts.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


class TestOrganisationSwitch:
    def test_member_of_several_organisations_chooses(self, client, member):
        second = MembershipFactory(user=member.user, organisation__name="Zeta")
        client.force_login(member.user)
        home = client.get(reverse("core:home"))
        assert home.context["actor"].organisation == member.organisation
        assert "organisation-select" in home.content.decode()

        response = client.post(
            reverse("accounts:organisation_switch"),
            {"organisation": str(second.organisation.public_id), "next": reverse("accounts:tokens")},
        )
        assert response.status_code == 302
        assert response.url == reverse("accounts:tokens")
        assert client.session[CURRENT_ORGANISATION_SESSION_KEY] == second.organisation_id
        assert client.get(reverse("core:home")).context["actor"].organisation == second.organisation

    def test_cannot_switch_to_a_foreign_organisation(self, client, member):
        foreign = MembershipFactory()
        client.force_login(member.user)
        response = client.post(
            reverse("accounts:organisation_switch"), {"organisation": str(foreign.organisation.public_id)}
        )
        assert response.status_code == 302
        assert CURRENT_ORGANISATION_SESSION_KEY not in client.session
        assert client.get(reverse("core:home")).context["actor"].organisation == member.organisation

    def test_external_next_is_ignored(self, client, member):
        second = MembershipFactory(user=member.user)
        client.force_login(member.user)
        response = client.post(
            reverse("accounts:organisation_switch"),
            {"organisation": str(second.organisation.public_id), "next": "https://evil.example/"},
        )
        assert response.url == reverse("core:home")

    def test_switch_is_post_only(self, client, member):
        client.force_login(member.user)
        assert client.get(reverse("accounts:organisation_switch")).status_code == 405

    def test_deactivated_membership_falls_back(self, client, member):
        second = MembershipFactory(user=member.user)
        client.force_login(member.user)
        client.post(reverse("accounts:organisation_switch"), {"organisation": str(second.organisation.public_id)})
        second.is_active = False
        second.save(update_fields=["is_active"])
        assert client.get(reverse("core:home")).context["actor"].organisation == member.organisation


class TestOrganisationEdit:
    def test_admin_edits_details(self, client, admin_membership):
        organisation = admin_membership.organisation
        client.force_login(admin_membership.user)
        url = reverse("accounts:organisation_edit")
        assert client.get(url).status_code == 200
        data = {
            "name": "CPAS de Durbuy",
            "alternate_name": "CPAS",
            "description": "",
            "sector": Sector.SOCIAL_ACTION,
            "identifier_scheme": "",
            "identifier": "",
            "street_address": "Rue du Comte Théodule 1",
            "postcode": "6940",
            "locality": "Durbuy",
            "email": "accueil@example.org",
            "phone": "",
            "website": "",
        }
        response = client.post(url, data)
        assert response.status_code == 302
        organisation.refresh_from_db()
        assert organisation.name == "CPAS de Durbuy"
        assert organisation.updated_by == admin_membership.user
        assert AccountEvent.objects.filter(kind=AccountEventKind.ORGANISATION_UPDATED).count() == 1

    def test_invalid_input_keeps_what_was_typed(self, client, admin_membership):
        client.force_login(admin_membership.user)
        response = client.post(
            reverse("accounts:organisation_edit"),
            {"name": "", "sector": "NOPE", "email": "bad", "website": "not a url", "locality": "Marche"},
        )
        assert response.status_code == 200  # the form again, with its errors
        assert {"name", "sector", "email", "website"} <= set(response.context["form"].errors)
        assert 'value="Marche"' in response.content.decode()

    def test_status_cannot_be_changed_here(self, client, admin_membership):
        client.force_login(admin_membership.user)
        organisation = admin_membership.organisation
        client.post(
            reverse("accounts:organisation_edit"),
            {"name": organisation.name, "sector": organisation.sector, "status": OrganisationStatus.DEACTIVATED},
        )
        organisation.refresh_from_db()
        assert organisation.status == OrganisationStatus.VALIDATED

    def test_professional_sees_details_but_cannot_edit(self, client, member):
        client.force_login(member.user)
        response = client.get(reverse("accounts:organisation_detail"))
        assert response.status_code == 200
        assert not response.context["can_edit"]
        assert reverse("accounts:organisation_edit") not in response.content.decode()
        assert client.get(reverse("accounts:organisation_edit")).status_code == 403
        assert client.post(reverse("accounts:organisation_edit"), {"name": "x"}).status_code == 403


class TestTokensPage:
    def test_create_shows_the_secret_once(self, client, member):
        client.force_login(member.user)
        url = reverse("accounts:tokens")
        assert client.get(url).status_code == 200
        response = client.post(url, {"name": "Export script", "scopes": ["directory:read"], "lifetime": "30"})
        assert response.status_code == 201
        secret = response.context["secret"]
        assert secret in response.content.decode()
        assert response["Cache-Control"] == "no-store"
        token = ApiToken.objects.get()
        assert token.scopes == ["directory:read"]
        page = client.get(url).content.decode()
        assert secret not in page
        assert token.prefix in page
        api = client.get("/api/v1/accounts/organisations", headers={"Authorization": f"Bearer {secret}"})
        assert api.status_code == 200

    def test_invalid_form_keeps_input(self, client, member):
        client.force_login(member.user)
        response = client.post(
            reverse("accounts:tokens"), {"name": "Mon script", "scopes": ["root"], "lifetime": "9999"}
        )
        assert response.status_code == 200  # the form again, with its errors
        assert {"scopes", "lifetime"} == set(response.context["form"].errors)
        assert 'value="Mon script"' in response.content.decode()
        assert not ApiToken.objects.exists()

    def test_revoke_own_token_only(self, client, member):
        other = MembershipFactory()
        client.force_login(other.user)
        client.post(reverse("accounts:tokens"), {"name": "theirs", "lifetime": "7"})
        theirs = ApiToken.objects.get()
        client.force_login(member.user)
        assert client.post(reverse("accounts:token_revoke", args=[theirs.public_id])).status_code == 404
        client.post(reverse("accounts:tokens"), {"name": "mine", "lifetime": "7"})
        mine = ApiToken.objects.get(user=member.user)
        url = reverse("accounts:token_revoke", args=[mine.public_id])
        asked = client.post(url)  # the first POST asks; nothing is revoked yet
        assert asked.status_code == 200 and 'name="confirmed" value="yes"' in asked.content.decode()
        mine.refresh_from_db()
        assert mine.revoked_at is None
        assert client.post(url, {"confirmed": "yes"}).status_code == 302
        mine.refresh_from_db()
        theirs.refresh_from_db()
        assert mine.revoked_by == member.user and theirs.revoked_at is None

    def test_navigation_links(self, client, admin_membership):
        client.force_login(admin_membership.user)
        page = client.get(reverse("core:home")).content.decode()
        for name in ["members", "organisation_detail", "tokens"]:
            assert reverse(f"accounts:{name}") in page

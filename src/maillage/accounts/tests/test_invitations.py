import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.actors import CURRENT_ORGANISATION_SESSION_KEY, actor_for
from maillage.accounts.enums import AccountEventKind, OrganisationStatus, Role
from maillage.accounts.models import AccountEvent, Invitation, Membership, User
from maillage.accounts.services import invitation_create, invitation_revoke
from maillage.accounts.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a solid passphrase 2026"


def invite(admin_membership, django_capture_on_commit_callbacks, email="new.colleague@example.org", **fields):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor_for(admin_membership.user), organisation=admin_membership.organisation, email=email, **fields
        )
    return invitation


def link_from_mail() -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitations/[0-9a-f]+/)", mail.outbox[-1].body).group(1)


class TestInvitationCreate:
    def test_admin_invites_and_the_email_leaves_on_commit(self, admin_membership, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            invitation = invitation_create(
                actor_for(admin_membership.user),
                organisation=admin_membership.organisation,
                email="  New.Colleague@Example.org ",
                role=Role.PROFESSIONAL,
                job_title="Assistante sociale",
            )
            assert mail.outbox == []
        for callback in callbacks:
            callback()
        assert invitation.email == "new.colleague@example.org"
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["new.colleague@example.org"]
        assert admin_membership.organisation.name in message.subject
        assert message.alternatives
        token = link_from_mail().rstrip("/").rsplit("/", 1)[-1]
        assert token not in {invitation.token_hash, str(invitation.public_id)}
        assert AccountEvent.objects.filter(
            kind=AccountEventKind.INVITATION_CREATED, actor=admin_membership.user
        ).exists()

    def test_expiry_is_configurable(self, admin_membership, django_capture_on_commit_callbacks, settings):
        settings.INVITATION_VALID_DAYS = 2
        invitation = invite(admin_membership, django_capture_on_commit_callbacks)
        assert invitation.expires_at - timezone.now() < dt.timedelta(days=2, minutes=1)

    def test_professional_cannot_invite(self, member):
        with pytest.raises(PermissionDenied):
            invitation_create(actor_for(member.user), organisation=member.organisation, email="x@example.org")

    def test_admin_of_another_organisation_cannot_invite(self, admin_membership, member):
        with pytest.raises(PermissionDenied):
            invitation_create(
                actor_for(admin_membership.user), organisation=member.organisation, email="x@example.org"
            )

    def test_existing_member_cannot_be_invited(self, admin_membership):
        colleague = MembershipFactory(organisation=admin_membership.organisation)
        with pytest.raises(ValidationError) as error:
            invitation_create(
                actor_for(admin_membership.user),
                organisation=admin_membership.organisation,
                email=colleague.user.email.upper(),
            )
        assert "email" in error.value.message_dict

    def test_coordinator_role_is_for_platform_staff(self, admin_membership):
        with pytest.raises(ValidationError):
            invitation_create(
                actor_for(admin_membership.user),
                organisation=admin_membership.organisation,
                email="x@example.org",
                role=Role.NETWORK_COORDINATOR,
            )

    def test_reinviting_revokes_the_previous_link(self, admin_membership, django_capture_on_commit_callbacks, client):
        invite(admin_membership, django_capture_on_commit_callbacks)
        first_link = link_from_mail()
        invite(admin_membership, django_capture_on_commit_callbacks)
        second_link = link_from_mail()
        assert first_link != second_link
        assert client.get(first_link).status_code == 410
        assert client.get(second_link).status_code == 200
        assert Invitation.objects.open().count() == 1


class TestInvitationAccept:
    def test_newcomer_creates_account_and_joins(self, client, admin_membership, django_capture_on_commit_callbacks):
        invitation = invite(admin_membership, django_capture_on_commit_callbacks, job_title="Infirmier")
        link = link_from_mail()
        response = client.get(link)
        assert response.status_code == 200
        assert response.context["mode"] == "register"

        response = client.post(
            link, {"first_name": "Camille", "last_name": "Lambert", "password1": "short", "password2": "short"}
        )
        assert response.status_code == 200  # the form again, with its errors
        assert response.context["form"].errors["password1"]
        assert 'value="Camille"' in response.content.decode()  # nothing typed is lost

        response = client.post(
            link,
            {"first_name": "Camille", "last_name": "Lambert", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        user = User.objects.get(email=invitation.email)
        assert user.check_password(NEW_PASSWORD)
        membership = Membership.objects.get(user=user)
        assert membership.organisation == admin_membership.organisation
        assert membership.job_title == "Infirmier"
        assert client.session[CURRENT_ORGANISATION_SESSION_KEY] == membership.organisation_id
        assert client.get(reverse("core:home")).status_code == 200

        # Single use.
        client.post(reverse("accounts:logout"))
        response = client.get(link)
        assert response.status_code == 410
        assert response.context["reason"] == "accepted"

    def test_registered_user_joins_with_their_password(
        self, client, admin_membership, django_capture_on_commit_callbacks
    ):
        existing = MembershipFactory()  # a member elsewhere
        invite(admin_membership, django_capture_on_commit_callbacks, email=existing.user.email)
        link = link_from_mail()
        response = client.get(link)
        assert response.context["mode"] == "login"
        response = client.post(link, {"password": "wrong one"})
        assert response.status_code == 200  # the form again, with its errors
        assert response.context["form"].errors["password"]
        response = client.post(link, {"password": TEST_PASSWORD})
        assert response.status_code == 302
        assert Membership.objects.filter(user=existing.user, organisation=admin_membership.organisation).exists()
        assert User.objects.filter(email=existing.user.email).count() == 1

    def test_logged_in_registered_user_confirms(self, client, admin_membership, django_capture_on_commit_callbacks):
        existing = MembershipFactory()
        invite(admin_membership, django_capture_on_commit_callbacks, email=existing.user.email)
        link = link_from_mail()
        client.force_login(existing.user)
        assert client.get(link).context["mode"] == "confirm"
        assert client.post(link).status_code == 302
        assert Membership.objects.filter(user=existing.user, organisation=admin_membership.organisation).exists()

    def test_former_member_without_access_can_rejoin(
        self, client, admin_membership, django_capture_on_commit_callbacks
    ):
        former = MembershipFactory(organisation=admin_membership.organisation, is_active=False)
        with pytest.raises(ValidationError):
            invite(admin_membership, django_capture_on_commit_callbacks, email=former.user.email)
        other_admin = MembershipFactory(admin=True)
        invite(other_admin, django_capture_on_commit_callbacks, email=former.user.email)
        response = client.post(link_from_mail(), {"password": TEST_PASSWORD})
        assert response.status_code == 302
        assert client.get(reverse("core:home")).status_code == 200

    def test_other_logged_in_account_is_told_to_log_out(
        self, client, admin_membership, django_capture_on_commit_callbacks
    ):
        invite(admin_membership, django_capture_on_commit_callbacks)
        client.force_login(MembershipFactory().user)
        response = client.get(link_from_mail())
        assert response.status_code == 403
        assert "accounts/invitation_other_account.html" in [t.name for t in response.templates]

    @pytest.mark.parametrize("state", ["expired", "revoked", "organisation"])
    def test_unusable_links_give_a_clear_page(
        self, client, admin_membership, django_capture_on_commit_callbacks, state
    ):
        invitation = invite(admin_membership, django_capture_on_commit_callbacks)
        if state == "expired":
            Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        elif state == "revoked":
            invitation_revoke(actor_for(admin_membership.user), invitation=invitation)
        else:
            admin_membership.organisation.status = OrganisationStatus.DEACTIVATED
            admin_membership.organisation.save(update_fields=["status"])
        link = link_from_mail()
        for response in (client.get(link), client.post(link, {"first_name": "A", "last_name": "B"})):
            assert response.status_code == 410
            assert response.context["reason"] == state
        assert not User.objects.filter(email=invitation.email).exists()

    @pytest.mark.parametrize("token", ["nope", "0" * 64, "x" * 500, "%00"])
    def test_unknown_links_are_404_pages(self, client, token):
        response = client.get(f"/accounts/invitations/{token}/")
        assert response.status_code == 404


class TestMembersPage:
    def test_admin_sees_members_and_pending_invitations(
        self, client, admin_membership, django_capture_on_commit_callbacks
    ):
        colleague = MembershipFactory(organisation=admin_membership.organisation)
        MembershipFactory()  # elsewhere
        invite(admin_membership, django_capture_on_commit_callbacks, email="pending@example.org")
        client.force_login(admin_membership.user)
        response = client.get(reverse("accounts:members"))
        assert response.status_code == 200
        assert {m.pk for m in response.context["memberships"]} == {admin_membership.pk, colleague.pk}
        assert [i.email for i in response.context["invitations"]] == ["pending@example.org"]

    def test_professional_is_refused(self, client, member):
        client.force_login(member.user)
        assert client.get(reverse("accounts:members")).status_code == 403
        assert client.post(reverse("accounts:invitation_create"), {"email": "a@example.org"}).status_code == 403

    def test_invite_through_the_form(self, client, admin_membership, django_capture_on_commit_callbacks):
        client.force_login(admin_membership.user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:invitation_create"),
                {"email": "colleague@example.org", "role": Role.PROFESSIONAL, "job_title": "Éducatrice"},
            )
        assert response.status_code == 302
        assert len(mail.outbox) == 1

    def test_invalid_invitation_form_keeps_what_was_typed(self, client, admin_membership):
        client.force_login(admin_membership.user)
        response = client.post(
            reverse("accounts:invitation_create"),
            {"email": "not an address", "role": "KING", "job_title": "Éducatrice"},
        )
        assert response.status_code == 200  # the form again, with its errors
        assert set(response.context["form"].errors) == {"email", "role"}
        assert "Éducatrice" in response.content.decode()
        assert "not an address" in response.content.decode()

    def test_revoke_invitation(self, client, admin_membership, django_capture_on_commit_callbacks):
        invitation = invite(admin_membership, django_capture_on_commit_callbacks)
        client.force_login(admin_membership.user)
        response = client.post(reverse("accounts:invitation_revoke", args=[invitation.public_id]))
        assert response.status_code == 302
        invitation.refresh_from_db()
        assert invitation.revoked_by == admin_membership.user
        assert client.get(link_from_mail()).status_code == 410

    def test_deactivation_ends_access_at_the_next_request_and_reactivation_restores_it(self, client, admin_membership):
        colleague = MembershipFactory(organisation=admin_membership.organisation)
        colleague_client = type(client)()
        colleague_client.force_login(colleague.user)
        assert colleague_client.get(reverse("core:home")).status_code == 200

        client.force_login(admin_membership.user)
        url = reverse("accounts:membership_deactivate", args=[colleague.user.public_id])
        assert 'name="confirmed"' in client.post(url).content.decode()  # asked first
        colleague.refresh_from_db()
        assert colleague.is_active
        response = client.post(url, {"confirmed": "yes"})
        assert response.status_code == 302
        colleague.refresh_from_db()
        assert not colleague.is_active
        assert colleague.deactivated_by == admin_membership.user
        assert AccountEvent.objects.filter(
            kind=AccountEventKind.MEMBERSHIP_DEACTIVATED, actor=admin_membership.user, subject_user=colleague.user
        ).exists()

        response = colleague_client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response.url == reverse("accounts:login")

        client.post(reverse("accounts:membership_reactivate", args=[colleague.user.public_id]))
        colleague.refresh_from_db()
        assert colleague.is_active and colleague.deactivated_by is None
        colleague_client.force_login(colleague.user)
        assert colleague_client.get(reverse("core:home")).status_code == 200

    def test_admin_cannot_deactivate_themselves_or_strangers(self, client, admin_membership):
        client.force_login(admin_membership.user)
        client.post(reverse("accounts:membership_deactivate", args=[admin_membership.user.public_id]))
        admin_membership.refresh_from_db()
        assert admin_membership.is_active
        stranger = MembershipFactory()
        response = client.post(reverse("accounts:membership_deactivate", args=[stranger.user.public_id]))
        assert response.status_code == 404
        stranger.refresh_from_db()
        assert stranger.is_active

    def test_deactivation_is_post_only(self, client, admin_membership):
        colleague = MembershipFactory(organisation=admin_membership.organisation)
        client.force_login(admin_membership.user)
        assert (
            client.get(reverse("accounts:membership_deactivate", args=[colleague.user.public_id])).status_code == 405
        )

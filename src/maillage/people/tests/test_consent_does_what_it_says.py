"""Consent that does what it says: a sharing without the identity is flagged before it is saved, the list shows
only files that open, withdrawing the team-wide sharing warns that the referent loses the file too, and no e-mail
points to a file its reader can no longer open."""

import pytest
from django.core import mail
from django.urls import reverse

from maillage.access.enums import Category
from maillage.accounts.actors import actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.consent.models import Consent
from maillage.core.tests.helpers import guard_fields, post_form
from maillage.people.enums import InvolvementEndReason
from maillage.people.services import involvement_end_propose
from maillage.people.tests.factories import ConsentFactory, InvolvementFactory, ObjectionFactory, PersonFactory

pytestmark = pytest.mark.django_db


def consent_url(person) -> str:
    return reverse("consent:consent_create", kwargs={"public_id": person.public_id})


@pytest.fixture
def own(network):
    network.person.user = UserFactory(kind=UserKind.PERSON, email="amelie.own@example.org")
    network.person.save(update_fields=["user"])
    return network


class TestSharingWithoutIdentity:
    DATA = {"purpose": "Suivi", "categories": ["SOCIAL"], "legal_basis": "CONSENT", "how_given": "ORAL_RECORDED"}

    def test_a_sharing_that_would_open_nothing_is_flagged_before_saving(self, client, network):
        newcomer = PersonFactory()
        InvolvementFactory(person=newcomer, organisation=network.referent_org, professional=network.referent)
        InvolvementFactory(person=newcomer, organisation=network.partner_org, professional=network.partner)
        ConsentFactory(person=newcomer, recipient_organisation=network.referent_org, categories=[Category.IDENTITY])
        client.force_login(network.referent)
        data = {**self.DATA, "recipient": str(network.partner_org.pk)}
        response = post_form(client, consent_url(newcomer), data)
        assert response.status_code == 422
        assert "le destinataire ne peut pas ouvrir le dossier" in response.content.decode()
        assert Consent.objects.filter(person=newcomer).count() == 1
        # Confirmed, it is recorded as it is.
        fields = guard_fields(response.content.decode())
        confirmed = client.post(consent_url(newcomer), {**data, **fields, "without_identity": "on"})
        assert confirmed.status_code == 302
        assert Consent.objects.filter(person=newcomer).count() == 2

    def test_no_warning_when_the_recipient_already_sees_the_identity(self, client, network):
        client.force_login(network.referent)
        data = {**self.DATA, "recipient": str(network.partner_org.pk)}
        assert post_form(client, consent_url(network.person), data).status_code == 302

    def test_no_warning_with_the_identity(self, client, network):
        newcomer = PersonFactory()
        InvolvementFactory(person=newcomer, organisation=network.referent_org, professional=network.referent)
        client.force_login(network.referent)
        data = {**self.DATA, "categories": ["IDENTITY", "SOCIAL"]}
        assert post_form(client, consent_url(newcomer), data).status_code == 302


class TestSharingWithoutIdentityFromTheOwnSpace:
    """The person's 'let someone see more' warns like the professional's form, in the person's words."""

    def grant(self, client, data):
        url = reverse("people:space_consent_grant")
        return post_form(client, url, data, page=reverse("people:space_home"))

    def test_a_grant_that_would_open_nothing_is_flagged_then_confirmed(self, client, own):
        ObjectionFactory(person=own.person, organisation=own.partner_org, category=Category.IDENTITY)
        client.force_login(own.person.user)
        before = Consent.objects.filter(person=own.person).count()
        data = {"recipient": str(own.partner_org.public_id), "categories": ["SOCIAL"], "purpose": "Mon projet"}
        response = self.grant(client, data)
        html = response.content.decode()
        assert response.status_code == 422
        assert "on ne peut pas ouvrir votre dossier" in html
        assert 'type="checkbox" name="without_identity"' in html
        assert Consent.objects.filter(person=own.person).count() == before
        fields = guard_fields(html, reverse("people:space_consent_grant"))
        confirmed = client.post(reverse("people:space_consent_grant"), {**data, **fields, "without_identity": "on"})
        assert confirmed.status_code == 302
        assert Consent.objects.filter(person=own.person).count() == before + 1

    def test_no_warning_with_the_identity(self, client, own):
        ObjectionFactory(person=own.person, organisation=own.partner_org, category=Category.SOCIAL)
        client.force_login(own.person.user)
        data = {"recipient": "team", "categories": ["IDENTITY", "HEALTH"], "purpose": "Mon projet"}
        assert self.grant(client, data).status_code == 302

    def test_no_warning_when_they_already_see_the_identity(self, client, own):
        client.force_login(own.person.user)
        data = {"recipient": str(own.partner_org.public_id), "categories": ["HEALTH"], "purpose": "Mon projet"}
        assert self.grant(client, data).status_code == 302


class TestTheListOpens:
    def test_a_person_whose_identity_is_not_shared_is_not_listed(self, client, network):
        hidden = PersonFactory(first_name="Zoé", last_name="Invisible")
        InvolvementFactory(person=hidden, organisation=network.referent_org, professional=network.referent)
        ConsentFactory(person=hidden, categories=[Category.SOCIAL])  # opens nothing
        client.force_login(network.referent)
        html = client.get(reverse("people:person_list")).content.decode()
        assert str(hidden.public_id) not in html
        assert str(network.person.public_id) in html
        assert "1 autre personne que votre organisation accompagne" in html
        assert client.get(reverse("people:person_detail", args=[hidden.public_id])).status_code == 404


class TestWithdrawWarning:
    def test_withdrawing_the_team_wide_sharing_warns_that_the_referent_loses_the_file(
        self, client, own, django_capture_on_commit_callbacks
    ):
        team = Consent.objects.get(person=own.person, recipient_organisation=None)
        client.force_login(own.person.user)
        url = reverse("people:space_consent_revoke")
        warning = client.post(url, {"consent": team.pk})
        html = warning.content.decode()
        assert warning.status_code == 200
        assert "Votre référent perdra aussi votre dossier." in html
        assert not Consent.objects.filter(supersedes=team).exists()  # nothing withdrawn yet
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(url, {"consent": team.pk, "confirm": "yes"})
        assert done.status_code == 302
        client.force_login(own.referent)
        assert client.get(reverse("people:person_detail", args=[own.person.public_id])).status_code == 404
        # The referent is told, without being sent to a file they can no longer open.
        (told,) = mail.outbox
        assert told.to == [own.referent.email]
        assert str(own.person.public_id) in told.body and "Ouvrez" not in told.body and "ne pouvez plus" in told.body

    def test_no_warning_when_the_referent_keeps_another_basis(self, client, own):
        ConsentFactory(
            person=own.person, recipient_organisation=own.referent_org, categories=[Category.IDENTITY], explicit=True
        )
        team = Consent.objects.get(person=own.person, recipient_organisation=None)
        client.force_login(own.person.user)
        assert client.post(reverse("people:space_consent_revoke"), {"consent": team.pk}).status_code == 302


class TestNoDeadLinks:
    def test_a_sharing_change_that_keeps_the_file_still_points_to_it(
        self, client, own, django_capture_on_commit_callbacks
    ):
        health = ConsentFactory(
            person=own.person, recipient_organisation=own.partner_org, categories=[Category.HEALTH], explicit=True
        )
        client.force_login(own.person.user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("people:space_consent_revoke"), {"consent": health.pk})
        (told,) = mail.outbox
        assert "Ouvrez son dossier" in told.body

    def test_an_end_proposal_to_an_organisation_that_cannot_open_the_file_has_no_pointer(
        self, network, django_capture_on_commit_callbacks
    ):
        ObjectionFactory(person=network.person, organisation=network.partner_org, category=Category.IDENTITY)
        with django_capture_on_commit_callbacks(execute=True):
            involvement_end_propose(
                actor_for(network.referent),
                involvement=network.partner_involvement,
                reason=InvolvementEndReason.PERSON_CHOICE,
                detail="La personne le souhaite.",
            )
        (told,) = mail.outbox
        assert told.to == [network.partner.email]
        assert str(network.person.public_id) in told.body
        assert "Ouvrez" not in told.body and "ne permet pas" in told.body

"""Door rule 8 on the pages: one organisation does not decide another's access to the person's network.

The referent organisation (`referent`) and a care provider (`partner`) are involved; `stranger`'s
organisation is not. The pages offer only what each may do, refuse the rest with a clear message, and the
alerts go out after the commit without the person's name.
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.access.enums import Action, Outcome, Reason, Recipient
from maillage.access.models import AccessEvent
from maillage.accounts.actors import actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import OrganisationFactory, UserFactory
from maillage.core.tests.helpers import guard_fields
from maillage.people import services
from maillage.people.enums import EndProposalStatus, InvolvementStatus, PersonAgreement
from maillage.people.models import Involvement, InvolvementEndProposal
from maillage.people.tests.test_views_api import token_for

pytestmark = pytest.mark.django_db


def submit(client, url: str, data: dict, **kwargs):
    """POST as a browser would: with the form's one-time token and version when the page shows a form."""
    page = client.get(url)
    try:
        fields = guard_fields(page.content.decode()) if page.status_code == 200 else {}
    except AssertionError:
        fields = {}
    return client.post(url, {**fields, **data}, **kwargs)


def file_url(network) -> str:
    return reverse("people:person_detail", kwargs={"public_id": network.person.public_id})


def url(name: str, network, involvement) -> str:
    return reverse(
        f"people:{name}", kwargs={"public_id": network.person.public_id, "involvement_id": involvement.public_id}
    )


def end_url(network, involvement) -> str:
    return url("involvement_end", network, involvement)


def propose_url(network, involvement) -> str:
    return url("involvement_end_propose", network, involvement)


def answer_url(network, involvement) -> str:
    return url("involvement_end_answer", network, involvement)


PROPOSAL = {"reason": "OBJECTIVES_MET", "detail": "Le suivi psychologique est terminé."}


@pytest.fixture
def proposed(network, client, django_capture_on_commit_callbacks):
    """The referent proposed to end the partner's involvement."""
    client.force_login(network.referent)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, propose_url(network, network.partner_involvement), PROPOSAL)
    assert response.status_code == 302
    client.logout()
    return InvolvementEndProposal.objects.get(involvement=network.partner_involvement)


class TestWhatThePageOffers:
    def test_the_referent_ends_its_own_and_proposes_for_the_others(self, client, network):
        client.force_login(network.referent)
        html = client.get(file_url(network)).content.decode()
        assert end_url(network, network.referent_involvement) in html
        assert end_url(network, network.partner_involvement) not in html
        assert propose_url(network, network.partner_involvement) in html

    def test_a_partner_ends_its_own_and_is_sent_to_the_referent_for_the_others(self, client, network):
        client.force_login(network.partner)
        html = client.get(file_url(network)).content.decode()
        assert end_url(network, network.partner_involvement) in html
        assert end_url(network, network.referent_involvement) not in html
        assert propose_url(network, network.referent_involvement) not in html
        assert "Pour y mettre fin : passez par le référent" in html

    def test_organisations_already_involved_are_not_offered(self, client, network):
        OrganisationFactory(name="Zèbre ASBL")
        OrganisationFactory(name="Écoute Jeunes")
        OrganisationFactory(name="Abri de nuit")
        client.force_login(network.referent)
        html = client.get(reverse("people:involvement_create", kwargs={"public_id": network.person.public_id}))
        html = html.content.decode()
        assert network.stranger_org.name in html
        assert f">{network.partner_org.name}<" not in html and f">{network.referent_org.name}<" not in html
        # French order: accents do not send "Écoute" after "Zèbre".
        assert html.index("Abri de nuit") < html.index("Écoute Jeunes") < html.index("Zèbre ASBL")


class TestEndingAnotherOrganisationsInvolvement:
    def test_a_partner_cannot_end_the_referents_involvement(self, client, network):
        client.force_login(network.partner)
        involvement = network.referent_involvement
        response = client.get(end_url(network, involvement))
        assert response.status_code == 403
        assert "adressez-vous au référent de la personne" in response.content.decode()
        response = submit(client, end_url(network, involvement), {"ended_on": "2026-01-05", "end_reason": "OTHER"})
        assert response.status_code == 403
        involvement.refresh_from_db()
        assert involvement.status == InvolvementStatus.ACTIVE

    def test_the_referent_cannot_end_the_partners_involvement_directly(self, client, network):
        client.force_login(network.referent)
        response = submit(
            client, end_url(network, network.partner_involvement), {"ended_on": "2026-01-05", "end_reason": "OTHER"}
        )
        assert response.status_code == 403
        html = response.content.decode()
        assert (
            "adressez-vous au référent de la personne" in html
            and propose_url(network, network.partner_involvement) in html
        )
        assert Involvement.objects.get(pk=network.partner_involvement.pk).is_active

    def test_only_the_referent_proposes(self, client, network):
        client.force_login(network.partner)
        response = submit(client, propose_url(network, network.referent_involvement), PROPOSAL)
        assert response.status_code == 403
        assert "Seul le référent de la personne peut proposer" in response.content.decode()
        assert not InvolvementEndProposal.objects.exists()

    def test_a_stranger_gets_404(self, client, network):
        client.force_login(network.stranger)
        assert client.get(end_url(network, network.partner_involvement)).status_code == 404
        assert submit(client, propose_url(network, network.partner_involvement), PROPOSAL).status_code == 404
        assert submit(client, answer_url(network, network.partner_involvement), {"answer": "agree"}).status_code == 404

    def test_a_proposal_needs_its_words(self, client, network):
        client.force_login(network.referent)
        response = submit(
            client, propose_url(network, network.partner_involvement), {"reason": "OTHER", "detail": " "}
        )
        assert response.status_code == 422
        assert "Expliquez votre proposition" in response.content.decode()

    def test_the_proposal_tells_the_organisation_without_the_persons_name(self, network, proposed):
        assert proposed.status == EndProposalStatus.PENDING
        assert proposed.proposed_by_organisation == network.referent_org
        assert [m.to for m in mail.outbox] == [[network.partner.email]]
        body = mail.outbox[0].body
        assert str(network.person.public_id) in body
        assert network.person.first_name not in body and network.person.last_name not in body
        assert PROPOSAL["detail"] not in body  # free text stays in the file
        told = AccessEvent.objects.get(person_id=network.person.pk, action=Action.NOTIFY)
        assert told.extra["to"] == Recipient.ORGANISATION and told.reason == Reason.DUTY_TO_ALERT
        network.partner_involvement.refresh_from_db()
        assert network.partner_involvement.is_active  # nothing ends on a proposal

    def test_the_organisation_sees_it_and_a_second_proposal_is_not_offered(self, client, network, proposed):
        client.force_login(network.partner)
        html = client.get(file_url(network)).content.decode()
        assert "Le référent propose de mettre fin à l'intervention de votre organisation." in html
        assert answer_url(network, network.partner_involvement) in html
        client.force_login(network.referent)
        html = client.get(file_url(network)).content.decode()
        assert propose_url(network, network.partner_involvement) not in html
        assert submit(client, propose_url(network, network.partner_involvement), PROPOSAL).status_code == 403
        assert InvolvementEndProposal.objects.count() == 1

    def test_the_persons_list_flags_the_answer_awaited_from_the_organisation_only(self, client, network, proposed):
        flag = "Fin de votre intervention proposée : votre réponse est attendue"
        client.force_login(network.partner)
        assert flag in client.get(reverse("people:person_list")).content.decode()
        client.force_login(network.referent)
        assert flag not in client.get(reverse("people:person_list")).content.decode()

    def test_only_the_affected_organisation_answers(self, client, network, proposed):
        client.force_login(network.referent)
        response = submit(client, answer_url(network, network.partner_involvement), {"answer": "agree"})
        assert response.status_code == 403
        proposed.refresh_from_db()
        assert proposed.status == EndProposalStatus.PENDING

    def test_objecting_needs_a_comment_then_keeps_the_involvement_and_shows_the_disagreement(
        self, client, network, proposed, django_capture_on_commit_callbacks
    ):
        client.force_login(network.partner)
        response = submit(
            client, answer_url(network, network.partner_involvement), {"answer": "object", "comment": ""}
        )
        assert response.status_code == 422 and "Dites pourquoi votre organisation" in response.content.decode()
        mail.outbox = []
        comment = "Le suivi du sommeil continue jusqu'en juin."
        with django_capture_on_commit_callbacks(execute=True):
            response = submit(
                client, answer_url(network, network.partner_involvement), {"answer": "object", "comment": comment}
            )
        assert response.status_code == 302
        proposed.refresh_from_db()
        assert proposed.status == EndProposalStatus.OBJECTED and proposed.answer_comment == comment
        network.partner_involvement.refresh_from_db()
        assert network.partner_involvement.is_active
        assert [m.to for m in mail.outbox] == [[network.referent.email]]
        assert comment not in mail.outbox[0].body and network.person.first_name not in mail.outbox[0].body
        client.force_login(network.referent)
        html = client.get(file_url(network)).content.decode()
        assert "n'est pas d'accord avec la proposition du référent" in html and "Le suivi du sommeil continue" in html
        # The referent may propose again later: the disagreement is kept, the next proposal is a new row.
        assert propose_url(network, network.partner_involvement) in html

    def test_agreeing_ends_the_involvement(self, client, network, proposed, django_capture_on_commit_callbacks):
        client.force_login(network.partner)
        mail.outbox = []
        with django_capture_on_commit_callbacks(execute=True):
            response = submit(client, answer_url(network, network.partner_involvement), {"answer": "agree"})
        assert response.status_code == 302 and response["Location"] == reverse("people:person_list")
        involvement = Involvement.objects.get(pk=network.partner_involvement.pk)
        assert involvement.status == InvolvementStatus.ENDED and involvement.end_reason == PROPOSAL["reason"]
        assert InvolvementEndProposal.objects.get().status == EndProposalStatus.AGREED
        assert [m.to for m in mail.outbox] == [[network.referent.email]]
        assert client.get(file_url(network)).status_code == 404  # from the next request on

    def test_ending_its_own_involvement_closes_the_pending_proposal(self, client, network, proposed):
        client.force_login(network.partner)
        response = submit(
            client,
            end_url(network, network.partner_involvement),
            {"ended_on": timezone.localdate().isoformat(), "end_reason": "OBJECTIVES_MET"},
        )
        assert response.status_code == 302
        proposed.refresh_from_db()
        assert proposed.status == EndProposalStatus.CLOSED


class TestChangingTheReferent:
    def test_a_partner_cannot_make_itself_referent(self, client, network):
        client.force_login(network.partner)
        assert "/referent/" not in client.get(file_url(network)).content.decode()
        url = reverse("people:referent_change", kwargs={"public_id": network.person.public_id})
        response = submit(client, url, {"organisation": network.partner_org.pk, "reason": "Je prends la main"})
        assert response.status_code == 403
        assert "le référent actuel" in response.content.decode()
        assert Involvement.objects.get(pk=network.referent_involvement.pk).role == "REFERENT"

    def test_anyone_involved_may_choose_one_when_there_is_none(self, client, network):
        Involvement.objects.filter(pk=network.referent_involvement.pk).update(role="INTERVENING")
        client.force_login(network.partner)
        url = reverse("people:referent_change", kwargs={"public_id": network.person.public_id})
        response = submit(client, url, {"organisation": network.partner_org.pk, "reason": "Choisi avec Amélie"})
        assert response.status_code == 302
        assert Involvement.objects.get(pk=network.partner_involvement.pk).role == "REFERENT"


class TestAddingAnOrganisation:
    def test_the_person_and_the_referent_are_told(self, client, network, django_capture_on_commit_callbacks):
        client.force_login(network.partner)
        data = {
            "organisation": network.stranger_org.pk,
            "agreement": PersonAgreement.ORALLY,
            "role": "INTERVENING",
            "started_on": "2026-12-06",
        }
        mail.outbox = []
        with django_capture_on_commit_callbacks(execute=True):
            response = submit(
                client, reverse("people:involvement_create", kwargs={"public_id": network.person.public_id}), data
            )
        assert response.status_code == 302
        assert Involvement.objects.get(organisation=network.stranger_org).agreement == PersonAgreement.ORALLY
        assert sorted(m.to[0] for m in mail.outbox) == sorted([network.referent.email, network.person.email])
        for message in mail.outbox:
            assert network.stranger_org.name in message.body
            assert network.person.last_name not in message.body
        recipients = AccessEvent.objects.filter(person_id=network.person.pk, action=Action.NOTIFY)
        assert sorted(e.extra["to"] for e in recipients) == [Recipient.PERSON, Recipient.REFERENT]

    def test_an_organisation_already_involved_is_refused_with_a_message(self, network):
        with pytest.raises(ValidationError, match="accompagne déjà"):
            services.involvement_start(
                actor_for(network.referent),
                person=network.person,
                organisation=network.partner_org,
                agreement=PersonAgreement.ON_PAPER,
            )

    def test_a_professional_cannot_claim_the_agreement_was_given_in_the_persons_space(self, client, network):
        client.force_login(network.referent)
        data = {
            "organisation": network.stranger_org.pk,
            "agreement": PersonAgreement.IN_OWN_SPACE,
            "role": "INTERVENING",
            "started_on": "2026-12-06",
        }
        response = submit(
            client, reverse("people:involvement_create", kwargs={"public_id": network.person.public_id}), data
        )
        assert response.status_code == 422
        assert not Involvement.objects.filter(organisation=network.stranger_org).exists()


@pytest.fixture
def own(network):
    network.person.user = UserFactory(kind=UserKind.PERSON, email="amelie.own@example.org")
    network.person.save(update_fields=["user"])
    return network


class TestFromTheOwnSpace:
    def test_the_space_lists_the_network_and_offers_only_organisations_not_involved(self, client, own):
        client.force_login(own.person.user)
        html = client.get(reverse("people:space_home")).content.decode()
        assert "Ajouter une organisation à votre réseau" in html
        assert "Arrêter l'intervention d'une organisation" in html
        add_form = html[html.index('action="/people/me/network/add/"') :]
        add_form = add_form[: add_form.index("</form>")]
        assert own.stranger_org.name in add_form and own.partner_org.name not in add_form

    def test_the_person_adds_an_organisation(self, client, own, django_capture_on_commit_callbacks):
        client.force_login(own.person.user)
        mail.outbox = []
        with django_capture_on_commit_callbacks(execute=True):
            response = submit(
                client, reverse("people:space_involvement_add"), {"network-add-organisation": own.stranger_org.pk}
            )
        assert response.status_code == 302
        added = Involvement.objects.get(person=own.person, organisation=own.stranger_org)
        assert added.agreement == PersonAgreement.IN_OWN_SPACE and added.is_active
        assert [m.to for m in mail.outbox] == [[own.referent.email]]  # not the person: they did it
        response = submit(
            client, reverse("people:space_involvement_add"), {"network-add-organisation": own.stranger_org.pk}
        )
        assert response.status_code == 422  # no longer a choice

    def test_the_person_ends_an_involvement_after_confirming(self, client, own, django_capture_on_commit_callbacks):
        client.force_login(own.person.user)
        chosen = {"network-end-involvement": str(own.partner_involvement.public_id), "network-end-detail": ""}
        response = submit(client, reverse("people:space_involvement_end"), chosen)
        assert response.status_code == 422 and "Cochez la case pour confirmer" in response.content.decode()
        assert Involvement.objects.get(pk=own.partner_involvement.pk).is_active
        mail.outbox = []
        with django_capture_on_commit_callbacks(execute=True):
            response = submit(client, reverse("people:space_involvement_end"), {**chosen, "network-end-confirm": "on"})
        assert response.status_code == 302
        ended = Involvement.objects.get(pk=own.partner_involvement.pk)
        assert ended.status == InvolvementStatus.ENDED and ended.end_reason == "PERSON_CHOICE"
        assert [m.to for m in mail.outbox] == [[own.referent.email]]
        assert own.person.first_name not in mail.outbox[0].body
        written = AccessEvent.objects.filter(person_id=own.person.pk, action=Action.SHARE, outcome=Outcome.ALLOWED)
        assert written.filter(reason=Reason.SELF).exists()
        client.force_login(own.partner)
        assert client.get(file_url(own)).status_code == 404

    def test_the_person_sees_the_proposal_and_the_disagreement(self, client, own, proposed):
        proposed.status = EndProposalStatus.OBJECTED
        proposed.answer_comment = "Nous continuons le suivi."
        proposed.save()
        client.force_login(own.person.user)
        html = client.get(reverse("people:space_home")).content.decode()
        assert "Nous continuons le suivi." in html and own.partner_org.name in html


class TestApi:
    """The API shares the services, so the same rules and messages: 403 with the reason, 404, 422."""

    BASE = "/api/v1/people/persons"

    def headers(self, user, scopes=("persons:read", "persons:write")) -> dict[str, str]:
        return token_for(user, scopes)

    def involvement(self, network, involvement, tail: str) -> str:
        return f"{self.BASE}/{network.person.public_id}/involvements/{involvement.public_id}/{tail}"

    def test_add_needs_the_write_scope_and_a_recorded_agreement(self, client, network):
        url = f"{self.BASE}/{network.person.public_id}/involvements"
        body = {"organisation_id": str(network.stranger_org.public_id), "agreement": "ON_PAPER"}
        read_only = self.headers(network.referent, scopes=("persons:read",))
        assert client.post(url, body, content_type="application/json", headers=read_only).status_code == 403
        headers = self.headers(network.referent)
        response = client.post(
            url, {"organisation_id": body["organisation_id"]}, content_type="application/json", headers=headers
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "agreement"
        response = client.post(url, body, content_type="application/json", headers=headers)
        assert response.status_code == 200 and response.json()["agreement"] == "ON_PAPER"
        response = client.post(url, body, content_type="application/json", headers=headers)
        assert response.status_code == 422  # already involved: no longer a choice

    def test_ending_another_organisations_involvement_is_403_with_the_reason(self, client, network):
        url = self.involvement(network, network.partner_involvement, "end")
        response = client.post(
            url, {"reason": "OTHER"}, content_type="application/json", headers=self.headers(network.referent)
        )
        assert response.status_code == 403
        assert "adressez-vous au référent" in response.json()["detail"]
        assert Involvement.objects.get(pk=network.partner_involvement.pk).is_active
        own = self.involvement(network, network.partner_involvement, "end")
        response = client.post(
            own, {"reason": "OBJECTIVES_MET"}, content_type="application/json", headers=self.headers(network.partner)
        )
        assert response.status_code == 200 and response.json()["status"] == "ENDED"

    def test_propose_then_object(self, client, network):
        propose = self.involvement(network, network.partner_involvement, "end-proposal")
        body = {"reason": "OBJECTIVES_MET", "detail": "Suivi terminé"}
        response = client.post(propose, body, content_type="application/json", headers=self.headers(network.partner))
        assert response.status_code == 403  # the partner is not the referent
        response = client.post(propose, body, content_type="application/json", headers=self.headers(network.referent))
        assert response.status_code == 200 and response.json()["status"] == "PENDING"
        answer = propose + "/answer"
        response = client.post(
            answer, {"agree": False}, content_type="application/json", headers=self.headers(network.partner)
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "comment"
        response = client.post(
            answer,
            {"agree": False, "comment": "Pas encore"},
            content_type="application/json",
            headers=self.headers(network.referent),
        )
        assert response.status_code == 403
        response = client.post(
            answer,
            {"agree": False, "comment": "Pas encore"},
            content_type="application/json",
            headers=self.headers(network.partner),
        )
        assert response.status_code == 200 and response.json()["status"] == "OBJECTED"
        assert Involvement.objects.get(pk=network.partner_involvement.pk).is_active

    def test_a_stranger_gets_404(self, client, network):
        url = self.involvement(network, network.partner_involvement, "end")
        response = client.post(
            url, {"reason": "OTHER"}, content_type="application/json", headers=self.headers(network.stranger)
        )
        assert response.status_code == 404

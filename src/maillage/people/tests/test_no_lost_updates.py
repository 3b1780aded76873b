"""Issue 17 item 7 (ADR 5): lost updates and double submissions are refused, each with a clear message.

Pages: two actors open the same form, both save: the second is refused with what changed, keeping what
they typed. A form sent twice (double click, reload) saves once. API: the same with `version` (409) and
`Idempotency-Key` (a replay answers the first result).
"""

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from maillage.access.enums import Action
from maillage.access.models import AccessEvent
from maillage.consent.models import Consent
from maillage.core import idempotency
from maillage.core.models import Submission, VersionLog
from maillage.core.tests.helpers import guard_fields
from maillage.people import retention
from maillage.people.models import Involvement, Need, Person, Relation
from maillage.people.tests.factories import RelationFactory
from maillage.people.tests.test_views_api import token_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/people"


def url(name, network, **kwargs):
    return reverse(f"people:{name}", kwargs={"public_id": network.person.public_id, **kwargs})


def opened(client, user, page_url):
    """What `user` read: the guard fields of the form on `page_url`."""
    client.force_login(user)
    return guard_fields(client.get(page_url).content.decode())


class TestLostUpdateOnPages:
    def test_the_second_of_two_need_edits_is_refused_with_what_changed(self, client, network):
        need = Need.objects.get(person=network.person, term=network.housing)
        edit = url("need_edit", network, need_id=need.public_id)
        first, second = opened(client, network.referent, edit), opened(client, network.partner, edit)
        data = {"term": network.housing.pk, "status": "OPEN", "weight": "3"}

        client.force_login(network.referent)
        assert client.post(edit, {**first, **data, "own_words": "Un garant trouvé"}).status_code == 302
        client.force_login(network.partner)
        response = client.post(edit, {**second, **data, "weight": "5", "own_words": "Mes mots à moi"})

        html = response.content.decode()
        assert response.status_code == 422
        assert "pas été enregistrées" in html  # "Your changes were not saved"
        assert "Ce qui a changé depuis que vous avez ouvert ce formulaire" in html
        assert "Un garant trouvé" in html and "Mes mots à moi" in html  # theirs shown, mine kept
        need.refresh_from_db()
        assert need.own_words == "Un garant trouvé" and need.weight == 3 and need.version == 2

        again = guard_fields(html)
        assert again["version"] == "2"  # saving again, having seen theirs, is a deliberate choice
        assert client.post(edit, {**again, **data, "weight": "5", "own_words": "Mes mots"}).status_code == 302
        need.refresh_from_db()
        assert need.own_words == "Mes mots" and need.version == 3

    def test_a_relation_edit_from_an_older_version_is_refused(self, client, network):
        relation = RelationFactory(person=network.person, name="Josiane", kind="FAMILY", kind_detail="")
        edit = url("relation_edit", network, relation_id=relation.public_id)
        read = opened(client, network.referent, edit)
        later = Relation.objects.get(pk=relation.pk)
        later.kind_detail = "sa sœur aînée"
        later.save()
        data = {"name": "Josiane", "kind": "FAMILY", "quality": "SUPPORTIVE", "strength": "3"}
        response = client.post(edit, {**read, **data, "support_direction": "MUTUAL", "kind_detail": "voisine"})
        assert response.status_code == 422 and "sa sœur aînée" in response.content.decode()
        assert Relation.objects.get(pk=relation.pk).kind_detail == "sa sœur aînée"

    def test_ending_an_involvement_someone_changed_meanwhile_is_refused(self, client, network):
        involvement = network.partner_involvement
        end = url("involvement_end", network, involvement_id=involvement.public_id)
        read = opened(client, network.partner, end)  # its own organisation's involvement (door rule 8a)
        Involvement.objects.filter(pk=involvement.pk).update(version=F("version") + 1)  # a colleague changed it
        today = timezone.localdate().isoformat()
        response = client.post(end, {**read, "ended_on": today, "end_reason": "PERSON_LEFT"})
        assert response.status_code == 422
        assert Involvement.objects.get(pk=involvement.pk).status == "ACTIVE"

    def test_a_referent_changed_meanwhile_is_not_changed_again_silently(self, client, network):
        # No referent yet: anyone involved may choose one (door rule 8e); the referent opens the form twice.
        Involvement.objects.filter(person=network.person, role="REFERENT").update(role="INTERVENING")
        change = url("referent_change", network)
        first, second = opened(client, network.referent, change), opened(client, network.referent, change)
        data = {"organisation": network.referent_org.pk, "reason": "Choisi avec elle", "chosen_with_person": "on"}
        assert client.post(change, {**first, **data}).status_code == 302
        response = client.post(change, {**second, **data, "organisation": network.partner_org.pk})
        html = response.content.decode()
        assert response.status_code == 422 and "a modifié ceci" in html
        referent = Involvement.objects.get(person=network.person, role="REFERENT", status="ACTIVE")
        assert referent.organisation == network.referent_org

    def test_a_form_without_its_version_is_shown_again_with_the_typed_words(self, client, network):
        need = Need.objects.get(person=network.person, term=network.housing)
        edit = url("need_edit", network, need_id=need.public_id)
        token = opened(client, network.referent, edit)["form_token"]
        data = {"form_token": token, "term": network.housing.pk, "status": "OPEN", "weight": "3"}
        response = client.post(edit, {**data, "own_words": "Tapé à la main"})
        assert response.status_code == 422 and "Tapé à la main" in response.content.decode()
        assert Need.objects.get(pk=need.pk).version == 1


class TestDoubleSubmitOnPages:
    def data(self, network):
        return {"term": network.housing.pk, "own_words": "Un seul besoin", "status": "OPEN", "weight": "2"}

    def test_a_need_form_sent_twice_creates_one_need_and_says_so(self, client, network):
        create = url("need_create", network)
        fields = {**opened(client, network.referent, create), **self.data(network)}
        first = client.post(create, fields)
        events = AccessEvent.objects.filter(person_id=network.person.pk, action=Action.CREATE).count()
        second = client.post(create, fields, follow=True)
        assert first.status_code == 302
        assert second.redirect_chain[0][0] == first["Location"]
        assert "déjà été enregistré" in second.content.decode()  # "already saved"
        assert Need.objects.filter(person=network.person, own_words="Un seul besoin").count() == 1
        assert AccessEvent.objects.filter(person_id=network.person.pk, action=Action.CREATE).count() == events

    def test_the_same_token_with_other_words_shows_the_form_again_without_saving(self, client, network):
        create = url("need_create", network)
        fields = {**opened(client, network.referent, create), **self.data(network)}
        client.post(create, fields)
        response = client.post(create, {**fields, "own_words": "Autre chose"})
        html = response.content.decode()
        assert response.status_code == 422 and "Autre chose" in html and "déjà été envoyé" in html
        assert guard_fields(html)["form_token"] != fields["form_token"]
        assert not Need.objects.filter(own_words="Autre chose").exists()

    def test_a_form_without_a_token_saves_nothing_and_keeps_the_words(self, client, network):
        client.force_login(network.referent)
        response = client.post(url("need_create", network), self.data(network))
        html = response.content.decode()
        assert response.status_code == 422 and "Un seul besoin" in html and "expiré" in html
        assert guard_fields(html)["form_token"]
        assert not Need.objects.filter(own_words="Un seul besoin").exists()

    def test_a_refused_form_frees_its_token_for_the_corrected_one(self, client, network):
        create = url("need_create", network)
        fields = {**opened(client, network.referent, create), **self.data(network)}
        assert client.post(create, {**fields, "term": network.health.pk}).status_code == 422  # no health basis
        assert client.post(create, fields).status_code == 302
        assert Need.objects.filter(own_words="Un seul besoin").count() == 1

    def test_a_file_opened_twice_is_one_file(self, client, network):
        data = {
            "first_name": "Bruno",
            "last_name": "Unique",
            "preferred_language": "fr",
            "is_referent": "on",
            "informed": "on",
            "information_method": "ORAL",
            "shared_categories": ["IDENTITY", "SOCIAL"],
        }
        create = reverse("people:person_create")
        fields = {**opened(client, network.referent, create), **data}
        assert client.post(create, fields).status_code == 302
        assert client.post(create, fields).status_code == 302
        assert Person.objects.filter(last_name="Unique").count() == 1

    def test_a_consent_recorded_twice_is_one_consent(self, client, network):
        create = reverse("consent:consent_create", kwargs={"public_id": network.person.public_id})
        data = {
            "purpose": "Une fois",
            "categories": ["HEALTH"],
            "legal_basis": "CONSENT",
            "how_given": "ORAL_RECORDED",
        }
        fields = {**opened(client, network.referent, create), **data}
        client.post(create, fields)
        client.post(create, fields)
        assert Consent.objects.filter(person=network.person, purpose="Une fois").count() == 1

    def test_a_revocation_sent_twice_says_it_was_already_done(self, client, network):
        consent = Consent.objects.get(person=network.person)
        revoke = reverse("consent:consent_revoke", kwargs={"public_id": network.person.public_id})
        client.force_login(network.referent)
        confirmed = {"consent": consent.pk, "confirmed": "yes"}  # the confirmation page re-posts this
        client.post(revoke, confirmed)
        response = client.post(revoke, confirmed, follow=True)
        assert "a modifié ceci" in response.content.decode()  # "changed this, after you opened it"
        assert Consent.objects.filter(supersedes=consent).count() == 1

    def test_the_persons_own_agreement_sent_twice_is_recorded_once(self, client, network):
        network.person.user = None
        person = network.person
        from maillage.people.tests.factories import UserFactory

        person.user = UserFactory(kind="PERSON")
        Person.objects.filter(pk=person.pk).update(user=person.user)
        client.force_login(person.user)
        grant, home = reverse("people:space_consent_grant"), reverse("people:space_home")
        fields = guard_fields(client.get(home).content.decode(), grant)
        data = {**fields, "recipient": "team", "categories": ["PROJECT"], "purpose": "Mon projet"}
        assert client.post(grant, data).status_code == 302
        assert client.post(grant, data).status_code == 302
        assert Consent.objects.filter(person=person, purpose="Mon projet").count() == 1


class TestApi:
    def test_reads_carry_the_version(self, client, network):
        body = client.get(f"{BASE}/persons/{network.person.public_id}", headers=token_for(network.referent)).json()
        assert body["identity"]["version"] == 1 and all(n["version"] == 1 for n in body["needs"])

    def test_the_second_of_two_identity_changes_is_refused_with_409_and_what_changed(self, client, network):
        path = f"{BASE}/persons/{network.person.public_id}"
        write = token_for(network.referent, ["persons:read", "persons:write"])
        first = client.patch(
            path, {"version": 1, "phone": "081 00 00 01"}, content_type="application/json", headers=write
        )
        assert first.status_code == 200 and first.json()["version"] == 2
        second = client.patch(
            path, {"version": 1, "phone": "081 99 99 99"}, content_type="application/json", headers=write
        )
        body = second.json()
        assert second.status_code == 409
        assert body["current_version"] == 2 and body["errors"][0]["field"] == "version"
        assert body["changes"] == [{"field": "phone", "label": "téléphone", "then": "(vide)", "now": "081 00 00 01"}]
        assert Person.objects.get(pk=network.person.pk).phone == "081 00 00 01"

    def test_a_change_needs_the_write_scope_and_a_version(self, client, network):
        path = f"{BASE}/persons/{network.person.public_id}"
        assert (
            client.patch(
                path, {"version": 1}, content_type="application/json", headers=token_for(network.referent)
            ).status_code
            == 403
        )
        write = token_for(network.referent, ["persons:write"])
        response = client.patch(path, {"phone": "1"}, content_type="application/json", headers=write)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "version"

    def test_a_stranger_gets_404_not_409(self, client, network):
        path = f"{BASE}/persons/{network.person.public_id}"
        write = token_for(network.stranger, ["persons:write"])
        assert client.patch(path, {"version": 1}, content_type="application/json", headers=write).status_code == 404

    def test_a_need_change_from_an_older_version_is_refused(self, client, network):
        need = Need.objects.get(person=network.person, term=network.housing)
        path = f"{BASE}/persons/{network.person.public_id}/needs/{need.public_id}"
        write = token_for(network.referent, ["persons:write"])
        assert (
            client.patch(path, {"version": 1, "weight": 5}, content_type="application/json", headers=write).status_code
            == 200
        )
        response = client.patch(path, {"version": 1, "status": "MET"}, content_type="application/json", headers=write)
        assert response.status_code == 409 and response.json()["changes"][0]["field"] == "weight"
        assert Need.objects.get(pk=need.pk).status == "OPEN"

    def test_a_create_replayed_with_its_key_answers_the_first_result_and_creates_nothing(self, client, network):
        path = f"{BASE}/persons/{network.person.public_id}/needs"
        headers = {**token_for(network.referent, ["persons:write"]), "Idempotency-Key": "cle-1"}
        payload = {"life_domain_code": "housing", "in_own_words": "Une seule fois", "weight": 2}
        first = client.post(path, payload, content_type="application/json", headers=headers)
        second = client.post(path, payload, content_type="application/json", headers=headers)
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
        assert Need.objects.filter(person=network.person, own_words="Une seule fois").count() == 1

        other = client.post(path, {**payload, "weight": 4}, content_type="application/json", headers=headers)
        assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"

    def test_keys_belong_to_their_token_and_are_required(self, client, network):
        path = f"{BASE}/persons/{network.person.public_id}/needs"
        payload = {"life_domain_code": "housing", "in_own_words": "Par deux clients"}
        for user in (network.referent, network.referent):  # two tokens, the same key: two requests
            headers = {**token_for(user, ["persons:write"]), "Idempotency-Key": "meme-cle"}
            assert client.post(path, payload, content_type="application/json", headers=headers).status_code == 201
        assert Need.objects.filter(own_words="Par deux clients").count() == 2
        missing = client.post(
            path, payload, content_type="application/json", headers=token_for(network.referent, ["persons:write"])
        )
        assert missing.status_code == 422

    def test_an_api_replay_while_the_first_runs_is_told_to_retry(self, client, network, monkeypatch):
        monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
        path = f"/api/v1/people/persons/{network.person.public_id}/needs"
        headers = {**token_for(network.referent, ["persons:write"]), "Idempotency-Key": "en-cours"}
        payload = {"life_domain_code": "housing", "in_own_words": "Lent"}
        first = client.post(path, payload, content_type="application/json", headers=headers)
        Submission.objects.filter(key="en-cours").update(done=False)  # as if the first were still running
        response = client.post(path, payload, content_type="application/json", headers=headers)
        assert response.status_code == 409 and response["Retry-After"] == "1"
        assert "Idempotency-Key" in response.json()["detail"]
        assert first.status_code == 201

    def test_erasure_removes_the_kept_values_and_answers(self, client, network):
        path = f"{BASE}/persons/{network.person.public_id}/needs"
        headers = {**token_for(network.referent, ["persons:write"]), "Idempotency-Key": "a-effacer"}
        client.post(
            path,
            {"life_domain_code": "housing", "in_own_words": "Secret"},
            content_type="application/json",
            headers=headers,
        )
        relation = RelationFactory(person=network.person)
        relation.name = "Autre nom"
        relation.save()
        assert VersionLog.objects.filter(subject_id=network.person.pk).exists()
        assert Submission.objects.filter(subject_id=network.person.pk).exists()
        retention.anonymise([network.person.pk])
        assert not VersionLog.objects.filter(subject_id=network.person.pk).exists()
        assert not Submission.objects.filter(subject_id=network.person.pk).exists()

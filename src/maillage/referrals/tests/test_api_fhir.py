"""Issue 20, item 9: referrals exported and imported as FHIR R4B (ServiceRequest + Task) through /api/v1/referrals/.

Exports validate with `fhir.resources`, map our statuses to Task.status and businessStatus, never name the person,
and hide who it is from a receiver that has not taken the person on; imports create a referral from or to the
caller's organisation under the services' rules, never answer 500 on malformed FHIR, and run once per key."""

import copy
import json
import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle

from maillage.access.enums import Action, Category, Reason
from maillage.access.models import AccessEvent
from maillage.accounts.actors import actor_for
from maillage.accounts.enums import ApiScope
from maillage.accounts.tests.conftest import make_token
from maillage.referrals import fhir, services
from maillage.referrals.enums import DeclineReason, ReferralStatus
from maillage.referrals.models import Referral
from maillage.referrals.tests.test_services import send

pytestmark = pytest.mark.django_db

IMPORT_URL = "/api/v1/referrals/fhir"


def _auth(user, scopes=tuple(ApiScope.values)) -> dict:
    return {"Authorization": f"Bearer {make_token(user, scopes=scopes)}"}


def _resources(bundle: dict) -> dict[str, list[dict]]:
    Bundle.model_validate(bundle)  # fhir.resources R4B: structure and types
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def _url(referral) -> str:
    return f"/api/v1/referrals/{referral.public_id}/fhir"


class TestExportOne:
    def test_the_receiver_reads_the_summary_without_knowing_who(self, scene, client):
        referral = send(scene)
        response = client.get(_url(referral), headers=_auth(scene.receiver.user))
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        text = response.content.decode()
        assert str(scene.network.person.public_id) not in text
        assert scene.network.person.last_name not in text and scene.network.person.first_name not in text
        found = _resources(response.json())
        (request,), (task,) = found["ServiceRequest"], found["Task"]
        assert request["status"] == "active" and request["intent"] == "order" and request["priority"] == "urgent"
        assert "identifier" not in request["subject"] and request["subject"]["display"]
        assert {info["identifier"]["value"] for info in request["supportingInfo"]} == {"IDENTITY", "SOCIAL"}
        assert task["status"] == "requested" and task["businessStatus"]["coding"][0]["code"] == "SENT"
        assert task["focus"]["reference"] == f"urn:uuid:{referral.public_id}"
        assert task["code"]["coding"][0]["code"] == "fulfill"
        assert len(found["Organization"]) == 2
        event = AccessEvent.objects.filter(actor_id=scene.receiver.user.pk, action=Action.EXPORT).get()
        assert event.reason == Reason.REFERRAL_RECEIVER and event.category == Category.COORDINATION

    def test_after_accepting_the_receiver_knows_the_person_and_task_status_follows(self, scene, client):
        referral = send(scene)
        services.referral_accept(scene.receiver, referral=referral)
        services.referral_first_contact(scene.receiver, referral=referral)
        found = _resources(client.get(_url(referral), headers=_auth(scene.receiver.user)).json())
        (request,), (task,) = found["ServiceRequest"], found["Task"]
        assert request["subject"]["identifier"]["value"] == f"urn:uuid:{scene.network.person.public_id}"
        assert task["status"] == "in-progress" and task["businessStatus"]["coding"][0]["code"] == "FIRST_CONTACT_DONE"

    def test_a_decline_is_rejected_with_its_reason_for_the_sender(self, scene, client):
        referral = send(scene)
        services.referral_decline(scene.receiver, referral=referral, reason=DeclineReason.NO_CAPACITY)
        found = _resources(client.get(_url(referral), headers=_auth(scene.sender.user)).json())
        (request,), (task,) = found["ServiceRequest"], found["Task"]
        assert request["status"] == "revoked"
        assert request["subject"]["identifier"]["value"] == f"urn:uuid:{scene.network.person.public_id}"
        assert task["status"] == "rejected" and task["statusReason"]["text"]

    def test_strangers_and_unknown_ids_get_404_and_a_read_scope_is_needed(self, scene, client):
        referral = send(scene)
        assert client.get(_url(referral), headers=_auth(scene.other.user)).status_code == 404
        response = client.get(f"/api/v1/referrals/{uuid.uuid4()}/fhir", headers=_auth(scene.sender.user))
        assert response.status_code == 404 and response["Cache-Control"] == "no-store"
        response = client.get(_url(referral), headers=_auth(scene.sender.user, scopes=[ApiScope.DIRECTORY_READ]))
        assert response.status_code == 403 and response.json()["detail"]


class TestExportBox:
    def url(self, organisation) -> str:
        return f"/api/v1/referrals/organisations/{organisation.public_id}/fhir"

    def test_the_inbox_is_a_searchset_with_its_total_filter_and_audit(self, scene, client):
        first = send(scene)
        send(scene, organisation=scene.other_org)
        services.referral_decline(scene.receiver, referral=first, reason=DeclineReason.NO_CAPACITY)
        redirected = services.referral_redirect(scene.sender, referral=first, receiver_organisation=scene.receiver_org)
        headers = _auth(scene.receiver.user)
        response = client.get(self.url(scene.receiver_org), headers=headers)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        bundle = response.json()
        assert bundle["type"] == "searchset" and bundle["total"] == 2
        found = _resources(bundle)
        assert {r["id"] for r in found["ServiceRequest"]} == {str(first.public_id), str(redirected.public_id)}
        assert {t["status"] for t in found["Task"]} == {"rejected", "requested"}
        assert str(scene.network.person.public_id) not in response.content.decode()
        assert AccessEvent.objects.filter(actor_id=scene.receiver.user.pk, action=Action.EXPORT).count() == 2
        declined = client.get(self.url(scene.receiver_org) + "?status=DECLINED&page_size=1", headers=headers).json()
        assert declined["total"] == 1 and declined["entry"][0]["resource"]["id"] == str(first.public_id)

    def test_the_outbox_names_the_person_to_the_sender(self, scene, client):
        send(scene)
        response = client.get(self.url(scene.network.referent_org) + "?box=outbox", headers=_auth(scene.sender.user))
        assert response.status_code == 200 and response.json()["total"] == 1
        assert f"urn:uuid:{scene.network.person.public_id}" in response.content.decode()

    def test_another_organisations_box_is_404(self, scene, client):
        send(scene)
        response = client.get(self.url(scene.receiver_org), headers=_auth(scene.other.user))
        assert response.status_code == 404


def gravity_bundle(scene, *, sender, receiver, categories=("SOCIAL",), task_status="requested") -> dict:
    """A Bundle as another system writes it (the Gravity Project's shape): its own fullUrls, our ids as
    identifiers of the Patient and the Organizations."""
    person, request_url, task_url = (f"urn:uuid:{uuid.uuid4()}" for _ in range(3))
    sender_url, receiver_url = f"urn:uuid:{uuid.uuid4()}", f"urn:uuid:{uuid.uuid4()}"

    def organisation(url, org):
        return {
            "fullUrl": url,
            "resource": {
                "resourceType": "Organization",
                "identifier": [{"system": fhir.ORGANISATION_SYSTEM, "value": str(org.public_id)}],
                "name": org.name,
            },
        }

    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": person,
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": fhir.PERSON_SYSTEM, "value": str(scene.network.person.public_id)}],
                },
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "fullUrl": request_url,
                "resource": {
                    "resourceType": "ServiceRequest",
                    "extension": [
                        {"url": fhir.AGREEMENT_EXTENSION, "valueCode": "ORALLY"},
                        {"url": fhir.ELIGIBILITY_EXTENSION, "valueString": "38 ans, trois enfants"},
                    ],
                    "status": "active",
                    "intent": "order",
                    "priority": "urgent",
                    "code": {"coding": [{"system": fhir.DOMAIN_SYSTEM, "code": "housing"}], "text": "Logement"},
                    "subject": {"reference": person},
                    "requester": {"reference": sender_url},
                    "performer": [{"reference": receiver_url}],
                    "note": [{"text": "Un logement adapté à trois enfants."}],
                    "supportingInfo": [
                        {"identifier": {"system": fhir.CATEGORY_SYSTEM, "value": c}, "display": c} for c in categories
                    ],
                },
                "request": {"method": "POST", "url": "ServiceRequest"},
            },
            {
                "fullUrl": task_url,
                "resource": {
                    "resourceType": "Task",
                    "status": task_status,
                    "intent": "order",
                    "code": fhir.TASK_CODE,
                    "focus": {"reference": request_url},
                    "for": {"reference": person},
                    "requester": {"reference": sender_url},
                    "owner": {"reference": receiver_url},
                },
                "request": {"method": "POST", "url": "Task"},
            },
            organisation(sender_url, sender),
            organisation(receiver_url, receiver),
        ],
    }


def _post(client, user, body, key=None, language="en", auth=None):
    return client.post(
        IMPORT_URL,
        json.dumps(body),
        content_type="application/json",
        headers={**(auth or _auth(user)), "Idempotency-Key": key or str(uuid.uuid4()), "Accept-Language": language},
    )


class TestImport:
    def test_the_sender_imports_its_referral_once_per_key(self, scene, client):
        body = gravity_bundle(scene, sender=scene.network.referent_org, receiver=scene.receiver_org)
        auth = _auth(scene.sender.user)  # keys are per token
        response = _post(client, scene.sender.user, body, key="import-1", auth=auth)
        assert response.status_code == 201, response.content
        assert response["Cache-Control"] == "no-store"
        answer = response.json()
        assert answer["direction"] == "outbox" and answer["status"] == "SENT"
        referral = Referral.objects.get(public_id=answer["id"])
        assert referral.sender_organisation == scene.network.referent_org
        assert referral.receiver_organisation == scene.receiver_org
        assert referral.person == scene.network.person and referral.need == scene.need
        assert referral.shared_categories == ["SOCIAL"] and referral.urgency == "HIGH"
        assert referral.eligibility == "38 ans, trois enfants" and referral.agreement == "ORALLY"
        _resources(answer["bundle"])
        replay = _post(client, scene.sender.user, body, key="import-1", auth=auth)
        assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
        assert replay.json()["id"] == answer["id"]
        assert Referral.objects.count() == 1
        assert AccessEvent.objects.filter(action=Action.CREATE, purpose="api_referral_import").exists()

    def test_a_draft_and_the_services_rules(self, scene, client):
        draft = gravity_bundle(
            scene, sender=scene.network.referent_org, receiver=scene.receiver_org, task_status="draft"
        )
        response = _post(client, scene.sender.user, draft)
        assert response.status_code == 201 and response.json()["status"] == "DRAFT"
        # The same need to the same organisation, still pending: the service refuses it.
        again = gravity_bundle(scene, sender=scene.network.referent_org, receiver=scene.receiver_org)
        response = _post(client, scene.sender.user, again)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "receiver_organisation"

    def test_an_unshareable_category_or_no_agreement_is_422(self, scene, client):
        body = gravity_bundle(
            scene, sender=scene.network.referent_org, receiver=scene.other_org, categories=["HEALTH"]
        )
        response = _post(client, scene.sender.user, body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "shared_categories"
        body = gravity_bundle(scene, sender=scene.network.referent_org, receiver=scene.other_org)
        body["entry"][1]["resource"].pop("extension")
        response = _post(client, scene.sender.user, body, language="fr")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "agreement"
        assert not Referral.objects.exists()

    def test_a_partner_records_a_referral_it_received(self, scene, client):
        network = scene.network
        body = gravity_bundle(scene, sender=network.referent_org, receiver=network.partner_org, categories=[])
        response = _post(client, network.partner, body)
        assert response.status_code == 201, response.content
        answer = response.json()
        assert answer["direction"] == "inbox" and answer["status"] == "SENT"
        referral = Referral.objects.get(public_id=answer["id"])
        assert referral.sender is None and referral.receiver_organisation == network.partner_org
        (row,) = referral.transitions.all()
        assert (row.from_status, row.to_status, row.party) == ("", "SENT", "RECEIVER")
        # From there it moves like any referral.
        services.referral_accept(actor_for(network.partner), referral=referral)
        assert referral.status == ReferralStatus.ACCEPTED

    def test_a_received_referral_shares_nothing_and_needs_an_involved_sender(self, scene, client):
        network = scene.network
        body = gravity_bundle(scene, sender=network.referent_org, receiver=network.partner_org)
        response = _post(client, network.partner, body)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "shared_categories"
        body = gravity_bundle(scene, sender=scene.receiver_org, receiver=network.partner_org, categories=[])
        response = _post(client, network.partner, body)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "sender_organisation"

    def test_a_person_the_caller_cannot_see_is_404_another_organisations_referral_403(self, scene, client):
        body = gravity_bundle(scene, sender=scene.other_org, receiver=scene.receiver_org)
        assert _post(client, scene.other.user, body).status_code == 404
        body = gravity_bundle(scene, sender=scene.network.partner_org, receiver=scene.receiver_org)
        response = _post(client, scene.sender.user, body)
        assert response.status_code == 403 and response.json()["detail"]
        body = gravity_bundle(scene, sender=scene.network.referent_org, receiver=scene.receiver_org)
        body["entry"][0]["resource"]["identifier"][0]["value"] = str(uuid.uuid4())
        assert _post(client, scene.sender.user, body).status_code == 404
        assert not Referral.objects.exists()

    def test_an_exported_referral_imports_back(self, scene, client):
        referral = send(scene)
        services.referral_decline(scene.receiver, referral=referral, reason=DeclineReason.NO_CAPACITY)
        exported = client.get(_url(referral), headers=_auth(scene.sender.user)).json()
        for entry in exported["entry"]:
            if entry["resource"]["resourceType"] == "Task":
                entry["resource"]["status"] = "requested"
            if (
                entry["resource"]["resourceType"] == "Organization"
                and entry["resource"]["name"] == "Agence immobilière sociale"
            ):
                entry["resource"]["identifier"][0]["value"] = str(scene.other_org.public_id)
        for entry in exported["entry"]:
            if entry["resource"]["resourceType"] in ("ServiceRequest", "Task"):
                entry["resource"].pop("performer", None)
                if entry["resource"]["resourceType"] == "Task":
                    entry["resource"]["owner"] = {"reference": f"urn:uuid:{scene.receiver_org.public_id}"}
        response = _post(client, scene.sender.user, exported)
        assert response.status_code == 201, response.content
        assert Referral.objects.get(public_id=response.json()["id"]).receiver_organisation == scene.other_org


TASK = {"resourceType": "Task", "status": 5, "intent": "order", "for": {"reference": 1}}
REQUEST = {"resourceType": "ServiceRequest", "status": "active", "intent": "order", "subject": {"display": "x"}}
MALFORMED = {
    "unknown resource type": [{"resource": {"resourceType": "Foo"}}, {}],
    "wrong types": [{"resource": TASK}, 5],
    "no task": [{"resource": REQUEST}, {"resource": {"resourceType": "Organization"}}],
    "entries not objects": ["a", "b"],
    "not a bundle": None,
}


SUPPORTING = "entry.1.resource.supportingInfo"


class TestMalformed:
    @pytest.mark.parametrize("name", list(MALFORMED))
    def test_malformed_fhir_is_a_clear_422(self, scene, client, name):
        entries = MALFORMED[name]
        body = {"resourceType": "Bundle", "type": "collection", "entry": entries}
        if entries is None:
            body = {"resourceType": "Patient", "entry": [{}, {}]}
        response = _post(client, scene.sender.user, body, language="fr")
        assert response.status_code == 422, response.content
        body = response.json()
        assert body["detail"] and body["errors"] and all(e["message"] for e in body["errors"])

    def test_the_element_is_named_and_the_message_translated(self, scene, client):
        body = gravity_bundle(scene, sender=scene.network.referent_org, receiver=scene.receiver_org)
        body["entry"][2]["resource"]["for"] = {"reference": 12}
        response = _post(client, scene.sender.user, body, language="fr")
        assert response.status_code == 422
        (error,) = response.json()["errors"]
        assert error["field"] == "entry.2.resource.for.reference"
        assert error["message"] == "Saisissez un texte."

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            (lambda b: b["entry"][2]["resource"].update(status="completed"), "entry.2.resource.status"),
            (lambda b: b["entry"][2]["resource"].update(focus={"reference": "urn:uuid:x"}), "entry.2.resource.focus"),
            (lambda b: b["entry"][1]["resource"].update(subject={"display": "Amélie"}), "entry.1.resource.subject"),
            (lambda b: b["entry"][1]["resource"].update(code={"text": "logement"}), "entry.1.resource.code"),
            (lambda b: b["entry"][1]["resource"]["supportingInfo"][0]["identifier"].update(value="X"), SUPPORTING),
        ],
    )  # fmt: skip
    def test_what_a_referral_needs_is_named(self, scene, client, change, field):
        body = copy.deepcopy(gravity_bundle(scene, sender=scene.network.referent_org, receiver=scene.receiver_org))
        change(body)
        response = _post(client, scene.sender.user, body)
        assert response.status_code == 422, response.content
        assert response.json()["errors"][0]["field"] == field
        assert not Referral.objects.exists()

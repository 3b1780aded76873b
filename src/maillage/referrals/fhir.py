"""A referral as FHIR R4B, the Gravity Project's SDOH referral shape: a Bundle (collection) of one
ServiceRequest (what is asked, of whom, for whom) and one Task (where it stands), with the two Organizations.

The mapping, in plain words:

1. ServiceRequest: intent `order`; status `draft` while a draft, `revoked` when cancelled, declined, expired or
   obsolete, `completed` when completed, `active` otherwise. Priority from the urgency (routine, urgent, asap,
   stat). The life domain is the code (text and the taxonomy code); what is expected is a note; the shared
   categories are listed in `supportingInfo` as display-only references (the data itself is not exported).
2. Task: intent `order`, `focus` the ServiceRequest, requester the sending Organization, owner the receiving
   one. Task.status from `machine.FHIR_TASK_STATUS`; Task.businessStatus is the Maillage status itself; a
   decline's reason is `statusReason`; the outcome of a completed referral is an `output`.
3. The person is a logical reference (`urn:uuid:` of their public id), never their name.
4. Resources are identified by the referral's public id (ServiceRequest) and a uuid derived from it (Task), so
   two exports name the same resources. The Bundle is validated by `fhir.resources` (R4B) before it leaves.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from maillage.referrals.enums import ReferralStatus, Urgency
from maillage.referrals.machine import FHIR_TASK_STATUS

URI = "urn:ietf:rfc:3986"
TASK_NAMESPACE = uuid.UUID("0d6f4a52-9f57-4e0b-8c1b-2f4f7a6f8e21")
STATUS_SYSTEM = "https://maillage.invalid/fhir/CodeSystem/referral-status"
DOMAIN_SYSTEM = "https://maillage.invalid/fhir/CodeSystem/life-domain"
PRIORITY = {Urgency.LOW: "routine", Urgency.NORMAL: "routine", Urgency.HIGH: "urgent", Urgency.CRISIS: "stat"}
REVOKED = {ReferralStatus.CANCELLED, ReferralStatus.DECLINED, ReferralStatus.EXPIRED, ReferralStatus.OBSOLETE}


def request_status(status: str) -> str:
    if status == ReferralStatus.DRAFT:
        return "draft"
    if status in REVOKED:
        return "revoked"
    if status == ReferralStatus.COMPLETED:
        return "completed"
    return "active"


def _org(organisation: Any) -> dict[str, Any]:
    return {
        "fullUrl": f"urn:uuid:{organisation.public_id}",
        "resource": {"resourceType": "Organization", "id": str(organisation.public_id), "name": organisation.name},
    }


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def referral_bundle(referral: Any) -> dict[str, Any]:
    """The FHIR R4B Bundle of `referral` (loaded by the caller through the door), validated, as JSON data."""
    sender, receiver = referral.sender_organisation, referral.receiver_organisation
    request_id = str(referral.public_id)
    task_id = str(uuid.uuid5(TASK_NAMESPACE, request_id))
    patient = {"reference": f"urn:uuid:{referral.person.public_id}"}
    service_request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": request_id,
        "status": request_status(referral.status),
        "intent": "order",
        "priority": PRIORITY[referral.urgency],
        "code": {
            "coding": [{"system": DOMAIN_SYSTEM, "code": referral.life_domain.code}],
            "text": referral.life_domain.name,
        },
        "subject": patient,
        "requester": {"reference": f"urn:uuid:{sender.public_id}", "display": sender.name},
        "performer": [{"reference": f"urn:uuid:{receiver.public_id}", "display": receiver.name}],
        "note": [{"text": referral.expected}],
        "supportingInfo": [{"display": str(c)} for c in referral.shared_categories] or None,
        "authoredOn": _when(referral.sent_at or referral.created_at),
    }
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": task_id,
        "status": FHIR_TASK_STATUS[referral.status],
        "businessStatus": {
            "coding": [{"system": STATUS_SYSTEM, "code": referral.status}],
            "text": referral.get_status_display(),
        },
        "intent": "order",
        "focus": {"reference": f"urn:uuid:{request_id}"},
        "for": patient,
        "requester": {"reference": f"urn:uuid:{sender.public_id}"},
        "owner": {"reference": f"urn:uuid:{receiver.public_id}"},
        "authoredOn": _when(referral.sent_at or referral.created_at),
        "lastModified": _when(referral.status_changed_at or referral.updated_at),
    }
    if referral.decline_reason:
        task["statusReason"] = {"text": referral.get_decline_reason_display()}
    if referral.outcome:
        task["output"] = [
            {"type": {"text": "outcome"}, "valueString": referral.get_outcome_display()},
        ]
    entries = [
        {"fullUrl": f"urn:uuid:{request_id}", "resource": {k: v for k, v in service_request.items() if v}},
        {"fullUrl": f"urn:uuid:{task_id}", "resource": task},
        _org(sender),
        _org(receiver),
    ]
    data = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    return json.loads(Bundle.model_validate(data).model_dump_json(exclude_none=True))

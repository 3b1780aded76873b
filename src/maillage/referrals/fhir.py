"""A referral as FHIR R4B, the Gravity Project's SDOH referral shape: a ServiceRequest (what is asked, of whom, for
whom) and a Task (where it stands, `code` fulfill, `focus` the ServiceRequest), with the two Organizations.

The mapping, in plain words:

1. ServiceRequest: intent `order`; status `draft` while a draft, `revoked` when cancelled, declined, expired or
   obsolete, `completed` when completed, `active` otherwise. It is identified by the referral's public id
   (`REFERRAL_SYSTEM`). Priority from the urgency (routine, urgent, stat; back: asap is urgent). The life domain
   is the code (`DOMAIN_SYSTEM` and the taxonomy code, its name as text); what is expected is the note; the
   eligibility facts, how the person agreed and how they want to be contacted are extensions (`EXTENSION_BASE`).
   The shared categories are `supportingInfo` references by identifier (`CATEGORY_SYSTEM`) and label: the data
   itself is not exported.
2. Task: intent `order`, code `fulfill`, `focus` the ServiceRequest, requester the sending Organization, owner
   the receiving one. Task.status from `machine.FHIR_TASK_STATUS`; Task.businessStatus is the Maillage status
   itself; a decline's reason is `statusReason`; the outcome of a completed referral is an `output`.
3. The person is a logical identifier (`urn:uuid:` of their public id), never their name; and only for a
   caller who may know who the person is (the receiver, before it takes the person on, reads "the person
   referred": door rule 13). Organisations carry their public id (`ORGANISATION_SYSTEM`).
4. Resources are identified by the referral's public id (ServiceRequest) and uuids derived from it (Task), so two
   exports name the same resources. Every Bundle is validated by `fhir.resources` (R4B) before it leaves.
5. Import (`read_bundle`): a Bundle holding one ServiceRequest and one Task whose `focus` (or `basedOn`) is that
   ServiceRequest, Task.status `requested` (or `draft`); Organizations and Patients it names are looked up in the
   Bundle. Each party is found by its identifier (ours), by the `urn:uuid:` of a reference, or by the identifier of
   the resource referred to. The Bundle is validated by `fhir.resources` first; every refusal is a
   `ValidationError` naming the element (`entry.1.resource.status`), in words.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pydantic
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle
from ninja.errors import ValidationError as SchemaError

from maillage.access.enums import Category
from maillage.core.api_errors import validation_errors
from maillage.referrals.enums import Agreement, ContactPreference, ReferralStatus, Urgency
from maillage.referrals.machine import FHIR_TASK_STATUS

URI = "urn:ietf:rfc:3986"
TASK_NAMESPACE = uuid.UUID("0d6f4a52-9f57-4e0b-8c1b-2f4f7a6f8e21")
BASE = "https://maillage.invalid/fhir"
STATUS_SYSTEM = f"{BASE}/CodeSystem/referral-status"
DOMAIN_SYSTEM = f"{BASE}/CodeSystem/life-domain"
CATEGORY_SYSTEM = f"{BASE}/CodeSystem/data-category"
REFERRAL_SYSTEM = f"{BASE}/sid/referral"
PERSON_SYSTEM = f"{BASE}/sid/person"
ORGANISATION_SYSTEM = f"{BASE}/sid/organisation"
EXTENSION_BASE = f"{BASE}/StructureDefinition"
AGREEMENT_EXTENSION = f"{EXTENSION_BASE}/referral-agreement"
ELIGIBILITY_EXTENSION = f"{EXTENSION_BASE}/referral-eligibility"
CONTACT_EXTENSION = f"{EXTENSION_BASE}/referral-contact-preference"
TASK_CODE = {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]}
PRIORITY = {Urgency.LOW: "routine", Urgency.NORMAL: "routine", Urgency.HIGH: "urgent", Urgency.CRISIS: "stat"}
URGENCY = {"routine": Urgency.NORMAL, "urgent": Urgency.HIGH, "asap": Urgency.HIGH, "stat": Urgency.CRISIS}
REVOKED = {ReferralStatus.CANCELLED, ReferralStatus.DECLINED, ReferralStatus.EXPIRED, ReferralStatus.OBSOLETE}
# Task.status of a Bundle that may be imported: a new referral (its later moves go through Maillage).
IMPORTABLE_TASK_STATUS = {"requested": ReferralStatus.SENT, "draft": ReferralStatus.DRAFT}


def request_status(status: str) -> str:
    if status == ReferralStatus.DRAFT:
        return "draft"
    if status in REVOKED:
        return "revoked"
    if status == ReferralStatus.COMPLETED:
        return "completed"
    return "active"


def task_id_of(referral: Any) -> str:
    return str(uuid.uuid5(TASK_NAMESPACE, str(referral.public_id)))


def _clean(resource: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: FHIR forbids empty strings, lists and objects."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


def _organisation(organisation: Any) -> dict[str, Any]:
    return {
        "fullUrl": f"urn:uuid:{organisation.public_id}",
        "resource": {
            "resourceType": "Organization",
            "id": str(organisation.public_id),
            "identifier": [{"system": ORGANISATION_SYSTEM, "value": str(organisation.public_id)}],
            "name": organisation.name,
        },
    }


def _organisation_ref(organisation: Any) -> dict[str, Any]:
    return {"reference": f"urn:uuid:{organisation.public_id}", "display": organisation.name}


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def patient_of(referral: Any, *, reveal: bool) -> dict[str, Any]:
    """Rule 3: the person's logical identifier, or words only for a caller who may not know who it is."""
    if not reveal:
        return {"type": "Patient", "display": _("the person referred (known once the referral is accepted)")}
    return {"type": "Patient", "identifier": {"system": URI, "value": f"urn:uuid:{referral.person.public_id}"}}


def _extensions(referral: Any) -> list[dict[str, Any]]:
    extensions = [
        {"url": AGREEMENT_EXTENSION, "valueCode": referral.agreement},
        {"url": CONTACT_EXTENSION, "valueCode": referral.contact_preference},
    ]
    if referral.eligibility:
        extensions.append({"url": ELIGIBILITY_EXTENSION, "valueString": referral.eligibility})
    return extensions


def service_request(referral: Any, *, reveal: bool) -> dict[str, Any]:
    """Rule 1: the ServiceRequest of `referral` (as JSON data, not validated on its own)."""
    sender, receiver = referral.sender_organisation, referral.receiver_organisation
    return _clean(
        {
            "resourceType": "ServiceRequest",
            "id": str(referral.public_id),
            "extension": _extensions(referral),
            "identifier": [{"system": REFERRAL_SYSTEM, "value": str(referral.public_id)}],
            "status": request_status(referral.status),
            "intent": "order",
            "priority": PRIORITY[referral.urgency],
            "code": {
                "coding": [{"system": DOMAIN_SYSTEM, "code": referral.life_domain.code}],
                "text": referral.life_domain.name,
            },
            "subject": patient_of(referral, reveal=reveal),
            "requester": _organisation_ref(sender),
            "performer": [_organisation_ref(receiver)],
            "note": [{"text": referral.expected}],
            "supportingInfo": [
                {"identifier": {"system": CATEGORY_SYSTEM, "value": str(c)}, "display": str(Category(c).label)}
                for c in referral.shared_categories
                if c in Category.values
            ],
            "authoredOn": _when(referral.sent_at or referral.created_at),
        }
    )


def task(referral: Any, *, reveal: bool) -> dict[str, Any]:
    """Rule 2: the Task of `referral` (as JSON data, not validated on its own)."""
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": task_id_of(referral),
        "status": FHIR_TASK_STATUS[referral.status],
        "businessStatus": {
            "coding": [{"system": STATUS_SYSTEM, "code": referral.status}],
            "text": referral.get_status_display(),
        },
        "intent": "order",
        "code": TASK_CODE,
        "focus": {"reference": f"urn:uuid:{referral.public_id}", "type": "ServiceRequest"},
        "for": patient_of(referral, reveal=reveal),
        "requester": _organisation_ref(referral.sender_organisation),
        "owner": _organisation_ref(referral.receiver_organisation),
        "authoredOn": _when(referral.sent_at or referral.created_at),
        "lastModified": _when(referral.status_changed_at or referral.updated_at),
    }
    if referral.decline_reason:
        resource["statusReason"] = {"text": referral.get_decline_reason_display()}
    if referral.outcome:
        resource["output"] = [{"type": {"text": "outcome"}, "valueString": referral.get_outcome_display()}]
    return resource


def _validated(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(Bundle.model_validate(data).model_dump_json(exclude_none=True))


def referral_bundle(referral: Any, *, reveal: bool = True) -> dict[str, Any]:
    """The FHIR R4B Bundle (collection) of `referral`, loaded by the caller through the door, validated."""
    entries = [
        {"fullUrl": f"urn:uuid:{referral.public_id}", "resource": service_request(referral, reveal=reveal)},
        {"fullUrl": f"urn:uuid:{task_id_of(referral)}", "resource": task(referral, reveal=reveal)},
        _organisation(referral.sender_organisation),
        _organisation(referral.receiver_organisation),
    ]
    return _validated(
        {"resourceType": "Bundle", "type": "collection", "timestamp": _when(timezone.now()), "entry": entries}
    )


def referrals_bundle(referrals: Iterable[Any], *, total: int, revealed: set[int]) -> dict[str, Any]:
    """A `searchset` Bundle of a page of referrals: each ServiceRequest (a match) and its Task, then each
    Organization once (included). `revealed`: the pks of the persons the caller may know (rule 3)."""
    entries: list[dict[str, Any]] = []
    organisations: dict[int, Any] = {}
    for referral in referrals:
        reveal = referral.person_id in revealed
        entries.append(
            {
                "fullUrl": f"urn:uuid:{referral.public_id}",
                "resource": service_request(referral, reveal=reveal),
                "search": {"mode": "match"},
            }
        )
        entries.append(
            {
                "fullUrl": f"urn:uuid:{task_id_of(referral)}",
                "resource": task(referral, reveal=reveal),
                "search": {"mode": "include"},
            }
        )
        for organisation in (referral.sender_organisation, referral.receiver_organisation):
            organisations.setdefault(organisation.pk, organisation)
    for organisation in organisations.values():
        entries.append({**_organisation(organisation), "search": {"mode": "include"}})
    data = {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": _when(timezone.now()),
        "total": total,
        "entry": entries,
    }
    return _validated(_clean(data))


# --- import (rule 5) -----------------------------------------------------------------------------------------


@dataclass
class Incoming:
    """What a Bundle says of a new referral, as public ids and codes for the caller to resolve (through the door)."""

    person_id: uuid.UUID
    sender_id: uuid.UUID
    receiver_id: uuid.UUID
    life_domain_codes: list[str]
    expected: str
    status: str
    urgency: str = Urgency.NORMAL
    agreement: str = ""
    contact_preference: str = ContactPreference.THROUGH_REFERENT
    eligibility: str = ""
    shared_categories: list[str] = field(default_factory=list)


def _invalid(field_name: str, message: str) -> ValidationError:
    return ValidationError({field_name: [message]})


def _validate(data: Any) -> Bundle:
    """The Bundle as `fhir.resources` reads it; `ValidationError` with each element's error in words."""
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise _invalid("resourceType", _("Send a FHIR R4B Bundle (resourceType “Bundle”)."))
    try:
        return Bundle.model_validate(data)
    except pydantic.ValidationError as invalid:
        errors = validation_errors(SchemaError(invalid.errors(include_url=False, include_context=False)))
        found: dict[str, list[str]] = {}
        for name, message in errors[:20]:
            found.setdefault(name, []).append(message)
        raise ValidationError(found) from None
    except (KeyError, ValueError, TypeError, AttributeError, LookupError):
        # fhir.resources raises a KeyError for an unknown resourceType in an entry.
        raise _invalid("entry", _("This is not a valid FHIR R4B Bundle: check each entry's resourceType.")) from None


def _uuid(value: Any) -> uuid.UUID | None:
    text = str(value or "").strip()
    text = text.removeprefix("urn:uuid:")
    try:
        return uuid.UUID(text) if len(text) == 36 else None
    except ValueError:
        return None


def _identifier_uuid(identifier: Any, systems: set[str]) -> uuid.UUID | None:
    if identifier is None or identifier.system not in systems:
        return None
    if identifier.system == URI and not str(identifier.value or "").startswith("urn:uuid:"):
        return None
    return _uuid(identifier.value)


class _Entries:
    """The Bundle's resources by the names a reference may use: fullUrl, `Type/id` and `urn:uuid:id`."""

    def __init__(self, bundle: Bundle) -> None:
        self.by_name: dict[str, Any] = {}
        self.found: dict[str, list[tuple[int, Any]]] = {}
        for index, entry in enumerate(bundle.entry or ()):
            resource = entry.resource
            if resource is None:
                continue
            kind = resource.get_resource_type()
            self.found.setdefault(kind, []).append((index, resource))
            if entry.fullUrl:
                self.by_name[str(entry.fullUrl)] = resource
            if resource.id:
                self.by_name[f"{kind}/{resource.id}"] = resource
                self.by_name.setdefault(f"urn:uuid:{resource.id}", resource)

    def one(self, kind: str) -> tuple[int, Any]:
        found = self.found.get(kind, [])
        if len(found) != 1:
            raise _invalid("entry", _("The Bundle must hold exactly one %(kind)s.") % {"kind": kind})
        return found[0]

    def party(self, reference: Any, systems: set[str]) -> uuid.UUID | None:
        """Rule 5: the public id a reference names: its identifier, its resource's identifiers or its `urn:uuid:`."""
        if reference is None:
            return None
        found = _identifier_uuid(reference.identifier, systems)
        if found is not None:
            return found
        name = str(reference.reference or "")
        target = self.by_name.get(name)
        for identifier in getattr(target, "identifier", None) or ():
            found = _identifier_uuid(identifier, systems)
            if found is not None:
                return found
        return _uuid(name) if name.startswith("urn:uuid:") else None


def _focus_of(task_resource: Any) -> list[str]:
    names = [str(task_resource.focus.reference or "")] if task_resource.focus is not None else []
    return names + [str(ref.reference or "") for ref in task_resource.basedOn or ()]


def _extension(resource: Any, url: str) -> Any:
    for extension in resource.extension or ():
        if extension.url == url:
            return extension.valueCode or extension.valueString
    return None


def read_bundle(data: Any) -> Incoming:
    """Rule 5: the new referral a Bundle describes; `ValidationError` naming what is wrong, in words."""
    bundle = _validate(data)
    entries = _Entries(bundle)
    sr_index, request = entries.one("ServiceRequest")
    task_index, work = entries.one("Task")
    at_request, at_task = f"entry.{sr_index}.resource", f"entry.{task_index}.resource"
    request_names = {f"ServiceRequest/{request.id}", f"urn:uuid:{request.id}"} if request.id else set()
    request_names |= {str(e.fullUrl) for e in bundle.entry or () if e.resource is request and e.fullUrl}
    if not request_names & set(_focus_of(work)):
        raise _invalid(f"{at_task}.focus", _("The Task must point to the ServiceRequest (focus or basedOn)."))
    if work.status not in IMPORTABLE_TASK_STATUS:
        raise _invalid(
            f"{at_task}.status",
            _("Only a new referral can be imported (Task status “requested” or “draft”); it then moves in Maillage."),
        )
    if request.intent not in ("order", "original-order", "plan", "proposal"):
        raise _invalid(f"{at_request}.intent", _("A referral is a ServiceRequest of intent “order”."))
    person_systems = {URI, PERSON_SYSTEM}
    person = entries.party(request.subject, person_systems)
    if person is None:
        raise _invalid(
            f"{at_request}.subject",
            _("Name the person by their Maillage identifier (an identifier “urn:uuid:…” or of %(system)s).")
            % {"system": PERSON_SYSTEM},
        )
    other = entries.party(work.for_fhir, person_systems)
    if other is not None and other != person:
        raise _invalid(f"{at_task}.for", _("The Task and the ServiceRequest name two different persons."))
    organisation_systems = {URI, ORGANISATION_SYSTEM}
    sender = entries.party(request.requester, organisation_systems) or entries.party(
        work.requester, organisation_systems
    )
    if sender is None:
        raise _invalid(f"{at_request}.requester", _("Name the sending organisation by its Maillage identifier."))
    performers = [*(request.performer or ()), work.owner]
    receivers = {found for ref in performers if (found := entries.party(ref, organisation_systems)) is not None}
    if len(receivers) != 1:
        raise _invalid(
            f"{at_request}.performer",
            _("Name one receiving organisation by its Maillage identifier (performer, owner)."),
        )
    codes = [c.code for c in (request.code.coding if request.code else None) or () if c.code]
    domains = [c.code for c in (request.code.coding if request.code else None) or () if c.system == DOMAIN_SYSTEM]
    if not codes:
        raise _invalid(f"{at_request}.code", _("Say which life domain the referral is about (a code of the need)."))
    expected = "\n\n".join(note.text.strip() for note in request.note or () if note.text and note.text.strip())
    categories, unknown = [], []
    for index, info in enumerate(request.supportingInfo or ()):
        if info.identifier is not None and info.identifier.system == CATEGORY_SYSTEM:
            value = str(info.identifier.value or "")
            (categories if value in Category.values else unknown).append(value or str(index))
    if unknown:
        raise _invalid(
            f"{at_request}.supportingInfo",
            _("Unknown data categories: %(codes)s. Use: %(known)s.")
            % {"codes": ", ".join(unknown), "known": ", ".join(Category.values)},
        )
    agreement = str(_extension(request, AGREEMENT_EXTENSION) or "")
    if agreement and agreement not in Agreement.values:
        raise _invalid(
            f"{at_request}.extension",
            _("How the person agreed: one of %(codes)s.") % {"codes": ", ".join(Agreement.values)},
        )
    contact = str(_extension(request, CONTACT_EXTENSION) or ContactPreference.THROUGH_REFERENT)
    if contact not in ContactPreference.values:
        raise _invalid(
            f"{at_request}.extension",
            _("How the person wants to be contacted: one of %(codes)s.")
            % {"codes": ", ".join(ContactPreference.values)},
        )
    return Incoming(
        person_id=person,
        sender_id=sender,
        receiver_id=receivers.pop(),
        life_domain_codes=domains or codes,
        expected=expected,
        status=IMPORTABLE_TASK_STATUS[work.status],
        urgency=URGENCY.get(request.priority or "routine", Urgency.NORMAL),
        agreement=agreement,
        contact_preference=contact,
        eligibility=str(_extension(request, ELIGIBILITY_EXTENSION) or "").strip(),
        shared_categories=sorted(set(categories)),
    )

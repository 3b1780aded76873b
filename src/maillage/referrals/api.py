"""/api/v1/referrals/: referrals as FHIR R4B (ServiceRequest + Task), exported and imported (issue 20, item 9).

Through the door like the pages: one referral is resolved by `selectors.referral_for` for the side the caller acts
for (an unknown referral, or one the caller has no side in, answers 404, never 403) and audited as an EXPORT; an
organisation's inbox or outbox is for its professionals only, each referral of the page audited as an EXPORT in
one batch. The receiver, before it takes the person on, reads "the person referred", never who (`fhir` rule 3).

An import (`POST /fhir`) is a Bundle of one ServiceRequest and one Task, validated with `fhir.resources` first
(422 with each element's error in words). The caller's organisation is the sender (the referral is created as on
the page, under the same rules: consent for the shared categories, the person's agreement) or the receiver (both
organisations must already work with the person: `services.referral_record_received`). The person is found by
their Maillage identifier among those the caller may see through the door (404 otherwise). Each import carries an
`Idempotency-Key` header: a replay answers the first result. A token needs `persons:read` to export,
`persons:write` to import.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel, ConfigDict

from maillage.access import audit
from maillage.access.door import person_data, person_for
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.accounts.api_auth import require_scope
from maillage.accounts.enums import ApiScope, Role
from maillage.core.api_errors import ErrorOut
from maillage.core.idempotency import IdempotencyKey, api_create_once
from maillage.people import purposes
from maillage.referrals import fhir, selectors, services
from maillage.referrals.enums import ReferralStatus

router = Router()

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
BUNDLE_HELP = (
    "A FHIR R4B Bundle (JSON), validated with `fhir.resources`: a ServiceRequest, its Task (`focus` the "
    "ServiceRequest), and the Organizations they name."
)


class BoxIn(Schema):
    box: Literal["inbox", "outbox"] = Field(
        "inbox", description="inbox: the referrals sent to the organisation (no drafts); outbox: those it sent."
    )
    status: ReferralStatus | None = Field(None, description="Only the referrals in this Maillage status.")
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1, newest first.")
    page_size: int = Field(50, ge=1, le=100)


class BundleIn(BaseModel):
    """A FHIR Bundle: read as a whole by `fhir.resources` (R4B), which checks every element. (A pydantic model:
    ninja's `Schema` drops the elements it does not declare.)"""

    model_config = ConfigDict(extra="allow")

    resourceType: Literal["Bundle"] = Field(description="Always “Bundle”.")
    entry: list[dict[str, Any]] = Field(
        min_length=2,
        max_length=50,
        description="The ServiceRequest, the Task, and the Organizations and Patient they refer to, if any.",
    )


class ImportedOut(Schema):
    id: UUID = Field(description="The referral's id in Maillage (its ServiceRequest's identifier).")
    status: ReferralStatus
    version: int = Field(description="Send it back with the referral's next move.")
    direction: Literal["inbox", "outbox"] = Field(description="outbox: your organisation sends it; inbox: receives.")
    bundle: dict[str, Any] = Field(description="The referral as Maillage now exports it (FHIR R4B Bundle).")


# --- export ------------------------------------------------------------------------------------------------


@router.get(
    "/{referral_id}/fhir",
    response={200: dict[str, Any], **ERRORS},
    summary="One referral as FHIR R4B: a Bundle of its ServiceRequest, its Task and the two Organizations",
    description=(
        "For the sending organisation, the receiving one and the person. Task.status follows the referral's status "
        "(Task.businessStatus is the Maillage status); the person is a logical identifier, never a name, and for "
        "the receiver before it takes the person on only the words “the person referred”."
    ),
)
@person_data(categories=[Category.COORDINATION], action=Action.EXPORT)
def referral_fhir(request: HttpRequest, referral_id: UUID) -> dict[str, Any]:
    require_scope(request, ApiScope.PERSONS_READ)
    referral, parties = selectors.referral_for(
        request.actor, referral_id, purpose=purposes.API_REFERRAL_FHIR, action=Action.EXPORT
    )
    return fhir.referral_bundle(referral, reveal=selectors.knows_person(referral, parties))


def _organisation(request: HttpRequest, organisation_id: UUID) -> Any:
    """One of the caller's organisations where it is a PROFESSIONAL (the token's own only), else 404."""
    for membership in getattr(request.actor, "memberships", ()):
        if membership.organisation.public_id == organisation_id and membership.role == Role.PROFESSIONAL:
            return membership.organisation
    raise Http404


@router.get(
    "/organisations/{organisation_id}/fhir",
    response={200: dict[str, Any], **ERRORS},
    summary="An organisation's inbox or outbox as a FHIR R4B searchset Bundle (paginated, newest first)",
    description=(
        "For the organisation's professionals. Each referral is a ServiceRequest (search mode `match`) and its "
        "Task (`include`); each Organization comes once. `total` counts every referral of the box and status. "
        "A person is named by a logical identifier only where your organisation works with them (or, in the "
        "outbox, until the first contact)."
    ),
)
@person_data(categories=[Category.COORDINATION], action=Action.EXPORT)
def box_fhir(request: HttpRequest, organisation_id: UUID, query: Query[BoxIn]) -> dict[str, Any]:
    require_scope(request, ApiScope.PERSONS_READ)
    organisation = _organisation(request, organisation_id)
    outgoing = query.box == "outbox"
    rows = selectors.box_for_export(organisation.pk, outgoing=outgoing, status=query.status or "")
    start = (query.page - 1) * query.page_size
    referrals = list(rows[start : start + query.page_size])
    known = selectors.persons_known(organisation.pk, referrals, outgoing=outgoing)
    side = Reason.REFERRAL_SENDER if outgoing else Reason.REFERRAL_RECEIVER
    audit.record_many(
        audit.event_data(
            actor=request.actor,
            action=Action.EXPORT,
            outcome=Outcome.ALLOWED,
            person=referral.person_id,
            category=Category.COORDINATION,
            purpose=purposes.API_REFERRAL_FHIR,
            reason=Reason.INVOLVED if referral.person_id in known and not outgoing else side,
            organisation_id=organisation.pk,
            extra={"referral": referral.pk, "identified": referral.person_id in known},
        )
        for referral in referrals
    )
    return fhir.referrals_bundle(referrals, total=rows.count(), revealed=known)


# --- import ------------------------------------------------------------------------------------------------


@router.post(
    "/fhir",
    response={201: ImportedOut, **ERRORS, 409: ErrorOut},
    summary="Import a referral from a FHIR R4B Bundle (ServiceRequest + Task), once per Idempotency-Key",
    description=(
        f"{BUNDLE_HELP} Task.status `requested` (a sent referral) or `draft` (a draft, for a sender only). "
        "Your organisation is the requester (you send it: the rules of the page apply, the shared categories "
        "included, listed as `supportingInfo` identifiers of the data-category system) or the performer/owner "
        "(you record one a partner sent you: both organisations must already work with the person; nothing more "
        "is shared). The person, the organisations and the life domain are named by their Maillage identifiers "
        "(as in an export); how the person agreed (ON_PAPER, ORALLY) is the referral-agreement extension. "
        "Malformed FHIR and broken rules answer 422 naming the element; a person you may not see, 404; an "
        "organisation you do not act for, 403."
    ),
)
@person_data(categories=[Category.COORDINATION], action=Action.CREATE)
def referral_import(request: HttpRequest, response: HttpResponse, payload: BundleIn, idempotency_key: IdempotencyKey):
    require_scope(request, ApiScope.PERSONS_WRITE)
    actor = request.actor
    membership = getattr(actor, "membership", None)
    if membership is None or membership.role != Role.PROFESSIONAL:
        raise PermissionDenied(_("Only a professional acting for an organisation imports referrals."))
    incoming = fhir.read_bundle(payload.model_dump(mode="json", exclude_unset=True))
    mine = membership.organisation.public_id
    if mine not in (incoming.sender_id, incoming.receiver_id):
        raise PermissionDenied(_("Import a referral your organisation sends or receives."))
    outgoing = incoming.sender_id == mine
    other = selectors.validated_organisation(incoming.receiver_id if outgoing else incoming.sender_id)
    if other is None:
        field = "receiver_organisation" if outgoing else "sender_organisation"
        raise ValidationError({field: _("This organisation is not a validated organisation of Maillage.")})
    life_domain = selectors.life_domain_of(incoming.life_domain_codes)
    if life_domain is None:
        raise ValidationError({"life_domain": _("This life domain is not one of Maillage's (code of the need).")})
    if not outgoing and incoming.status != ReferralStatus.SENT:
        raise ValidationError({"status": _("A referral your organisation receives is imported as sent (requested).")})
    person = person_for(
        actor,
        incoming.person_id,
        action=Action.CREATE,
        category=Category.COORDINATION,
        purpose=purposes.API_REFERRAL_IMPORT,
    )

    def create() -> ImportedOut:
        fields = {
            "person": person,
            "expected": incoming.expected,
            "agreement": incoming.agreement,
            "life_domain": life_domain,
            "urgency": incoming.urgency,
            "eligibility": incoming.eligibility,
            "shared_categories": incoming.shared_categories,
            "contact_preference": incoming.contact_preference,
        }
        if outgoing:
            referral = services.referral_create(
                actor,
                receiver_organisation=other,
                need=services.open_need(person, life_domain),
                send=incoming.status == ReferralStatus.SENT,
                **fields,
            )
        else:
            referral = services.referral_record_received(actor, sender_organisation=other, **fields)
        return ImportedOut(
            id=referral.public_id,
            status=referral.status,
            version=referral.version,
            direction="outbox" if outgoing else "inbox",
            bundle=fhir.referral_bundle(referral),
        )

    return api_create_once(
        request, response, key=idempotency_key, payload=payload, create=create, subject_id=person.pk
    )

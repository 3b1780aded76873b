"""/api/v1/people/: the persons I follow, a search among them, one person's file (masked by category), who saw
it; changes to the identity, the needs and the secondary network.

Through the door like the pages: the list comes from `persons_visible_to` and is audited per person;
a file from `person_for`; an unknown or forbidden id answers 404 (never 403). A token needs the
`persons:read` scope to read, `persons:write` to change; a browser session is bounded by the user's rights
only. Network changes call the same services as the pages, so the door's rule 8 holds here too: a change
that is not the caller's to make answers 403 with the reason in words, bad input 422. Writes follow ADR 5:
a change sends the `version` it read (409 with what changed if the row changed since), a create sends an
`Idempotency-Key` header (a replay answers the first result).

The search is a POST: the words of a name travel in the body, never in a URL, so no access log, history or
proxy keeps them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from maillage.access.door import (
    audit_list,
    open_file,
    person_data,
    person_for,
    persons_visible_to,
)
from maillage.access.enums import Action, Category
from maillage.access.selectors import access_events_of
from maillage.access.who_saw import sightings
from maillage.accounts.api_auth import require_scope
from maillage.accounts.enums import ApiScope
from maillage.core.api_errors import ConflictOut, ErrorOut
from maillage.core.idempotency import IdempotencyKey, api_create_once
from maillage.directory.selectors import life_domains
from maillage.people import purposes, selectors, services
from maillage.people.enums import InvolvementEndReason, NeedStatus
from maillage.people.presenters import PersonPage, person_page
from maillage.people.selectors import addable_organisations
from maillage.people.services import need_category
from maillage.territories.selectors import communes_with_code

if TYPE_CHECKING:
    from maillage.people.models import Involvement, InvolvementEndProposal, Need, Person  # noqa: TID251

router = Router()

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**ERRORS, 409: ConflictOut}
VERSION_HELP = "The `version` you read: if the row changed since, nothing is saved and the answer is 409."


class PageIn(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
    page_size: int = Field(50, ge=1, le=200)


class PersonSearchIn(PageIn):
    q: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"\S",
        description="Words of the first or last name, all of them present (only where the identity is shared).",
    )


class PersonSummaryOut(Schema):
    id: UUID
    identity_shared: bool = Field(
        True,
        description="Always true: a person whose identity is not shared with you cannot be opened, so is not listed.",
        json_schema_extra={"deprecated": True},
    )
    first_name: str
    last_name: str
    birth_date: dt.date | None = None


class PersonPageOut(Schema):
    count: int = Field(
        description="The persons your organisations follow now (the list) or whose name matches (the search). On "
        "the list, it includes those whose identity is not shared with you, who are left out of the pages."
    )
    page: int
    page_size: int
    items: list[PersonSummaryOut] = Field(
        description="Only the persons whose file you may open (their identity is shared with you), by name."
    )
    left_out: int = Field(
        0,
        description="How many persons of this page were left out because their identity is not shared with you "
        "(a file cannot be opened without it). A page may then hold fewer than `page_size` items.",
    )


class IdentityOut(Schema):
    version: int = Field(description="Send it back with a change (PATCH): it is incremented by each change.")
    first_name: str
    last_name: str
    birth_date: dt.date | None
    phone: str
    email: str
    preferred_language: str
    commune: str | None = Field(description="The name of the commune where the person lives.")
    commune_code: str | None = Field(None, description="Its official code (NIS/INS in Belgium, INSEE in France).")
    commune_country: str | None = Field(None, description="Its country (ISO 3166-1 alpha-2).")


class NeedOut(Schema):
    id: UUID
    version: int
    life_domain: str
    life_domain_code: str
    in_own_words: str
    status: str
    weight: int
    category: str


class RelationOut(Schema):
    id: UUID
    version: int
    name: str
    kind: str
    detail: str
    quality: str
    strength: int
    support_direction: str
    takes_part: bool


class InvolvementOut(Schema):
    id: UUID
    version: int
    organisation_id: UUID
    organisation: str
    role: str
    status: str
    started_on: dt.date
    ended_on: dt.date | None
    agreement: str = Field(
        "", description="How the person agreed to the organisation joining (blank: it opened the file)."
    )


class PersonOut(Schema):
    id: UUID
    categories: list[str] = Field(description="The data categories shared with you now; the others are null.")
    break_glass: bool = Field(description="True while you read this file under emergency access.")
    is_referent: bool
    identity: IdentityOut | None
    needs: list[NeedOut] | None
    primary_network: list[RelationOut] | None
    secondary_network: list[InvolvementOut] | None


class SightingOut(Schema):
    at: dt.datetime
    organisation: str
    who: str
    role: str
    category: str
    action: str
    purpose: str
    outcome: str
    break_glass: bool


class SightingPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[SightingOut]


@router.get(
    "/persons",
    response={200: PersonPageOut, **ERRORS},
    summary="The persons my organisations follow now, those whose file I may open (paginated)",
    description="Pages are cut in the list of every person your organisations follow, by name; then the persons "
    "whose identity is not shared with you are left out of the page (they cannot be opened) and counted in "
    "`left_out`. Deciding page by page keeps a large caseload fast.",
)
@person_data(categories=[Category.IDENTITY], action=Action.LIST)
def person_list(request: HttpRequest, paging: Query[PageIn]) -> PersonPageOut:
    require_scope(request, ApiScope.PERSONS_READ)
    if "q" in request.GET:
        # A client of the former `?q=` must learn it, not receive every person as if they all matched.
        raise ValidationError({"q": _("Search by name with POST /api/v1/people/persons/search: no name in a URL.")})
    actor = request.actor
    visible = persons_visible_to(actor).by_name()
    start = (paging.page - 1) * paging.page_size
    persons = list(visible[start : start + paging.page_size])
    categories = audit_list(actor, persons, action=Action.LIST, purpose=purposes.API_LIST)
    return _summary_page(persons, categories, count=visible.count(), paging=paging)


@router.post(
    "/persons/search",
    response={200: PersonPageOut, **ERRORS},
    summary="Search the persons my organisations follow by name (paginated; the words go in the body)",
)
@person_data(categories=[Category.IDENTITY], action=Action.SEARCH)
def person_search(request: HttpRequest, search: PersonSearchIn) -> PersonPageOut:
    require_scope(request, ApiScope.PERSONS_READ)
    actor = request.actor
    matches = selectors.person_search(actor, search.q.strip())
    start = (search.page - 1) * search.page_size
    persons = matches[start : start + search.page_size]
    categories = audit_list(actor, persons, action=Action.SEARCH, purpose=purposes.API_LIST)
    return _summary_page(persons, categories, count=len(matches), paging=search)


def _summary_page(persons: list, categories: dict, *, count: int, paging: PageIn) -> PersonPageOut:
    """The page's persons whose identity is shared (as the page list: never a row that cannot be opened)."""
    shown = [person for person in persons if Category.IDENTITY in categories[person.pk]]
    items = [
        PersonSummaryOut(
            id=person.public_id,
            first_name=person.first_name,
            last_name=person.last_name,
            birth_date=person.birth_date,
        )
        for person in shown
    ]
    return PersonPageOut(
        count=count, page=paging.page, page_size=paging.page_size, items=items, left_out=len(persons) - len(shown)
    )


def _identity_out(person: Person) -> IdentityOut:
    return IdentityOut(
        version=person.version,
        first_name=person.first_name,
        last_name=person.last_name,
        birth_date=person.birth_date,
        phone=person.phone,
        email=person.email,
        preferred_language=person.preferred_language,
        commune=person.commune.name if person.commune_id else None,
        commune_code=person.commune.code if person.commune_id else None,
        commune_country=person.commune.country if person.commune_id else None,
    )


def _need_out(need: Need) -> NeedOut:
    return NeedOut(
        id=need.public_id,
        version=need.version,
        life_domain=need.term.name,
        life_domain_code=need.term.code,
        in_own_words=need.own_words,
        status=need.status,
        weight=need.weight,
        category=str(need_category(need.term)),
    )


def _person_out(page: PersonPage) -> PersonOut:
    person = page.person
    return PersonOut(
        id=person.public_id,
        categories=sorted(str(c) for c in page.categories),
        break_glass=page.grant is not None,
        is_referent=page.is_referent,
        identity=_identity_out(person) if page.shows_identity else None,
        needs=[_need_out(need) for need in page.needs] if page.shows_needs else None,
        primary_network=[
            RelationOut(
                id=relation.public_id,
                version=relation.version,
                name=relation.name,
                kind=relation.kind,
                detail=relation.kind_detail,
                quality=relation.quality,
                strength=relation.strength,
                support_direction=relation.support_direction,
                takes_part=relation.takes_part,
            )
            for relation in page.relations
        ]
        if page.shows_social
        else None,
        secondary_network=[_involvement_out(involvement) for involvement in page.involvements]
        if page.shows_coordination
        else None,
    )


@router.get(
    "/persons/{public_id}",
    response={200: PersonOut, **ERRORS},
    summary="One person's file, each category masked (null) unless shared with you now",
)
@person_data(categories=list(Category), action=Action.VIEW)
def person_detail(request: HttpRequest, public_id: UUID) -> PersonOut:
    require_scope(request, ApiScope.PERSONS_READ)
    actor = request.actor
    person, categories = open_file(actor, public_id, purpose=purposes.API_PERSON)
    page = person_page(actor, person, categories=categories)
    return _person_out(page)


@router.get(
    "/persons/{public_id}/who-saw",
    response={200: SightingPageOut, **ERRORS},
    summary="Who saw this file: for the referent and the person themselves (paginated, most recent first)",
)
@person_data(categories=[Category.IDENTITY, Category.COORDINATION], action=Action.VIEW)
def who_saw(request: HttpRequest, public_id: UUID, paging: Query[PageIn]) -> SightingPageOut:
    require_scope(request, ApiScope.PERSONS_READ)
    actor = request.actor
    person = person_for(actor, public_id, action=Action.VIEW, category=Category.IDENTITY, purpose=purposes.API_WHO_SAW)
    page = person_page(actor, person)
    if not (page.is_referent or page.is_self):
        raise Http404
    events = access_events_of(person)
    start = (paging.page - 1) * paging.page_size
    rows = sightings(
        list(events[start : start + paging.page_size]), person_user_id=person.user_id, for_person=page.is_self
    )
    return SightingPageOut(
        count=events.count(),
        page=paging.page,
        page_size=paging.page_size,
        items=[
            SightingOut(
                at=row.at,
                organisation=row.organisation,
                who=row.who,
                role=row.role,
                category=row.what,
                action=row.action,
                purpose=row.why,
                outcome=row.outcome,
                break_glass=row.break_glass,
            )
            for row in rows
        ],
    )


# --- the secondary network (door rule 8) ----------------------------------------------------------------


class InvolvementIn(Schema):
    organisation_id: UUID = Field(description="A validated organisation not involved with the person yet.")
    agreement: Literal["ON_PAPER", "ORALLY"] = Field(description="How the person agreed to it joining.")
    role: Literal["INTERVENING", "CONSULTED"] = "INTERVENING"
    started_on: dt.date | None = None


class InvolvementEndIn(Schema):
    reason: InvolvementEndReason
    detail: str = Field("", max_length=255)
    ended_on: dt.date | None = None


class EndProposalIn(Schema):
    reason: InvolvementEndReason
    detail: str = Field(min_length=1, max_length=2000, description="The proposal in a few words (read by both).")


class EndAnswerIn(Schema):
    agree: bool = Field(description="True: the involvement ends now. False: it stays open; say why in `comment`.")
    comment: str = Field("", max_length=2000)


class EndProposalOut(Schema):
    involvement_id: UUID
    organisation: str
    reason: str
    detail: str
    status: str
    proposed_at: dt.datetime
    answered_at: dt.datetime | None
    answer_comment: str


def _involvement_out(involvement: Involvement) -> InvolvementOut:
    return InvolvementOut(
        id=involvement.public_id,
        version=involvement.version,
        organisation_id=involvement.organisation.public_id,
        organisation=involvement.organisation.name,
        role=involvement.role,
        status=involvement.status,
        started_on=involvement.started_on,
        ended_on=involvement.ended_on,
        agreement=involvement.agreement,
    )


def _proposal_out(proposal: InvolvementEndProposal) -> EndProposalOut:
    return EndProposalOut(
        involvement_id=proposal.involvement.public_id,
        organisation=proposal.involvement.organisation.name,
        reason=proposal.reason,
        detail=proposal.detail,
        status=proposal.status,
        proposed_at=proposal.proposed_at,
        answered_at=proposal.answered_at,
        answer_comment=proposal.answer_comment,
    )


def _network_target(request: HttpRequest, public_id: UUID, involvement_id: UUID, purpose: str) -> Involvement:
    """The person through the door (404 unless the caller works with them), then their active involvement."""
    require_scope(request, ApiScope.PERSONS_WRITE)
    person = person_for(request.actor, public_id, action=Action.SHARE, category=Category.COORDINATION, purpose=purpose)
    involvement = selectors.involvement_active_of(person, involvement_id)
    if involvement is None:
        raise Http404
    return involvement


@router.post(
    "/persons/{public_id}/involvements",
    response={200: InvolvementOut, **ERRORS},
    summary="Add an organisation to the person's network, with how the person agreed (door rule 8c)",
)
@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
def involvement_add(request: HttpRequest, public_id: UUID, payload: InvolvementIn) -> InvolvementOut:
    require_scope(request, ApiScope.PERSONS_WRITE)
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.SHARE, category=Category.COORDINATION, purpose=purposes.API_NETWORK
    )
    organisation = addable_organisations(person).filter(public_id=payload.organisation_id).first()
    if organisation is None:
        raise ValidationError(
            {"organisation_id": _("Choose a validated organisation not involved with the person yet.")}
        )
    involvement = services.involvement_start(
        actor,
        person=person,
        organisation=organisation,
        agreement=payload.agreement,
        role=payload.role,
        started_on=payload.started_on,
        purpose=purposes.API_NETWORK,
    )
    return _involvement_out(involvement)


@router.post(
    "/persons/{public_id}/involvements/{involvement_id}/end",
    response={200: InvolvementOut, **ERRORS},
    summary="End my own organisation's involvement (door rule 8a); another's goes through the referent",
)
@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
def involvement_end(
    request: HttpRequest, public_id: UUID, involvement_id: UUID, payload: InvolvementEndIn
) -> InvolvementOut:
    involvement = _network_target(request, public_id, involvement_id, purposes.API_NETWORK)
    services.involvement_end(
        request.actor,
        involvement=involvement,
        reason=payload.reason,
        detail=payload.detail,
        ended_on=payload.ended_on,
        purpose=purposes.API_NETWORK,
    )
    return _involvement_out(involvement)


@router.post(
    "/persons/{public_id}/involvements/{involvement_id}/end-proposal",
    response={200: EndProposalOut, **ERRORS},
    summary="As the referent, propose to end another organisation's involvement (door rule 8b)",
)
@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
def involvement_end_propose(
    request: HttpRequest, public_id: UUID, involvement_id: UUID, payload: EndProposalIn
) -> EndProposalOut:
    involvement = _network_target(request, public_id, involvement_id, purposes.API_NETWORK)
    proposal = services.involvement_end_propose(
        request.actor,
        involvement=involvement,
        reason=payload.reason,
        detail=payload.detail,
        purpose=purposes.API_NETWORK,
    )
    return _proposal_out(proposal)


@router.post(
    "/persons/{public_id}/involvements/{involvement_id}/end-proposal/answer",
    response={200: EndProposalOut, **ERRORS},
    summary="Answer the referent's proposal to end my organisation's involvement: agree or object (door rule 8b)",
)
@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
def involvement_end_answer(
    request: HttpRequest, public_id: UUID, involvement_id: UUID, payload: EndAnswerIn
) -> EndProposalOut:
    involvement = _network_target(request, public_id, involvement_id, purposes.API_NETWORK)
    proposal = selectors.end_proposal_awaiting(involvement)
    if proposal is None:
        raise ValidationError(_("No proposal to end this involvement awaits an answer."))
    proposal = services.involvement_end_answer(
        request.actor, proposal=proposal, agree=payload.agree, comment=payload.comment, purpose=purposes.API_NETWORK
    )
    return _proposal_out(proposal)


# --- writes (ADR 5: a change carries the version it read; a create carries an Idempotency-Key) -------------


class IdentityIn(Schema):
    """The fields to change (the others are left as they are), and the version they were read at."""

    version: int = Field(ge=1, description=VERSION_HELP)
    first_name: str | None = Field(None, min_length=1, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    birth_date: dt.date | None = None
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    preferred_language: str | None = Field(None, max_length=8)
    commune_code: str | None = Field(
        None,
        max_length=20,
        description="The official code of the commune where the person lives (NIS/INS, INSEE; as `commune_code` "
        "in the file); null removes it.",
    )
    commune_country: str | None = Field(
        None,
        min_length=2,
        max_length=2,
        description="The commune's country (BE, FR…), needed only when the code is a commune's in two countries.",
    )


def _commune(code: str | None, country: str | None):
    """The commune of an official code, or a 422 naming the field."""
    if code is None:
        return None
    communes = communes_with_code(code, country=country)
    if not communes:
        raise ValidationError({"commune_code": _("No commune has this official code.")})
    if len(communes) > 1:
        raise ValidationError(
            {"commune_country": _("This code is a commune's in several countries: give the country too.")}
        )
    return communes[0]


@router.patch(
    "/persons/{public_id}",
    response={200: IdentityOut, **WRITE_ERRORS},
    summary="Change the person's identity, contact details or commune, from the version you read",
)
@person_data(categories=[Category.IDENTITY], action=Action.EDIT)
def person_update(request: HttpRequest, public_id: UUID, payload: IdentityIn) -> IdentityOut:
    require_scope(request, ApiScope.PERSONS_WRITE)
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.EDIT, category=Category.IDENTITY, purpose=purposes.API_PERSON_UPDATE
    )
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "commune_code", "commune_country"})
    for name in ("last_name", "phone", "email"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    if "commune_code" in payload.model_fields_set:
        fields["commune"] = _commune(payload.commune_code, payload.commune_country)
    elif payload.commune_country is not None:
        raise ValidationError({"commune_code": _("Give the commune's official code with its country.")})
    services.person_update(actor, person=person, version=payload.version, purpose=purposes.API_PERSON_UPDATE, **fields)
    return _identity_out(person)


class NeedIn(Schema):
    life_domain_code: str = Field(max_length=100, description="The code of a life domain (`life_domain_code`).")
    in_own_words: str = Field("", max_length=5000)
    weight: int = Field(3, ge=1, le=5, description="How heavy it is for the person, from 1 to 5.")
    status: NeedStatus = NeedStatus.OPEN


class NeedPatchIn(Schema):
    version: int = Field(ge=1, description=VERSION_HELP)
    in_own_words: str | None = Field(None, max_length=5000)
    weight: int | None = Field(None, ge=1, le=5)
    status: NeedStatus | None = None


def _person_to_write(request: HttpRequest, public_id: UUID, purpose: str) -> tuple[Person, PersonPage]:
    require_scope(request, ApiScope.PERSONS_WRITE)
    person = person_for(request.actor, public_id, action=Action.VIEW, category=Category.IDENTITY, purpose=purpose)
    return person, person_page(request.actor, person)


@router.post(
    "/persons/{public_id}/needs",
    response={201: NeedOut, **WRITE_ERRORS},
    summary="Record a need, once per Idempotency-Key",
)
@person_data(categories=[Category.SOCIAL, Category.HEALTH], action=Action.CREATE)
def need_create(
    request: HttpRequest,
    response: HttpResponse,
    public_id: UUID,
    payload: NeedIn,
    idempotency_key: IdempotencyKey,
):
    person, page = _person_to_write(request, public_id, purposes.API_NEED_WRITE)
    if not page.shows_needs:
        raise Http404
    term = life_domains().filter(code=payload.life_domain_code).first()
    if term is None:
        raise ValidationError({"life_domain_code": _("Choose one of the life domains.")})

    def create() -> NeedOut:
        need = services.need_create(
            request.actor,
            person=person,
            term=term,
            own_words=payload.in_own_words,
            weight=payload.weight,
            status=payload.status,
            purpose=purposes.API_NEED_WRITE,
        )
        return _need_out(need)

    return api_create_once(
        request, response, key=idempotency_key, payload=payload, create=create, subject_id=person.pk
    )


@router.patch(
    "/persons/{public_id}/needs/{need_id}",
    response={200: NeedOut, **WRITE_ERRORS},
    summary="Change a need's words, weight or status, from the version you read",
)
@person_data(categories=[Category.SOCIAL, Category.HEALTH], action=Action.EDIT)
def need_update(request: HttpRequest, public_id: UUID, need_id: UUID, payload: NeedPatchIn) -> NeedOut:
    _person, page = _person_to_write(request, public_id, purposes.API_NEED_WRITE)
    need = next((n for n in page.needs if n.public_id == need_id), None)
    if need is None:
        raise Http404
    need = services.need_update(
        request.actor,
        need=need,
        own_words=payload.in_own_words,
        weight=payload.weight,
        status=payload.status,
        version=payload.version,
        purpose=purposes.API_NEED_WRITE,
    )
    return _need_out(need)

"""/api/v1/projects/: a person's personalised project, read and written; its FHIR R4B export.

Through the door like the pages: the person is resolved with `person_for` for their PROJECT data (an unknown
or forbidden id answers 404, never 403), and the writes call the same services as the pages, so their rules
hold here too (an organisation changes only its own actions: 403 with the reason in words; bad input 422).
A token needs `persons:read` to read, `persons:write` to write.

One version guards the whole project (ADR 5, `projects.services`): every write sends the project's `version`
it read (required on a change, optional on a create), and a write from an older version answers 409 with
what changed since; every answer that changed the project gives the new `project_version`. Creates carry an
`Idempotency-Key` header: a replay answers the first result.

The person's answer to a version of their project: the person gives it themselves (`how` = IN_OWN_SPACE),
or an involved professional records it with how it was given (ON_PAPER, ORALLY_IN_MEETING).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from maillage.access.door import categories_for, person_data, person_for
from maillage.access.enums import Action, Category
from maillage.accounts.api_auth import require_scope
from maillage.accounts.enums import ApiScope
from maillage.core.api_errors import ConflictOut, ErrorOut
from maillage.core.idempotency import IdempotencyKey, api_create_once
from maillage.people import purposes
from maillage.projects import fhir, selectors, services
from maillage.projects.enums import (
    ActionStatus,
    AgreementAnswer,
    AgreementHow,
    Carrier,
    Frequency,
    ObjectiveStatus,
    Priority,
    Progress,
    ReviewDecision,
)

if TYPE_CHECKING:
    from maillage.people.models import Person  # noqa: TID251 -- annotations only: the door hands out the instances
    from maillage.projects.models import Objective, Project, ProjectAction, ProjectVersion, Review  # noqa: TID251

router = Router()

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**ERRORS, 409: ConflictOut}
VERSION_HELP = "The project's `version` you read: if the project changed since, nothing is saved (409)."
OPTIONAL_VERSION_HELP = "The project's `version` you read, checked when given (409 if the project changed since)."


# --- output ------------------------------------------------------------------------------------------------


class ActionOut(Schema):
    id: UUID
    objective_id: UUID
    carrier: Carrier = Field(description="PERSON: the person themselves; RELATION: a relative; ORGANISATION.")
    relation_id: UUID | None = Field(None, description="The relative who carries it (primary network).")
    organisation_id: UUID | None = Field(None, description="The organisation of the care team that carries it.")
    carried_by: str = Field(description="Who carries it, in words.")
    what: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    frequency: Frequency
    means: str
    status: ActionStatus


class ObjectiveOut(Schema):
    id: UUID
    own_words: str = Field(description="The objective as the person says it.")
    reformulation: str
    life_domain_code: str | None
    priority: Priority = Field(description="The person's priority: 1 high, 2 medium, 3 low.")
    indicator: str = Field(description="What will show progress.")
    target: str
    target_date: dt.date | None
    status: ObjectiveStatus
    status_reason: str
    actions: list[ActionOut]


class VersionOut(Schema):
    number: int
    proposed_at: dt.datetime
    note: str
    answer: AgreementAnswer | None = Field(None, description="The person's answer (null: not given yet).")
    answer_how: AgreementHow | None = None
    answer_comment: str
    answered_at: dt.datetime | None


class EntryOut(Schema):
    objective_id: UUID
    progress: Progress | None = Field(None, description="The professionals' assessment.")
    comment: str
    person_rating: Progress | None = Field(None, description="The person's own rating.")
    person_comment: str
    decision: ReviewDecision


class ReviewOut(Schema):
    id: UUID
    planned_on: dt.date
    status: str
    held_on: dt.date | None
    person_takes_part: bool
    note: str
    summary: str
    entries: list[EntryOut]


class ProjectOut(Schema):
    id: UUID
    version: int = Field(description="Send it back with each write: every write to the project increments it.")
    title: str
    status: str
    started_on: dt.date
    closed_on: dt.date | None
    objectives: list[ObjectiveOut]
    versions: list[VersionOut]
    reviews: list[ReviewOut]


class PersonProjectOut(Schema):
    person_id: UUID
    project: ProjectOut | None = Field(description="The active project, or the latest closed one; null if none.")


class WrittenOut(Schema):
    """What a write changed, and the project's version after it (to send with the next write)."""

    project_version: int


class ObjectiveWrittenOut(WrittenOut):
    objective: ObjectiveOut


class ActionWrittenOut(WrittenOut):
    action: ActionOut


class ReviewWrittenOut(WrittenOut):
    review: ReviewOut


class VersionWrittenOut(WrittenOut):
    project_version_number: int = Field(description="The number of the version proposed or answered.")
    version: VersionOut


def _action_out(action: ProjectAction, objective: Objective) -> ActionOut:
    return ActionOut(
        id=action.public_id,
        objective_id=objective.public_id,
        carrier=action.carrier,
        relation_id=action.relation.public_id if action.relation_id else None,
        organisation_id=action.organisation.public_id if action.organisation_id else None,
        carried_by=services.carrier_name(action),
        what=action.what,
        starts_on=action.starts_on,
        ends_on=action.ends_on,
        frequency=action.frequency,
        means=action.means,
        status=action.status,
    )


def _objective_out(objective: Objective) -> ObjectiveOut:
    actions = getattr(objective, "sorted_actions", None)
    if actions is None:
        actions = list(objective.actions.select_related("relation", "organisation"))
    return ObjectiveOut(
        id=objective.public_id,
        own_words=objective.own_words,
        reformulation=objective.reformulation,
        life_domain_code=objective.life_domain.code if objective.life_domain_id else None,
        priority=objective.priority,
        indicator=objective.indicator,
        target=objective.target,
        target_date=objective.target_date,
        status=objective.status,
        status_reason=objective.status_reason,
        actions=[_action_out(action, objective) for action in actions],
    )


def _version_out(row: ProjectVersion) -> VersionOut:
    return VersionOut(
        number=row.number,
        proposed_at=row.created_at,
        note=row.note,
        answer=row.answer or None,
        answer_how=row.answer_how or None,
        answer_comment=row.answer_comment,
        answered_at=row.answered_at,
    )


def _review_out(review: Review) -> ReviewOut:
    return ReviewOut(
        id=review.public_id,
        planned_on=review.planned_on,
        status=review.status,
        held_on=review.held_on,
        person_takes_part=review.person_takes_part,
        note=review.note,
        summary=review.summary,
        entries=[
            EntryOut(
                objective_id=entry.objective.public_id,
                progress=entry.progress,
                comment=entry.comment,
                person_rating=entry.person_rating,
                person_comment=entry.person_comment,
                decision=entry.decision,
            )
            for entry in review.entries.all()
        ],
    )


def _project_out(project: Project) -> ProjectOut:
    return ProjectOut(
        id=project.public_id,
        version=project.version,
        title=project.title,
        status=project.status,
        started_on=project.started_on,
        closed_on=project.closed_on,
        objectives=[_objective_out(o) for o in selectors.objectives_of(project)],
        versions=[_version_out(v) for v in selectors.versions_of(project)],
        reviews=[_review_out(r) for r in selectors.reviews_of(project)],
    )


# --- resolving through the door ----------------------------------------------------------------------------


def _person(request: HttpRequest, public_id: UUID, *, action: str, purpose: str, write: bool) -> Person:
    require_scope(request, ApiScope.PERSONS_WRITE if write else ApiScope.PERSONS_READ)
    return person_for(request.actor, public_id, action=action, category=Category.PROJECT, purpose=purpose)


def _project(request: HttpRequest, public_id: UUID, *, action: str = Action.EDIT, purpose: str) -> Project:
    """The person's project to write (404 unless the door lets the caller write their PROJECT data, or if the
    person has no project)."""
    person = _person(request, public_id, action=action, purpose=purpose, write=True)
    project = selectors.latest_project(person)
    if project is None:
        raise Http404
    return project


# --- reads -------------------------------------------------------------------------------------------------


@router.get(
    "/persons/{public_id}/project",
    response={200: PersonProjectOut, **ERRORS},
    summary="The person's personalised project: objectives and actions, versions and answers, reviews",
)
@person_data(categories=[Category.PROJECT], action=Action.VIEW)
def project_detail(request: HttpRequest, public_id: UUID) -> PersonProjectOut:
    person = _person(request, public_id, action=Action.VIEW, purpose=purposes.API_PROJECT, write=False)
    project = selectors.latest_project(person)
    return PersonProjectOut(person_id=person.public_id, project=_project_out(project) if project else None)


@router.get(
    "/persons/{public_id}/project/fhir",
    response={200: dict[str, Any], **ERRORS},
    summary="The project as FHIR R4B: a Bundle of the CarePlan, its Goals and the CareTeam",
    description=(
        "A `collection` Bundle: one CarePlan (the project; empty Bundle when the person has none), a Goal per "
        "objective, the CareTeam of the active involvements, and the Organizations, Practitioners and "
        "RelatedPersons that carry actions. The person is referred to by a logical identifier, never by name."
    ),
)
@person_data(categories=[Category.PROJECT], action=Action.EXPORT)
def project_fhir(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    person = _person(request, public_id, action=Action.EXPORT, purpose=purposes.API_PROJECT_FHIR, write=False)
    return fhir_bundle_of(request.actor, person)


def fhir_bundle_of(actor: Any, person: Person) -> dict[str, Any]:
    """The FHIR Bundle of the person's latest project (an empty collection when there is none)."""
    from django.utils import timezone

    project = selectors.latest_project(person)
    if project is None:
        return {"resourceType": "Bundle", "type": "collection", "timestamp": timezone.now().isoformat()}
    # The care team is coordination data: only for a caller the door lets see it (people.team's rule).
    team = selectors.care_team_of(person) if Category.COORDINATION in categories_for(actor, person) else []
    return fhir.care_plan_bundle(
        project,
        objectives=selectors.objectives_of(project),
        reviews=selectors.reviews_of(project),
        versions=selectors.versions_of(project),
        involvements=team,
    )


# --- writes ------------------------------------------------------------------------------------------------


class ProjectIn(Schema):
    title: str = Field("", max_length=200)


class ProjectPatchIn(Schema):
    version: int = Field(ge=1, description=VERSION_HELP)
    title: str = Field(max_length=200)


class ObjectiveIn(Schema):
    version: int | None = Field(None, ge=1, description=OPTIONAL_VERSION_HELP)
    own_words: str = Field(min_length=1, max_length=5000, description="The objective as the person says it.")
    indicator: str = Field(min_length=1, max_length=5000, description="What will show progress.")
    reformulation: str = Field("", max_length=5000)
    life_domain_code: str | None = Field(None, max_length=100)
    priority: Priority = Priority.MEDIUM
    target: str = Field("", max_length=300)
    target_date: dt.date | None = None


class ObjectivePatchIn(Schema):
    version: int = Field(ge=1, description=VERSION_HELP)
    own_words: str | None = Field(None, min_length=1, max_length=5000)
    indicator: str | None = Field(None, min_length=1, max_length=5000)
    reformulation: str | None = Field(None, max_length=5000)
    life_domain_code: str | None = Field(None, max_length=100)
    priority: Priority | None = None
    target: str | None = Field(None, max_length=300)
    target_date: dt.date | None = None


class ActionIn(Schema):
    version: int | None = Field(None, ge=1, description=OPTIONAL_VERSION_HELP)
    what: str = Field(min_length=1, max_length=5000)
    carrier: Carrier = Carrier.PERSON
    relation_id: UUID | None = Field(None, description="With carrier RELATION: the relative (primary network).")
    organisation_id: UUID | None = Field(None, description="With carrier ORGANISATION: an organisation involved now.")
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    frequency: Frequency = Frequency.ONCE
    means: str = Field("", max_length=5000)
    status: ActionStatus = ActionStatus.PLANNED


class ActionPatchIn(Schema):
    version: int = Field(ge=1, description=VERSION_HELP)
    what: str | None = Field(None, min_length=1, max_length=5000)
    carrier: Carrier | None = None
    relation_id: UUID | None = None
    organisation_id: UUID | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    frequency: Frequency | None = None
    means: str | None = Field(None, max_length=5000)
    status: ActionStatus | None = None


class ReviewIn(Schema):
    version: int | None = Field(None, ge=1, description=OPTIONAL_VERSION_HELP)
    planned_on: dt.date
    person_takes_part: bool = True
    organisation_ids: list[UUID] = Field([], max_length=50, description="Organisations of the care team.")
    note: str = Field("", max_length=5000)


class EntryIn(Schema):
    objective_id: UUID
    progress: Progress | None = None
    comment: str = Field("", max_length=5000)
    person_rating: Progress | None = None
    person_comment: str = Field("", max_length=5000)
    decision: ReviewDecision = ReviewDecision.KEPT


class ReviewRecordIn(Schema):
    version: int = Field(ge=1, description=VERSION_HELP)
    held_on: dt.date
    entries: list[EntryIn] = Field(min_length=1, max_length=100)
    summary: str = Field("", max_length=5000)
    confirmed: bool = Field(False, description="Needed when an objective is decided REACHED or DROPPED.")


class VersionProposeIn(Schema):
    version: int | None = Field(None, ge=1, description=OPTIONAL_VERSION_HELP)
    note: str = Field("", max_length=2000, description="What changed, in words.")


class AnswerIn(Schema):
    version: int = Field(ge=1, description=VERSION_HELP)
    answer: AgreementAnswer
    how: AgreementHow = Field(
        description="IN_OWN_SPACE when the person answers themselves; a professional records ON_PAPER or "
        "ORALLY_IN_MEETING, as the person gave it."
    )
    comment: str = Field("", max_length=5000)


def _life_domain(code: str | None) -> Any:
    if not code:
        return None
    term = selectors.life_domain_choices().filter(code=code).first()
    if term is None:
        raise ValidationError({"life_domain_code": _("Choose one of the life domains.")})
    return term


def _carrier(person: Person, *, carrier: str, relation_id: UUID | None, organisation_id: UUID | None) -> dict:
    """The relative or involvement named by public id, among the person's own (422 otherwise)."""
    values: dict[str, Any] = {"carrier": carrier, "relation": None, "involvement": None}
    if carrier == Carrier.RELATION:
        relation = selectors.relatives_of(person).filter(public_id=relation_id).first() if relation_id else None
        if relation is None:
            raise ValidationError({"relation_id": _("Choose a relative of the person's network.")})
        values["relation"] = relation
    elif carrier == Carrier.ORGANISATION:
        involvement = (
            selectors.care_team_of(person).filter(organisation__public_id=organisation_id).first()
            if organisation_id
            else None
        )
        if involvement is None:
            raise ValidationError({"organisation_id": _("Choose an organisation involved with the person now.")})
        values["involvement"] = involvement
    return values


@router.post(
    "/persons/{public_id}/project",
    response={201: PersonProjectOut, **WRITE_ERRORS},
    summary="Start the person's personalised project (one active at a time), once per Idempotency-Key",
)
@person_data(categories=[Category.PROJECT], action=Action.CREATE)
def project_create(
    request: HttpRequest, response: HttpResponse, public_id: UUID, payload: ProjectIn, idempotency_key: IdempotencyKey
):
    person = _person(request, public_id, action=Action.CREATE, purpose=purposes.API_PROJECT_WRITE, write=True)

    def create() -> PersonProjectOut:
        project = services.project_start(
            request.actor, person=person, title=payload.title, purpose=purposes.API_PROJECT_WRITE
        )
        return PersonProjectOut(person_id=person.public_id, project=_project_out(project))

    return api_create_once(
        request, response, key=idempotency_key, payload=payload, create=create, subject_id=person.pk
    )


@router.patch(
    "/persons/{public_id}/project",
    response={200: WrittenOut, **WRITE_ERRORS},
    summary="Rename the project, from the version you read",
)
@person_data(categories=[Category.PROJECT], action=Action.EDIT)
def project_update(request: HttpRequest, public_id: UUID, payload: ProjectPatchIn) -> WrittenOut:
    project = _project(request, public_id, purpose=purposes.API_PROJECT_WRITE)
    services.project_update(
        request.actor,
        project=project,
        version=payload.version,
        title=payload.title,
        purpose=purposes.API_PROJECT_WRITE,
    )
    return WrittenOut(project_version=project.version)


@router.post(
    "/persons/{public_id}/project/objectives",
    response={201: ObjectiveWrittenOut, **WRITE_ERRORS},
    summary="Add an objective in the person's own words, once per Idempotency-Key",
)
@person_data(categories=[Category.PROJECT], action=Action.CREATE)
def objective_create(
    request: HttpRequest,
    response: HttpResponse,
    public_id: UUID,
    payload: ObjectiveIn,
    idempotency_key: IdempotencyKey,
):
    project = _project(request, public_id, action=Action.CREATE, purpose=purposes.API_PROJECT_WRITE)
    life_domain = _life_domain(payload.life_domain_code)

    def create() -> ObjectiveWrittenOut:
        objective = services.objective_add(
            request.actor,
            project=project,
            version=payload.version,
            own_words=payload.own_words,
            indicator=payload.indicator,
            reformulation=payload.reformulation,
            life_domain=life_domain,
            priority=payload.priority,
            target=payload.target,
            target_date=payload.target_date,
            purpose=purposes.API_PROJECT_WRITE,
        )
        return ObjectiveWrittenOut(project_version=project.version, objective=_objective_out(objective))

    return api_create_once(
        request, response, key=idempotency_key, payload=payload, create=create, subject_id=project.person_id
    )


@router.patch(
    "/persons/{public_id}/project/objectives/{objective_id}",
    response={200: ObjectiveWrittenOut, **WRITE_ERRORS},
    summary="Change an objective's words, reformulation, domain, priority or expected result",
)
@person_data(categories=[Category.PROJECT], action=Action.EDIT)
def objective_update(
    request: HttpRequest, public_id: UUID, objective_id: UUID, payload: ObjectivePatchIn
) -> ObjectiveWrittenOut:
    project = _project(request, public_id, purpose=purposes.API_PROJECT_WRITE)
    objective = selectors.objective_of(project, objective_id)
    if objective is None:
        raise Http404
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "life_domain_code"})
    if "life_domain_code" in payload.model_fields_set:
        fields["life_domain"] = _life_domain(payload.life_domain_code)
    for name in ("reformulation", "target"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    for name in ("own_words", "indicator", "priority"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    services.objective_update(
        request.actor, objective=objective, version=payload.version, purpose=purposes.API_PROJECT_WRITE, **fields
    )
    return ObjectiveWrittenOut(project_version=project.version, objective=_objective_out(objective))


@router.post(
    "/persons/{public_id}/project/objectives/{objective_id}/actions",
    response={201: ActionWrittenOut, **WRITE_ERRORS},
    summary="Add an action to an objective, carried by the person, a relative or an organisation involved",
)
@person_data(categories=[Category.PROJECT], action=Action.CREATE)
def action_create(
    request: HttpRequest,
    response: HttpResponse,
    public_id: UUID,
    objective_id: UUID,
    payload: ActionIn,
    idempotency_key: IdempotencyKey,
):
    project = _project(request, public_id, action=Action.CREATE, purpose=purposes.API_PROJECT_WRITE)
    objective = selectors.objective_of(project, objective_id)
    if objective is None:
        raise Http404
    carrier = _carrier(
        project.person,
        carrier=payload.carrier,
        relation_id=payload.relation_id,
        organisation_id=payload.organisation_id,
    )

    def create() -> ActionWrittenOut:
        action = services.action_add(
            request.actor,
            objective=objective,
            version=payload.version,
            what=payload.what,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            frequency=payload.frequency,
            means=payload.means,
            status=payload.status,
            purpose=purposes.API_PROJECT_WRITE,
            **carrier,
        )
        return ActionWrittenOut(project_version=project.version, action=_action_out(action, objective))

    return api_create_once(
        request, response, key=idempotency_key, payload=payload, create=create, subject_id=project.person_id
    )


@router.patch(
    "/persons/{public_id}/project/actions/{action_id}",
    response={200: ActionWrittenOut, **WRITE_ERRORS},
    summary="Change an action (who, what, when, how often, means, status); only the carrying organisation or "
    "the referent changes an organisation's action",
)
@person_data(categories=[Category.PROJECT], action=Action.EDIT)
def action_update(request: HttpRequest, public_id: UUID, action_id: UUID, payload: ActionPatchIn) -> ActionWrittenOut:
    project = _project(request, public_id, purpose=purposes.API_PROJECT_WRITE)
    action = selectors.action_of(project, action_id)
    if action is None:
        raise Http404
    fields = payload.model_dump(exclude_unset=True, exclude={"version", "carrier", "relation_id", "organisation_id"})
    if payload.model_fields_set & {"carrier", "relation_id", "organisation_id"}:
        fields.update(
            _carrier(
                project.person,
                carrier=payload.carrier or action.carrier,
                relation_id=payload.relation_id,
                organisation_id=payload.organisation_id,
            )
        )
    for name in ("what", "frequency", "status"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if "means" in fields and fields["means"] is None:
        fields["means"] = ""
    services.action_update(
        request.actor, action=action, version=payload.version, purpose=purposes.API_PROJECT_WRITE, **fields
    )
    action = selectors.action_of(project, action_id)
    return ActionWrittenOut(project_version=project.version, action=_action_out(action, action.objective))


@router.post(
    "/persons/{public_id}/project/reviews",
    response={201: ReviewWrittenOut, **WRITE_ERRORS},
    summary="Plan a review of the project, once per Idempotency-Key",
)
@person_data(categories=[Category.PROJECT], action=Action.CREATE)
def review_create(
    request: HttpRequest, response: HttpResponse, public_id: UUID, payload: ReviewIn, idempotency_key: IdempotencyKey
):
    project = _project(request, public_id, action=Action.CREATE, purpose=purposes.API_PROJECT_WRITE)
    team = {i.organisation.public_id: i.organisation for i in selectors.care_team_of(project.person)}
    unknown = [str(pk) for pk in payload.organisation_ids if pk not in team]
    if unknown:
        raise ValidationError({"organisation_ids": _("Choose organisations involved with the person now.")})

    def create() -> ReviewWrittenOut:
        review = services.review_plan(
            request.actor,
            project=project,
            version=payload.version,
            planned_on=payload.planned_on,
            person_takes_part=payload.person_takes_part,
            organisations=[team[pk] for pk in payload.organisation_ids],
            note=payload.note,
            purpose=purposes.API_PROJECT_WRITE,
        )
        return ReviewWrittenOut(project_version=project.version, review=_review_out(review))

    return api_create_once(
        request, response, key=idempotency_key, payload=payload, create=create, subject_id=project.person_id
    )


@router.post(
    "/persons/{public_id}/project/reviews/{review_id}/record",
    response={200: ReviewWrittenOut, **WRITE_ERRORS},
    summary="Record a held review: progress per objective, the person's rating beside it, the decisions",
)
@person_data(categories=[Category.PROJECT], action=Action.EDIT)
def review_record(request: HttpRequest, public_id: UUID, review_id: UUID, payload: ReviewRecordIn) -> ReviewWrittenOut:
    project = _project(request, public_id, purpose=purposes.API_PROJECT_WRITE)
    review = selectors.review_of(project, review_id)
    if review is None:
        raise Http404
    objectives = {o.public_id: o for o in selectors.objectives_of(project)}
    entries = []
    for index, entry in enumerate(payload.entries):
        objective = objectives.get(entry.objective_id)
        if objective is None:
            raise ValidationError({f"entries.{index}.objective_id": _("Choose an objective of this project.")})
        entries.append(
            services.EntryIn(
                objective=objective,
                progress=entry.progress,
                comment=entry.comment,
                person_rating=entry.person_rating,
                person_comment=entry.person_comment,
                decision=entry.decision,
            )
        )
    services.review_record(
        request.actor,
        review=review,
        version=payload.version,
        held_on=payload.held_on,
        entries=entries,
        summary=payload.summary,
        confirmed=payload.confirmed,
        purpose=purposes.API_PROJECT_WRITE,
    )
    return ReviewWrittenOut(project_version=project.version, review=_review_out(review))


@router.post(
    "/persons/{public_id}/project/versions",
    response={201: VersionWrittenOut, **WRITE_ERRORS},
    summary="Freeze the project into the next numbered version, to propose it to the person",
)
@person_data(categories=[Category.PROJECT], action=Action.CREATE)
def version_create(
    request: HttpRequest,
    response: HttpResponse,
    public_id: UUID,
    payload: VersionProposeIn,
    idempotency_key: IdempotencyKey,
):
    project = _project(request, public_id, action=Action.CREATE, purpose=purposes.API_PROJECT_WRITE)

    def create() -> VersionWrittenOut:
        row = services.version_propose(
            request.actor,
            project=project,
            version=payload.version,
            note=payload.note,
            purpose=purposes.API_PROJECT_WRITE,
        )
        return VersionWrittenOut(
            project_version=project.version, project_version_number=row.number, version=_version_out(row)
        )

    return api_create_once(
        request, response, key=idempotency_key, payload=payload, create=create, subject_id=project.person_id
    )


@router.post(
    "/persons/{public_id}/project/versions/{number}/answer",
    response={200: VersionWrittenOut, **WRITE_ERRORS},
    summary="The person's answer to a version: given by the person (IN_OWN_SPACE), or recorded by an involved "
    "professional with how it was given (ON_PAPER, ORALLY_IN_MEETING)",
)
@person_data(categories=[Category.PROJECT], action=Action.SHARE)
def version_answer(
    request: HttpRequest, public_id: UUID, payload: AnswerIn, number: int = Path(..., ge=1, le=1_000_000)
) -> VersionWrittenOut:
    project = _project(request, public_id, action=Action.SHARE, purpose=purposes.API_PROJECT_WRITE)
    row = selectors.version_of(project, number)
    if row is None:
        raise Http404
    row = services.agreement_record(
        request.actor,
        project_version=row,
        version=payload.version,
        answer=payload.answer,
        how=payload.how,
        comment=payload.comment,
        purpose=purposes.API_PROJECT_WRITE,
    )
    return VersionWrittenOut(
        project_version=project.version, project_version_number=row.number, version=_version_out(row)
    )

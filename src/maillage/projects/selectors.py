"""Reads of personalised projects: the project of a person, its timeline, the comparison of two versions, the
complementarity matrix, the partners suggested for an objective, and the reviews due.

Every read that starts from a person asks the door for PROJECT data (`project_for` audits it); the other
functions take a project already obtained that way and read nothing outside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from maillage.access import door
from maillage.access.enums import Action, Category
from maillage.accounts.models import Organisation
from maillage.core.text import fold
from maillage.directory.models import Service, TaxonomyTerm
from maillage.directory.search import LISTED_STATUSES, ServiceQuery, search_services
from maillage.people import purposes
from maillage.people.models import Involvement, Person, Relation
from maillage.projects.enums import ActionStatus, Carrier, ObjectiveStatus, ReviewStatus
from maillage.projects.models import (
    Divergence,
    DivergentView,
    Objective,
    ObjectiveReview,
    Project,
    ProjectAction,
    ProjectEvent,
    ProjectVersion,
    Review,
)
from maillage.projects.services import carrier_name

OPEN_ACTIONS = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


# --- the project of a person --------------------------------------------------------------------------------


def project_for(
    actor: Any, person: Person, *, action: str = Action.VIEW, purpose: str = purposes.PROJECT_PAGE
) -> Project | None:
    """The person's active project (or the latest closed one), if the door lets `actor` read their PROJECT
    data: `Http404` otherwise (audited either way). None when no project was ever started."""
    door.require(actor, person, action=action, category=Category.PROJECT, purpose=purpose)
    return latest_project(person)


def latest_project(person: Person) -> Project | None:
    """Without a door check: for callers that asked the door already (`project_for`)."""
    project = (
        Project.objects.filter(person_id=person.pk).order_by("status", "-started_on", "-pk").first()
    )  # "ACTIVE" sorts before "CLOSED"
    if project is not None:
        project.person = person
    return project


def projects_of(person: Person) -> QuerySet[Project]:
    """Every project of the person, active first (after a door check by the caller)."""
    return Project.objects.filter(person_id=person.pk).order_by("status", "-started_on", "-pk")


def _actions_first_of_person(actions: Iterable[ProjectAction]) -> list[ProjectAction]:
    """The person's own actions first, then their relatives', then the organisations' (each by position)."""
    order = {Carrier.PERSON: 0, Carrier.RELATION: 1, Carrier.ORGANISATION: 2}
    return sorted(actions, key=lambda a: (order.get(a.carrier, 3), not a.is_open, a.position, a.pk))


def objectives_of(project: Project) -> list[Objective]:
    """The objectives, open first then by the person's priority, each with `.sorted_actions` (the person's
    first), `.open_divergences` and `.person_action_count`."""
    actions = ProjectAction.objects.select_related("relation", "organisation", "service", "involvement")
    divergences = Divergence.objects.filter(resolved_at__isnull=True).prefetch_related(
        Prefetch("views", queryset=DivergentView.objects.select_related("organisation", "relation"))
    )
    objectives = list(
        project.objectives.select_related("life_domain").prefetch_related(
            Prefetch("actions", queryset=actions), Prefetch("divergences", queryset=divergences)
        )
    )
    objectives.sort(key=lambda o: (o.status != ObjectiveStatus.ACTIVE, o.priority, o.position, o.pk))
    for objective in objectives:
        for action in objective.actions.all():
            action.person = project.person
        objective.sorted_actions = _actions_first_of_person(objective.actions.all())
        objective.open_divergences = list(objective.divergences.all())
        objective.person_action_count = sum(1 for a in objective.sorted_actions if a.carrier == Carrier.PERSON)
    return objectives


def objective_of(project: Project, public_id: Any) -> Objective | None:
    objective = project.objectives.select_related("life_domain").filter(public_id=public_id).first()
    if objective is not None:
        objective.project = project
    return objective


def action_of(project: Project, public_id: Any) -> ProjectAction | None:
    action = (
        project.actions.select_related("objective", "relation", "involvement", "organisation", "service")
        .filter(public_id=public_id)
        .first()
    )
    if action is not None:
        action.project = action.objective.project = project
        action.person = project.person
    return action


def version_of(project: Project, number: int) -> ProjectVersion | None:
    row = project.versions.filter(number=number).select_related("answer_recorded_by", "created_by").first()
    if row is not None:
        row.project = project
    return row


def versions_of(project: Project) -> list[ProjectVersion]:
    return list(
        project.versions.select_related(
            "created_by", "created_by_organisation", "answer_recorded_by", "answer_recorded_by_organisation"
        ).order_by("-number")
    )


def review_of(project: Project, public_id: Any) -> Review | None:
    review = project.reviews.filter(public_id=public_id).first()
    if review is not None:
        review.project = project
    return review


def reviews_of(project: Project) -> list[Review]:
    entries = ObjectiveReview.objects.select_related("objective")
    return list(
        project.reviews.prefetch_related("organisations", "relations", Prefetch("entries", queryset=entries)).order_by(
            "-planned_on", "-pk"
        )
    )


def divergence_of(project: Project, public_id: Any) -> Divergence | None:
    divergence = project.divergences.select_related("objective").filter(public_id=public_id).first()
    if divergence is not None:
        divergence.project = divergence.objective.project = project
    return divergence


def divergences_of(project: Project) -> list[Divergence]:
    """Open divergences first (they stay visible until resolved), then the resolved ones with their resolution."""
    views = DivergentView.objects.select_related("organisation", "relation", "recorded_by")
    rows = list(
        project.divergences.select_related("objective", "resolved_by").prefetch_related(
            Prefetch("views", queryset=views)
        )
    )
    rows.sort(key=lambda d: (not d.is_open, -(d.created_at.timestamp())))
    return rows


def timeline(project: Project, *, limit: int | None = None) -> list[ProjectEvent]:
    """The project's history, newest first: versions, agreements, reviews, divergences, changes."""
    events = project.events.select_related("actor", "organisation").order_by("-at", "-pk")
    return list(events[:limit] if limit else events)


# --- what may be chosen in the forms ------------------------------------------------------------------------


def relatives_of(person: Person) -> QuerySet[Relation]:
    """The person's relatives still in their network: those who may carry an action or take part."""
    return Relation.objects.filter(person_id=person.pk, ended_on__isnull=True).order_by("name")


def care_team_of(person: Person) -> QuerySet[Involvement]:
    """The active involvements (the care team): the organisations that may carry an action."""
    return (
        Involvement.objects.active()
        .filter(person_id=person.pk)
        .select_related("organisation", "professional")
        .order_by("organisation__name", "pk")
    )


def care_team_organisations(person: Person) -> QuerySet[Organisation]:
    """The organisations of the care team (those with an active involvement), for who takes part in a review."""
    ids = Involvement.objects.active().filter(person_id=person.pk).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def services_of_organisations(organisation_ids: Any) -> QuerySet[Service]:
    """The listed services of these organisations: the means an action can name."""
    return Service.objects.filter(organisation_id__in=organisation_ids, status__in=LISTED_STATUSES).order_by("name")


def life_domain_choices() -> QuerySet[TaxonomyTerm]:
    """The directory's life domains (level 1 of the built-in taxonomy), for an objective's domain."""
    from maillage.directory.selectors import life_domains

    return life_domains()


# --- comparing versions -------------------------------------------------------------------------------------

OBJECTIVE_COMPARED = (
    "own_words",
    "reformulation",
    "life_domain_name",
    "priority",
    "indicator",
    "target",
    "target_date",
    "status",
)
ACTION_COMPARED = (
    "carrier",
    "carrier_name",
    "what",
    "starts_on",
    "ends_on",
    "frequency",
    "means",
    "service",
    "status",
)


@dataclass
class Change:
    field: str
    then: Any
    now: Any


@dataclass
class ActionDiff:
    kind: str  # "added", "changed", "removed", "same"
    then: dict | None
    now: dict | None
    changes: list[Change] = field(default_factory=list)

    @property
    def current(self) -> dict:
        return self.now or self.then or {}


@dataclass
class ObjectiveDiff:
    kind: str  # "added", "changed", "removed", "same"
    then: dict | None
    now: dict | None
    changes: list[Change] = field(default_factory=list)
    actions: list[ActionDiff] = field(default_factory=list)

    @property
    def current(self) -> dict:
        return self.now or self.then or {}

    @property
    def touched(self) -> bool:
        return self.kind != "same" or any(a.kind != "same" for a in self.actions)


def _changes(then: dict, now: dict, names: Iterable[str]) -> list[Change]:
    return [Change(name, then.get(name, ""), now.get(name, "")) for name in names if then.get(name) != now.get(name)]


def _pair(old: list[dict], new: list[dict], diff) -> list:
    old_by_id = {item["id"]: item for item in old}
    out = []
    seen = set()
    for item in new:
        before = old_by_id.get(item["id"])
        seen.add(item["id"])
        out.append(diff(before, item))
    out += [diff(item, None) for item in old if item["id"] not in seen]
    return out


def _action_diff(then: dict | None, now: dict | None) -> ActionDiff:
    if then is None:
        return ActionDiff("added", None, now)
    if now is None:
        return ActionDiff("removed", then, None)
    changes = _changes(then, now, ACTION_COMPARED)
    return ActionDiff("changed" if changes else "same", then, now, changes)


def _objective_diff(then: dict | None, now: dict | None) -> ObjectiveDiff:
    actions = _pair((then or {}).get("actions", []), (now or {}).get("actions", []), _action_diff)
    if then is None:
        return ObjectiveDiff("added", None, now, actions=actions)
    if now is None:
        return ObjectiveDiff("removed", then, None, actions=actions)
    changes = _changes(then, now, OBJECTIVE_COMPARED)
    return ObjectiveDiff("changed" if changes else "same", then, now, changes, actions)


def compare_snapshots(then: dict | None, now: dict) -> list[ObjectiveDiff]:
    """Objectives added, changed and removed (and their actions) from snapshot `then` to `now`."""
    return _pair((then or {}).get("objectives", []), now.get("objectives", []), _objective_diff)


def compare_with_previous(project: Project, number: int) -> tuple[ProjectVersion | None, ProjectVersion | None, list]:
    """(previous version, this version, the differences): the first version compares with nothing."""
    current = version_of(project, number)
    if current is None:
        return None, None, []
    previous = project.versions.filter(number__lt=number).order_by("-number").first()
    return previous, current, compare_snapshots(previous.snapshot if previous else None, current.snapshot)


# --- the complementarity matrix ----------------------------------------------------------------------------


@dataclass
class Contributor:
    key: str
    kind: str  # a Carrier value
    name: str


@dataclass
class Cell:
    contributor: Contributor
    actions: list[ProjectAction]


@dataclass
class MatrixRow:
    objective: Objective
    cells: list[Cell]  # one per contributor, in the order of `Matrix.contributors`
    gap: bool  # an objective being worked on that nobody carries


@dataclass
class Overlap:
    what: str
    contributors: list[str]
    actions: list[ProjectAction]


@dataclass
class Matrix:
    contributors: list[Contributor]
    rows: list[MatrixRow]
    overlaps: list[Overlap]
    total: int
    by_person: int
    by_relatives: int
    by_organisations: int

    @property
    def gaps(self) -> list[Objective]:
        return [row.objective for row in self.rows if row.gap]

    def share(self, count: int) -> int:
        """A whole percentage of the open actions."""
        return round(100 * count / self.total) if self.total else 0

    @property
    def person_share(self) -> int:
        return self.share(self.by_person)

    @property
    def relatives_share(self) -> int:
        return self.share(self.by_relatives)

    @property
    def organisations_share(self) -> int:
        return self.share(self.by_organisations)


def _contributor(action: ProjectAction) -> Contributor:
    if action.carrier == Carrier.RELATION and action.relation_id:
        return Contributor(f"relation-{action.relation_id}", Carrier.RELATION, carrier_name(action))
    if action.carrier == Carrier.ORGANISATION and action.organisation_id:
        return Contributor(f"organisation-{action.organisation_id}", Carrier.ORGANISATION, carrier_name(action))
    return Contributor("person", Carrier.PERSON, carrier_name(action))


def _same_thing(action: ProjectAction) -> str:
    """What makes two actions "the same thing": the same directory service, or the same words (folded)."""
    if action.service_id:
        return f"service-{action.service_id}"
    return "what-" + " ".join(fold(action.what).split())


def matrix(project: Project, objectives: list[Objective] | None = None) -> Matrix:
    """Objectives being worked on, by contributor (the person first, then relatives, then organisations), with
    their open actions; the gaps (an objective nobody carries), the overlaps (the same thing done by several
    contributors), and the share of the open actions carried by the person and by their relatives."""
    objectives = [o for o in (objectives or objectives_of(project)) if o.is_open]
    open_actions = [a for o in objectives for a in o.sorted_actions if a.is_open]
    contributors: dict[str, Contributor] = {"person": Contributor("person", Carrier.PERSON, str(Carrier.PERSON.label))}
    for action in open_actions:
        contributor = _contributor(action)
        contributors.setdefault(contributor.key, contributor)
    order = {Carrier.PERSON: 0, Carrier.RELATION: 1, Carrier.ORGANISATION: 2}
    columns = sorted(contributors.values(), key=lambda c: (order[c.kind], fold(c.name)))
    rows = []
    for objective in objectives:
        cells: dict[str, list[ProjectAction]] = {c.key: [] for c in columns}
        for action in objective.sorted_actions:
            if action.is_open:
                cells[_contributor(action).key].append(action)
        rows.append(MatrixRow(objective, [Cell(c, cells[c.key]) for c in columns], gap=not any(cells.values())))
    groups: dict[str, list[ProjectAction]] = {}
    for action in open_actions:
        groups.setdefault(_same_thing(action), []).append(action)
    overlaps = []
    for actions in groups.values():
        names = {}
        for action in actions:
            contributor = _contributor(action)
            names.setdefault(contributor.key, contributor.name)
        if len(names) > 1:
            first = actions[0]
            what = first.service.name if first.service else first.what
            overlaps.append(Overlap(what, list(names.values()), actions))
    count = {kind: sum(1 for a in open_actions if a.carrier == kind) for kind in Carrier}
    return Matrix(
        contributors=columns,
        rows=rows,
        overlaps=overlaps,
        total=len(open_actions),
        by_person=count[Carrier.PERSON],
        by_relatives=count[Carrier.RELATION],
        by_organisations=count[Carrier.ORGANISATION],
    )


# --- distribution by competence -------------------------------------------------------------------------------


@dataclass
class Suggestion:
    service: Service
    involved: bool  # its organisation is already in the care team
    distance_km: float | None
    is_stale: bool


def _age(person: Person) -> int | None:
    if person.birth_date is None:
        return None
    today = timezone.localdate()
    born = person.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def suggestions(objective: Objective, *, limit: int = 10) -> list[Suggestion]:
    """Partners whose services match the objective's life domain, where the person lives (service zones and
    remote services included) and their age, best first (the directory's ranking, which counts capacity);
    those of organisations already involved are marked. Empty without a life domain."""
    if objective.life_domain is None:
        return []
    person = objective.project.person
    query = ServiceQuery(
        need=objective.life_domain.code,
        commune_id=person.commune_id,
        age=_age(person),
        page_size=limit,
    )
    results = search_services(query)
    involved = set(Involvement.objects.active().filter(person_id=person.pk).values_list("organisation_id", flat=True))
    found = [
        Suggestion(hit.service, hit.service.organisation_id in involved, hit.distance_km, hit.is_stale)
        for hit in results.hits
    ]
    found.sort(key=lambda s: not s.involved)  # those already there first: ask them before adding a partner
    return found


# --- reviews due --------------------------------------------------------------------------------------------


def reviews_due(persons: QuerySet[Person] | Iterable[int], *, start: dt.date, end: dt.date) -> QuerySet[Review]:
    """Planned reviews between `start` and `end` (and the overdue ones before), of these persons (already
    listed through the door by the caller)."""
    ids = persons.values("pk") if isinstance(persons, QuerySet) else list(persons)
    return (
        Review.objects.filter(
            person_id__in=ids,
            status=ReviewStatus.PLANNED,
            planned_on__lte=end,
            project__status="ACTIVE",
        )
        .select_related("project")
        .order_by("planned_on", "pk")
    )

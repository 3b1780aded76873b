"""A person's personalised project as FHIR R4B: a Bundle (collection) of one CarePlan, its Goals, the CareTeam
from the involvements, and the Organizations, Practitioners and RelatedPersons they name.

The mapping, in plain words:

1. The project is a `CarePlan` (intent `plan`): ACTIVE -> `active`, CLOSED -> `completed` (CarePlan.status).
   Each numbered version the person answered is a note: the version, the answer and how it was given.
2. Each objective is a `Goal`, expressed by the patient (the person's own words are its description; the
   professionals' reformulation is a note). Goal.lifecycleStatus: ACTIVE -> `active`, REACHED -> `completed`,
   DROPPED -> `cancelled`. Goal.achievementStatus (goal-achievement) from the status and the professionals'
   assessment at the latest held review: reached -> `achieved`, dropped -> `not-achieved`, no progress yet ->
   `no-progress`, a little -> `in-progress`, good -> `improving`, never reviewed -> `in-progress`.
   Goal.priority (goal-priority) from the person's priority. Goal.target: the indicator as the measure (text),
   the target in words (detailString) and the due date.
3. Each action is a CarePlan.activity.detail tied to its Goal: PLANNED -> `not-started` (`scheduled` once it
   has a start date), IN_PROGRESS -> `in-progress`, DONE -> `completed`, STOPPED -> `stopped`. Its performer is
   the Patient (the person's own actions), a RelatedPerson (a relative), or the Organization, with the named
   Practitioner before it when the involvement names one. How often becomes a Timing; the dates its bounds.
4. The `CareTeam` lists every active involvement: the organisation, its role (referent, intervening,
   consulted) and the named professional, with their work phone and e-mail; never the person's details.
5. The person is referred to by a logical identifier (`urn:uuid:` of their public id), never by name; the
   export carries PROJECT data only, what the caller was let through the door for.
6. Resources are identified by the public ids of the rows (`urn:uuid:`), so two exports of the same project
   name the same resources. The Bundle is validated by `fhir.resources` (R4B) before it leaves.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle

from maillage.people.enums import InvolvementRole
from maillage.projects.enums import (
    ActionStatus,
    AgreementAnswer,
    Carrier,
    Frequency,
    ObjectiveStatus,
    Priority,
    Progress,
    ProjectStatus,
    ReviewStatus,
)

URI = "urn:ietf:rfc:3986"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
GOAL_PRIORITY = "http://terminology.hl7.org/CodeSystem/goal-priority"
CARE_TEAM_NAMESPACE = uuid.UUID("6f0b7c1e-4f65-4f0e-9b8e-6a3c1d2b9f10")

CAREPLAN_STATUS = {ProjectStatus.ACTIVE: "active", ProjectStatus.CLOSED: "completed"}
GOAL_LIFECYCLE = {
    ObjectiveStatus.ACTIVE: "active",
    ObjectiveStatus.REACHED: "completed",
    ObjectiveStatus.DROPPED: "cancelled",
}
ACHIEVEMENT_BY_PROGRESS = {
    Progress.NONE: "no-progress",
    Progress.LITTLE: "in-progress",
    Progress.GOOD: "improving",
    Progress.REACHED: "achieved",
}
ACHIEVEMENT_DISPLAY = {
    "in-progress": "In Progress",
    "improving": "Improving",
    "no-progress": "No Progress",
    "achieved": "Achieved",
    "not-achieved": "Not Achieved",
}
PRIORITY = {
    Priority.HIGH: ("high-priority", "High Priority"),
    Priority.MEDIUM: ("medium-priority", "Medium Priority"),
    Priority.LOW: ("low-priority", "Low Priority"),
}
ACTIVITY_STATUS = {
    ActionStatus.PLANNED: "not-started",
    ActionStatus.IN_PROGRESS: "in-progress",
    ActionStatus.DONE: "completed",
    ActionStatus.STOPPED: "stopped",
}
# How often -> Timing.repeat (frequency per period of periodUnit).
TIMING = {
    Frequency.DAILY: {"frequency": 1, "period": 1, "periodUnit": "d"},
    Frequency.WEEKLY: {"frequency": 1, "period": 1, "periodUnit": "wk"},
    Frequency.FORTNIGHTLY: {"frequency": 1, "period": 2, "periodUnit": "wk"},
    Frequency.MONTHLY: {"frequency": 1, "period": 1, "periodUnit": "mo"},
    Frequency.ONCE: {"count": 1},
}


def _ref(public_id: Any, display: str = "") -> dict[str, str]:
    reference = {"reference": f"urn:uuid:{public_id}"}
    if display:
        reference["display"] = display
    return reference


def _patient(person: Any) -> dict[str, Any]:
    return {"type": "Patient", "identifier": {"system": URI, "value": f"urn:uuid:{person.public_id}"}}


def _telecom(phone: str, email: str) -> list[dict[str, str]]:
    telecom = []
    if phone:
        telecom.append({"system": "phone", "value": phone, "use": "work"})
    if email:
        telecom.append({"system": "email", "value": email, "use": "work"})
    return telecom


def _clean(resource: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: FHIR forbids empty strings, lists and objects."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


class _Resources:
    """The Organizations, Practitioners and RelatedPersons named along the way, each once."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}

    def organisation(self, organisation: Any) -> dict[str, str]:
        key = str(organisation.public_id)
        if key not in self.entries:
            self.entries[key] = _clean(
                {
                    "resourceType": "Organization",
                    "id": key,
                    "active": True,
                    "name": organisation.name,
                    "telecom": _telecom(organisation.phone, organisation.email),
                }
            )
        return _ref(key, organisation.name)

    def practitioner(self, user: Any) -> dict[str, str]:
        key = str(user.public_id)
        if key not in self.entries:
            name = _clean({"text": user.get_full_name(), "family": user.last_name, "given": [user.first_name]})
            if not user.first_name:
                name.pop("given", None)
            self.entries[key] = _clean(
                {
                    "resourceType": "Practitioner",
                    "id": key,
                    "name": [name] if name.get("text") else [],
                    "telecom": _telecom(user.phone, user.email),
                }
            )
        return _ref(key, user.get_full_name())

    def related_person(self, relation: Any, person: Any) -> dict[str, str]:
        key = str(relation.public_id)
        if key not in self.entries:
            self.entries[key] = _clean(
                {
                    "resourceType": "RelatedPerson",
                    "id": key,
                    "active": relation.ended_on is None,
                    "patient": _patient(person),
                    "relationship": [{"text": relation.kind_detail or str(relation.get_kind_display())}],
                    "name": [{"text": relation.name}],
                }
            )
        return _ref(key, relation.name)


def latest_progress(reviews: Iterable[Any]) -> dict[int, int | None]:
    """{objective pk: the professionals' assessment at the latest held review that assessed it}."""
    progress: dict[int, int | None] = {}
    held = [r for r in reviews if r.status == ReviewStatus.HELD and r.held_on]
    for review in sorted(held, key=lambda r: (r.held_on, r.pk)):
        for entry in review.entries.all():
            if entry.progress is not None:
                progress[entry.objective_id] = entry.progress
    return progress


def achievement(objective: Any, progress: int | None) -> str:
    """Rule 2's goal-achievement code for an objective."""
    if objective.status == ObjectiveStatus.REACHED:
        return "achieved"
    if objective.status == ObjectiveStatus.DROPPED:
        return "not-achieved"
    if progress is None:
        return "in-progress"
    return ACHIEVEMENT_BY_PROGRESS.get(Progress(progress), "in-progress")


def _goal(objective: Any, person: Any, progress: int | None) -> dict[str, Any]:
    code = achievement(objective, progress)
    priority_code, priority_display = PRIORITY.get(objective.priority, PRIORITY[Priority.MEDIUM])
    notes = []
    if objective.reformulation:
        notes.append({"text": _("Professionals' reformulation: %(text)s") % {"text": objective.reformulation}})
    return _clean(
        {
            "resourceType": "Goal",
            "id": str(objective.public_id),
            "lifecycleStatus": GOAL_LIFECYCLE.get(objective.status, "active"),
            "achievementStatus": {
                "coding": [{"system": GOAL_ACHIEVEMENT, "code": code, "display": ACHIEVEMENT_DISPLAY[code]}]
            },
            "category": [{"text": objective.life_domain.name}] if objective.life_domain_id else [],
            "priority": {
                "coding": [{"system": GOAL_PRIORITY, "code": priority_code, "display": priority_display}],
                "text": str(Priority(objective.priority).label),
            },
            "description": {"text": objective.own_words},
            "subject": _patient(person),
            "startDate": objective.created_at.date().isoformat() if objective.created_at else None,
            "target": [
                _clean(
                    {
                        "measure": {"text": objective.indicator},
                        "detailString": objective.target,
                        "dueDate": objective.target_date.isoformat() if objective.target_date else None,
                    }
                )
            ],
            "statusReason": objective.status_reason,
            "expressedBy": _patient(person),
            "note": notes,
        }
    )


def _schedule(action: Any) -> dict[str, Any]:
    bounds = _clean(
        {
            "start": action.starts_on.isoformat() if action.starts_on else None,
            "end": action.ends_on.isoformat() if action.ends_on else None,
        }
    )
    repeat = dict(TIMING.get(action.frequency, {}))
    if repeat:
        if bounds:
            repeat["boundsPeriod"] = bounds
        return {"scheduledTiming": {"repeat": repeat}}
    return {"scheduledPeriod": bounds} if bounds else {}


def _performers(action: Any, person: Any, resources: _Resources) -> list[dict[str, Any]]:
    if action.carrier == Carrier.PERSON:
        return [_patient(person)]
    if action.carrier == Carrier.RELATION and action.relation is not None:
        return [resources.related_person(action.relation, person)]
    performers = []
    involvement = action.involvement
    if involvement is not None and involvement.professional_id:
        performers.append(resources.practitioner(involvement.professional))
    if action.organisation is not None:
        performers.append(resources.organisation(action.organisation))
    return performers


def _activity(action: Any, objective: Any, person: Any, resources: _Resources) -> dict[str, Any]:
    status = ACTIVITY_STATUS.get(action.status, "unknown")
    if status == "not-started" and action.starts_on:
        status = "scheduled"
    description = action.what + (f" ({action.means})" if action.means else "")
    detail = _clean(
        {
            "status": status,
            "description": description,
            "goal": [_ref(objective.public_id)],
            "performer": _performers(action, person, resources),
            **_schedule(action),
        }
    )
    return {"detail": detail}


def _care_team(person: Any, involvements: Iterable[Any], resources: _Resources) -> dict[str, Any]:
    participants = []
    for involvement in involvements:
        role = {"text": str(InvolvementRole(involvement.role).label)}
        organisation = resources.organisation(involvement.organisation)
        if involvement.professional_id:
            member = resources.practitioner(involvement.professional)
            participants.append({"role": [role], "member": member, "onBehalfOf": organisation})
        else:
            participants.append({"role": [role], "member": organisation})
        period = _clean({"start": involvement.started_on.isoformat() if involvement.started_on else None})
        if period:
            participants[-1]["period"] = period
    return _clean(
        {
            "resourceType": "CareTeam",
            "id": str(uuid.uuid5(CARE_TEAM_NAMESPACE, str(person.public_id))),
            "status": "active",
            "name": _("The team around the person"),
            "subject": _patient(person),
            "participant": participants,
        }
    )


def _agreement_notes(versions: Iterable[Any]) -> list[dict[str, str]]:
    notes = []
    for version in sorted(versions, key=lambda v: v.number):
        if not version.answer:
            continue
        text = _("Version %(number)s: %(answer)s (%(how)s).") % {
            "number": version.number,
            "answer": AgreementAnswer(version.answer).label,
            "how": version.get_answer_how_display(),
        }
        if version.answer_comment:
            text += " " + _("The person's comment: %(comment)s") % {"comment": version.answer_comment}
        note = {"text": text}
        if version.answered_at:
            note["time"] = version.answered_at.isoformat()
        notes.append(note)
    return notes


def care_plan_bundle(
    project: Any,
    *,
    objectives: list[Any],
    reviews: Iterable[Any],
    versions: Iterable[Any],
    involvements: Iterable[Any],
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The FHIR R4B Bundle of `project` (loaded by the caller through the door), validated, as JSON data.

    `objectives` come from `selectors.objectives_of` (with `.sorted_actions`), `reviews` from `reviews_of`,
    `versions` from `versions_of`, `involvements` from `care_team_of`.
    """
    person = project.person
    resources = _Resources()
    progress = latest_progress(reviews)
    involvements = list(involvements)
    referent = next((i for i in involvements if i.role == InvolvementRole.REFERENT), None)
    goals = [_goal(objective, person, progress.get(objective.pk)) for objective in objectives]
    activities = [
        _activity(action, objective, person, resources)
        for objective in objectives
        for action in getattr(objective, "sorted_actions", objective.actions.all())
    ]
    care_team = _care_team(person, involvements, resources)
    author = resources.organisation(referent.organisation) if referent is not None else None
    care_plan = _clean(
        {
            "resourceType": "CarePlan",
            "id": str(project.public_id),
            "identifier": [{"system": URI, "value": f"urn:uuid:{project.public_id}"}],
            "status": CAREPLAN_STATUS.get(project.status, "unknown"),
            "intent": "plan",
            "category": [{"text": _("Personalised project")}],
            "title": project.title or _("Personalised project"),
            "subject": _patient(person),
            "period": _clean(
                {
                    "start": project.started_on.isoformat() if project.started_on else None,
                    "end": project.closed_on.isoformat() if project.closed_on else None,
                }
            ),
            "created": project.created_at.isoformat() if project.created_at else None,
            "author": author,
            "careTeam": [_ref(care_team["id"])],
            "goal": [_ref(goal["id"]) for goal in goals],
            "activity": activities,
            "note": _agreement_notes(versions),
        }
    )
    entries = [care_plan, *goals, care_team, *resources.entries.values()]
    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": (now or timezone.now()).isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource} for resource in entries],
    }
    return json.loads(Bundle.model_validate(data).model_dump_json(exclude_none=True))

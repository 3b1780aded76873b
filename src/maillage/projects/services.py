"""Writes on a personalised project: one function per use case, `<noun>_<verb>(actor, *, ...)`.

The rules, in plain words:

1. Every write asks the door first for the person's PROJECT data (`door.require`, audited allowed or denied):
   any professional of an involved organisation whose PROJECT category is shared may write, and the person
   themselves; break-the-glass only reads. Denied or unknown: `Http404`.
2. One version guards the whole project (ADR 5): each write names the `version` of the project it was made
   from (a form's hidden field, the API's `version`; None = the version `project` was loaded at). The write
   checks and increments `Project.version` first, in its transaction; a write from an older version raises
   `StaleWrite` naming what changed since (the timeline entries written after that version), and saves
   nothing. Each write adds one `ProjectEvent` to the timeline.
3. An organisation changes only what is its own: an action carried by an organisation is added, changed or
   ended only by a professional of that organisation, or by the person's referent (who coordinates the
   project); otherwise `PermissionDenied` with the reason in words. The person's own actions and their
   relatives' are changed by anyone who may write the project, and by the person.
4. An organisation states only its own view in a divergence; the person's view is recorded by the person,
   or by a professional as the person gave it. A divergence is resolved, with the resolution in words, by
   the referent, by an organisation whose view it holds, or by the person.
5. The person's answer to a version (agreed, with reservations, or not) is recorded once per version:
   IN_OWN_SPACE only by the person themselves; ON_PAPER or ORALLY_IN_MEETING only by a professional of an
   involved organisation, who is recorded as the one who recorded it.
6. Closing an objective (reached, dropped) or the project needs confirmation: the pages ask for it
   (`core/confirm.py`); the services take `confirmed=True` and refuse without it.
7. Invalid input raises `ValidationError` with the field's message; nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.access import audit, door
from maillage.access.door import Decision
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.accounts.enums import Role
from maillage.core.versioning import FieldChange, StaleWrite, stale_write
from maillage.people import purposes
from maillage.people.enums import InvolvementRole
from maillage.people.models import Involvement, Person, Relation
from maillage.projects.enums import (
    ActionStatus,
    AgreementHow,
    Carrier,
    EventKind,
    Frequency,
    Holder,
    ObjectiveStatus,
    Priority,
    ProjectStatus,
    ReviewDecision,
    ReviewStatus,
)
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

OBJECTIVE_FIELDS = ("own_words", "reformulation", "life_domain", "priority", "indicator", "target", "target_date")
ACTION_FIELDS = (
    "carrier",
    "relation",
    "involvement",
    "what",
    "starts_on",
    "ends_on",
    "frequency",
    "means",
    "service",
    "status",
)
SUMMARY_CHARS = 120


# --- helpers ----------------------------------------------------------------------------------------------


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def _user(actor: Any) -> Any:
    return getattr(actor, "user", None)


def _may_write(actor: Any, person: Person, purpose: str, action: str = Action.EDIT) -> Decision:
    """Rule 1: the door's decision for writing the person's project (Http404 when denied)."""
    return door.require(actor, person, action=action, category=Category.PROJECT, purpose=purpose)


def _written(actor: Any, person: Person, action: str, purpose: str, decision: Decision, **extra: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        outcome=Outcome.ALLOWED,
        person=person,
        category=Category.PROJECT,
        purpose=purpose,
        reason=decision.reason,
        organisation_id=decision.organisation_id or None,
        extra=extra,
    )


def _touch(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(last_activity_at=timezone.now())


def project_stale(project: Project, *, read_version: int | None) -> StaleWrite:
    """Rule 2's refusal: who changed the project last, and each timeline entry written after `read_version`."""
    base = stale_write(project, read_version=read_version)
    if base.deleted:
        return base
    events = ProjectEvent.objects.filter(project_id=project.pk, project_version__gt=read_version or 0).order_by(
        "project_version", "pk"
    )
    changes = [
        FieldChange(
            field=f"event-{event.pk}",
            label=event.get_kind_display(),
            then=_("(not yet)"),
            now=event.summary or event.get_kind_display(),
        )
        for event in events
    ]
    return StaleWrite(
        read_version=read_version,
        current_version=base.current_version,
        changes=changes,
        changed_by=base.changed_by,
        changed_at=base.changed_at,
    )


def _guard(
    actor: Any,
    project: Project,
    version: int | None,
    decision: Decision,
    *,
    kind: str,
    summary: str,
    objective: Objective | None = None,
    fields: Iterable[str] = (),
    **detail: Any,
) -> ProjectEvent:
    """Rule 2: check and increment the project's version, then write the timeline entry. Call inside the
    write's transaction, before its other writes (the version row is the lock)."""
    read_version = project.version if version is None else version
    project.version = read_version
    project.updated_by = _user(actor)
    project.last_change = _short(f"{EventKind(kind).label}: {summary}" if summary else str(EventKind(kind).label))
    try:
        project.save(update_fields=["updated_by", "updated_at", "last_change", *fields])
    except StaleWrite:
        project.version = read_version
        raise project_stale(project, read_version=read_version) from None
    return ProjectEvent.objects.create(
        project=project,
        person_id=project.person_id,
        kind=kind,
        summary=_short(summary),
        actor=_user(actor),
        organisation_id=decision.organisation_id if decision.reason != Reason.SELF else None,
        project_version=project.version,
        objective=objective,
        detail=detail,
    )


def _professional_org_ids(actor: Any) -> set[int]:
    return {m.organisation_id for m in getattr(actor, "memberships", ()) if m.role == Role.PROFESSIONAL}


def is_referent(actor: Any, person: Person) -> bool:
    """Is the actor (one of their professional organisations, or named) the person's active referent?"""
    referent = Involvement.objects.active().filter(person_id=person.pk, role=InvolvementRole.REFERENT).first()
    return referent is not None and door.is_own_involvement(actor, referent)


def may_change_action(actor: Any, action: ProjectAction | None, *, organisation_id: int | None = None) -> bool:
    """Rule 3: may the actor add or change this action (or one carried by `organisation_id`)?"""
    carrier_org = action.organisation_id if action is not None and action.carrier == Carrier.ORGANISATION else None
    carrier_org = organisation_id if organisation_id is not None else carrier_org
    if carrier_org is None:
        return True
    if carrier_org in _professional_org_ids(actor):
        return True
    if action is not None and action.involvement is not None and door.is_own_involvement(actor, action.involvement):
        return True
    person = action.person if action is not None else None
    return person is not None and is_referent(actor, person)


def _refuse_other_organisation() -> PermissionDenied:
    return PermissionDenied(
        _(
            "This action is carried by another organisation: only that organisation or the person's referent "
            "can change it. Record a divergent view if you see it differently."
        )
    )


def _open(project: Project) -> None:
    if not project.is_active:
        raise ValidationError(_("This project is closed: it can no longer be changed."))


# --- the project --------------------------------------------------------------------------------------------


def project_start(actor: Any, *, person: Person, title: str = "", purpose: str = purposes.PROJECT_WRITE) -> Project:
    """Start the person's personalised project (at most one active per person)."""
    decision = _may_write(actor, person, purpose, Action.CREATE)
    organisation = getattr(actor, "organisation", None)
    with transaction.atomic():
        if Project.objects.active().filter(person_id=person.pk).exists():
            raise ValidationError(_("The person already has an active project."))
        project = Project(
            person=person,
            title=title.strip(),
            created_by=_user(actor),
            created_by_organisation=organisation if decision.reason != Reason.SELF else None,
            updated_by=_user(actor),
            last_change=str(EventKind.CREATED.label),
        )
        project.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                project.save()
        except IntegrityError:
            raise ValidationError(_("The person already has an active project.")) from None
        ProjectEvent.objects.create(
            project=project,
            person_id=person.pk,
            kind=EventKind.CREATED,
            summary=_short(project.title),
            actor=_user(actor),
            organisation_id=decision.organisation_id if decision.reason != Reason.SELF else None,
            project_version=project.version,
        )
        _touch(person)
        _written(actor, person, Action.CREATE, purpose, decision, project=project.pk)
    return project


def project_update(
    actor: Any, *, project: Project, version: int | None = None, title: str, purpose: str = purposes.PROJECT_WRITE
) -> Project:
    """Rename the project."""
    decision = _may_write(actor, project.person, purpose)
    _open(project)
    with transaction.atomic():
        project.title = title.strip()
        project.full_clean(validate_constraints=False)
        _guard(actor, project, version, decision, kind=EventKind.RENAMED, summary=project.title, fields=["title"])
        _written(actor, project.person, Action.EDIT, purpose, decision, project=project.pk)
    return project


def project_close(
    actor: Any,
    *,
    project: Project,
    version: int | None = None,
    reason: str = "",
    confirmed: bool = False,
    purpose: str = purposes.PROJECT_WRITE,
) -> Project:
    """Close the project (rule 6: confirmed). Its history stays readable; a new one may then be started."""
    decision = _may_write(actor, project.person, purpose)
    _open(project)
    if not confirmed:
        raise ValidationError(_("Confirm that the project is to be closed."))
    with transaction.atomic():
        project.status, project.closed_on = ProjectStatus.CLOSED, timezone.localdate()
        closing = ["status", "closed_on"]
        _guard(actor, project, version, decision, kind=EventKind.CLOSED, summary=reason, fields=closing)
        _written(actor, project.person, Action.EDIT, purpose, decision, project=project.pk)
    return project


# --- objectives -------------------------------------------------------------------------------------------


def objective_add(
    actor: Any,
    *,
    project: Project,
    version: int | None = None,
    own_words: str,
    indicator: str,
    reformulation: str = "",
    life_domain: Any = None,
    priority: int = Priority.MEDIUM,
    target: str = "",
    target_date: dt.date | None = None,
    purpose: str = purposes.PROJECT_WRITE,
) -> Objective:
    """Add an objective, in the person's own words, with what will show progress (its expected result)."""
    decision = _may_write(actor, project.person, purpose, Action.CREATE)
    _open(project)
    with transaction.atomic():
        last = project.objectives.order_by("-position").values_list("position", flat=True).first()
        objective = Objective(
            project=project,
            person_id=project.person_id,
            own_words=(own_words or "").strip(),
            reformulation=(reformulation or "").strip(),
            life_domain=life_domain,
            priority=priority,
            indicator=(indicator or "").strip(),
            target=(target or "").strip(),
            target_date=target_date,
            position=(last or 0) + 1,
            updated_by=_user(actor),
        )
        objective.full_clean(exclude=["project", "person"])
        _guard(actor, project, version, decision, kind=EventKind.OBJECTIVE_ADDED, summary=objective.own_words)
        objective.save()
        ProjectEvent.objects.filter(project=project, project_version=project.version).update(objective=objective)
        _touch(project.person)
        _written(actor, project.person, Action.CREATE, purpose, decision, objective=objective.pk)
    return objective


def objective_update(
    actor: Any,
    *,
    objective: Objective,
    version: int | None = None,
    purpose: str = purposes.PROJECT_WRITE,
    **fields: Any,
) -> Objective:
    """Change an objective's words, reformulation, life domain, priority or expected result."""
    unknown = set(fields) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown objective fields: {sorted(unknown)}")
    project = objective.project
    decision = _may_write(actor, project.person, purpose)
    _open(project)
    if not objective.is_open:
        raise ValidationError(_("This objective is closed: it can no longer be changed."))
    with transaction.atomic():
        changed = []
        for name, value in fields.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(objective, name) != value:
                setattr(objective, name, value)
                changed.append(name)
        objective.updated_by = _user(actor)
        objective.full_clean(exclude=["project", "person"])
        labels = ", ".join(str(Objective._meta.get_field(name).verbose_name) for name in changed)
        summary = f"{_short(objective.own_words)} ({labels})" if labels else objective.own_words
        _guard(
            actor, project, version, decision, kind=EventKind.OBJECTIVE_CHANGED, summary=summary, objective=objective
        )
        objective.save(update_fields=[*changed, "updated_by", "updated_at"])
        _touch(project.person)
        _written(actor, project.person, Action.EDIT, purpose, decision, objective=objective.pk)
    return objective


def objective_close(
    actor: Any,
    *,
    objective: Objective,
    version: int | None = None,
    status: str,
    reason: str = "",
    confirmed: bool = False,
    purpose: str = purposes.PROJECT_WRITE,
) -> Objective:
    """Mark an objective reached or dropped (rule 6: confirmed); its open actions are stopped with it."""
    project = objective.project
    decision = _may_write(actor, project.person, purpose)
    _open(project)
    if status not in (ObjectiveStatus.REACHED, ObjectiveStatus.DROPPED):
        raise ValidationError({"status": _("Choose whether the objective was reached or dropped.")})
    if not objective.is_open:
        raise ValidationError(_("This objective is already closed."))
    if not confirmed:
        raise ValidationError(_("Confirm that the objective is to be closed."))
    with transaction.atomic():
        _close_objective(actor, project, objective, version, decision, status=status, reason=reason)
        _written(actor, project.person, Action.EDIT, purpose, decision, objective=objective.pk)
    return objective


def _close_objective(actor, project, objective, version, decision, *, status: str, reason: str) -> None:
    kind = EventKind.OBJECTIVE_REACHED if status == ObjectiveStatus.REACHED else EventKind.OBJECTIVE_DROPPED
    summary = f"{_short(objective.own_words)} — {reason}" if reason else objective.own_words
    _guard(actor, project, version, decision, kind=kind, summary=summary, objective=objective)
    objective.status, objective.status_reason, objective.updated_by = status, reason.strip(), _user(actor)
    objective.save(update_fields=["status", "status_reason", "updated_by", "updated_at"])
    ending = ActionStatus.DONE if status == ObjectiveStatus.REACHED else ActionStatus.STOPPED
    objective.actions.filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS]).update(
        status=ending, updated_at=timezone.now()
    )
    _touch(project.person)


# --- actions ------------------------------------------------------------------------------------------------


def _carrier_fields(person: Person, values: dict[str, Any]) -> dict[str, Any]:
    """Check the carrier against the person's networks: a relative of theirs who is still in their network,
    or an active involvement with them. Returns relation/involvement/organisation to set."""
    carrier = values.get("carrier") or Carrier.PERSON
    relation, involvement = values.get("relation"), values.get("involvement")
    if carrier == Carrier.PERSON:
        return {"carrier": carrier, "relation": None, "involvement": None, "organisation": None}
    if carrier == Carrier.RELATION:
        if relation is None:
            raise ValidationError({"relation": _("Choose who, among the person's relatives, carries this action.")})
        if relation.person_id != person.pk or relation.ended_on is not None:
            raise ValidationError({"relation": _("This relative is not in the person's network.")})
        return {"carrier": carrier, "relation": relation, "involvement": None, "organisation": None}
    if carrier == Carrier.ORGANISATION:
        if involvement is None:
            raise ValidationError(
                {"involvement": _("Choose which organisation of the care team carries this action.")}
            )
        if involvement.person_id != person.pk or not involvement.is_active:
            raise ValidationError({"involvement": _("This organisation is no longer involved with the person.")})
        return {
            "carrier": carrier,
            "relation": None,
            "involvement": involvement,
            "organisation": involvement.organisation,
        }
    raise ValidationError({"carrier": _("Choose who carries this action.")})


def carrier_check(person: Person, *, carrier: str, relation: Any = None, involvement: Any = None) -> dict[str, Any]:
    """Who may carry an action of the person's project (a decision of a meeting names one in advance): the
    fields to set, or `ValidationError` (same rules as `action_add`)."""
    return _carrier_fields(person, {"carrier": carrier, "relation": relation, "involvement": involvement})


def action_add(
    actor: Any,
    *,
    objective: Objective,
    version: int | None = None,
    what: str,
    carrier: str = Carrier.PERSON,
    relation: Relation | None = None,
    involvement: Involvement | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    frequency: str = Frequency.ONCE,
    means: str = "",
    service: Any = None,
    status: str = ActionStatus.PLANNED,
    purpose: str = purposes.PROJECT_WRITE,
) -> ProjectAction:
    """Add an action under an objective, carried by the person, a relative or an involved organisation.

    Rule 3: an organisation's action is added by that organisation or by the referent.
    """
    project = objective.project
    decision = _may_write(actor, project.person, purpose, Action.CREATE)
    _open(project)
    if not objective.is_open:
        raise ValidationError(_("This objective is closed: add the action to an objective being worked on."))
    who = _carrier_fields(project.person, {"carrier": carrier, "relation": relation, "involvement": involvement})
    if who["organisation"] is not None and not (
        who["organisation"].pk in _professional_org_ids(actor)
        or door.is_own_involvement(actor, who["involvement"])
        or is_referent(actor, project.person)
    ):
        raise _refuse_other_organisation()
    with transaction.atomic():
        last = objective.actions.order_by("-position").values_list("position", flat=True).first()
        action = ProjectAction(
            project=project,
            objective=objective,
            person_id=project.person_id,
            what=(what or "").strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            frequency=frequency,
            means=(means or "").strip(),
            service=service,
            status=status,
            position=(last or 0) + 1,
            updated_by=_user(actor),
            **who,
        )
        action.full_clean(exclude=["project", "objective", "person"])
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.ACTION_ADDED,
            summary=f"{carrier_name(action)}: {action.what}",
            objective=objective,
        )
        action.save()
        _touch(project.person)
        _written(actor, project.person, Action.CREATE, purpose, decision, project_action=action.pk)
    return action


def action_update(
    actor: Any,
    *,
    action: ProjectAction,
    version: int | None = None,
    purpose: str = purposes.PROJECT_WRITE,
    **fields: Any,
) -> ProjectAction:
    """Change an action (who, what, when, how often, means, status). Rule 3 applies to the action as it was
    and, when the carrier changes, as it becomes."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown action fields: {sorted(unknown)}")
    project = action.project
    decision = _may_write(actor, project.person, purpose)
    _open(project)
    if not may_change_action(actor, action):
        raise _refuse_other_organisation()
    with transaction.atomic():
        carrier_keys = {"carrier", "relation", "involvement"}
        if carrier_keys & set(fields):
            current = {"carrier": action.carrier, "relation": action.relation, "involvement": action.involvement}
            current.update({k: v for k, v in fields.items() if k in carrier_keys})
            who = _carrier_fields(project.person, current)
            if who["organisation"] is not None and not may_change_action(
                actor, action, organisation_id=who["organisation"].pk
            ):
                raise _refuse_other_organisation()
            fields = {**{k: v for k, v in fields.items() if k not in carrier_keys}, **who}
        changed = []
        for name, value in fields.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(action, name) != value:
                setattr(action, name, value)
                changed.append(name)
        action.updated_by = _user(actor)
        action.full_clean(exclude=["project", "objective", "person"])
        ended = "status" in changed and not action.is_open
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.ACTION_ENDED if ended else EventKind.ACTION_CHANGED,
            summary=f"{carrier_name(action)}: {action.what}",
            objective=action.objective,
        )
        action.save(update_fields=[*changed, "updated_by", "updated_at"])
        _touch(project.person)
        _written(actor, project.person, Action.EDIT, purpose, decision, project_action=action.pk)
    return action


def action_end(
    actor: Any,
    *,
    action: ProjectAction,
    version: int | None = None,
    status: str = ActionStatus.DONE,
    purpose: str = purposes.PROJECT_WRITE,
) -> ProjectAction:
    """Mark an action done or stopped (it stays in the project's history)."""
    if status not in (ActionStatus.DONE, ActionStatus.STOPPED):
        raise ValidationError({"status": _("An action ends done or stopped.")})
    return action_update(actor, action=action, version=version, status=status, purpose=purpose)


def carrier_name(action: ProjectAction) -> str:
    """Who carries the action, in words (a relative's name, an organisation's name, or "the person")."""
    if action.carrier == Carrier.RELATION and action.relation is not None:
        return action.relation.name
    if action.carrier == Carrier.ORGANISATION and action.organisation is not None:
        return action.organisation.name
    return str(Carrier(action.carrier).label)


# --- versions and the person's agreement -------------------------------------------------------------------


def snapshot(project: Project) -> dict[str, Any]:
    """The objectives and actions as they are now, with the names of the carriers (kept as they were)."""
    objectives = (
        project.objectives.select_related("life_domain")
        .prefetch_related("actions__relation", "actions__organisation", "actions__service")
        .order_by("priority", "position", "pk")
    )
    return {
        "title": project.title,
        "objectives": [
            {
                "id": str(o.public_id),
                "own_words": o.own_words,
                "reformulation": o.reformulation,
                "life_domain": o.life_domain.code if o.life_domain else "",
                "life_domain_name": o.life_domain.name if o.life_domain else "",
                "priority": o.priority,
                "indicator": o.indicator,
                "target": o.target,
                "target_date": o.target_date.isoformat() if o.target_date else "",
                "status": o.status,
                "actions": [
                    {
                        "id": str(a.public_id),
                        "carrier": a.carrier,
                        "carrier_name": carrier_name(a) if a.carrier != Carrier.PERSON else "",
                        "what": a.what,
                        "starts_on": a.starts_on.isoformat() if a.starts_on else "",
                        "ends_on": a.ends_on.isoformat() if a.ends_on else "",
                        "frequency": a.frequency,
                        "means": a.means,
                        "service": a.service.name if a.service else "",
                        "status": a.status,
                    }
                    for a in sorted(o.actions.all(), key=lambda a: (a.position, a.pk))
                ],
            }
            for o in objectives
        ],
    }


def version_propose(
    actor: Any,
    *,
    project: Project,
    version: int | None = None,
    note: str = "",
    purpose: str = purposes.PROJECT_AGREEMENT,
) -> ProjectVersion:
    """Freeze the project as it is now into the next numbered version, to be proposed to the person."""
    decision = _may_write(actor, project.person, purpose, Action.CREATE)
    _open(project)
    with transaction.atomic():
        if not project.objectives.exists():
            raise ValidationError(_("Add at least one objective before proposing a version to the person."))
        last = project.versions.order_by("-number").values_list("number", flat=True).first() or 0
        number = last + 1
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.VERSION,
            summary=_("Version %(number)s") % {"number": number} + (f" — {note.strip()}" if note.strip() else ""),
            number=number,
        )
        row = ProjectVersion.objects.create(
            project=project,
            person_id=project.person_id,
            number=number,
            snapshot=snapshot(project),
            note=note.strip(),
            created_by=_user(actor),
            created_by_organisation_id=decision.organisation_id if decision.reason != Reason.SELF else None,
        )
        _written(actor, project.person, Action.CREATE, purpose, decision, project_version=row.pk)
    return row


def agreement_record(
    actor: Any,
    *,
    project_version: ProjectVersion,
    version: int | None = None,
    answer: str,
    how: str,
    comment: str = "",
    purpose: str = purposes.PROJECT_AGREEMENT,
) -> ProjectVersion:
    """Record the person's answer to a version (rule 5), once."""
    project = project_version.project
    decision = _may_write(actor, project.person, purpose, Action.SHARE)
    is_self = decision.reason == Reason.SELF
    if how not in AgreementHow.values:
        raise ValidationError({"how": _("Say how the person gave their answer.")})
    if is_self and how != AgreementHow.IN_OWN_SPACE:
        raise ValidationError({"how": _("Your answer given here is recorded as given in your own space.")})
    if not is_self and how == AgreementHow.IN_OWN_SPACE:
        raise ValidationError(
            {"how": _("Only the person can answer in their own space: record an answer given on paper or orally.")}
        )
    if not is_self and (decision.break_glass or not getattr(actor, "is_professional", False)):
        raise PermissionDenied(_("Only a professional involved with the person can record their answer."))
    with transaction.atomic():
        row = ProjectVersion.objects.select_for_update().get(pk=project_version.pk)
        if row.is_answered:
            raise ValidationError(
                _("The person's answer to version %(number)s is already recorded: propose a new version.")
                % {"number": row.number}
            )
        row.answer = answer
        row.answer_how = how
        row.answer_comment = (comment or "").strip()
        row.full_clean(exclude=["project", "person", "snapshot"])
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.AGREEMENT,
            summary=_("Version %(number)s: %(answer)s (%(how)s)")
            % {"number": row.number, "answer": row.get_answer_display(), "how": row.get_answer_how_display()},
            number=row.number,
        )
        row.answered_at = timezone.now()
        row.answer_recorded_by = _user(actor)
        row.answer_recorded_by_organisation_id = None if is_self else decision.organisation_id
        row.save(
            update_fields=[
                "answer",
                "answer_how",
                "answer_comment",
                "answered_at",
                "answer_recorded_by",
                "answer_recorded_by_organisation",
            ]
        )
        _written(actor, project.person, Action.SHARE, purpose, decision, project_version=row.pk)
    project_version.__dict__.update({k: getattr(row, k) for k in ("answer", "answer_how", "answer_comment")})
    project_version.answered_at, project_version.answer_recorded_by_id = row.answered_at, row.answer_recorded_by_id
    return row


# --- reviews -----------------------------------------------------------------------------------------------


def review_plan(
    actor: Any,
    *,
    project: Project,
    version: int | None = None,
    planned_on: dt.date,
    person_takes_part: bool = True,
    organisations: Iterable[Any] = (),
    relations: Iterable[Relation] = (),
    note: str = "",
    purpose: str = purposes.PROJECT_REVIEW,
) -> Review:
    """Plan a review: a date and who takes part (the person, relatives, organisations of the care team)."""
    decision = _may_write(actor, project.person, purpose, Action.CREATE)
    _open(project)
    organisations, relations = list(organisations), list(relations)
    if planned_on is None:
        raise ValidationError({"planned_on": _("Give the date of the review.")})
    if planned_on < timezone.localdate():
        raise ValidationError({"planned_on": _("A review is planned today or later.")})
    involved = set(
        Involvement.objects.active().filter(person_id=project.person_id).values_list("organisation_id", flat=True)
    )
    if any(o.pk not in involved for o in organisations):
        raise ValidationError({"organisations": _("Only organisations involved with the person can take part.")})
    if any(r.person_id != project.person_id for r in relations):
        raise ValidationError({"relations": _("Only the person's own relatives can take part.")})
    with transaction.atomic():
        review = Review(
            project=project,
            person_id=project.person_id,
            planned_on=planned_on,
            person_takes_part=person_takes_part,
            note=(note or "").strip(),
            planned_by=_user(actor),
            updated_by=_user(actor),
        )
        review.full_clean(exclude=["project", "person"])
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.REVIEW_PLANNED,
            summary=_("Review on %(date)s") % {"date": _date(planned_on)},
        )
        review.save()
        review.organisations.set(organisations)
        review.relations.set(relations)
        _written(actor, project.person, Action.CREATE, purpose, decision, review=review.pk)
    return review


def review_cancel(
    actor: Any, *, review: Review, version: int | None = None, purpose: str = purposes.PROJECT_REVIEW
) -> Review:
    project = review.project
    decision = _may_write(actor, project.person, purpose)
    if review.status != ReviewStatus.PLANNED:
        raise ValidationError(_("Only a planned review can be cancelled."))
    with transaction.atomic():
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.REVIEW_CANCELLED,
            summary=_("Review on %(date)s") % {"date": _date(review.planned_on)},
        )
        review.status, review.updated_by = ReviewStatus.CANCELLED, _user(actor)
        review.save(update_fields=["status", "updated_by", "updated_at"])
        _written(actor, project.person, Action.EDIT, purpose, decision, review=review.pk)
    return review


@dataclass(frozen=True)
class EntryIn:
    """One objective's line of a review: the professionals' assessment, the person's rating, the decision."""

    objective: Objective
    progress: int | None = None
    comment: str = ""
    person_rating: int | None = None
    person_comment: str = ""
    decision: str = ReviewDecision.KEPT


def review_record(
    actor: Any,
    *,
    review: Review,
    version: int | None = None,
    held_on: dt.date,
    entries: Iterable[EntryIn],
    summary: str = "",
    confirmed: bool = False,
    purpose: str = purposes.PROJECT_REVIEW,
) -> Review:
    """Record a held review: progress per objective, the person's own rating beside the professionals', and
    the decisions. An objective decided REACHED or DROPPED is closed (rule 6: `confirmed` needed then)."""
    project = review.project
    decision = _may_write(actor, project.person, purpose)
    _open(project)
    entries = list(entries)
    if review.status == ReviewStatus.CANCELLED:
        raise ValidationError(_("This review was cancelled."))
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date the review was held.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A review cannot have been held in the future.")})
    if any(e.objective.project_id != project.pk for e in entries):
        raise ValidationError(_("An objective of another project was given."))
    closing = [e for e in entries if e.decision in (ReviewDecision.REACHED, ReviewDecision.DROPPED)]
    if closing and not confirmed:
        raise ValidationError(_("Confirm that the objectives decided reached or dropped are to be closed."))
    if not entries:
        raise ValidationError(_("Assess at least one objective."))
    with transaction.atomic():
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.REVIEW_HELD,
            summary=_("Review of %(date)s") % {"date": _date(held_on)},
        )
        for entry in entries:
            row, _created = ObjectiveReview.objects.get_or_create(
                review=review, objective=entry.objective, defaults={"person_id": project.person_id}
            )
            row.progress, row.comment = entry.progress, (entry.comment or "").strip()
            row.person_rating, row.person_comment = entry.person_rating, (entry.person_comment or "").strip()
            row.decision = entry.decision
            row.full_clean(exclude=["review", "objective", "person"])
            row.save()
        for entry in closing:
            objective = entry.objective
            if objective.is_open:
                reached = entry.decision == ReviewDecision.REACHED
                status = ObjectiveStatus.REACHED if reached else ObjectiveStatus.DROPPED
                reason = _("decided at the review of %(date)s") % {"date": _date(held_on)}
                _close_objective(actor, project, objective, None, decision, status=status, reason=reason)
        review.status, review.held_on, review.summary = ReviewStatus.HELD, held_on, (summary or "").strip()
        review.held_recorded_by = review.updated_by = _user(actor)
        review.full_clean(exclude=["project", "person"])
        review.save(update_fields=["status", "held_on", "summary", "held_recorded_by", "updated_by", "updated_at"])
        _touch(project.person)
        _written(actor, project.person, Action.EDIT, purpose, decision, review=review.pk)
    return review


def person_rating_record(
    actor: Any,
    *,
    review: Review,
    objective: Objective,
    version: int | None = None,
    rating: int,
    comment: str = "",
    purpose: str = purposes.PROJECT_REVIEW,
) -> ObjectiveReview:
    """The person's own rating of an objective at a review (from their own space, or as told to a
    professional): it sits beside the professionals' assessment and never replaces it."""
    project = review.project
    decision = _may_write(actor, project.person, purpose)
    if objective.project_id != project.pk:
        raise ValidationError(_("An objective of another project was given."))
    if review.status == ReviewStatus.CANCELLED:
        raise ValidationError(_("This review was cancelled."))
    with transaction.atomic():
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.REVIEW_HELD if review.status == ReviewStatus.HELD else EventKind.REVIEW_PLANNED,
            summary=_("The person's rating: %(objective)s") % {"objective": _short(objective.own_words)},
            objective=objective,
        )
        row, _created = ObjectiveReview.objects.get_or_create(
            review=review, objective=objective, defaults={"person_id": project.person_id}
        )
        row.person_rating, row.person_comment = rating, (comment or "").strip()
        row.full_clean(exclude=["review", "objective", "person"])
        row.save(update_fields=["person_rating", "person_comment"])
        _written(actor, project.person, Action.EDIT, purpose, decision, review=review.pk)
    return row


def _date(value: dt.date) -> str:
    from django.utils import formats

    return formats.date_format(value, "SHORT_DATE_FORMAT")


# --- divergent views -----------------------------------------------------------------------------------------


def _view_row(actor: Any, divergence: Divergence, decision: Decision, *, holder: str, relation, view: str):
    person = divergence.project.person
    if not (view or "").strip():
        raise ValidationError({"view": _("Write the view in a few words.")})
    row = DivergentView(
        divergence=divergence,
        person_id=person.pk,
        holder=holder,
        view=view.strip(),
        recorded_by=_user(actor),
    )
    if holder == Holder.ORGANISATION:
        if decision.reason == Reason.SELF or not decision.organisation_id:
            raise ValidationError({"holder": _("An organisation states its own view: record yours as the person.")})
        row.organisation_id = decision.organisation_id  # rule 4: only the actor's own organisation
    elif holder == Holder.RELATION:
        if relation is None or relation.person_id != person.pk:
            raise ValidationError({"relation": _("Choose whose view it is, among the person's relatives.")})
        row.relation = relation
    elif holder != Holder.PERSON:
        raise ValidationError({"holder": _("Say whose view it is.")})
    row.full_clean(exclude=["divergence", "person"])
    return row


def divergence_open(
    actor: Any,
    *,
    objective: Objective,
    version: int | None = None,
    topic: str,
    view: str,
    holder: str = Holder.ORGANISATION,
    relation: Relation | None = None,
    purpose: str = purposes.PROJECT_WRITE,
) -> Divergence:
    """Record that views differ on an objective, with a first view (the actor's organisation's by default)."""
    project = objective.project
    decision = _may_write(actor, project.person, purpose, Action.CREATE)
    _open(project)
    if not (topic or "").strip():
        raise ValidationError({"topic": _("Say what the views differ on.")})
    with transaction.atomic():
        divergence = Divergence(
            project=project,
            objective=objective,
            person_id=project.person_id,
            topic=topic.strip(),
            opened_by=_user(actor),
            updated_by=_user(actor),
        )
        divergence.full_clean(exclude=["project", "objective", "person"])
        row = _view_row(actor, divergence, decision, holder=holder, relation=relation, view=view)
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.DIVERGENCE_OPENED,
            summary=divergence.topic,
            objective=objective,
        )
        divergence.save()
        row.divergence = divergence
        row.save()
        _written(actor, project.person, Action.CREATE, purpose, decision, divergence=divergence.pk)
    return divergence


def divergence_add_view(
    actor: Any,
    *,
    divergence: Divergence,
    version: int | None = None,
    view: str,
    holder: str = Holder.ORGANISATION,
    relation: Relation | None = None,
    purpose: str = purposes.PROJECT_WRITE,
) -> DivergentView:
    """Add a view beside the others (rule 4)."""
    project = divergence.project
    decision = _may_write(actor, project.person, purpose, Action.CREATE)
    if not divergence.is_open:
        raise ValidationError(_("This divergence was resolved."))
    with transaction.atomic():
        row = _view_row(actor, divergence, decision, holder=holder, relation=relation, view=view)
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.DIVERGENCE_VIEW,
            summary=f"{divergence.topic} — {row.get_holder_display()}",
            objective=divergence.objective,
        )
        row.save()
        _written(actor, project.person, Action.CREATE, purpose, decision, divergence=divergence.pk)
    return row


def may_resolve(actor: Any, divergence: Divergence, decision: Decision | None = None) -> bool:
    """Rule 4: the referent, an organisation whose view the divergence holds, or the person."""
    person = divergence.project.person
    if decision is not None and decision.reason == Reason.SELF:
        return True
    if getattr(actor, "is_person", False) and person.user_id == getattr(_user(actor), "pk", None):
        return True
    own = _professional_org_ids(actor)
    if any(v.organisation_id in own for v in divergence.views.all() if v.organisation_id):
        return True
    return is_referent(actor, person)


def divergence_resolve(
    actor: Any,
    *,
    divergence: Divergence,
    version: int | None = None,
    resolution: str,
    purpose: str = purposes.PROJECT_WRITE,
) -> Divergence:
    """Resolve a divergence, with the resolution in words: it then leaves the open list, kept in the history."""
    project = divergence.project
    decision = _may_write(actor, project.person, purpose)
    if not divergence.is_open:
        raise ValidationError(_("This divergence was already resolved."))
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say how the views were reconciled, or what was decided.")})
    if not may_resolve(actor, divergence, decision):
        raise PermissionDenied(
            _("Only the referent, an organisation whose view is recorded, or the person can resolve this.")
        )
    with transaction.atomic():
        _guard(
            actor,
            project,
            version,
            decision,
            kind=EventKind.DIVERGENCE_RESOLVED,
            summary=f"{divergence.topic} — {_short(resolution)}",
            objective=divergence.objective,
        )
        divergence.resolution, divergence.resolved_at = resolution.strip(), timezone.now()
        divergence.resolved_by = divergence.updated_by = _user(actor)
        divergence.save(update_fields=["resolution", "resolved_at", "resolved_by", "updated_by", "updated_at"])
        _written(actor, project.person, Action.EDIT, purpose, decision, divergence=divergence.pk)
    return divergence

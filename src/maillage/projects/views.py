"""The professional's pages of a person's personalised project.

Every view resolves the person through the door for PROJECT data (`person_for`: unknown or forbidden -> 404,
audited), shows the name only where the identity is shared too, and is declared with `@person_data`. Writes
are POST only, through a `GuardedForm` built with the project's one version and `save_once` (a stale write
shows what changed; a second click saves nothing twice). Closing what ends (an objective, a review's
objectives, the project) asks for confirmation (`core/confirm.py`). Break-the-glass reads but offers no write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maillage.access import door
from maillage.access.door import categories_for, person_data, person_for
from maillage.access.enums import Action, Category
from maillage.core.confirm import confirmation
from maillage.core.forms import save_once
from maillage.people import purposes
from maillage.projects import selectors, services
from maillage.projects.enums import AgreementHow, Carrier, Holder, ObjectiveStatus
from maillage.projects.forms import (
    ActionForm,
    AgreementForm,
    CloseObjectiveForm,
    ConfirmedForm,
    DivergenceForm,
    ObjectiveForm,
    ProjectStartForm,
    ResolveForm,
    ReviewPlanForm,
    ReviewRecordForm,
    VersionProposeForm,
)
from maillage.referrals import services as referral_services

TIMELINE_ROWS = 8


@dataclass
class Context:
    """The person (through the door), what the actor may see and do, and the project (None before one starts)."""

    actor: Any
    person: Any
    categories: frozenset
    project: Any
    can_write: bool

    @property
    def shows_identity(self) -> bool:
        return Category.IDENTITY in self.categories

    @property
    def name(self) -> str:
        return self.person.full_name if self.shows_identity else _("the person")

    def url(self, name: str = "project_detail", anchor: str = "", **kwargs: Any) -> str:
        path = reverse(f"projects:{name}", kwargs={"public_id": self.person.public_id, **kwargs})
        return f"{path}#{anchor}" if anchor else path

    @cached_property
    def can_refer(self) -> bool:
        """ "Orienter" an objective to a partner (the referrals app decides again when the form is sent)."""
        return self.can_write and referral_services.may_refer(self.actor, self.person, viewable=self.categories)

    def as_dict(self) -> dict[str, Any]:
        return {"ctx": self, "person": self.person, "project": self.project}


def _context(request: HttpRequest, public_id: UUID, *, action: str, purpose: str, need_project: bool = True):
    actor = request.actor
    person = person_for(actor, public_id, action=action, category=Category.PROJECT, purpose=purpose)
    categories = categories_for(actor, person)
    project = selectors.latest_project(person)
    if need_project and project is None:
        raise Http404
    write = door.decide(actor, person, Action.EDIT, Category.PROJECT)
    can_write = write.allowed and not write.break_glass and project is not None and project.is_active
    if action != Action.VIEW and need_project and not can_write:
        raise Http404  # a closed project, or a read-only access: nothing to write
    return Context(actor, person, categories, project, can_write)


def _form_page(
    request: HttpRequest, ctx: Context, form: Any, *, title: str, intro: str = "", submit: str = "", **extra
):
    context = {
        **ctx.as_dict(),
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit or _("Save"),
        **extra,
    }
    return render(request, "projects/form_page.html", context, status=422 if form.errors else 200)


# --- the project page --------------------------------------------------------------------------------------


@person_data(categories=[Category.PROJECT, Category.IDENTITY], action=Action.VIEW)
@require_GET
def project_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The project: objectives (the person's own actions first), versions and the person's answers, reviews,
    divergent views still open, a summary of the matrix, and the latest history."""
    ctx = _context(request, public_id, action=Action.VIEW, purpose=purposes.PROJECT_PAGE, need_project=False)
    context: dict[str, Any] = ctx.as_dict()
    project = ctx.project
    if project is not None:
        objectives = selectors.objectives_of(project)
        for objective in objectives:
            for action in objective.sorted_actions:
                action.may_change = ctx.can_write and services.may_change_action(ctx.actor, action)
        versions = selectors.versions_of(project)
        context.update(
            objectives=objectives,
            versions=versions,
            latest_version=versions[0] if versions else None,
            agreed_version=next((v for v in versions if v.is_agreed), None),
            reviews=selectors.reviews_of(project),
            divergences=[d for d in selectors.divergences_of(project) if d.is_open],
            matrix=selectors.matrix(project, objectives),
            events=selectors.timeline(project, limit=TIMELINE_ROWS),
            closed_objectives=[o for o in objectives if not o.is_open],
        )
    else:
        context["start_form"] = ProjectStartForm() if ctx.can_write or _may_start(ctx) else None
    return render(request, "projects/project_detail.html", context)


def _may_start(ctx: Context) -> bool:
    decision = door.decide(ctx.actor, ctx.person, Action.CREATE, Category.PROJECT)
    return decision.allowed and not decision.break_glass


@person_data(categories=[Category.PROJECT], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def project_start(request: HttpRequest, public_id: UUID) -> HttpResponse:
    ctx = _context(request, public_id, action=Action.CREATE, purpose=purposes.PROJECT_WRITE, need_project=False)
    if not _may_start(ctx) or (ctx.project is not None and ctx.project.is_active):
        raise Http404
    form = ProjectStartForm(request.POST or None)

    def write() -> str:
        services.project_start(ctx.actor, person=ctx.person, title=form.values["title"])
        return ctx.url()

    if response := save_once(request, form, write, success=_("The project was started.")):
        return response
    return _form_page(request, ctx, form, title=_("Start a personalised project"), submit=_("Start the project"))


@person_data(categories=[Category.PROJECT], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def project_close(request: HttpRequest, public_id: UUID) -> HttpResponse:
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_WRITE)
    form = ConfirmedForm(request.POST or None, version=ctx.project.version)
    if request.method == "POST" and form.is_valid():
        asked = confirmation(
            request,
            question=_("Close this project?"),
            consequence=_("It can no longer be changed; its history stays readable, and a new one can be started."),
            action=_("Close the project"),
            cancel_url=ctx.url(),
        )
        if asked:
            return asked

    def write() -> str:
        services.project_close(
            ctx.actor, project=ctx.project, version=form.read_version, reason=form.values["reason"], confirmed=True
        )
        return ctx.url()

    if response := save_once(request, form, write, success=_("The project was closed.")):
        return response
    return _form_page(request, ctx, form, title=_("Close the project"), submit=_("Close the project"), danger=True)


# --- objectives ----------------------------------------------------------------------------------------------


def _objective(ctx: Context, objective_id: UUID) -> Any:
    objective = selectors.objective_of(ctx.project, objective_id)
    if objective is None:
        raise Http404
    return objective


@person_data(categories=[Category.PROJECT], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def objective_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _objective_form(request, public_id, None)


@person_data(categories=[Category.PROJECT], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, public_id: UUID, objective_id: UUID) -> HttpResponse:
    return _objective_form(request, public_id, objective_id)


def _objective_form(request: HttpRequest, public_id: UUID, objective_id: UUID | None) -> HttpResponse:
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_WRITE)
    objective = _objective(ctx, objective_id) if objective_id else None
    if objective is not None and not objective.is_open:
        raise Http404
    initial = {name: getattr(objective, name) for name in services.OBJECTIVE_FIELDS} if objective else {}
    form = ObjectiveForm(
        request.POST or None, initial=initial, terms=selectors.life_domain_choices(), version=ctx.project.version
    )

    def write() -> str:
        if objective is None:
            created = services.objective_add(ctx.actor, project=ctx.project, version=form.read_version, **form.values)
            return ctx.url(anchor=f"objective-{created.public_id}")
        services.objective_update(ctx.actor, objective=objective, version=form.read_version, **form.values)
        return ctx.url(anchor=f"objective-{objective.public_id}")

    if response := save_once(request, form, write, success=_("The objective was saved.")):
        return response
    title = _("Change an objective") if objective else _("Add an objective")
    intro = _("Write the objective as the person says it, and what will show that it moves forward.")
    return _form_page(request, ctx, form, title=title, intro=intro)


@person_data(categories=[Category.PROJECT], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def objective_close(request: HttpRequest, public_id: UUID, objective_id: UUID) -> HttpResponse:
    """Mark an objective reached or dropped: asked for confirmation, its open actions end with it."""
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_WRITE)
    objective = _objective(ctx, objective_id)
    if not objective.is_open:
        raise Http404
    form = CloseObjectiveForm(request.POST or None, version=ctx.project.version)
    if request.method == "POST" and form.is_valid():
        reached = form.cleaned_data["status"] == ObjectiveStatus.REACHED
        asked = confirmation(
            request,
            question=_("Mark this objective as reached?") if reached else _("Drop this objective?"),
            consequence=_("Its actions still open end with it. It stays in the project's history and versions."),
            action=_("Yes, close the objective"),
            cancel_url=ctx.url(anchor=f"objective-{objective.public_id}"),
        )
        if asked:
            return asked

    def write() -> str:
        data = form.values
        services.objective_close(
            ctx.actor,
            objective=objective,
            version=form.read_version,
            status=data["status"],
            reason=data["reason"],
            confirmed=True,
        )
        return ctx.url(anchor="closed-objectives")

    if response := save_once(request, form, write, success=_("The objective was closed.")):
        return response
    return _form_page(
        request, ctx, form, title=_("Close an objective"), intro=objective.own_words, submit=_("Close"), danger=True
    )


@person_data(categories=[Category.PROJECT, Category.IDENTITY], action=Action.VIEW)
@require_GET
def objective_suggestions(request: HttpRequest, public_id: UUID, objective_id: UUID) -> HttpResponse:
    """Distribution by competence: partners whose services match the objective's life domain, where the person
    lives and their age; those already involved are marked."""
    ctx = _context(request, public_id, action=Action.VIEW, purpose=purposes.PROJECT_PAGE)
    objective = _objective(ctx, objective_id)
    context = {**ctx.as_dict(), "objective": objective, "suggestions": selectors.suggestions(objective)}
    return render(request, "projects/suggestions.html", context)


# --- actions -------------------------------------------------------------------------------------------------


def _action_choices(ctx: Context) -> dict[str, Any]:
    """Offer only what the actor can choose: their own organisations' involvements, or all as the referent."""
    team = selectors.care_team_of(ctx.person)
    if not services.is_referent(ctx.actor, ctx.person):
        own = [i.pk for i in team if services.may_change_action(ctx.actor, None, organisation_id=i.organisation_id)]
        team = team.filter(pk__in=own)
    organisation_ids = selectors.care_team_of(ctx.person).values("organisation_id")
    return {
        "relatives": selectors.relatives_of(ctx.person),
        "involvements": team,
        "services": selectors.services_of_organisations(organisation_ids),
    }


@person_data(categories=[Category.PROJECT], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, public_id: UUID, objective_id: UUID) -> HttpResponse:
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_WRITE)
    objective = _objective(ctx, objective_id)
    if not objective.is_open:
        raise Http404
    form = ActionForm(request.POST or None, version=ctx.project.version, **_action_choices(ctx))

    def write() -> str:
        services.action_add(ctx.actor, objective=objective, version=form.read_version, **form.values)
        return ctx.url(anchor=f"objective-{objective.public_id}")

    if response := save_once(request, form, write, success=_("The action was saved.")):
        return response
    return _form_page(request, ctx, form, title=_("Add an action"), intro=objective.own_words)


@person_data(categories=[Category.PROJECT], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, public_id: UUID, action_id: UUID) -> HttpResponse:
    """Change an action: an organisation's action only by that organisation or the referent."""
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_WRITE)
    action = selectors.action_of(ctx.project, action_id)
    if action is None:
        raise Http404
    if not services.may_change_action(ctx.actor, action):
        raise PermissionDenied(
            _("This action is carried by another organisation: only that organisation or the referent can change it.")
        )
    initial = {name: getattr(action, name) for name in services.ACTION_FIELDS}
    choices = _action_choices(ctx)
    if action.involvement_id and not choices["involvements"].filter(pk=action.involvement_id).exists():
        choices["involvements"] = choices["involvements"] | selectors.care_team_of(ctx.person).filter(
            pk=action.involvement_id
        )
    form = ActionForm(request.POST or None, initial=initial, version=ctx.project.version, **choices)

    def write() -> str:
        services.action_update(ctx.actor, action=action, version=form.read_version, **form.values)
        return ctx.url(anchor=f"objective-{action.objective.public_id}")

    if response := save_once(request, form, write, success=_("The action was saved.")):
        return response
    return _form_page(request, ctx, form, title=_("Change an action"), intro=action.objective.own_words)


# --- versions and the person's answer --------------------------------------------------------------------------


@person_data(categories=[Category.PROJECT], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def version_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_AGREEMENT)
    form = VersionProposeForm(request.POST or None, version=ctx.project.version)

    def write() -> str:
        row = services.version_propose(
            ctx.actor, project=ctx.project, version=form.read_version, note=form.values["note"]
        )
        return ctx.url("version_detail", number=row.number)

    if response := save_once(request, form, write, success=_("The version was proposed to the person.")):
        return response
    intro = _(
        "The objectives and actions as they are now become a numbered version, to be proposed to the person. "
        "Their answer is then recorded on it."
    )
    return _form_page(request, ctx, form, title=_("Propose a version to the person"), intro=intro)


@person_data(categories=[Category.PROJECT, Category.IDENTITY], action=Action.VIEW)
@require_GET
def version_detail(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    """One version, the person's answer, and what changed since the previous version."""
    ctx = _context(request, public_id, action=Action.VIEW, purpose=purposes.PROJECT_PAGE)
    previous, current, diff = selectors.compare_with_previous(ctx.project, number)
    if current is None:
        raise Http404
    context = {
        **ctx.as_dict(),
        "previous": previous,
        "version": current,
        "diff": diff,
        "touched": [d for d in diff if d.touched],
        "versions": selectors.versions_of(ctx.project),
    }
    return render(request, "projects/version_detail.html", context)


@person_data(categories=[Category.PROJECT], action=Action.SHARE)
@require_http_methods(["GET", "POST"])
def agreement_record(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    """Record the person's answer to a version, and how they gave it (on paper, orally in a meeting)."""
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_AGREEMENT)
    row = selectors.version_of(ctx.project, number)
    if row is None or row.is_answered:
        raise Http404
    form = AgreementForm(request.POST or None, version=ctx.project.version)
    if getattr(ctx.actor, "is_person", False):
        form.fields["how"].choices = [(AgreementHow.IN_OWN_SPACE, AgreementHow.IN_OWN_SPACE.label)]
        form.fields["how"].initial = AgreementHow.IN_OWN_SPACE

    def write() -> str:
        data = form.values
        services.agreement_record(
            ctx.actor,
            project_version=row,
            version=form.read_version,
            answer=data["answer"],
            how=data["how"],
            comment=data["comment"],
        )
        return ctx.url("version_detail", number=row.number)

    if response := save_once(request, form, write, success=_("The person's answer was recorded.")):
        return response
    title = _("The person's answer to version %(number)s") % {"number": row.number}
    return _form_page(request, ctx, form, title=title)


# --- reviews ------------------------------------------------------------------------------------------------


@person_data(categories=[Category.PROJECT], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_REVIEW)
    team = selectors.care_team_organisations(ctx.person)
    form = ReviewPlanForm(
        request.POST or None,
        version=ctx.project.version,
        organisations=team,
        relatives=selectors.relatives_of(ctx.person),
    )

    def write() -> str:
        data = form.values
        services.review_plan(
            ctx.actor,
            project=ctx.project,
            version=form.read_version,
            planned_on=data["planned_on"],
            person_takes_part=data["person_takes_part"],
            organisations=data["organisations"],
            relations=data.get("relations") or [],
            note=data["note"],
        )
        return ctx.url(anchor="reviews")

    if response := save_once(request, form, write, success=_("The review was planned.")):
        return response
    return _form_page(request, ctx, form, title=_("Plan a review"))


def _review(ctx: Context, review_id: UUID) -> Any:
    review = selectors.review_of(ctx.project, review_id)
    if review is None:
        raise Http404
    return review


@person_data(categories=[Category.PROJECT], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def review_record(request: HttpRequest, public_id: UUID, review_id: UUID) -> HttpResponse:
    """Record a review: per objective, the professionals' assessment and the person's own rating side by side,
    and the decision. Objectives decided reached or dropped are closed after confirmation."""
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_REVIEW)
    review = _review(ctx, review_id)
    if review.status != "PLANNED":
        raise Http404
    objectives = [o for o in selectors.objectives_of(ctx.project) if o.is_open]
    form = ReviewRecordForm(
        request.POST or None,
        version=ctx.project.version,
        objectives=objectives,
        initial={"held_on": review.planned_on},
    )
    if request.method == "POST" and form.is_valid() and form.closes_objectives:
        asked = confirmation(
            request,
            question=_("Close the objectives decided reached or dropped?"),
            consequence=_("Their actions still open end with them. They stay in the project's history."),
            action=_("Yes, record the review"),
            cancel_url=ctx.url(anchor="reviews"),
        )
        if asked:
            return asked

    def write() -> str:
        data = form.values
        services.review_record(
            ctx.actor,
            review=review,
            version=form.read_version,
            held_on=data["held_on"],
            summary=data["summary"],
            entries=[services.EntryIn(**entry) for entry in form.entries()],
            confirmed=True,
        )
        return ctx.url(anchor="reviews")

    if response := save_once(request, form, write, success=_("The review was recorded.")):
        return response
    context = {**ctx.as_dict(), "form": form, "review": review}
    return render(request, "projects/review_record.html", context, status=422 if form.errors else 200)


@person_data(categories=[Category.PROJECT], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def review_cancel(request: HttpRequest, public_id: UUID, review_id: UUID) -> HttpResponse:
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_REVIEW)
    review = _review(ctx, review_id)
    if review.status != "PLANNED":
        raise Http404
    form = ConfirmedForm(request.POST or None, version=ctx.project.version)

    def write() -> str:
        services.review_cancel(ctx.actor, review=review, version=form.read_version)
        return ctx.url(anchor="reviews")

    if response := save_once(request, form, write, success=_("The review was cancelled.")):
        return response
    return _form_page(request, ctx, form, title=_("Cancel the review"), submit=_("Cancel the review"), danger=True)


# --- divergent views ---------------------------------------------------------------------------------------


def _organisation_name(ctx: Context) -> str:
    if getattr(ctx.actor, "is_person", False):
        return ""
    organisation = getattr(ctx.actor, "organisation", None)
    return organisation.name if organisation is not None else ""


@person_data(categories=[Category.PROJECT], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def divergence_create(request: HttpRequest, public_id: UUID, objective_id: UUID) -> HttpResponse:
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_WRITE)
    objective = _objective(ctx, objective_id)
    form = DivergenceForm(
        request.POST or None,
        version=ctx.project.version,
        relatives=selectors.relatives_of(ctx.person),
        organisation_name=_organisation_name(ctx),
    )

    def write() -> str:
        data = form.values
        services.divergence_open(
            ctx.actor,
            objective=objective,
            version=form.read_version,
            topic=data["topic"],
            view=data["view"],
            holder=data["holder"],
            relation=data.get("relation"),
        )
        return ctx.url(anchor="divergences")

    if response := save_once(request, form, write, success=_("The divergent view was recorded.")):
        return response
    intro = _("Views that differ are recorded side by side and stay visible until resolved.")
    return _form_page(request, ctx, form, title=_("Record divergent views"), intro=intro)


def _divergence(ctx: Context, divergence_id: UUID) -> Any:
    divergence = selectors.divergence_of(ctx.project, divergence_id)
    if divergence is None or not divergence.is_open:
        raise Http404
    return divergence


@person_data(categories=[Category.PROJECT], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def divergence_view_add(request: HttpRequest, public_id: UUID, divergence_id: UUID) -> HttpResponse:
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_WRITE)
    divergence = _divergence(ctx, divergence_id)
    form = DivergenceForm(
        request.POST or None,
        version=ctx.project.version,
        relatives=selectors.relatives_of(ctx.person),
        organisation_name=_organisation_name(ctx),
        with_topic=False,
    )

    def write() -> str:
        data = form.values
        services.divergence_add_view(
            ctx.actor,
            divergence=divergence,
            version=form.read_version,
            view=data["view"],
            holder=data["holder"],
            relation=data.get("relation"),
        )
        return ctx.url(anchor="divergences")

    if response := save_once(request, form, write, success=_("The view was added.")):
        return response
    return _form_page(request, ctx, form, title=_("Add a view"), intro=divergence.topic)


@person_data(categories=[Category.PROJECT], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def divergence_resolve(request: HttpRequest, public_id: UUID, divergence_id: UUID) -> HttpResponse:
    ctx = _context(request, public_id, action=Action.EDIT, purpose=purposes.PROJECT_WRITE)
    divergence = _divergence(ctx, divergence_id)
    if not services.may_resolve(ctx.actor, divergence):
        raise PermissionDenied(
            _("Only the referent, an organisation whose view is recorded, or the person can resolve this.")
        )
    form = ResolveForm(request.POST or None, version=ctx.project.version)

    def write() -> str:
        services.divergence_resolve(
            ctx.actor, divergence=divergence, version=form.read_version, resolution=form.values["resolution"]
        )
        return ctx.url(anchor="divergences")

    if response := save_once(request, form, write, success=_("The divergence was resolved.")):
        return response
    return _form_page(request, ctx, form, title=_("Resolve the divergence"), intro=divergence.topic)


# --- matrix and history ------------------------------------------------------------------------------------


@person_data(categories=[Category.PROJECT, Category.IDENTITY], action=Action.VIEW)
@require_GET
def project_matrix(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Objectives by contributors: gaps, overlaps and the share of the person and their relatives."""
    ctx = _context(request, public_id, action=Action.VIEW, purpose=purposes.PROJECT_PAGE, need_project=False)
    table = selectors.matrix(ctx.project) if ctx.project is not None else None
    return render(request, "projects/matrix.html", {**ctx.as_dict(), "matrix": table, "carriers": Carrier})


@person_data(categories=[Category.PROJECT, Category.IDENTITY], action=Action.VIEW)
@require_GET
def project_history(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The whole timeline: versions, answers, reviews, divergences, changes of objectives and actions."""
    ctx = _context(request, public_id, action=Action.VIEW, purpose=purposes.PROJECT_PAGE, need_project=False)
    events = selectors.timeline(ctx.project) if ctx.project is not None else []
    context = {**ctx.as_dict(), "events": events, "holder": Holder}
    return render(request, "projects/history.html", context)

"""The project shown outward: to the person in their own space, and as a readable document (page and PDF).

In the person's own space (a phone first), the person reads their project in plain words, says what they think
of the version proposed to them (their answer is recorded as given "in their own space", `services`' rule 5),
rates their own progress on each objective for the review, and says where they see an objective differently.
Everything goes through the door as the person themselves (`Reason.SELF`).

The readable document (`projects.document`) is the current project told to the person: a page to print, and a
PDF to download through the door (PROJECT, action EXPORT), in the reader's language or one they choose
(`?lang=`). Neither the address nor the file's name carries a name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from maillage.access.door import open_file, person_data, person_for, persons_visible_to
from maillage.access.enums import Action, Category
from maillage.core.documents import pdf_response
from maillage.core.forms import GuardedForm, save_once
from maillage.people import purposes
from maillage.people.presenters import PersonPage, person_page
from maillage.people.team import team_of
from maillage.projects import selectors, services
from maillage.projects.document import LANGUAGES, PDF_FILE_NAME, document_language, project_pdf, readable_project
from maillage.projects.enums import AgreementAnswer, AgreementHow, Holder, Progress, ReviewStatus

if TYPE_CHECKING:
    from maillage.people.models import Person  # noqa: TID251 -- annotations only: the door hands out the instances
    from maillage.projects.models import Project, Review  # noqa: TID251 -- annotations only


# --- forms, in the person's words ----------------------------------------------------------------------------

ANSWER_CHOICES = [
    (AgreementAnswer.AGREED, gettext_lazy("Yes, I agree")),
    (AgreementAnswer.AGREED_WITH_RESERVATIONS, gettext_lazy("Yes, but I have reservations")),
    (AgreementAnswer.DISAGREED, gettext_lazy("No, I do not agree")),
]
RATING_CHOICES = [
    (Progress.NONE, gettext_lazy("Not yet")),
    (Progress.LITTLE, gettext_lazy("A little")),
    (Progress.GOOD, gettext_lazy("Well")),
    (Progress.REACHED, gettext_lazy("It is done")),
]


class AnswerForm(GuardedForm):
    answer = forms.TypedChoiceField(
        label=gettext_lazy("Do you agree with this project?"), choices=ANSWER_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("What you want to say about it"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("If you have reservations or do not agree, say what you would change."),
    )


class RatingForm(GuardedForm):
    objective = forms.UUIDField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=gettext_lazy("How far along are you?"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("In your words"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ViewForm(GuardedForm):
    objective = forms.UUIDField(widget=forms.HiddenInput)
    view = forms.CharField(
        label=gettext_lazy("How you see it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- the person's own space ----------------------------------------------------------------------------------


def _own_public_id(request: HttpRequest) -> UUID:
    actor = request.actor
    if not getattr(actor, "is_person", False):
        raise Http404
    own = persons_visible_to(actor).filter(user=actor.user).values_list("public_id", flat=True).first()
    if own is None:
        raise Http404
    return own


def rating_review(reviews: list[Review]) -> Review | None:
    """The review the person's rating goes to: the next planned one (or an overdue one), else the latest held."""
    planned = sorted((r for r in reviews if r.status == ReviewStatus.PLANNED), key=lambda r: (r.planned_on, r.pk))
    if planned:
        return planned[0]
    held = sorted(
        (r for r in reviews if r.status == ReviewStatus.HELD), key=lambda r: (r.held_on or r.planned_on, r.pk)
    )
    return held[-1] if held else None


def _space(request: HttpRequest, person: Person, page: PersonPage, *, status: int = 200, **bound: Any) -> HttpResponse:
    project = selectors.latest_project(person)
    language = translation.get_language() or "fr"
    context: dict[str, Any] = {"person": person, "project": project, "team": team_of(page), "pdf_languages": LANGUAGES}
    if project is not None:
        objectives = selectors.objectives_of(project)
        versions = selectors.versions_of(project)
        reviews = selectors.reviews_of(project)
        readable = readable_project(
            person,
            project,
            language=language,
            objectives=objectives,
            versions=versions,
            reviews=reviews,
            divergences=selectors.divergences_of(project),
            team=context["team"],
        )
        latest = versions[0] if versions else None
        awaiting = latest if latest is not None and not latest.is_answered and project.is_active else None
        review = rating_review(reviews) if project.is_active else None
        rows = []
        for index, (objective, shown) in enumerate(
            zip([o for o in objectives if o.is_open], readable.objectives, strict=False), start=1
        ):
            # One form per objective on the page: ids made unique (the names stay, each form posts alone).
            rating_form = bound.get(f"rating:{objective.public_id}") or RatingForm(
                auto_id=f"id_o{index}_%s", version=project.version, initial={"objective": objective.public_id}
            )
            view_form = bound.get(f"view:{objective.public_id}") or ViewForm(
                auto_id=f"id_v{index}_%s", version=project.version, initial={"objective": objective.public_id}
            )
            rows.append({"objective": objective, "shown": shown, "rating_form": rating_form, "view_form": view_form})
        context.update(
            readable=readable,
            rows=rows,
            awaiting=awaiting,
            review=review,
            answer_form=bound.get("answer") or (AnswerForm(version=project.version) if awaiting else None),
        )
    return render(request, "projects/space_project.html", context, status=status)


@person_data(categories=[Category.PROJECT, Category.COORDINATION], action=Action.VIEW)
@require_GET
def space_project(request: HttpRequest) -> HttpResponse:
    """The person reads their project, in their language (the space speaks it), in plain words."""
    person, categories = open_file(request.actor, _own_public_id(request), purpose=purposes.OWN_SPACE)
    return _space(request, person, person_page(request.actor, person, categories=categories))


def _own_project(request: HttpRequest) -> tuple[Person, PersonPage, Project]:
    person = person_for(
        request.actor,
        _own_public_id(request),
        action=Action.EDIT,
        category=Category.PROJECT,
        purpose=purposes.PROJECT_AGREEMENT,
    )
    project = selectors.latest_project(person)
    if project is None:
        raise Http404
    return person, person_page(request.actor, person), project


SPACE_URL = "projects:space_project"


@person_data(categories=[Category.PROJECT], action=Action.SHARE)
@require_POST
def space_project_answer(request: HttpRequest) -> HttpResponse:
    """The person answers the version proposed to them: recorded as given in their own space."""
    person, page, project = _own_project(request)
    versions = selectors.versions_of(project)
    form = AnswerForm(request.POST, version=project.version)

    def write() -> str:
        if not versions:
            raise Http404
        row = versions[0]
        row.project = project
        services.agreement_record(
            request.actor,
            project_version=row,
            version=form.read_version,
            answer=form.cleaned_data["answer"],
            how=AgreementHow.IN_OWN_SPACE,
            comment=form.cleaned_data["comment"],
            purpose=purposes.PROJECT_AGREEMENT,
        )
        return reverse(SPACE_URL) + "#agreement"

    if response := save_once(request, form, write, success=_("Your answer was recorded. Your referent can read it.")):
        return response
    return _space(request, person, page, status=422, answer=form)


def _objective(project: Project, form: forms.Form) -> Any:
    """The open objective the form is about (404 for anything else: the page offers only those)."""
    form.is_valid()
    public_id = getattr(form, "cleaned_data", {}).get("objective")
    objective = selectors.objective_of(project, public_id) if public_id else None
    if objective is None or not objective.is_open:
        raise Http404
    return objective


@person_data(categories=[Category.PROJECT], action=Action.EDIT)
@require_POST
def space_project_rate(request: HttpRequest) -> HttpResponse:
    """The person rates their own progress on one objective, for the next review (beside the professionals')."""
    person, page, project = _own_project(request)
    form = RatingForm(request.POST, auto_id="id_rating_%s", version=project.version)
    objective = _objective(project, form)
    review = rating_review(selectors.reviews_of(project))

    def write() -> str:
        if review is None:
            raise ValidationError(_("No review is planned yet: you can give your rating once one is."))
        review.project = project
        services.person_rating_record(
            request.actor,
            review=review,
            objective=objective,
            version=form.read_version,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            purpose=purposes.PROJECT_REVIEW,
        )
        return reverse(SPACE_URL) + f"#objective-{objective.public_id}"

    if response := save_once(request, form, write, success=_("Your rating was recorded for the review.")):
        return response
    return _space(request, person, page, status=422, **{f"rating:{objective.public_id}": form})


@person_data(categories=[Category.PROJECT], action=Action.CREATE)
@require_POST
def space_project_view(request: HttpRequest) -> HttpResponse:
    """The person says they see an objective differently: their view is written down, openly, beside the
    others' (a divergence, until it is resolved with them)."""
    person, page, project = _own_project(request)
    form = ViewForm(request.POST, auto_id="id_view_%s", version=project.version)
    objective = _objective(project, form)

    def write() -> str:
        objective.project = project
        services.divergence_open(
            request.actor,
            objective=objective,
            version=form.read_version,
            topic=_("The person sees it differently"),
            view=form.cleaned_data["view"],
            holder=Holder.PERSON,
            purpose=purposes.PROJECT_WRITE,
        )
        return reverse(SPACE_URL) + "#differ"

    if response := save_once(
        request, form, write, success=_("What you think is written down. Your referent is told.")
    ):
        return response
    return _space(request, person, page, status=422, **{f"view:{objective.public_id}": form})


# --- the readable document -----------------------------------------------------------------------------------


def _readable(request: HttpRequest, public_id: UUID, *, action: str, purpose: str):
    person = person_for(request.actor, public_id, action=action, category=Category.PROJECT, purpose=purpose)
    page = person_page(request.actor, person)
    default = person.preferred_language if page.is_self else (translation.get_language() or "fr")
    language = document_language(request.GET.get("lang"), default)
    project = selectors.latest_project(person)
    if project is None:
        return person, page, readable_project(person, None, language=language, team=team_of(page))
    readable = readable_project(
        person,
        project,
        language=language,
        objectives=selectors.objectives_of(project),
        versions=selectors.versions_of(project),
        reviews=selectors.reviews_of(project),
        divergences=selectors.divergences_of(project),
        team=team_of(page),
    )
    return person, page, readable


@person_data(categories=[Category.PROJECT], action=Action.VIEW)
@require_GET
def project_document(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The project as a page to print, in plain words, in the reader's language or the one chosen."""
    person, page, readable = _readable(request, public_id, action=Action.VIEW, purpose=purposes.PROJECT_DOCUMENT)
    with translation.override(readable.language):
        return render(
            request,
            "projects/project_document.html",
            {"person": person, "page": page, "readable": readable, "pdf_languages": LANGUAGES},
        )


@person_data(categories=[Category.PROJECT], action=Action.EXPORT)
@require_GET
def project_document_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The same document as a PDF to download: no name in the address, none in the file's name."""
    _person, _page, readable = _readable(request, public_id, action=Action.EXPORT, purpose=purposes.PROJECT_DOCUMENT)
    return pdf_response(project_pdf(readable), filename=PDF_FILE_NAME.get(readable.language, "project.pdf"))

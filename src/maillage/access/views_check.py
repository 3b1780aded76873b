"""Finding a person outside one's network, the lawful way: the existence check (`access.existence`).

The blank form (GET) shows no person data; the facts are POSTed to the answer, never put in a URL. The answer page
has the same shape whether a file exists or not, only its sentence differs, and it never shows the person's data.
From a "file exists" answer, the professional asks the referent to join the network or breaks the glass.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from maillage.access import existence
from maillage.access.door import no_person_data, person_data
from maillage.access.enums import Action, Category
from maillage.access.forms import ExistenceCheckForm


@no_person_data
@require_GET
def existence_check(request: HttpRequest) -> HttpResponse:
    if not request.actor.is_professional:
        raise Http404
    return _page(request, ExistenceCheckForm(), None)


@person_data(categories=[Category.IDENTITY], action=Action.SEARCH)
@require_POST
def existence_answer(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if not actor.is_professional:
        raise Http404
    form = ExistenceCheckForm(request.POST)
    answer = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            answer = existence.existence_check(
                actor,
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
                commune_ids=data["commune"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
    return _page(request, form, answer)


def _page(request: HttpRequest, form: ExistenceCheckForm, answer: existence.Answer | None) -> HttpResponse:
    actor = request.actor
    context = {
        "form": form,
        "answer": answer,
        "found": existence.Found,
        "checks_left": existence.existence_checks_left(actor),
        "daily_cap": existence.existence_check_daily_cap(),
    }
    return render(request, "access/existence_check.html", context, status=422 if form.errors else 200)

"""Asking to join a person's network from outside it, and the referent's answer (`people.joins`).

The requester's page shows the file's public id only (they learnt from their own existence check that it exists);
the referent answers from the file.
"""

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.access.door import person_data, person_for
from maillage.access.enums import Action, Category
from maillage.core.forms import save_once
from maillage.people import joins, purposes
from maillage.people.forms import JoinAnswerForm, JoinRequestForm


@person_data(categories=[Category.IDENTITY], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def join_request_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = request.actor
    joins.join_target(actor, public_id)  # 404 unless the actor's own check found this file
    form = JoinRequestForm(request.POST or None)

    def write() -> str:
        joins.join_request_create(actor, public_id=public_id, reason=form.cleaned_data["reason"])
        return reverse("access:existence_check")

    success = _("Your request was sent to the referent. You will be told of the answer by e-mail.")
    if response := save_once(request, form, write, success=success):
        return response
    context = {"form": form, "public_id": public_id}
    return render(request, "people/join_request.html", context, status=422 if form.errors else 200)


@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
@require_http_methods(["GET", "POST"])
def join_request_answer(request: HttpRequest, public_id: UUID, request_id: UUID) -> HttpResponse:
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.SHARE, category=Category.COORDINATION, purpose=purposes.JOIN_REQUEST
    )
    join_request = joins.join_request_of(person, request_id)
    if join_request is None or join_request not in joins.join_requests_pending(actor, person):
        raise Http404
    form = JoinAnswerForm(request.POST or None)

    def write() -> str:
        data = form.cleaned_data
        joins.join_request_answer(
            actor, join_request=join_request, accept=data["answer"] == form.ACCEPT, agreement=data["agreement"]
        )
        return reverse("people:person_detail", kwargs={"public_id": person.public_id}) + "#secondary"

    if response := save_once(request, form, write, success=_("Your answer was recorded. The requester is told.")):
        return response
    context = {"form": form, "person": person, "join_request": join_request}
    return render(request, "people/join_answer.html", context, status=422 if form.errors else 200)

"""Saved directory searches of a professional: keep the current search, list, open and delete them, and stop
their e-mail alerts from the link in an alert (no login needed for that)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.access.door import no_person_data
from maillage.directory.alerts import query_of, saved_search_create, saved_search_delete, saved_search_unsubscribe
from maillage.directory.forms import SavedSearchForm, SearchForm
from maillage.directory.models import SavedSearch
from maillage.directory.views import clear_forbidden

# ServiceQuery field → the search page's parameter, to open a saved search.
PARAMETERS = {
    "text": "q",
    "commune_id": "commune",
    "latitude": "lat",
    "longitude": "lon",
    "radius_km": "radius",
    "capacity_available": "available",
}


@no_person_data
@clear_forbidden
@require_http_methods(["GET", "POST"])
def saved_searches(request: HttpRequest) -> HttpResponse:
    """GET: the actor's saved searches. POST: keep the search in the posted fields under the given name."""
    actor = request.actor
    if actor.organisation is None:
        raise PermissionDenied(_("Saved searches are for the members of an organisation."))
    form = SavedSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        search = SearchForm(request.POST)
        search.is_valid()
        try:
            saved_search_create(actor, name=form.cleaned_data["name"], query=search.to_query())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Search saved. You will get an e-mail when a service matches it."))
            return redirect("directory:saved_searches")
    return render(
        request,
        "directory/saved_searches.html",
        {"form": form, "saved_searches": SavedSearch.objects.filter(user=actor.user)},
        status=400 if form.errors else 200,
    )


@no_person_data
@require_GET
def saved_search_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The search page with the saved search's words and filters."""
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.actor.user)
    query = query_of(saved)
    params = {}
    for name, value in saved.query.items():
        value = getattr(query, name, None)
        if value not in ("", None, False):
            params[PARAMETERS.get(name, name)] = "on" if value is True else value
    return redirect(reverse("directory:search") + ("?" + urlencode(params) if params else ""))


@no_person_data
@require_POST
def saved_search_remove(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.actor.user)
    saved_search_delete(request.actor, saved_search=saved)
    messages.success(request, _("Saved search deleted."))
    return redirect("directory:saved_searches")


@no_person_data
@login_not_required
@require_http_methods(["GET", "POST"])
def saved_search_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (a mail scanner following the link stops nothing); POST stops the alerts."""
    saved = get_object_or_404(SavedSearch, unsubscribe_token=token[:64])
    if request.method == "POST":
        saved_search_unsubscribe(token=saved.unsubscribe_token)
        saved.alerts = False
    return render(request, "directory/saved_search_unsubscribe.html", {"saved": saved, "done": not saved.alerts})

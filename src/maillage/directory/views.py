"""Pages of the directory: the public search and service page, members' editing, the coordinator's validation."""

from dataclasses import replace
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maillage.access.door import no_person_data
from maillage.accounts.enums import OrganisationStatus, Role
from maillage.accounts.models import Organisation
from maillage.core.confirm import confirmation
from maillage.core.db_routing import lag_tolerant_view
from maillage.directory import services
from maillage.directory.enums import CapacityStatus, Mobiliser, ServiceKind
from maillage.directory.forms import CapacityForm, LocationAttachForm, LocationForm, SearchForm, ServiceForm
from maillage.directory.maps import build_map
from maillage.directory.models import Location, Service
from maillage.directory.permissions import can_edit_listing, can_validate_organisations
from maillage.directory.search import (
    STALE_AFTER,
    facet_counts,
    is_open,
    search_services,
    with_locations_and_needs,
)
from maillage.directory.selectors import (
    attachable_organisations,
    pending_organisations,
    public_service,
    services_awaiting_validation,
    services_of,
    unclaimed_locations,
)
from maillage.territories.selectors import communes_starting_with


def clear_forbidden(view):
    """Render a translated 403 page that says why, instead of Django's bare one."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            reason = str(error) or _("You do not have access to this page.")
            return render(request, "directory/forbidden.html", {"reason": reason}, status=403)

    return wrapper


@no_person_data
@login_not_required
@require_GET
@lag_tolerant_view
def search(request: HttpRequest) -> HttpResponse:
    """The public search (no login). With htmx only the results are swapped; without JS the form reloads."""
    form = SearchForm(request.GET)
    form.is_valid()
    query = form.to_query()
    results = search_services(query)
    # Counted for the words the results are for (corrected or as typed).
    form.count_choices(
        facet_counts(query if not results.corrected_text else replace(query, text=results.corrected_text))
    )
    view = "map" if request.GET.get("view") == "map" else "list"
    without_place = _querystring(request, drop=("page", "place", "commune", "lat", "lon"))
    context = {
        "form": form,
        "results": results,
        "view": view,
        "map": build_map(with_locations_and_needs(results.hits), results.place) if view == "map" else None,
        "querystring": _querystring(request, drop=("page", "view")),
        "can_save": request.actor.is_authenticated and request.actor.organisation is not None,
        "save_params": [
            (name, value)
            for name, value in request.GET.items()
            if name in form.fields and name not in ("page", "sort")
        ],
        "unsorted": _querystring(request, drop=("page", "view", "sort")),
        "place_choices": [
            (commune, "?" + "&".join(filter(None, [without_place, urlencode({"place": commune.name})])))
            for commune in results.place_suggestions
        ],
    }
    if request.htmx and not request.htmx.boosted:
        context["swap_facets"] = True  # the filters' counts change with the results
        return render(request, "directory/search.html#results", context)
    return render(request, "directory/search.html", context)


@no_person_data
@login_not_required
@require_GET
def place_hints(request: HttpRequest) -> HttpResponse:
    """The options of the place field's list: communes starting with what is typed (two characters or more)."""
    typed = request.GET.get("place", "")[:150]
    communes = communes_starting_with(typed) if len(typed.strip()) >= 2 else []
    return render(request, "directory/_place_hints.html", {"communes": communes})


def _querystring(request: HttpRequest, *, drop: tuple[str, ...]) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


@no_person_data
@login_not_required
@require_GET
def service_detail(request: HttpRequest, public_id) -> HttpResponse:
    service = public_service(public_id)
    if service is None:
        # A member may preview their own unlisted service.
        actor = request.actor
        service = get_object_or_404(
            Service.objects.select_related("organisation").defer("search_vector"),
            public_id=public_id,
            organisation_id__in=actor.organisation_ids if actor.is_authenticated else [],
        )
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "is_open": is_open(service.opening_hours),
            "kinds": [ServiceKind(kind).label for kind in service.kinds or () if kind in ServiceKind.values],
            "mobilisers": [Mobiliser(who).label for who in service.mobilisable_by or () if who in Mobiliser.values],
            "is_stale": service.updated_at < timezone.now() - STALE_AFTER,
            "can_edit": can_edit_listing(request.actor, service.organisation_id),
            # "Orienter": a professional of another organisation refers one of the persons it follows.
            "can_orient": _can_orient(request.actor, service),
        },
    )


def _can_orient(actor, service: Service) -> bool:
    membership = getattr(actor, "membership", None) if actor.is_authenticated else None
    return (
        membership is not None
        and membership.role == Role.PROFESSIONAL
        and membership.organisation_id != service.organisation_id
        and service.organisation.status == OrganisationStatus.VALIDATED
    )


def _own_organisation(request: HttpRequest) -> Organisation:
    actor = request.actor
    if actor.organisation is None:
        raise PermissionDenied(_("You need to be a member of an organisation to manage its listings."))
    return actor.organisation


def _own_service(request: HttpRequest, public_id) -> Service:
    """The service, when the actor is a member of its organisation; 404 otherwise (whether it exists or not)."""
    actor = request.actor
    allowed = list(actor.organisation_ids)
    queryset = Service.objects.defer("search_vector").select_related("organisation")
    if actor.is_platform_staff:
        return get_object_or_404(queryset, public_id=public_id)
    return get_object_or_404(queryset, public_id=public_id, organisation_id__in=allowed)


@no_person_data
@clear_forbidden
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request)
    return render(
        request,
        "directory/manage.html",
        {
            "organisation": organisation,
            "services": services_of(organisation.id),
            "locations": Location.objects.filter(organisation=organisation).order_by("name"),
            "stale_before": timezone.now() - STALE_AFTER,
            "capacity_choices": CapacityStatus.choices,
            "capacity_error": False,
        },
    )


@no_person_data
@clear_forbidden
def service_edit(request: HttpRequest, public_id=None) -> HttpResponse:
    if public_id is None:
        organisation = _own_organisation(request)
        service = Service(organisation=organisation)
    else:
        service = _own_service(request, public_id)
        organisation = service.organisation
    previous_capacity = service.capacity_status
    form = ServiceForm(request.POST or None, instance=service, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_save(
                request.actor,
                service=form.save(commit=False),
                needs=form.cleaned_data["needs"],
                locations=list(form.cleaned_data["locations"]),
                capacity_changed=form.cleaned_data["capacity_status"] != previous_capacity,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The listing was saved."))
            return redirect("directory:manage")
    return render(request, "directory/service_form.html", {"form": form, "service": service}, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@no_person_data
@clear_forbidden
@require_POST
def service_capacity(request: HttpRequest, public_id) -> HttpResponse:
    """The one-click capacity update; answers the badge fragment to htmx, a redirect otherwise."""
    service = _own_service(request, public_id)
    form = CapacityForm(request.POST)
    if form.is_valid():
        services.service_set_capacity(
            request.actor,
            service=service,
            capacity_status=form.cleaned_data["capacity_status"],
            waiting_time_days=form.cleaned_data["waiting_time_days"],
        )
        if not request.htmx:
            messages.success(request, _("Capacity updated."))
    elif not request.htmx:
        messages.error(request, _("Choose a capacity from the list."))
    if request.htmx:
        context = {
            "service": service,
            "capacity_choices": CapacityStatus.choices,
            "capacity_error": not form.is_valid(),
        }
        return render(request, "directory/manage.html#capacity", context, status=200 if form.is_valid() else 400)
    return redirect("directory:manage")


@no_person_data
@clear_forbidden
@require_POST
def service_confirm(request: HttpRequest, public_id) -> HttpResponse:
    service = _own_service(request, public_id)
    services.service_confirm(request.actor, service=service)
    messages.success(request, _("Thank you: the listing is marked as up to date."))
    return redirect("directory:manage")


@no_person_data
@clear_forbidden
def location_edit(request: HttpRequest, public_id=None) -> HttpResponse:
    if public_id is None:
        location = Location(organisation=_own_organisation(request))
    else:
        actor = request.actor
        location = get_object_or_404(Location, public_id=public_id, organisation_id__in=list(actor.organisation_ids))
    form = LocationForm(request.POST or None, instance=location)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_save(request.actor, location=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The location was saved."))
            return redirect("directory:manage")
    return render(request, "directory/location_form.html", {"form": form, "location": location}, status=_status(form))


@no_person_data
@clear_forbidden
@require_GET
def pending(request: HttpRequest) -> HttpResponse:
    if not can_validate_organisations(request.actor):
        raise PermissionDenied(_("Only the network coordinator validates organisations."))
    context = {
        "organisations": pending_organisations(),
        "services": services_awaiting_validation(),
        "locations": unclaimed_locations(),
        "attachable": attachable_organisations(),
    }
    return render(request, "directory/pending.html", context)


@no_person_data
@clear_forbidden
@require_POST
def location_attach(request: HttpRequest, public_id) -> HttpResponse:
    if not can_validate_organisations(request.actor):
        raise PermissionDenied(_("Only the network coordinator attaches locations to organisations."))
    location = get_object_or_404(Location, public_id=public_id)
    form = LocationAttachForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["organisation"]))
        return redirect(reverse("directory:pending"))
    organisation = form.cleaned_data["organisation"]
    try:
        services.location_attach(request.actor, location=location, organisation=organisation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(location)s now belongs to %(organisation)s.") % {"location": location, "organisation": organisation},
        )
    return redirect(reverse("directory:pending"))


@no_person_data
@clear_forbidden
@require_POST
def service_decide(request: HttpRequest, public_id, decision: str) -> HttpResponse:
    """The coordinator publishes or refuses an imported service of a validated organisation."""
    if not can_validate_organisations(request.actor):
        raise PermissionDenied(_("Only the network coordinator validates organisations."))
    service = get_object_or_404(Service.objects.defer("search_vector"), public_id=public_id)
    try:
        services.service_decide(request.actor, service=service, publish=decision == "publish")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if decision == "publish":
            messages.success(request, _("%(name)s is now public.") % {"name": service})
        else:
            messages.success(request, _("%(name)s was refused and made inactive.") % {"name": service})
    return redirect(reverse("directory:pending"))


@no_person_data
@clear_forbidden
@require_POST
def organisation_decide(request: HttpRequest, public_id, decision: str) -> HttpResponse:
    if not can_validate_organisations(request.actor):
        raise PermissionDenied(_("Only the network coordinator validates organisations."))
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if decision != "validate" and (
        asked := confirmation(
            request,
            question=_("Refuse %(name)s?") % {"name": organisation},
            consequence=_("The organisation is deactivated and its services are not published."),
            action=_("Refuse the organisation"),
            cancel_url=reverse("directory:pending"),
        )
    ):
        return asked
    try:
        if decision == "validate":
            services.organisation_validate(request.actor, organisation=organisation)
            messages.success(
                request, _("%(name)s is validated: its services are now public.") % {"name": organisation}
            )
        else:
            services.organisation_reject(request.actor, organisation=organisation)
            messages.success(request, _("%(name)s was refused and deactivated.") % {"name": organisation})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("directory:pending"))

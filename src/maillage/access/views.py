"""Pages of the access door: "who saw my file", the break-the-glass request, and the coordinator's weekly list.

The first two resolve the person through the door and answer 404 for an unknown or forbidden person; the
weekly list shows no person data.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maillage.access import services as access_services
from maillage.access import who_saw as who_saw_lines
from maillage.access.door import no_person_data, person_data, person_for
from maillage.access.enums import Action, Category
from maillage.access.selectors import Week, access_events_of
from maillage.access.selectors import break_glass_week as break_glass_week_rows
from maillage.people import purposes
from maillage.people.forms import BreakGlassForm
from maillage.people.presenters import person_page


@person_data(categories=[Category.IDENTITY, Category.COORDINATION], action=Action.VIEW)
@require_GET
def who_saw(request: HttpRequest, public_id: UUID, printable: bool = False) -> HttpResponse:
    """ "Who saw my file": for the referent and for the person themselves, one line per organisation and day,
    the person's own visits apart, with filters; `printable` has every day of the filtered period on one page."""
    actor = request.actor
    person = person_for(actor, public_id, action=Action.VIEW, category=Category.IDENTITY, purpose=purposes.WHO_SAW)
    page = person_page(actor, person)
    if not (page.is_referent or page.is_self):
        raise Http404
    events = access_events_of(person)
    filters = who_saw_lines.WhoSawFilter(request.GET or None, events=events, for_person=page.is_self)
    chosen = filters.apply(events, person_user_id=person.user_id)
    page_obj, days = who_saw_lines.day_pages(chosen, request.GET.get("page"), printable=printable)
    others, own = who_saw_lines.group_sightings(chosen, days, person_user_id=person.user_id, for_person=page.is_self)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "person": person,
        "is_self": page.is_self,
        "filters": filters,
        "page_obj": page_obj,
        "groups": others,
        "own_groups": own,
        "query": query.urlencode(),
        "break_glass_count": chosen.filter(break_glass=True).count(),
    }
    template = "access/who_saw_print.html" if printable else "access/who_saw.html"
    return render(request, template, context)


@person_data(categories=[Category.IDENTITY], action=Action.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Emergency read access to a file, for a professional outside the person's network.

    The form shows the same for any id (it reveals nothing, the requests left included); the POST answers 404
    for an unknown or anonymised id, and the same form error for any id once the daily cap is reached
    (`break_glass_open`).
    """
    actor = request.actor
    if not actor.is_professional:
        raise Http404
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = access_services.break_glass_open(
                actor, public_id=public_id, reason=form.cleaned_data["reason"], purpose=purposes.BREAK_GLASS
            )
        except ValidationError as error:
            form.add_error("reason", error.messages)
        else:
            if grant is None:
                messages.info(
                    request, _("Your organisation already works with this person: no emergency access is needed.")
                )
            else:
                messages.warning(
                    request, _("Emergency access is open, read-only and for a limited time. It is recorded.")
                )
            return redirect("people:person_detail", public_id=public_id)
    left = access_services.break_glass_requests_left(actor)
    context = {
        "form": form,
        "public_id": public_id,
        "requests_left": left,
        "daily_cap": access_services.break_glass_daily_cap(),
        # At the cap the form is not offered: a request would be refused (the same for any id).
        "cap_message": "" if left else access_services.break_glass_cap_message(),
    }
    return render(request, "access/break_glass.html", context, status=422 if form.errors else 200)


@no_person_data
@require_GET
def break_glass_week(request: HttpRequest) -> HttpResponse:
    """The network's emergency accesses of one week, for the network coordinator (and platform staff): who,
    which organisation, when, why, how long. No person data (the door's rule 5): files by a masked id."""
    actor = request.actor
    if not (actor.is_network_coordinator or actor.is_platform_staff):
        raise Http404
    now = timezone.now()
    current = Week.containing(now)
    week = Week.parse(request.GET.get("week"), default=current)
    if week.start > now:
        week = current
    context = {
        "week": week,
        "rows": break_glass_week_rows(week, now=now),
        "previous": week.shifted(-1),
        "next": week.shifted(1) if week != current else None,
        "daily_cap": access_services.break_glass_daily_cap(),
        "hours": access_services.break_glass_hours(),
    }
    return render(request, "access/break_glass_week.html", context)

"""Pages of the access door: "who saw my file", the break-the-glass request, and the coordinator's weekly list.

The first two resolve the person through the door and answer 404 for an unknown or forbidden person; the
weekly list shows no person data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maillage.access import services as access_services
from maillage.access.door import no_person_data, person_data, person_for
from maillage.access.enums import Action, Category, Outcome, Recipient
from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.access.selectors import Week, access_events_of
from maillage.access.selectors import break_glass_week as break_glass_week_rows
from maillage.accounts.models import Membership, Organisation, User
from maillage.people import purposes
from maillage.people.forms import BreakGlassForm
from maillage.people.presenters import person_page

PAGE_SIZE = 50


@dataclass(frozen=True)
class Sighting:
    """One line of "who saw my file", in plain words."""

    at: datetime
    who: str
    organisation: str
    role: str
    what: str
    action: str
    why: str
    outcome: str
    allowed: bool
    break_glass: bool


def sightings(events: list[AccessEvent], *, person_user_id: int | None, for_person: bool) -> list[Sighting]:
    """Turn audit rows (ids only) into plain sentences, in two queries whatever the number of rows.

    `for_person`: the person reads about their own file ("you", "your name"); otherwise the referent reads
    about the person's ("the person", "the name")."""
    organisation_ids = {e.organisation_id for e in events if e.organisation_id}
    actor_ids = {e.actor_id for e in events if e.actor_id}
    organisations = dict(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name"))
    users = {u.pk: u for u in User.objects.filter(pk__in=actor_ids).only("first_name", "last_name", "email", "kind")}
    roles = {
        (m.user_id, m.organisation_id): m.get_role_display()
        for m in Membership.objects.filter(user_id__in=actor_ids, organisation_id__in=organisation_ids)
    }
    # The reason given for an emergency access is its "why" (the grant's reason, written by the professional).
    grant_ids = {e.extra.get("grant") for e in events if e.break_glass and isinstance(e.extra, dict)} - {None}
    reasons = dict(BreakGlassGrant.objects.filter(pk__in=grant_ids).values_list("pk", "reason")) if grant_ids else {}
    rows = []
    for event in events:
        if event.actor_id is None:
            who, role = _("Maillage (the system)"), ""
        elif event.actor_id == person_user_id:
            who, role = (_("You") if for_person else _("The person")), ""
        else:
            user = users.get(event.actor_id)
            who = (user.get_full_name() or _("A professional")) if user else _("A former user")
            role = str(roles.get((event.actor_id, event.organisation_id), _("Professional")))
        rows.append(
            Sighting(
                at=event.created_at,
                who=who,
                organisation=organisations.get(event.organisation_id, "") if event.organisation_id else "",
                role=role,
                what=str(Category(event.category).label) if event.category in Category.values else _("the file"),
                action=_action_words(event, for_person),
                why=_why(event, reasons, for_person),
                outcome=_outcome_words(event),
                allowed=event.outcome == Outcome.ALLOWED,
                break_glass=event.break_glass,
            )
        )
    return rows


def _why(event: AccessEvent, reasons: dict[int, str], for_person: bool) -> str:
    grant = event.extra.get("grant") if isinstance(event.extra, dict) else None
    if event.break_glass and reasons.get(grant):
        return _("emergency access: %(reason)s") % {"reason": reasons[grant]}
    return purposes.purpose_words(event.purpose, for_person=for_person) if event.purpose else ""


def _action_words(event: AccessEvent, for_person: bool) -> str:
    if event.action == Action.NOTIFY:
        # Maillage (no actor) told someone about the file: the entry names the kind of recipient, not the address.
        to = event.extra.get("to") if isinstance(event.extra, dict) else None
        if for_person:
            return _("notified you by e-mail") if to == Recipient.PERSON else _("notified your referent by e-mail")
        return _("notified the person by e-mail") if to == Recipient.PERSON else _("notified the referent by e-mail")
    words = {
        Action.VIEW: _("looked at"),
        Action.LIST: _("saw your name in a list") if for_person else _("saw the name in a list"),
        Action.SEARCH: _("found your name in a search") if for_person else _("found the name in a search"),
        Action.CREATE: _("added"),
        Action.EDIT: _("changed"),
        Action.DELETE: _("deleted"),
        Action.EXPORT: _("exported"),
        Action.SHARE: _("recorded a sharing decision"),
        Action.BREAK_GLASS: _("opened emergency access"),
    }
    return words.get(event.action, event.action.lower())


def _outcome_words(event: AccessEvent) -> str:
    if event.outcome != Outcome.ALLOWED:
        return _("Refused")
    return _("Sent") if event.action == Action.NOTIFY else _("Seen")


def who_saw_context(actor: Any, person: Any, page_number: str | None, *, for_person: bool) -> dict[str, Any]:
    events = access_events_of(person)
    page = Paginator(events, PAGE_SIZE).get_page(page_number)
    rows = sightings(list(page.object_list), person_user_id=person.user_id, for_person=for_person)
    return {
        "person": person,
        "page_obj": page,
        "rows": rows,
        "break_glass_count": events.filter(break_glass=True).count(),
    }


@person_data(categories=[Category.IDENTITY, Category.COORDINATION], action=Action.VIEW)
@require_GET
def who_saw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """ "Who saw my file": for the referent and for the person themselves; printable."""
    actor = request.actor
    person = person_for(actor, public_id, action=Action.VIEW, category=Category.IDENTITY, purpose=purposes.WHO_SAW)
    page = person_page(actor, person)
    if not (page.is_referent or page.is_self):
        raise Http404
    context = who_saw_context(actor, person, request.GET.get("page"), for_person=page.is_self)
    context["is_self"] = page.is_self
    return render(request, "access/who_saw.html", context)


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

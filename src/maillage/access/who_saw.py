""" "Who saw my file" as a person reads it: one line per organisation and day, the person's own visits apart.

The audit keeps every entry (`access_events_of`); only this presentation groups them. Days are counted in the
local time zone, and a page holds a fixed number of days, so a busy day never splits across pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from maillage.access.enums import Action, Category, Outcome, Reason, Recipient
from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.accounts.models import Membership, Organisation, User
from maillage.core.text import collation_key
from maillage.people import purposes

DAYS_PER_PAGE = 31

WHO_ALL, WHO_OTHERS, WHO_OWN = "", "others", "own"


def _file_verbs() -> dict[str, str]:
    # Actions on the file itself read "<organisation> viewed and changed your file on <day>: <what>".
    return {
        Action.VIEW: _("viewed"),
        Action.CREATE: _("added to"),
        Action.EDIT: _("changed"),
        Action.DELETE: _("deleted from"),
        Action.EXPORT: _("exported"),
        Action.SHARE: _("recorded a sharing decision on"),
        Action.BREAK_GLASS: _("opened emergency access to"),
    }


@dataclass
class SightingGroup:
    """One line: what one organisation (or the person, or Maillage) did with the file on one day."""

    day: date
    organisation: str
    own: bool
    sentence: str = ""
    people: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    entries: int = 0
    refused: int = 0
    break_glass: bool = False


class WhoSawFilter(forms.Form):
    """Filters of the page: only organisations that appear in this file's history are offered."""

    all_optional = True  # every filter is optional: no "(optional)" after each label

    organisation = forms.TypedChoiceField(label=gettext_lazy("Organisation"), required=False, coerce=int)
    who = forms.ChoiceField(label=gettext_lazy("Visits"), required=False)
    start = forms.DateField(
        label=pgettext_lazy("start of a period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    emergency = forms.BooleanField(label=gettext_lazy("Emergency accesses only"), required=False)

    def __init__(self, *args: Any, events: QuerySet[AccessEvent], for_person: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = set(events.exclude(organisation_id=None).values_list("organisation_id", flat=True).distinct())
        pairs = Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
        names = sorted(pairs, key=lambda pair: collation_key(pair[1]))
        self.fields["organisation"].choices = [("", _("All organisations")), *names]
        own = _("My own visits") if for_person else _("The person's own visits")
        self.fields["who"].choices = [(WHO_ALL, _("Everyone")), (WHO_OTHERS, _("Professionals only")), (WHO_OWN, own)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end of the period comes before its start."))
        return data

    def apply(self, events: QuerySet[AccessEvent], *, person_user_id: int | None) -> QuerySet[AccessEvent]:
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data.get("organisation"):
            events = events.filter(organisation_id=data["organisation"])
        if data.get("who") == WHO_OWN:
            events = events.filter(actor_id=person_user_id) if person_user_id else events.none()
        elif data.get("who") == WHO_OTHERS and person_user_id:
            events = events.exclude(actor_id=person_user_id)
        zone = timezone.get_current_timezone()
        if data.get("start"):
            events = events.filter(created_at__gte=datetime.combine(data["start"], time.min, tzinfo=zone))
        if data.get("end"):
            events = events.filter(created_at__lte=datetime.combine(data["end"], time.max, tzinfo=zone))
        if data.get("emergency"):
            events = events.filter(break_glass=True)
        return events


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
        if event.actor_id is None and event.reason in (Reason.EXTERNAL_LINK, Reason.EXTERNAL_LINK_INVALID):
            # Door rule 15: someone at an organisation not on Maillage, through the link it was e-mailed.
            who, role = _("Through the link e-mailed to the organisation"), ""
        elif event.actor_id is None:
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
                what=category_words(event),
                action=action_words(event, for_person),
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


def action_words(event: AccessEvent, for_person: bool) -> str:
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


def category_words(event: AccessEvent) -> str:
    return str(Category(event.category).label) if event.category in Category.values else _("the file")


def _with_day(events: QuerySet[AccessEvent]) -> QuerySet[AccessEvent]:
    return events.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))


def day_pages(events: QuerySet[AccessEvent], page_number: str | None, *, printable: bool) -> tuple[Any, list[date]]:
    """The page of days to show (the printable version has them all), the latest day first."""
    days = list(_with_day(events).order_by().values_list("day", flat=True).distinct())
    days.sort(reverse=True)
    if printable:
        return None, days
    page = Paginator(days, DAYS_PER_PAGE).get_page(page_number)
    return page, list(page.object_list)


def group_sightings(
    events: QuerySet[AccessEvent], days: list[date], *, person_user_id: int | None, for_person: bool
) -> tuple[list[SightingGroup], list[SightingGroup]]:
    """(lines about others, lines about the person's own visits) for these days, latest day first, then
    organisations in French order."""
    if not days:
        return [], []
    rows = list(_with_day(events).filter(day__in=days).order_by("-seq"))
    sights = sightings(rows, person_user_id=person_user_id, for_person=for_person)
    groups: dict[tuple[date, str, bool], SightingGroup] = {}
    actions: dict[tuple[date, str, bool], list[AccessEvent]] = {}
    for event, sight in zip(rows, sights, strict=True):
        own = person_user_id is not None and event.actor_id == person_user_id
        organisation = sight.organisation if sight.organisation and not own else ""
        key = (event.day, organisation, own)
        group = groups.setdefault(key, SightingGroup(day=event.day, organisation=organisation, own=own))
        actions.setdefault(key, []).append(event)
        group.entries += 1
        group.refused += 0 if sight.allowed else 1
        group.break_glass |= sight.break_glass
        person = f"{sight.who} ({sight.role})" if sight.role else sight.who
        if person not in group.people and not own:
            group.people.append(person)
        if sight.why and sight.why not in group.reasons:
            group.reasons.append(sight.why)
    for key, group in groups.items():
        group.sentence = _sentence(group, actions[key], for_person=for_person)
    ordered = sorted(groups.values(), key=lambda g: (-g.day.toordinal(), collation_key(g.organisation)))
    return [g for g in ordered if not g.own], [g for g in ordered if g.own]


def _sentence(group: SightingGroup, events: list[AccessEvent], *, for_person: bool) -> str:
    """ "CPAS X viewed your file on 3 December 2026: identity, social situation." """
    if group.own:
        who = _("You") if for_person else _("The person")
    else:
        who = group.organisation or _("Maillage (the system)")
    day = formats.date_format(group.day, "DATE_FORMAT")
    verbs = _file_verbs()
    file_verbs, other_words, what = [], [], []
    for event in reversed(events):  # in the order they happened
        if event.action in verbs:
            if verbs[event.action] not in file_verbs:
                file_verbs.append(verbs[event.action])
            words = category_words(event)
            if words not in what:
                what.append(words)
        else:
            words = action_words(event, for_person)
            if words not in other_words:
                other_words.append(words)
    if group.own and for_person:  # "you" takes other verb forms than an organisation: one sentence of its own
        if what:
            words = ", ".join(w.lower() for w in what)
            return _("You visited your file on %(day)s: %(what)s.") % {"day": day, "what": words}
        return _("You visited your file on %(day)s.") % {"day": day}
    parts = []
    if file_verbs:
        parts.append(
            _("%(who)s %(verbs)s %(file)s on %(day)s: %(what)s.")
            % {
                "who": who,
                "verbs": get_text_list(file_verbs, _("and")),
                "file": _("your file") if for_person else _("the file"),
                "day": day,
                "what": ", ".join(w.lower() for w in what),
            }
        )
    if other_words:
        template = _("Also %(actions)s.") if parts else _("%(who)s %(actions)s on %(day)s.")
        parts.append(template % {"who": who, "actions": get_text_list(other_words, _("and")), "day": day})
    return " ".join(parts)

"""The dashboard's coordination cards (registered in CoordinationConfig.ready).

A professional sees their meetings this week and the notes that mention them (last two weeks); the person sees
the meetings about them still to come. Persons are listed through the door (`audit_list`), names only where the
identity is shared, a meeting's purpose and a note's link only where coordination data is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.access.door import audit_list, persons_visible_to
from maillage.access.enums import Action, Category
from maillage.accounts.actors import Actor
from maillage.coordination import purposes, selectors
from maillage.coordination.enums import MeetingStatus
from maillage.core.dashboard import Card, Row

ROWS = 5
MENTION_DAYS = 14
MASKED = _("Person (identity not shared with you)")


def cards(actor: Actor) -> Iterable[Card]:
    if actor.is_person:
        return _person_cards(actor)
    if not actor.is_professional:
        return []
    now = timezone.now()
    start, end = selectors.week_bounds(now)
    meetings = list(selectors.meetings_for_user(actor.user, start, end).exclude(status=MeetingStatus.CANCELLED))
    mentions = list(selectors.mentions_of(actor.user, now - dt.timedelta(days=MENTION_DAYS))[:50])
    persons = {m.person_id: m.person for m in meetings} | {n.person_id: n.person for n in mentions}
    categories = audit_list(actor, persons.values(), action=Action.LIST, purpose=purposes.DASHBOARD)

    def name(person) -> str:
        if Category.IDENTITY not in categories.get(person.pk, ()):
            return str(MASKED)
        return f"{person.last_name.upper()} {person.first_name}".strip()

    meeting_rows = []
    for meeting in meetings:
        shared = Category.COORDINATION in categories.get(meeting.person_id, ())
        url = (
            reverse(
                "coordination:meeting_detail",
                kwargs={"public_id": meeting.person.public_id, "meeting_id": meeting.public_id},
            )
            if shared
            else ""
        )
        meeting_rows.append(
            Row(
                name(meeting.person),
                url,
                when=timezone.localtime(meeting.starts_at),
                detail=meeting.purpose if shared else "",
            )
        )
    mention_rows = []
    for note in mentions:
        allowed = categories.get(note.person_id, frozenset())
        if not selectors.note_readable(actor, note, allowed):
            continue
        url = reverse("coordination:thread", kwargs={"public_id": note.person.public_id}) + f"#note-{note.public_id}"
        mention_rows.append(
            Row(name(note.person), url, when=timezone.localtime(note.created_at), when_label=_("written on"))
        )
    calendar_url = reverse("coordination:calendar")
    return [
        Card(
            key="meetings-week",
            title=_("My meetings this week"),
            order=15,
            count=len(meeting_rows),
            rows=meeting_rows[:ROWS],
            more_url=calendar_url,
            more_label=_("My calendar"),
            empty=_("No concertation meeting this week. Convene one from a person's coordination page."),
        ),
        Card(
            key="mentions",
            title=_("Notes that mention me"),
            order=16,
            count=len(mention_rows),
            rows=mention_rows[:ROWS],
            empty=_("No note mentioned you in the last two weeks."),
        ),
    ]


def _person_cards(actor: Actor) -> Iterable[Card]:
    person = persons_visible_to(actor).filter(user=actor.user).first()
    if person is None:
        return []
    audit_list(actor, [person], action=Action.LIST, purpose=purposes.OWN_SPACE_MEETINGS)
    meetings = selectors.upcoming_for_person(person)
    rows = [
        Row(
            meeting.purpose,
            reverse(
                "coordination:meeting_detail", kwargs={"public_id": person.public_id, "meeting_id": meeting.public_id}
            ),
            when=timezone.localtime(meeting.starts_at),
            detail=_("You can add points to its agenda."),
        )
        for meeting in meetings[:ROWS]
    ]
    return [
        Card(
            key="my-meetings",
            title=_("Meetings about me"),
            order=15,
            count=len(meetings),
            rows=rows,
            more_url=reverse("coordination:thread", kwargs={"public_id": person.public_id}),
            more_label=_("My coordination page: notes, meetings"),
            empty=_("No meeting about you is planned."),
        )
    ]

"""Reads of coordination data, on top of the door.

The views resolve the person through the door first (`person_for`/`open_file`); these readers then pick the
rows of that person the actor may see. A note is shown when the door allows its category to the actor now and,
when its audience is restricted, the actor belongs to one of its organisations (or wrote it); the person sees
every note of their own thread. Counts for the analytics issue (meeting load) carry no person data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from maillage.coordination.enums import MeetingStatus, ParticipantKind
from maillage.coordination.models import (
    Attachment,
    CalendarFeed,
    Contact,
    CrisisEpisode,
    Mediation,
    Meeting,
    Note,
    Participant,
)
from maillage.people.enums import InvolvementRole
from maillage.people.models import Involvement, Relation

# A meeting about the same person within this many days counts as "similar" for the overload guard.
SIMILAR_MEETING_DAYS = 14


# --- the thread ----------------------------------------------------------------------------------------------


def note_readable(actor: Any, note: Note, categories: Iterable[str], *, is_self: bool = False) -> bool:
    """May `actor` (who may read `categories` of the person now) read this note?"""
    if is_self:
        return not note.audience.exists() or note.by_person
    if note.category not in categories:
        return False
    audience = {organisation.pk for organisation in note.audience.all()}
    if not audience:
        return True
    return bool(audience & set(actor.organisation_ids)) or note.author_id == getattr(actor.user, "pk", None)


def notes_for(actor: Any, person: Any, categories: Iterable[str], *, is_self: bool = False) -> list[Note]:
    """The notes of `person`'s thread that `actor` may read, oldest first, with their replies' ids and files.

    The person sees their thread but not the notes professionals restricted to some organisations (a restricted
    audience is a choice to keep something between partners, recorded as such)."""
    categories = set(categories)
    notes = (
        Note.objects.filter(person=person)
        .select_related("author", "author_organisation")
        .prefetch_related("audience", "attachments", "revisions", "mentions")
    )
    return [note for note in notes if note_readable(actor, note, categories, is_self=is_self)]


def note_of(person: Any, public_id: UUID) -> Note | None:
    return Note.objects.prefetch_related("audience").filter(person=person, public_id=public_id).first()


def attachment_of(public_id: UUID) -> Attachment | None:
    return Attachment.objects.select_related("note", "person").filter(public_id=public_id).first()


def open_questions(person: Any) -> QuerySet[Note]:
    """Questions asked in the thread with a deadline still to come (the asynchronous alternative to a meeting)."""
    return Note.objects.filter(person=person, answer_by__gte=timezone.localdate(), reply_to__isnull=True)


def mentions_of(user: Any, since: dt.datetime) -> QuerySet[Note]:
    return (
        Note.objects.filter(mentions=user, created_at__gte=since)
        .select_related("person")
        .prefetch_related("audience")
        .order_by("-created_at")
    )


# --- the network around the person -----------------------------------------------------------------------------


def involved_professionals(person: Any) -> list[Any]:
    """(involvement) rows of the person's active secondary network, with a named professional."""
    return list(
        Involvement.objects.active()
        .filter(person=person, professional__isnull=False, professional__is_active=True)
        .select_related("organisation", "professional")
        .order_by("organisation__name", "pk")
    )


def involved_organisations(person: Any) -> list[Any]:
    seen: dict[int, Any] = {}
    for involvement in Involvement.objects.active().filter(person=person).select_related("organisation"):
        seen.setdefault(involvement.organisation_id, involvement.organisation)
    return sorted(seen.values(), key=lambda organisation: organisation.name.casefold())


def referent_user_id(person: Any) -> int | None:
    referent = Involvement.objects.active().filter(person=person, role=InvolvementRole.REFERENT).first()
    return referent.professional_id if referent else None


def relations_of(person: Any) -> list[Relation]:
    """The members of the person's primary network who may be invited (still in touch)."""
    return list(Relation.objects.filter(person=person, ended_on__isnull=True).order_by("name", "pk"))


# --- contacts and crises ---------------------------------------------------------------------------------------


def contacts_of(person: Any, limit: int = 20) -> list[Contact]:
    return list(Contact.objects.filter(person=person).select_related("professional", "organisation")[:limit])


@dataclass(frozen=True)
class ContactRhythm:
    last: dt.datetime | None
    count_90_days: int
    average_days: float | None  # mean gap between contacts over the last 90 days


def contact_rhythm(person: Any, *, now: dt.datetime | None = None) -> ContactRhythm:
    """The last contact with the person and how often the network meets them (the "abandonment" signal)."""
    now = now or timezone.now()
    recent = list(
        Contact.objects.filter(person=person, happened_at__gte=now - dt.timedelta(days=90), happened_at__lte=now)
        .order_by("happened_at")
        .values_list("happened_at", flat=True)
    )
    last = Contact.objects.filter(person=person, happened_at__lte=now).aggregate(last=Max("happened_at"))["last"]
    average = None
    if len(recent) >= 2:
        average = (recent[-1] - recent[0]).total_seconds() / 86400 / (len(recent) - 1)
    return ContactRhythm(last=last, count_90_days=len(recent), average_days=average)


def last_contacts(person_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """{person pk: last contact} for a page of persons (the caller has them from the door)."""
    rows = Contact.objects.filter(person_id__in=list(person_ids)).values("person_id").annotate(last=Max("happened_at"))
    return {row["person_id"]: row["last"] for row in rows}


def open_crisis(person: Any) -> CrisisEpisode | None:
    return CrisisEpisode.objects.filter(person=person, ended_at__isnull=True).first()


def crises_of(person: Any) -> list[CrisisEpisode]:
    return list(CrisisEpisode.objects.filter(person=person))


def crisis_of(person: Any, public_id: UUID) -> CrisisEpisode | None:
    return CrisisEpisode.objects.filter(person=person, public_id=public_id).first()


def crisis_at(person_id: int, moment: dt.datetime) -> CrisisEpisode | None:
    """The crisis episode of the person open at `moment`, if any."""
    return (
        CrisisEpisode.objects.filter(person_id=person_id, started_at__lte=moment)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=moment))
        .order_by("-started_at")
        .first()
    )


def during_crisis(person_id: int, moment: dt.datetime) -> bool:
    """Was the person in a crisis episode at `moment`? For referrals and analytics (crisis-only links)."""
    return crisis_at(person_id, moment) is not None


# --- meetings ----------------------------------------------------------------------------------------------------


def meetings_of(person: Any) -> list[Meeting]:
    return list(
        Meeting.objects.filter(person=person).select_related("convened_by", "organisation").order_by("-starts_at")
    )


def meeting_of(person: Any, public_id: UUID) -> Meeting | None:
    return (
        Meeting.objects.select_related("convened_by", "organisation", "next_meeting")
        .prefetch_related("participants__user", "participants__organisation", "points", "decisions__responsible")
        .filter(person=person, public_id=public_id)
        .first()
    )


def meeting_by_id(public_id: UUID) -> Meeting | None:
    """A meeting by its id alone, for the pages reached from a calendar: the door then checks its person."""
    return Meeting.objects.select_related("person").filter(public_id=public_id).first()


def upcoming_for_person(person: Any) -> list[Meeting]:
    """Meetings about the person still to come (not cancelled), for their own space."""
    return list(
        Meeting.objects.filter(person=person, starts_at__gte=timezone.now() - dt.timedelta(hours=2))
        .exclude(status=MeetingStatus.CANCELLED)
        .prefetch_related("points")
        .order_by("starts_at")
    )


def similar_meetings(person: Any, around: dt.datetime, *, exclude: int | None = None) -> list[Meeting]:
    """Meetings about the same person held or planned within SIMILAR_MEETING_DAYS of `around`."""
    span = dt.timedelta(days=SIMILAR_MEETING_DAYS)
    found = Meeting.objects.filter(person=person, starts_at__gte=around - span, starts_at__lte=around + span).exclude(
        status=MeetingStatus.CANCELLED
    )
    if exclude:
        found = found.exclude(pk=exclude)
    return list(found.order_by("starts_at"))


def week_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = timezone.localtime(moment)
    monday = (local - dt.timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday, monday + dt.timedelta(days=7)


def meetings_that_week(user_ids: Iterable[int], around: dt.datetime, *, exclude: int | None = None) -> dict[int, int]:
    """{user id: number of meetings (any person) they are invited to in the week of `around`} — the load guard."""
    start, end = week_bounds(around)
    rows = (
        Participant.objects.filter(
            user_id__in=list(user_ids), meeting__starts_at__gte=start, meeting__starts_at__lt=end
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .exclude(meeting_id=exclude)
        .values("user_id")
        .annotate(count=Count("meeting_id", distinct=True))
    )
    return {row["user_id"]: row["count"] for row in rows}


def meetings_for_user(user: Any, start: dt.datetime, end: dt.datetime) -> QuerySet[Meeting]:
    """The meetings a professional is invited to or convened between `start` and `end` (the caller filters each
    through the door before showing anything about its person)."""
    return (
        Meeting.objects.filter(
            Q(participants__user=user) | Q(convened_by=user), starts_at__gte=start, starts_at__lt=end
        )
        .distinct()
        .select_related("person", "organisation")
        .order_by("starts_at")
    )


def meetings_for_organisation(organisation_id: int, start: dt.datetime, end: dt.datetime) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(
            Q(organisation_id=organisation_id) | Q(participants__organisation_id=organisation_id),
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .distinct()
        .select_related("person", "organisation")
        .order_by("starts_at")
    )


def meeting_load_by_organisation(start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """{organisation id: meetings it took part in between start and end} (not cancelled): for analytics."""
    rows = (
        Participant.objects.filter(
            organisation__isnull=False, meeting__starts_at__gte=start, meeting__starts_at__lt=end
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .values("organisation_id")
        .annotate(count=Count("meeting_id", distinct=True))
    )
    return {row["organisation_id"]: row["count"] for row in rows}


def meeting_load_by_person(start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """{person pk: meetings about them between start and end} (not cancelled): for analytics (over-solicitation)."""
    rows = (
        Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=MeetingStatus.CANCELLED)
        .values("person_id")
        .annotate(count=Count("pk"))
    )
    return {row["person_id"]: row["count"] for row in rows}


def meeting_load_by_professional(start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """{user id: meetings a professional was invited to between start and end} (not cancelled): for analytics
    (overloaded nodes, réunionite). Counts only, no person data."""
    rows = (
        Participant.objects.filter(
            kind=ParticipantKind.PROFESSIONAL,
            user__isnull=False,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .values("user_id")
        .annotate(count=Count("meeting_id", distinct=True))
    )
    return {row["user_id"]: row["count"] for row in rows}


def participant_of(meeting: Meeting, public_id: UUID) -> Participant | None:
    return meeting.participants.filter(public_id=public_id).first()


def person_invited(meeting: Meeting) -> bool:
    return meeting.participants.filter(kind=ParticipantKind.PERSON).exists()


# --- mediations and feeds ----------------------------------------------------------------------------------------


def mediations_of(person: Any) -> list[Mediation]:
    return list(Mediation.objects.filter(person=person).prefetch_related("parties", "entries__author"))


def mediation_of(person: Any, public_id: UUID) -> Mediation | None:
    return Mediation.objects.filter(person=person, public_id=public_id).first()


def feed_by_key(key: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("user")
        .filter(key=key, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def feed_of(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()

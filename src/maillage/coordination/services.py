"""Writes of coordination: one function per use case, `actor` first, each through the door and atomic.

Who may do what, in plain words:
1. Anyone the door lets CREATE a category of the person's data writes a note in that category (the person in
   their own thread too). Only its author corrects a note; the earlier text is kept (`NoteRevision`). Nothing is
   deleted.
2. Mentions and a restricted audience name only organisations and professionals of the person's active network.
3. Contacts, crisis episodes, meetings and mediations are coordination data: the door's COORDINATION category.
   Any involved professional convenes a meeting (the referent usually does), records its minutes, opens or
   closes a crisis, records a disagreement. The person adds points to the agenda of meetings about them.
4. Mails go out after the commit, through tasks that ask the door (`notify`) first.
5. A decision of a held meeting becomes an action of the person's personalised project in one step, by a
   professional who may edit the meeting and write the project: the project's own service adds the action, so
   its rules hold (the project's version, an organisation's action added only by that organisation or the
   referent). A decision becomes one action, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillage.access.door import require
from maillage.access.enums import Action, Category
from maillage.coordination import purposes, selectors, tasks
from maillage.coordination.attachments import CheckedFile
from maillage.coordination.enums import MEETING_TIME_ZONES, MediationStatus, MeetingStatus, ParticipantKind
from maillage.coordination.models import (
    AgendaPoint,
    Attachment,
    CalendarFeed,
    Contact,
    CrisisEpisode,
    Decision,
    Mediation,
    MediationEntry,
    Meeting,
    Note,
    NoteRevision,
    Participant,
)
from maillage.projects import services as project_services
from maillage.projects.enums import Carrier


def _user(actor: Any) -> Any:
    return actor.user


def _organisation(actor: Any) -> Any:
    return None if getattr(actor, "is_person", False) else actor.organisation


# --- notes -------------------------------------------------------------------------------------------------------


def note_create(
    actor: Any,
    *,
    person: Any,
    category: str,
    body: str,
    audience: Iterable[Any] = (),
    mentions: Iterable[Any] = (),
    reply_to: Note | None = None,
    answer_by: dt.date | None = None,
    files: Iterable[CheckedFile] = (),
) -> Note:
    """A note in the person's thread (rule 1), its files stored under random names, mentioned people told."""
    require(actor, person, action=Action.CREATE, category=category, purpose=purposes.NOTE_WRITE)
    if not body.strip():
        raise ValidationError({"body": _("Write the note.")})
    if answer_by is not None and answer_by < timezone.localdate():
        raise ValidationError({"answer_by": _("The date for an answer cannot be in the past.")})
    is_person = bool(getattr(actor, "is_person", False))
    audience, mentions = list(audience), list(mentions)
    network_orgs = {organisation.pk for organisation in selectors.involved_organisations(person)}
    if any(organisation.pk not in network_orgs for organisation in audience):
        raise ValidationError({"audience": _("Choose only organisations of the person's network.")})
    network_users = {involvement.professional_id for involvement in selectors.involved_professionals(person)}
    if any(user.pk not in network_users for user in mentions):
        raise ValidationError({"mentions": _("Mention only professionals of the person's network.")})
    if reply_to is not None and reply_to.person_id != person.pk:
        raise ValidationError(_("This note answers a note of another thread."))
    with transaction.atomic():
        note = Note(
            person=person,
            author=_user(actor),
            author_organisation=_organisation(actor),
            by_person=is_person,
            category=category,
            body=body.strip(),
            reply_to=reply_to,
            answer_by=answer_by,
            updated_by=_user(actor),
        )
        note.full_clean(exclude=["person", "author", "author_organisation", "reply_to", "updated_by"])
        note.save()
        if audience:
            # Whoever writes a restricted note keeps reading it: their organisation is part of the audience.
            if note.author_organisation_id and note.author_organisation_id not in {o.pk for o in audience}:
                audience.append(note.author_organisation)
            note.audience.set(audience)
        if mentions:
            note.mentions.set(mentions)
        for checked in files:
            attachment = Attachment(
                note=note,
                person=person,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=_user(actor),
            )
            attachment.file.save(checked.name, checked.upload, save=False)
            attachment.save()
        for user in mentions:
            transaction.on_commit(
                lambda user_id=user.pk, note_id=note.pk: tasks.tell_of_mention.enqueue(note_id, user_id)
            )
    return note


def note_correct(actor: Any, *, note: Note, version: int | None, body: str, category: str) -> Note:
    """Correct a note (its author only): the earlier text and category are kept in its history."""
    person = note.person
    require(actor, person, action=Action.EDIT, category=category, purpose=purposes.NOTE_WRITE)
    if note.author_id != _user(actor).pk:
        raise PermissionDenied(_("Only the author of a note corrects it; answer it instead."))
    if not body.strip():
        raise ValidationError({"body": _("Write the note.")})
    if version is not None:
        note.version = version
    with transaction.atomic():
        previous = Note.objects.get(pk=note.pk)
        NoteRevision.objects.create(
            note=note, body=previous.body, category=previous.category, corrected_by=_user(actor)
        )
        note.body, note.category, note.updated_by = body.strip(), category, _user(actor)
        note.save(update_fields=["body", "category", "updated_by", "updated_at"])
    return note


# --- contacts and crises -----------------------------------------------------------------------------------------


def contact_log(
    actor: Any, *, person: Any, kind: str, happened_at: dt.datetime | None = None, with_whom: str = ""
) -> Contact:
    """Record a contact with the person (no content). Marked as crisis work when it happened during a crisis."""
    require(actor, person, action=Action.CREATE, category=Category.COORDINATION, purpose=purposes.CONTACT_WRITE)
    happened_at = happened_at or timezone.now()
    if happened_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(
            {"happened_at": _("A contact is recorded once it took place: the date is in the future.")}
        )
    contact = Contact(
        person=person,
        professional=_user(actor),
        organisation=_organisation(actor),
        kind=kind,
        happened_at=happened_at,
        with_whom=with_whom.strip(),
        crisis=selectors.crisis_at(person.pk, happened_at),
    )
    contact.full_clean(exclude=["person", "professional", "organisation", "crisis"])
    contact.save()
    return contact


def crisis_open(actor: Any, *, person: Any, kind: str, started_at: dt.datetime | None = None) -> CrisisEpisode:
    require(actor, person, action=Action.CREATE, category=Category.COORDINATION, purpose=purposes.CRISIS_WRITE)
    if not actor.is_professional:
        raise PermissionDenied(_("A crisis episode is opened by a professional of the network."))
    started_at = started_at or timezone.now()
    if started_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"started_at": _("A crisis episode starts now or in the past.")})
    episode = CrisisEpisode(
        person=person,
        kind=kind,
        started_at=started_at,
        opened_by=_user(actor),
        organisation=_organisation(actor),
        updated_by=_user(actor),
    )
    episode.full_clean(exclude=["person", "opened_by", "organisation", "updated_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            episode.save()
            # What was recorded since its start is crisis work too.
            Contact.objects.filter(person=person, happened_at__gte=started_at, crisis__isnull=True).update(
                crisis=episode
            )
            Meeting.objects.filter(person=person, starts_at__gte=started_at, crisis__isnull=True).update(
                crisis=episode
            )
    except IntegrityError:
        raise ValidationError(_("A crisis episode is already open for this person: close it first.")) from None
    return episode


def crisis_close(
    actor: Any, *, episode: CrisisEpisode, version: int | None, ended_at: dt.datetime | None = None
) -> CrisisEpisode:
    require(actor, episode.person, action=Action.EDIT, category=Category.COORDINATION, purpose=purposes.CRISIS_WRITE)
    if not actor.is_professional:
        raise PermissionDenied(_("A crisis episode is closed by a professional of the network."))
    if episode.ended_at is not None:
        raise ValidationError(_("This crisis episode is already closed."))
    ended_at = ended_at or timezone.now()
    if ended_at < episode.started_at:
        raise ValidationError({"ended_at": _("A crisis episode ends after it started.")})
    if version is not None:
        episode.version = version
    episode.ended_at, episode.updated_by = ended_at, _user(actor)
    episode.save(update_fields=["ended_at", "updated_by", "updated_at"])
    return episode


# --- meetings ----------------------------------------------------------------------------------------------------


def aware(local: dt.datetime, zone_name: str) -> dt.datetime:
    """A wall-clock time in the meeting's time zone, as an aware datetime; refuses unknown zones and times that
    do not exist (the hour skipped when clocks go forward)."""
    if zone_name not in dict(MEETING_TIME_ZONES):
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    try:
        zone = ZoneInfo(zone_name)
    except ZoneInfoNotFoundError:
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")}) from None
    naive = local.replace(tzinfo=None)
    result = naive.replace(tzinfo=zone)
    # A time in the gap of a clock change does not survive the round trip through UTC.
    if result.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            {"starts_at": _("This time does not exist in that time zone (the clocks change): choose another.")}
        )
    return result


def meeting_convene(
    actor: Any,
    *,
    person: Any,
    purpose: str,
    agenda: str = "",
    starts_at: dt.datetime,
    duration_minutes: int = 60,
    time_zone: str = "Europe/Brussels",
    place: str = "",
    video_url: str = "",
    professionals: Iterable[Any] = (),
    invite_person: bool = True,
    relations: Iterable[Any] = (),
    interpreter_name: str = "",
    interpreter_email: str = "",
) -> Meeting:
    """Convene a concertation meeting (rule 3) and send the invitations with their .ics after the commit."""
    require(actor, person, action=Action.CREATE, category=Category.COORDINATION, purpose=purposes.MEETING_WRITE)
    if not actor.is_professional:
        raise PermissionDenied(_("A meeting is convened by a professional of the network."))
    if starts_at.tzinfo is None:
        starts_at = aware(starts_at, time_zone)
    if starts_at < timezone.now() - dt.timedelta(hours=1):
        raise ValidationError({"starts_at": _("A meeting is convened for a date to come.")})
    if not place.strip() and not video_url.strip():
        raise ValidationError({"place": _("Give a place or a video link.")})
    professionals = list(professionals)
    network = {involvement.professional_id: involvement for involvement in selectors.involved_professionals(person)}
    if any(user.pk not in network for user in professionals):
        raise ValidationError({"professionals": _("Invite only professionals of the person's network.")})
    relations = list(relations)
    if any(relation.person_id != person.pk for relation in relations):
        raise ValidationError({"relations": _("Invite only members of the person's primary network.")})
    if interpreter_email and not interpreter_name:
        raise ValidationError({"interpreter_name": _("Give the interpreter's name.")})
    with transaction.atomic():
        meeting = Meeting(
            person=person,
            convened_by=_user(actor),
            organisation=_organisation(actor),
            purpose=purpose.strip(),
            agenda=agenda.strip(),
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            time_zone=time_zone,
            place=place.strip(),
            video_url=video_url.strip(),
            crisis=selectors.crisis_at(person.pk, starts_at),
            updated_by=_user(actor),
        )
        meeting.full_clean(exclude=["person", "convened_by", "organisation", "crisis", "updated_by", "next_meeting"])
        meeting.save()
        convener = _user(actor)
        if convener.pk not in {user.pk for user in professionals}:
            professionals.insert(0, convener)
        for user in professionals:
            involvement = network.get(user.pk)
            organisation = involvement.organisation if involvement else _organisation(actor)
            Participant.objects.create(
                meeting=meeting,
                kind=ParticipantKind.PROFESSIONAL,
                user=user,
                organisation=organisation,
                name=user.get_full_name(),
                email=user.email,
            )
        if invite_person:
            Participant.objects.create(
                meeting=meeting, kind=ParticipantKind.PERSON, user=person.user, email=_person_address(person)
            )
        for relation in relations:
            Participant.objects.create(
                meeting=meeting,
                kind=ParticipantKind.RELATIVE,
                relation=relation,
                name=relation.name,
                email=relation.email,
            )
        if interpreter_name:
            Participant.objects.create(
                meeting=meeting,
                kind=ParticipantKind.INTERPRETER,
                name=interpreter_name.strip(),
                email=interpreter_email.strip(),
            )
        transaction.on_commit(lambda: tasks.send_meeting_invitations.enqueue(meeting.pk))
    return meeting


def _person_address(person: Any) -> str:
    if person.user_id and person.user.email and not person.user.email.endswith(".invalid"):
        return person.user.email
    return person.email


def meeting_reschedule(
    actor: Any,
    *,
    meeting: Meeting,
    version: int | None,
    starts_at: dt.datetime,
    time_zone: str,
    duration_minutes: int,
    place: str,
    video_url: str,
) -> Meeting:
    """Move a planned meeting: the invitees get an update (same UID, SEQUENCE + 1)."""
    require(actor, meeting.person, action=Action.EDIT, category=Category.COORDINATION, purpose=purposes.MEETING_WRITE)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be moved."))
    if starts_at.tzinfo is None:
        starts_at = aware(starts_at, time_zone)
    if not place.strip() and not video_url.strip():
        raise ValidationError({"place": _("Give a place or a video link.")})
    if version is not None:
        meeting.version = version
    meeting.starts_at, meeting.time_zone, meeting.duration_minutes = starts_at, time_zone, duration_minutes
    meeting.place, meeting.video_url = place.strip(), video_url.strip()
    meeting.sequence += 1
    meeting.updated_by = _user(actor)
    with transaction.atomic():
        meeting.save(
            update_fields=[
                "starts_at",
                "time_zone",
                "duration_minutes",
                "place",
                "video_url",
                "sequence",
                "updated_by",
                "updated_at",
            ]
        )
        transaction.on_commit(lambda: tasks.send_meeting_invitations.enqueue(meeting.pk))
    return meeting


def meeting_cancel(actor: Any, *, meeting: Meeting, version: int | None) -> Meeting:
    """Cancel a planned meeting: the invitees get a METHOD:CANCEL."""
    require(actor, meeting.person, action=Action.EDIT, category=Category.COORDINATION, purpose=purposes.MEETING_WRITE)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    if version is not None:
        meeting.version = version
    meeting.status, meeting.updated_by = MeetingStatus.CANCELLED, _user(actor)
    meeting.sequence += 1
    with transaction.atomic():
        meeting.save(update_fields=["status", "sequence", "updated_by", "updated_at"])
        transaction.on_commit(lambda: tasks.send_meeting_invitations.enqueue(meeting.pk))
    return meeting


def meeting_record(
    actor: Any,
    *,
    meeting: Meeting,
    version: int | None,
    minutes: str,
    person_said: str,
    attendance: dict[int, str],
    decisions: Iterable[str | dict[str, Any]] = (),
    next_meeting: Meeting | None = None,
) -> Meeting:
    """Record what the meeting said: attendance, minutes, what the person said, decisions. It is then held.

    A decision is its text, or {"text", "carrier", "relation", "involvement", "due_on"}: who carries it and by when,
    carried into the project's action when the decision becomes one (`decision_to_action`)."""
    require(actor, meeting.person, action=Action.EDIT, category=Category.COORDINATION, purpose=purposes.MEETING_WRITE)
    if not actor.is_professional:
        raise PermissionDenied(_("The minutes are recorded by a professional of the network."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled: there are no minutes to record."))
    if meeting.starts_at > timezone.now() + dt.timedelta(hours=1):
        raise ValidationError(_("The minutes are recorded once the meeting has started."))
    if next_meeting is not None and (next_meeting.person_id != meeting.person_id or next_meeting.pk == meeting.pk):
        raise ValidationError({"next_meeting": _("Choose a later meeting about the same person.")})
    prepared = [d for d in (_decision(meeting, entry) for entry in decisions) if d is not None]
    if version is not None:
        meeting.version = version
    meeting.minutes, meeting.person_said = minutes.strip(), person_said.strip()
    meeting.status, meeting.updated_by, meeting.next_meeting = MeetingStatus.HELD, _user(actor), next_meeting
    with transaction.atomic():
        meeting.save(update_fields=["minutes", "person_said", "status", "next_meeting", "updated_by", "updated_at"])
        for participant in meeting.participants.all():
            if participant.pk in attendance and attendance[participant.pk] != participant.attendance:
                participant.attendance = attendance[participant.pk]
                participant.save(update_fields=["attendance"])
        for decision in prepared:
            decision.save()
    return meeting


def _decision(meeting: Meeting, entry: str | dict[str, Any]) -> Decision | None:
    """A decision of the minutes: its text, and optionally who carries it (checked against the person's networks,
    as the project will check it) and by when (not before the meeting's day)."""
    entry = {"text": entry} if isinstance(entry, str) else dict(entry)
    text = (entry.get("text") or "").strip()[:500]
    if not text:
        return None
    decision = Decision(meeting=meeting, text=text, due_on=entry.get("due_on"))
    if decision.due_on and decision.due_on < timezone.localtime(meeting.starts_at).date():
        raise ValidationError({"decisions": _("A decision is done after the meeting, not before it.")})
    if entry.get("carrier"):
        who = project_services.carrier_check(
            meeting.person,
            carrier=entry["carrier"],
            relation=entry.get("relation"),
            involvement=entry.get("involvement"),
        )
        decision.carrier, decision.relation, decision.involvement = who["carrier"], who["relation"], who["involvement"]
        decision.responsible = who["organisation"]
    return decision


def agenda_point_add(actor: Any, *, meeting: Meeting, text: str) -> AgendaPoint:
    """Add a point to a planned meeting's agenda: the person from their own space, or an involved professional."""
    require(
        actor, meeting.person, action=Action.CREATE, category=Category.COORDINATION, purpose=purposes.MEETING_WRITE
    )
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Points are added to a meeting still to come."))
    if not text.strip():
        raise ValidationError({"text": _("Write the point you want to talk about.")})
    return AgendaPoint.objects.create(
        meeting=meeting,
        text=text.strip()[:500],
        by_person=bool(getattr(actor, "is_person", False)),
        added_by=_user(actor),
    )


# --- mediations --------------------------------------------------------------------------------------------------


def mediation_open(
    actor: Any, *, person: Any, subject: str, parties: Iterable[Any], person_is_party: bool
) -> Mediation:
    """Record a disagreement (between partners, or the person and a partner), so it is followed, not hidden."""
    require(actor, person, action=Action.CREATE, category=Category.COORDINATION, purpose=purposes.MEDIATION_WRITE)
    parties = list(parties)
    network = {organisation.pk for organisation in selectors.involved_organisations(person)}
    if any(organisation.pk not in network for organisation in parties):
        raise ValidationError({"parties": _("Choose organisations of the person's network.")})
    if len(parties) + int(person_is_party) < 2 and not (person_is_party and parties):
        raise ValidationError({"parties": _("A disagreement has at least two sides: choose them.")})
    if not subject.strip():
        raise ValidationError({"subject": _("Say what the disagreement is about.")})
    with transaction.atomic():
        mediation = Mediation.objects.create(
            person=person,
            subject=subject.strip(),
            person_is_party=person_is_party,
            opened_by=_user(actor),
            updated_by=_user(actor),
        )
        mediation.parties.set(parties)
    return mediation


def mediation_follow(actor: Any, *, mediation: Mediation, text: str) -> MediationEntry:
    require(
        actor, mediation.person, action=Action.EDIT, category=Category.COORDINATION, purpose=purposes.MEDIATION_WRITE
    )
    if mediation.status != MediationStatus.OPEN:
        raise ValidationError(_("This mediation is closed."))
    if not text.strip():
        raise ValidationError({"text": _("Write what happened.")})
    return MediationEntry.objects.create(mediation=mediation, text=text.strip(), author=_user(actor))


def mediation_close(actor: Any, *, mediation: Mediation, version: int | None, resolution: str) -> Mediation:
    require(
        actor, mediation.person, action=Action.EDIT, category=Category.COORDINATION, purpose=purposes.MEDIATION_WRITE
    )
    if mediation.status != MediationStatus.OPEN:
        raise ValidationError(_("This mediation is already closed."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the disagreement was resolved (or that it was not).")})
    if version is not None:
        mediation.version = version
    mediation.status, mediation.resolution = MediationStatus.CLOSED, resolution.strip()
    mediation.closed_at, mediation.updated_by = timezone.now(), _user(actor)
    mediation.save(update_fields=["status", "resolution", "closed_at", "updated_by", "updated_at"])
    return mediation


# --- calendar feeds (the owner's own data: no door) -------------------------------------------------------------


def feed_renew(user: Any) -> CalendarFeed:
    """A new secret address for the user's calendar; the previous one stops working at once."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        return CalendarFeed.objects.create(user=user)


def feed_revoke(user: Any) -> None:
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- decisions into the personalised project ---------------------------------------------------------------------


DECIDED = object()  # `decision_to_action`'s "as the minutes said"


def decision_to_action(
    actor: Any,
    *,
    decision: Decision,
    objective: Any,
    version: int | None,
    what: str = "",
    carrier: str | None = None,
    relation: Any = None,
    involvement: Any = None,
    ends_on: dt.date | object | None = DECIDED,
) -> Any:
    """Turn a decision of a held meeting into an action of the personalised project (rule 5), in one step.

    Without `carrier`, the action is carried by whom the minutes named (the person when none was named); without
    `ends_on`, it is due when the minutes said (`None` clears it).

    Raises `StaleWrite` when the project changed since `version` (nothing is saved), `PermissionDenied` when the
    action would be another organisation's, `ValidationError` for anything else that cannot be taken."""
    meeting = decision.meeting
    person = meeting.person
    require(actor, person, action=Action.EDIT, category=Category.COORDINATION, purpose=purposes.MEETING_WRITE)
    if not actor.is_professional:
        raise PermissionDenied(_("A decision is added to the project by a professional of the network."))
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("Record the minutes first: decisions come from a meeting that was held."))
    if objective is None or objective.person_id != person.pk:
        raise ValidationError({"objective": _("Choose an objective of the person's project.")})
    if carrier is None:
        carrier = decision.carrier or Carrier.PERSON
        relation, involvement = decision.relation, decision.involvement
    if ends_on is DECIDED:
        ends_on = decision.due_on
    local = timezone.localtime(meeting.starts_at)
    means = _("Decided at the concertation meeting of %(date)s.") % {"date": formats.date_format(local, "DATE_FORMAT")}
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if locked.action_id is not None:
            raise ValidationError(_("This decision is already an action of the personalised project."))
        action = project_services.action_add(
            actor,
            objective=objective,
            version=version,
            what=(what or decision.text).strip(),
            carrier=carrier,
            relation=relation,
            involvement=involvement,
            ends_on=ends_on,
            means=means,
        )
        locked.action_id = action.pk
        locked.save(update_fields=["action_id"])
        decision.action_id = action.pk
    return action

"""Coordination pages: a person's thread, contacts, crisis episodes, meetings and mediations; the calendars.

Each view resolves the person through the door (`person_for`/`open_file`) and answers 404 for an unknown or
forbidden person or row, never 403. The thread's gate is the COORDINATION category; each note is shown only
where the door also allows its own category (and its audience, when restricted). Writes are POST only, sent once,
and a form with errors is shown again with what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maillage.access.door import audit_list, categories_for, check, person_data, person_for
from maillage.access.enums import Action, Category
from maillage.coordination import ical, purposes, selectors, services
from maillage.coordination.calendar import Period, period_of
from maillage.coordination.enums import MeetingStatus
from maillage.coordination.forms import (
    AgendaPointForm,
    CancelForm,
    Carriers,
    ContactForm,
    CrisisCloseForm,
    CrisisOpenForm,
    DecisionActionForm,
    MediationCloseForm,
    MediationFollowForm,
    MediationForm,
    MeetingForm,
    MinutesForm,
    NoteCorrectForm,
    NoteForm,
    PeriodForm,
    RescheduleForm,
)
from maillage.core.forms import save_once
from maillage.people import purposes as people_purposes
from maillage.projects import selectors as project_selectors
from maillage.projects.enums import Carrier

COORDINATION = Category.COORDINATION


def _person(request: HttpRequest, public_id: UUID, purpose: str, action: str = Action.VIEW) -> Any:
    return person_for(request.actor, public_id, action=action, category=COORDINATION, purpose=purpose)


def _hub(person: Any, anchor: str = "") -> str:
    return reverse("coordination:thread", kwargs={"public_id": person.public_id}) + (f"#{anchor}" if anchor else "")


def _meeting_url(meeting: Any) -> str:
    return reverse(
        "coordination:meeting_detail", kwargs={"public_id": meeting.person.public_id, "meeting_id": meeting.public_id}
    )


def _form_page(
    request: HttpRequest,
    person: Any,
    form: Any,
    *,
    title: str,
    intro: str = "",
    submit: str = "",
    danger: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "person": person,
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit or _("Save"),
        "danger": danger,
        "back": _hub(person),
        **(extra or {}),
    }
    return render(request, "coordination/form_page.html", context, status=422 if form.errors else 200)


def _thread_access(
    request: HttpRequest, public_id: UUID, purpose: str, action: str = Action.VIEW
) -> tuple[Any, frozenset]:
    """The person (404 unless the actor may `action` their coordination data) and the categories the actor may
    read now (each note shown in another category is audited by the caller)."""
    person = _person(request, public_id, purpose, action)
    return person, categories_for(request.actor, person)


def _writable_categories(actor: Any, person: Any) -> list[str]:
    return sorted(categories_for(actor, person, Action.CREATE))


# --- the thread ------------------------------------------------------------------------------------------------------


@person_data(categories=[COORDINATION, *[c for c in Category if c != COORDINATION]], action=Action.VIEW)
@require_GET
def thread(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The person's coordination page: the thread, the last contacts and rhythm, crises, meetings, mediations."""
    actor = request.actor
    person, categories = _thread_access(request, public_id, purposes.THREAD)
    is_self = bool(actor.is_person)
    notes = selectors.notes_for(actor, person, categories, is_self=is_self)
    for category in sorted({note.category for note in notes} - {COORDINATION}):
        check(actor, person, action=Action.VIEW, category=category, purpose=purposes.THREAD)
    shown = {note.pk for note in notes}
    roots = [note for note in notes if note.reply_to_id is None or note.reply_to_id not in shown]
    replies: dict[int, list[Any]] = {}
    for note in notes:
        if note.reply_to_id in shown:
            replies.setdefault(note.reply_to_id, []).append(note)
    context = {
        "person": person,
        "is_self": is_self,
        "shows_identity": Category.IDENTITY in categories,
        "threads": [(note, replies.get(note.pk, [])) for note in roots],
        "note_form": _note_form(actor, person, None),
        "contact_form": None if is_self else ContactForm(),
        "rhythm": selectors.contact_rhythm(person),
        "contacts": selectors.contacts_of(person, limit=10),
        "crisis": selectors.open_crisis(person),
        "crises": selectors.crises_of(person),
        "meetings": selectors.meetings_of(person),
        "mediations": [] if is_self else selectors.mediations_of(person),
        "questions": selectors.open_questions(person),
        "now": timezone.now(),
    }
    return render(request, "coordination/thread.html", context)


def _note_form(actor: Any, person: Any, data: Any, files: Any = None, reply_to: Any = None) -> NoteForm:
    is_self = bool(actor.is_person)
    return NoteForm(
        data,
        files,
        categories=_writable_categories(actor, person),
        organisations=[] if is_self else selectors.involved_organisations(person),
        professionals=[] if is_self else selectors.involved_professionals(person),
        for_person=is_self,
        initial={"category": reply_to.category} if reply_to is not None else None,
    )


@person_data(categories=[COORDINATION], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def note_create(request: HttpRequest, public_id: UUID, note_id: UUID | None = None) -> HttpResponse:
    """Write a note (or a reply to `note_id`), with attachments checked by content."""
    actor = request.actor
    person, categories = _thread_access(request, public_id, purposes.NOTE_WRITE, Action.CREATE)
    reply_to = None
    if note_id is not None:
        reply_to = selectors.note_of(person, note_id)
        if reply_to is None or not selectors.note_readable(actor, reply_to, categories, is_self=actor.is_person):
            raise Http404
    form = _note_form(actor, person, request.POST or None, request.FILES or None, reply_to)

    def write() -> str:
        data = form.values
        audience = set(data.get("audience") or [])
        mentions = set(data.get("mentions") or [])
        note = services.note_create(
            actor,
            person=person,
            category=data.get("category") or (reply_to.category if reply_to else COORDINATION),
            body=data["body"],
            audience=[o for o in selectors.involved_organisations(person) if str(o.pk) in audience],
            mentions=[
                i.professional for i in selectors.involved_professionals(person) if str(i.professional_id) in mentions
            ],
            reply_to=reply_to,
            answer_by=data.get("answer_by"),
            files=data.get("files") or [],
        )
        return _hub(person, f"note-{note.public_id}")

    if response := save_once(request, form, write, success=_("The note was added to the thread.")):
        return response
    title = _("Answer a note") if reply_to else _("Write a note")
    return _form_page(
        request,
        person,
        form,
        title=title,
        submit=_("Add to the thread"),
        extra={"multipart": True, "reply_to": reply_to},
    )


@person_data(categories=[COORDINATION], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def note_correct(request: HttpRequest, public_id: UUID, note_id: UUID) -> HttpResponse:
    """Its author corrects a note; the earlier text stays in its history."""
    actor = request.actor
    person, categories = _thread_access(request, public_id, purposes.NOTE_WRITE, Action.EDIT)
    note = selectors.note_of(person, note_id)
    if (
        note is None
        or note.author_id != actor.user.pk
        or not selectors.note_readable(actor, note, categories, is_self=actor.is_person)
    ):
        raise Http404
    form = NoteCorrectForm(
        request.POST or None,
        initial={"body": note.body, "category": note.category},
        categories=_writable_categories(actor, person) if not actor.is_person else [note.category],
        version=note.version,
    )

    def write() -> str:
        services.note_correct(
            actor,
            note=note,
            version=form.read_version,
            body=form.cleaned_data["body"],
            category=form.cleaned_data["category"],
        )
        return _hub(person, f"note-{note.public_id}")

    if response := save_once(request, form, write, success=_("The note was corrected; its earlier text is kept.")):
        return response
    return _form_page(
        request, person, form, title=_("Correct a note"), intro=_("The earlier text stays in the note's history.")
    )


@person_data(categories=[Category.DOCUMENTS], action=Action.VIEW)
@require_GET
def attachment_download(request: HttpRequest, attachment_id: UUID) -> HttpResponse:
    """An attachment, through the door: whoever reads its note (category and audience) downloads it. no-store."""
    actor = request.actor
    attachment = selectors.attachment_of(attachment_id)
    if attachment is None:
        raise Http404
    person = person_for(
        actor,
        attachment.person.public_id,
        action=Action.VIEW,
        category=attachment.note.category,
        purpose=purposes.ATTACHMENT,
    )
    if not selectors.note_readable(actor, attachment.note, categories_for(actor, person), is_self=actor.is_person):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- contacts and crises ---------------------------------------------------------------------------------------------


@person_data(categories=[COORDINATION], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Two clicks: the kind of contact, then save (now, with the person, unless said otherwise)."""
    actor = request.actor
    person = _person(request, public_id, purposes.CONTACT_WRITE, Action.CREATE)
    if not actor.is_professional:
        raise Http404
    form = ContactForm(request.POST or None)

    def write() -> str:
        data = form.values
        services.contact_log(
            actor,
            person=person,
            kind=data["kind"],
            happened_at=data.get("happened_at"),
            with_whom=data.get("with_whom", ""),
        )
        return _hub(person, "contacts")

    if response := save_once(request, form, write, success=_("The contact was recorded.")):
        return response
    return _form_page(request, person, form, title=_("Record a contact"), submit=_("Record the contact"))


@person_data(categories=[COORDINATION], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def crisis_open(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = request.actor
    person = _person(request, public_id, purposes.CRISIS_WRITE, Action.CREATE)
    if not actor.is_professional:
        raise Http404
    form = CrisisOpenForm(request.POST or None)

    def write() -> str:
        services.crisis_open(
            actor, person=person, kind=form.cleaned_data["kind"], started_at=form.cleaned_data.get("started_at")
        )
        return _hub(person, "crisis")

    if response := save_once(request, form, write, success=_("The crisis episode is open.")):
        return response
    intro = _("Contacts, meetings and referrals from its start until you close it are marked as crisis work.")
    return _form_page(
        request, person, form, title=_("Open a crisis episode"), intro=intro, submit=_("Open the crisis episode")
    )


@person_data(categories=[COORDINATION], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def crisis_close(request: HttpRequest, public_id: UUID, crisis_id: UUID) -> HttpResponse:
    actor = request.actor
    person = _person(request, public_id, purposes.CRISIS_WRITE, Action.EDIT)
    episode = selectors.crisis_of(person, crisis_id)
    if episode is None or not actor.is_professional:
        raise Http404
    form = CrisisCloseForm(request.POST or None, version=episode.version)

    def write() -> str:
        services.crisis_close(actor, episode=episode, version=form.read_version)
        return _hub(person, "crisis")

    if response := save_once(request, form, write, success=_("The crisis episode is closed.")):
        return response
    return _form_page(request, person, form, title=_("Close the crisis episode"), submit=_("Close the crisis episode"))


# --- meetings --------------------------------------------------------------------------------------------------------


@person_data(categories=[COORDINATION, Category.SOCIAL], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Convene a meeting. Before sending, the page shows the overload guard: a similar meeting about the person
    lately, each invitee's meetings that week, and the asynchronous alternative (a thread question)."""
    actor = request.actor
    person, categories = _thread_access(request, public_id, purposes.MEETING_WRITE, Action.CREATE)
    if not actor.is_professional:
        raise Http404
    professionals = selectors.involved_professionals(person)
    relations = selectors.relations_of(person) if Category.SOCIAL in categories else []
    form = MeetingForm(request.POST or None, professionals=professionals, relations=relations)
    guard = None
    if form.is_bound and form.is_valid():
        guard = _guard(person, form, professionals, actor)
        if guard["warn"] and not request.POST.get("confirmed"):
            form.add_error(
                None, _("Check the meeting load below, then convene anyway or ask a question in the thread.")
            )
            form.renew()

    def write() -> str:
        data = form.values
        chosen = set(data.get("professionals") or [])
        chosen_relations = set(data.get("relations") or [])
        meeting = services.meeting_convene(
            actor,
            person=person,
            purpose=data["purpose"],
            agenda=data.get("agenda", ""),
            starts_at=data["starts_at"],
            time_zone=data["time_zone"],
            duration_minutes=data["duration_minutes"],
            place=data.get("place", ""),
            video_url=data.get("video_url", ""),
            professionals=[i.professional for i in professionals if str(i.professional_id) in chosen],
            invite_person=data.get("invite_person", False),
            relations=[r for r in relations if str(r.pk) in chosen_relations],
            interpreter_name=data.get("interpreter_name", ""),
            interpreter_email=data.get("interpreter_email", ""),
        )
        return _meeting_url(meeting)

    if response := save_once(
        request, form, write, success=_("The meeting is convened; the invitations are on their way.")
    ):
        return response
    return _form_page(
        request,
        person,
        form,
        title=_("Convene a concertation meeting"),
        submit=_("Convene and send the invitations"),
        extra={"guard": guard, "confirm_guard": bool(guard and guard["warn"])},
    )


def _guard(person: Any, form: MeetingForm, professionals: list[Any], actor: Any) -> dict[str, Any]:
    data = form.cleaned_data
    try:
        starts_at = services.aware(data["starts_at"], data["time_zone"])
    except Exception:
        return {"warn": False, "similar": [], "load": []}
    similar = selectors.similar_meetings(person, starts_at)
    chosen = {int(pk) for pk in data.get("professionals") or []} | {actor.user.pk}
    counts = selectors.meetings_that_week(chosen, starts_at)
    names = {i.professional_id: i.professional.get_full_name() for i in professionals}
    names.setdefault(actor.user.pk, actor.user.get_full_name())
    load = [(names.get(pk, ""), counts.get(pk, 0)) for pk in sorted(chosen, key=lambda pk: names.get(pk, ""))]
    busy = [row for row in load if row[1] >= 3]
    return {
        "warn": bool(similar or busy),
        "similar": similar,
        "load": load,
        "question_url": reverse("coordination:note_create", kwargs={"public_id": person.public_id}),
    }


def _meeting(
    request: HttpRequest, public_id: UUID, meeting_id: UUID, purpose: str, action: str = Action.VIEW
) -> tuple[Any, Any]:
    person = _person(request, public_id, purpose, action)
    meeting = selectors.meeting_of(person, meeting_id)
    if meeting is None:
        raise Http404
    return person, meeting


@person_data(categories=[COORDINATION], action=Action.VIEW)
@require_GET
def meeting_detail(request: HttpRequest, public_id: UUID, meeting_id: UUID) -> HttpResponse:
    actor = request.actor
    person, meeting = _meeting(request, public_id, meeting_id, purposes.MEETING)
    planned = meeting.status == MeetingStatus.PLANNED
    context = {
        "person": person,
        "meeting": meeting,
        "is_self": actor.is_person,
        "planned": planned,
        "point_form": AgendaPointForm() if planned else None,
        "can_manage": actor.is_professional,
        "local_start": timezone.localtime(meeting.starts_at, _zone(meeting)),
        "decisions": _decisions(actor, person, meeting),
    }
    return render(request, "coordination/meeting_detail.html", context)


def _zone(meeting: Any):
    from zoneinfo import ZoneInfo

    return ZoneInfo(meeting.time_zone)


def _may_plan(actor: Any, person: Any) -> bool:
    """May the actor add actions to the person's project (door: PROJECT, create)? The page offers it only then."""
    return bool(actor.is_professional) and Category.PROJECT in categories_for(actor, person, Action.CREATE)


def _carried_by(decision: Any) -> str:
    """Who carries a decision, in words ("" when the minutes did not say)."""
    if decision.carrier == Carrier.PERSON:
        return _("The person")
    if decision.carrier == Carrier.RELATION and decision.relation:
        return f"{decision.relation.name} ({_('relative')})"
    if decision.carrier == Carrier.ORGANISATION and decision.involvement:
        involvement = decision.involvement
        if involvement.professional_id:
            return f"{involvement.organisation.name} ({involvement.professional.get_full_name()})"
        return involvement.organisation.name
    return ""


def _decisions(actor: Any, person: Any, meeting: Any) -> list[dict[str, Any]]:
    """Each decision with its number (its address in the meeting) and, for a professional who may write the
    project, the link that turns it into a project action."""
    decisions = list(
        meeting.decisions.select_related("relation", "involvement__organisation", "involvement__professional")
    )
    may_plan = meeting.status == MeetingStatus.HELD and any(d.action_id is None for d in decisions)
    may_plan = may_plan and _may_plan(actor, person)
    project_url = reverse("projects:project_detail", kwargs={"public_id": person.public_id})
    rows = []
    for number, decision in enumerate(decisions, start=1):
        url = ""
        if may_plan and decision.action_id is None:
            url = reverse(
                "coordination:decision_action",
                kwargs={"public_id": person.public_id, "meeting_id": meeting.public_id, "number": number},
            )
        rows.append(
            {"decision": decision, "to_project": url, "project_url": project_url, "carried_by": _carried_by(decision)}
        )
    return rows


@person_data(categories=[COORDINATION], action=Action.EXPORT)
@require_GET
def meeting_ics(request: HttpRequest, public_id: UUID, meeting_id: UUID) -> HttpResponse:
    """The meeting as an .ics file, for whoever may see it."""
    _person_obj, meeting = _meeting(request, public_id, meeting_id, purposes.MEETING)
    response = HttpResponse(ical.invitation(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reunion.ics"'
    return response


@person_data(categories=[COORDINATION], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def meeting_reschedule(request: HttpRequest, public_id: UUID, meeting_id: UUID) -> HttpResponse:
    actor = request.actor
    person, meeting = _meeting(request, public_id, meeting_id, purposes.MEETING_WRITE, Action.EDIT)
    if not actor.is_professional or meeting.status != MeetingStatus.PLANNED:
        raise Http404
    local = timezone.localtime(meeting.starts_at, _zone(meeting)).replace(tzinfo=None)
    initial = {
        "starts_at": local,
        "time_zone": meeting.time_zone,
        "duration_minutes": meeting.duration_minutes,
        "place": meeting.place,
        "video_url": meeting.video_url,
    }
    form = RescheduleForm(request.POST or None, initial=initial, version=meeting.version)

    def write() -> str:
        data = form.values
        services.meeting_reschedule(actor, meeting=meeting, version=form.read_version, **data)
        return _meeting_url(meeting)

    if response := save_once(request, form, write, success=_("The meeting was moved; the invitees get the update.")):
        return response
    return _form_page(
        request,
        person,
        form,
        title=_("Move the meeting"),
        intro=_("Every invitee receives the update in their calendar."),
    )


@person_data(categories=[COORDINATION], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, public_id: UUID, meeting_id: UUID) -> HttpResponse:
    actor = request.actor
    person, meeting = _meeting(request, public_id, meeting_id, purposes.MEETING_WRITE, Action.EDIT)
    if not actor.is_professional or meeting.status != MeetingStatus.PLANNED:
        raise Http404
    form = CancelForm(request.POST or None, version=meeting.version)

    def write() -> str:
        services.meeting_cancel(actor, meeting=meeting, version=form.read_version)
        return _meeting_url(meeting)

    if response := save_once(request, form, write, success=_("The meeting is cancelled; the invitees are told.")):
        return response
    return _form_page(
        request,
        person,
        form,
        title=_("Cancel the meeting"),
        submit=_("Cancel the meeting"),
        danger=True,
        intro=_("Every invitee receives the cancellation, which removes the meeting from their calendar."),
    )


@person_data(categories=[COORDINATION], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def meeting_minutes(request: HttpRequest, public_id: UUID, meeting_id: UUID) -> HttpResponse:
    """Attendance, minutes, what the person said, decisions and the next meeting."""
    actor = request.actor
    person, meeting = _meeting(request, public_id, meeting_id, purposes.MEETING_WRITE, Action.EDIT)
    if not actor.is_professional or meeting.status == MeetingStatus.CANCELLED:
        raise Http404
    later = [
        m
        for m in selectors.meetings_of(person)
        if m.starts_at > meeting.starts_at and m.status == MeetingStatus.PLANNED
    ]
    initial = {
        "minutes": meeting.minutes,
        "person_said": meeting.person_said,
        "next_meeting": str(meeting.next_meeting.public_id) if meeting.next_meeting else "",
    }
    form = MinutesForm(
        request.POST or None,
        initial=initial,
        participants=meeting.participants.all(),
        later=later,
        relatives=project_selectors.relatives_of(person),
        involvements=project_selectors.care_team_of(person),
        meeting_day=timezone.localtime(meeting.starts_at, _zone(meeting)).date(),
        version=meeting.version,
    )

    def write() -> str:
        data = form.cleaned_data
        chosen = next((m for m in later if str(m.public_id) == data.get("next_meeting")), None)
        services.meeting_record(
            actor,
            meeting=meeting,
            version=form.read_version,
            minutes=data.get("minutes", ""),
            person_said=data.get("person_said", ""),
            attendance=form.attendance,
            decisions=form.decision_rows,
            next_meeting=chosen,
        )
        return _meeting_url(meeting)

    if response := save_once(request, form, write, success=_("The minutes were recorded.")):
        return response
    return _form_page(request, person, form, title=_("Minutes of the meeting"), submit=_("Save the minutes"))


@person_data(categories=[COORDINATION, Category.PROJECT], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def decision_action(request: HttpRequest, public_id: UUID, meeting_id: UUID, number: int) -> HttpResponse:
    """One step from a meeting's decision to an action of the personalised project: which objective, who carries
    it, by when. 404 unless the meeting was held, the decision is not in the project yet, and the actor may write
    the project; the project's own rules and version check apply (`services.decision_to_action`)."""
    actor = request.actor
    person, meeting = _meeting(request, public_id, meeting_id, purposes.MEETING_WRITE, Action.EDIT)
    decisions = list(meeting.decisions.all())
    if not actor.is_professional or meeting.status != MeetingStatus.HELD or not 1 <= number <= len(decisions):
        raise Http404
    decision = decisions[number - 1]
    if decision.action_id is not None:
        raise Http404
    project = project_selectors.project_for(actor, person, action=Action.CREATE, purpose=people_purposes.PROJECT_WRITE)
    back = _meeting_url(meeting) + "#minutes"
    if project is None or not project.is_active:
        messages.info(
            request, _("Start the person's personalised project first: the decision then becomes an action.")
        )
        return redirect(reverse("projects:project_detail", kwargs={"public_id": person.public_id}))
    objectives = [o for o in project_selectors.objectives_of(project) if o.is_open]
    if not objectives:
        messages.info(request, _("Add an objective to the personalised project first: an action serves an objective."))
        return redirect(reverse("projects:project_detail", kwargs={"public_id": person.public_id}))
    form = DecisionActionForm(
        request.POST or None,
        initial={
            "what": decision.text,
            "ends_on": decision.due_on,
            "who": Carriers.key(decision.carrier, decision.relation_id, decision.involvement_id),
        },
        objectives=objectives,
        relatives=project_selectors.relatives_of(person),
        involvements=project_selectors.care_team_of(person),
        version=project.version,
    )

    def write() -> str:
        data = form.values
        services.decision_to_action(
            actor,
            decision=decision,
            objective=form.chosen_objective,
            version=form.read_version,
            what=data["what"],
            ends_on=data.get("ends_on"),
            **form.carrier(),
        )
        return back

    if response := save_once(
        request, form, write, success=_("The decision is now an action of the personalised project.")
    ):
        return response
    return _form_page(
        request,
        person,
        form,
        title=_("Make the decision a project action"),
        intro=decision.text,
        submit=_("Add to the personalised project"),
        extra={"back": back},
    )


@person_data(categories=[COORDINATION], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def agenda_point_add(request: HttpRequest, public_id: UUID, meeting_id: UUID) -> HttpResponse:
    """The person (from their own space) or a professional adds a point to the agenda."""
    actor = request.actor
    person, meeting = _meeting(request, public_id, meeting_id, purposes.MEETING_WRITE, Action.CREATE)
    if meeting.status != MeetingStatus.PLANNED:
        raise Http404
    form = AgendaPointForm(request.POST or None)

    def write() -> str:
        services.agenda_point_add(actor, meeting=meeting, text=form.cleaned_data["text"])
        return _meeting_url(meeting) + "#agenda"

    if response := save_once(request, form, write, success=_("Your point was added to the agenda.")):
        return response
    return _form_page(request, person, form, title=_("Add a point to the agenda"), submit=_("Add the point"))


@person_data(categories=[COORDINATION], action=Action.VIEW)
@require_GET
def meeting_open(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    """From a calendar (the feed carries no person id): the meeting's page, if the door lets the reader see it."""
    meeting = selectors.meeting_by_id(meeting_id)
    if meeting is None:
        raise Http404
    person = _person(request, meeting.person.public_id, purposes.MEETING)
    return redirect("coordination:meeting_detail", public_id=person.public_id, meeting_id=meeting.public_id)


# --- mediations ------------------------------------------------------------------------------------------------------


@person_data(categories=[COORDINATION], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def mediation_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = request.actor
    person = _person(request, public_id, purposes.MEDIATION_WRITE, Action.CREATE)
    if not actor.is_professional:
        raise Http404
    organisations = selectors.involved_organisations(person)
    form = MediationForm(request.POST or None, organisations=organisations)

    def write() -> str:
        chosen = set(form.cleaned_data.get("parties") or [])
        services.mediation_open(
            actor,
            person=person,
            subject=form.cleaned_data["subject"],
            parties=[o for o in organisations if str(o.pk) in chosen],
            person_is_party=form.cleaned_data.get("person_is_party", False),
        )
        return _hub(person, "mediations")

    if response := save_once(request, form, write, success=_("The disagreement is recorded.")):
        return response
    intro = _("Disagreement between approaches is normal: recording it lets it be followed and resolved, not hidden.")
    return _form_page(request, person, form, title=_("Record a disagreement"), intro=intro)


@person_data(categories=[COORDINATION], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def mediation_follow(request: HttpRequest, public_id: UUID, mediation_id: UUID) -> HttpResponse:
    actor = request.actor
    person = _person(request, public_id, purposes.MEDIATION_WRITE, Action.EDIT)
    mediation = selectors.mediation_of(person, mediation_id)
    if mediation is None or not actor.is_professional:
        raise Http404
    form = MediationFollowForm(request.POST or None)

    def write() -> str:
        services.mediation_follow(actor, mediation=mediation, text=form.cleaned_data["text"])
        return _hub(person, "mediations")

    if response := save_once(request, form, write, success=_("The follow-up was added.")):
        return response
    return _form_page(request, person, form, title=_("Follow the mediation"), intro=mediation.subject)


@person_data(categories=[COORDINATION], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def mediation_close(request: HttpRequest, public_id: UUID, mediation_id: UUID) -> HttpResponse:
    actor = request.actor
    person = _person(request, public_id, purposes.MEDIATION_WRITE, Action.EDIT)
    mediation = selectors.mediation_of(person, mediation_id)
    if mediation is None or not actor.is_professional:
        raise Http404
    form = MediationCloseForm(request.POST or None, version=mediation.version)

    def write() -> str:
        services.mediation_close(
            actor, mediation=mediation, version=form.read_version, resolution=form.cleaned_data["resolution"]
        )
        return _hub(person, "mediations")

    if response := save_once(request, form, write, success=_("The mediation is closed with its resolution.")):
        return response
    return _form_page(
        request, person, form, title=_("Close the mediation"), intro=mediation.subject, submit=_("Close the mediation")
    )


# --- calendars -------------------------------------------------------------------------------------------------------


@person_data(categories=[COORDINATION, Category.IDENTITY], action=Action.LIST)
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """A professional's (or their organisation's) meetings by week or month. A meeting shows its purpose and the
    person's name only where the door shares them with the viewer now; otherwise only that a meeting takes place."""
    actor = request.actor
    if not actor.is_professional:
        raise Http404
    day, span, scope = PeriodForm(request.GET or None).period()
    period: Period = period_of(day, span)
    if scope == "organisation":
        meetings = list(selectors.meetings_for_organisation(actor.organisation.pk, period.start, period.end))
    else:
        meetings = list(selectors.meetings_for_user(actor.user, period.start, period.end))
    persons = {meeting.person_id: meeting.person for meeting in meetings}
    categories = audit_list(actor, persons.values(), action=Action.LIST, purpose=purposes.CALENDAR)
    rows = []
    for meeting in meetings:
        allowed = categories.get(meeting.person_id, frozenset())
        rows.append(
            {
                "meeting": meeting,
                "start": timezone.localtime(meeting.starts_at),
                "open": COORDINATION in allowed,
                "name": f"{meeting.person.last_name.upper()} {meeting.person.first_name}".strip()
                if Category.IDENTITY in allowed
                else "",
                "url": _meeting_url(meeting) if COORDINATION in allowed else "",
            }
        )
    context = {
        "period": period,
        "days": period.days_with(rows),
        "span": span,
        "scope": scope,
        "feed": selectors.feed_of(actor.user),
    }
    return render(request, "coordination/calendar.html", context)


@person_data(categories=[COORDINATION], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def feed_manage(request: HttpRequest) -> HttpResponse:
    """Make (or remake) or revoke the secret address of my calendar; it is shown once, right after making it."""
    actor = request.actor
    if not actor.is_professional:
        raise Http404
    address = ""
    if request.method == "POST":
        if request.POST.get("do") == "revoke":
            services.feed_revoke(actor.user)
            messages.success(request, _("The calendar address no longer works."))
            return redirect("coordination:calendar")
        feed = services.feed_renew(actor.user)
        address = request.build_absolute_uri(reverse("coordination:feed", kwargs={"key": feed.key}))
    return render(request, "coordination/feed.html", {"address": address, "feed": selectors.feed_of(actor.user)})


@person_data(categories=[COORDINATION], action=Action.LIST)
@login_not_required
@require_GET
def feed(request: HttpRequest, key: str) -> HttpResponse:
    """The secret calendar feed: the owner's meetings with a neutral title, no person, purpose or place.

    Whoever holds the address learns only when the owner has concertation meetings (see README)."""
    owner_feed = selectors.feed_by_key(key)
    if owner_feed is None:
        raise Http404
    now = timezone.now()
    meetings = selectors.meetings_for_user(owner_feed.user, now - dt.timedelta(days=60), now + dt.timedelta(days=365))
    body = ical.feed(meetings.exclude(status=MeetingStatus.CANCELLED), name=_("Maillage: my concertation meetings"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")

"""Mails of coordination, sent by the task worker after the commit, with ids only in the queue.

Each mail asks the door first (`notify`) and carries no person's name and no note text: a mention says that a
note waits in file <id>, and points to it only when its reader may read that note now; an invitation carries
the meeting's purpose, time and place (what every invitee is told anyway) with its .ics.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from maillage.access import door
from maillage.access.enums import Action, Recipient
from maillage.accounts.actors import actor_for
from maillage.accounts.models import User
from maillage.coordination import ical, purposes
from maillage.coordination.enums import MeetingStatus, ParticipantKind
from maillage.coordination.models import Meeting, Note
from maillage.core.sites import absolute_url


def _deliverable(address: str) -> bool:
    return bool(address) and not address.endswith(".invalid")


@task()
def tell_of_mention(note_id: int, user_id: int) -> None:
    """Tell a mentioned professional that a note waits for them; the link only if they may read it now."""
    note = Note.objects.select_related("person").filter(pk=note_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if note is None or user is None or not _deliverable(user.email):
        return
    person = note.person
    if not door.notify(person, recipient=Recipient.ORGANISATION, purpose=purposes.MENTION, extra={"note": note.pk}):
        return
    reader = actor_for(user)
    readable = door.decide(reader, person, Action.VIEW, note.category).allowed
    audience = set(note.audience.values_list("pk", flat=True))
    if audience and not audience & set(reader.organisation_ids):
        readable = False
    with translation.override(user.preferred_language):
        if readable:
            url = absolute_url(reverse("coordination:thread", kwargs={"public_id": person.public_id}))
            body = _(
                "You were mentioned in a coordination note in Maillage.\nRead it in the thread of file %(id)s: %(url)s"
            ) % {"id": person.public_id, "url": url}
        else:
            body = _(
                "You were mentioned in a coordination note in Maillage, but the person's sharing does not let you "
                "read it now (file %(id)s). Ask its author if you need it."
            ) % {"id": person.public_id}
        EmailMessage(subject=_("Maillage: you were mentioned in a note"), body=body, to=[user.email]).send()


@task()
def send_meeting_invitations(meeting_id: int) -> None:
    """Send each invitee the invitation, update or cancellation of a meeting, with its .ics attached."""
    meeting = Meeting.objects.select_related("person", "convened_by").filter(pk=meeting_id).first()
    if meeting is None:
        return
    person = meeting.person
    organiser = meeting.convened_by.email if meeting.convened_by else ""
    for participant in meeting.participants.select_related("user"):
        address = participant.email or (participant.user.email if participant.user else "")
        if not _deliverable(address):
            continue
        recipient = Recipient.PERSON if participant.kind == ParticipantKind.PERSON else Recipient.ORGANISATION
        extra = {"meeting": meeting.pk, "participant": participant.pk}
        if not door.notify(person, recipient=recipient, purpose=purposes.MEETING_INVITATION, extra=extra):
            return  # an anonymised file: nobody is told anything
        language = participant.user.preferred_language if participant.user else person.preferred_language
        with translation.override(language):
            _send_invitation(meeting, participant, address, organiser)


def _send_invitation(meeting: Meeting, participant, address: str, organiser: str) -> None:
    local = timezone.localtime(meeting.starts_at, _zone(meeting))
    values = {
        "purpose": meeting.purpose,
        "when": formats.date_format(local, "DATETIME_FORMAT"),
        "zone": meeting.time_zone,
        "where": meeting.place or meeting.video_url,
    }
    if meeting.status == MeetingStatus.CANCELLED:
        subject = _("Cancelled: concertation meeting")
        body = _("The concertation meeting “%(purpose)s” of %(when)s (%(zone)s) is cancelled.") % values
    elif meeting.sequence:
        subject = _("Changed: concertation meeting")
        body = (
            _("The concertation meeting “%(purpose)s” changed: it now takes place on %(when)s (%(zone)s), %(where)s.")
            % values
        )
    else:
        subject = _("Invitation: concertation meeting")
        body = (
            _("You are invited to a concertation meeting, “%(purpose)s”, on %(when)s (%(zone)s), %(where)s.") % values
        )
    if participant.kind == ParticipantKind.PERSON:
        body += "\n" + _("The meeting is about you: you can add points to its agenda from your own space in Maillage.")
    body += "\n" + _("The attached calendar file adds it to your calendar.")
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    message = EmailMessage(subject=subject, body=body, to=[address])
    message.attach(
        "invitation.ics",
        ical.invitation(meeting, attendee=address, organiser=organiser),
        f"text/calendar; method={method}; charset=utf-8",
    )
    message.send()


def _zone(meeting: Meeting):
    from zoneinfo import ZoneInfo

    return ZoneInfo(meeting.time_zone)

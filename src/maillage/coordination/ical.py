"""iCalendar (RFC 5545) for concertation meetings, with the `icalendar` library.

- An invitation is METHOD:REQUEST, an update the same with a higher SEQUENCE, a cancellation METHOD:CANCEL
  with STATUS:CANCELLED: calendar programs then move or remove the event they already hold (same UID).
- Times carry the meeting's own time zone (TZID with its VTIMEZONE), so a meeting set in Montréal shows at the
  right hour in Brussels.
- What an invitation carries is what the invitee is told anyway: the purpose, the time, the place or link.
  Never the person's name, never the agenda or the minutes.
- The personal feed (`feed`) carries even less: an event per meeting with a neutral title and no place, no
  purpose, no person (see README, "calendar feed").
- `single_event` is the one builder of a one-event file: the network's own bodies (governance) use it for their
  meetings, which carry no person at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from maillage.coordination.enums import MeetingStatus
from maillage.coordination.models import Meeting
from maillage.core.sites import absolute_url

PRODID = "-//Maillage//Concertation//FR"


def _uid(meeting: Meeting) -> str:
    return f"{meeting.public_id}@maillage"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _timed_event(
    *, uid: str, starts_at: dt.datetime, ends_at: dt.datetime, zone: dt.tzinfo, stamp: dt.datetime, sequence: int = 0
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at.astimezone(zone))
    event.add("dtend", ends_at.astimezone(zone))
    event.add("sequence", sequence)
    return event


def single_event(
    *,
    uid: str,
    summary: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    zone: dt.tzinfo,
    location: str = "",
    url: str = "",
    description: str = "",
    sequence: int = 0,
) -> bytes:
    """A calendar file holding one confirmed event (METHOD:PUBLISH), times in `zone` with its VTIMEZONE."""
    calendar = _calendar("PUBLISH")
    event = _timed_event(
        uid=uid, starts_at=starts_at, ends_at=ends_at, zone=zone, stamp=dt.datetime.now(dt.UTC), sequence=sequence
    )
    event.add("summary", summary)
    for key, value in (("location", location), ("url", url), ("description", description)):
        if value:
            event.add(key, value)
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(meeting: Meeting, *, detailed: bool, stamp: dt.datetime) -> Event:
    event = _timed_event(
        uid=_uid(meeting),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        zone=ZoneInfo(meeting.time_zone),
        stamp=stamp,
        sequence=meeting.sequence,
    )
    if detailed:
        event.add("summary", _("Concertation meeting: %(purpose)s") % {"purpose": meeting.purpose})
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.video_url:
            event.add("url", meeting.video_url)
            event.add("description", _("Video link: %(url)s") % {"url": meeting.video_url})
    else:
        event.add("summary", _("Concertation meeting (Maillage)"))
        event.add("url", absolute_url(reverse("coordination:meeting_open", kwargs={"meeting_id": meeting.public_id})))
    if meeting.status == MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def invitation(meeting: Meeting, *, attendee: str = "", organiser: str = "") -> bytes:
    """The .ics of an invitation, update (same UID, higher SEQUENCE) or cancellation (METHOD:CANCEL)."""
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    calendar = _calendar(method)
    event = _event(meeting, detailed=True, stamp=dt.datetime.now(dt.UTC))
    if organiser:
        event.add("organizer", vCalAddress(f"mailto:{organiser}"))
    if attendee:
        address = vCalAddress(f"mailto:{attendee}")
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", address)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A professional's calendar feed: neutral events, no person, purpose or place (the address may leak)."""
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.UTC)
    for meeting in meetings:
        calendar.add_component(_event(meeting, detailed=False, stamp=stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()

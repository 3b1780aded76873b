"""Concertation meetings: invitations with a valid .ics, updates and cancellations, time zones, the overload guard,
minutes, the person's agenda points, calendars and the secret feed."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.actors import actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.coordination import selectors, services
from maillage.coordination.enums import Attendance, MeetingStatus, ParticipantKind
from maillage.coordination.models import AgendaPoint, Meeting
from maillage.core.tests.helpers import post_form
from maillage.people.models import Relation

pytestmark = pytest.mark.django_db


def next_weekday(days: int = 7, hour: int = 14) -> dt.datetime:
    """A Tuesday at `hour` (wall clock) at least `days` ahead, naive."""
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() != 1:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, 0))


def create_url(network):
    return reverse("coordination:meeting_create", kwargs={"public_id": network.person.public_id})


def parse(message) -> icalendar.Calendar:
    attachments = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(attachments) == 1
    _name, content, mimetype = attachments[0]
    assert mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def convene(network, when=None, zone="Europe/Brussels", **kwargs):
    mother = Relation.objects.get(person=network.person, name="Josiane")
    defaults = {
        "person": network.person,
        "purpose": "Point sur le logement",
        "starts_at": when or next_weekday(),
        "time_zone": zone,
        "place": "CPAS, salle 2",
        "professionals": [network.partner],
        "relations": [mother],
    }
    return services.meeting_convene(actor_for(network.referent), **{**defaults, **kwargs})


@pytest.fixture
def mother(network):
    relation = Relation.objects.get(person=network.person, name="Josiane")
    relation.email = "josiane@example.org"
    relation.save(update_fields=["email"])
    return relation


class TestInvitations:
    def test_a_meeting_with_the_person_and_a_relative_sends_valid_ics(
        self, network, mother, client, django_capture_on_commit_callbacks
    ):
        client.force_login(network.referent)
        when = next_weekday()
        data = {
            "purpose": "Point sur le logement",
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "time_zone": "Europe/Brussels",
            "duration_minutes": 90,
            "place": "CPAS, salle 2",
            "professionals": [network.partner.pk],
            "invite_person": "on",
            "relations": [mother.pk],
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = post_form(client, create_url(network), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        meeting = Meeting.objects.get()
        kinds = sorted(meeting.participants.values_list("kind", flat=True))
        assert kinds == sorted(
            [
                ParticipantKind.PROFESSIONAL,
                ParticipantKind.PROFESSIONAL,
                ParticipantKind.PERSON,
                ParticipantKind.RELATIVE,
            ]
        )
        recipients = {address for message in mail.outbox for address in message.to}
        assert {
            "amelie@example.org",
            "josiane@example.org",
            network.partner.email,
            network.referent.email,
        } <= recipients
        for message in mail.outbox:
            assert network.person.last_name not in message.body and network.person.last_name not in message.subject
            calendar = parse(message)
            assert calendar["METHOD"] == "REQUEST"
            event = calendar.events[0]
            assert event["UID"] == f"{meeting.public_id}@maillage"
            assert event.decoded("DTSTART") == when.replace(tzinfo=ZoneInfo("Europe/Brussels"))
            assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
            assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=90)
            assert "Point sur le logement" in str(event["SUMMARY"])
            assert int(event["SEQUENCE"]) == 0
            assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]

    def test_a_meeting_in_montreal_carries_its_time_zone(self, network, mother, django_capture_on_commit_callbacks):
        when = next_weekday(hour=10)
        with django_capture_on_commit_callbacks(execute=True):
            meeting = convene(network, when=when, zone="America/Montreal")
        event = parse(mail.outbox[0]).events[0]
        assert event["DTSTART"].params["TZID"] == "America/Montreal"
        assert event.decoded("DTSTART").astimezone(dt.UTC) == meeting.starts_at.astimezone(dt.UTC)
        # 10:00 in Montréal is 15:00 or 16:00 in Brussels, never 10:00.
        assert timezone.localtime(meeting.starts_at).hour in (15, 16)

    @pytest.mark.parametrize("zone", ["Europe/Brussels", "Europe/Paris", "America/Montreal"])
    def test_each_time_zone_keeps_the_wall_clock_time_in_its_ics(
        self, network, mother, zone, django_capture_on_commit_callbacks
    ):
        when = next_weekday(hour=9)
        with django_capture_on_commit_callbacks(execute=True):
            meeting = convene(network, when=when, zone=zone)
        assert meeting.starts_at == when.replace(tzinfo=ZoneInfo(zone))
        calendar = parse(mail.outbox[0])
        event = calendar.events[0]
        assert event["DTSTART"].params["TZID"] == zone
        assert event.decoded("DTSTART").replace(tzinfo=None) == when
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [zone]

    def test_update_and_cancellation_go_out_as_icalendar(self, network, mother, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            meeting = convene(network)
        mail.outbox.clear()
        referent = actor_for(network.referent)
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_reschedule(
                referent,
                meeting=meeting,
                version=meeting.version,
                starts_at=next_weekday(hour=9),
                time_zone="Europe/Paris",
                duration_minutes=60,
                place="",
                video_url="https://visio.example.org/abc",
            )
        update = parse(mail.outbox[0])
        assert update["METHOD"] == "REQUEST" and int(update.events[0]["SEQUENCE"]) == 1
        assert update.events[0]["DTSTART"].params["TZID"] == "Europe/Paris"
        mail.outbox.clear()
        meeting.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_cancel(referent, meeting=meeting, version=meeting.version)
        cancel = parse(mail.outbox[0])
        assert cancel["METHOD"] == "CANCEL"
        assert cancel.events[0]["STATUS"] == "CANCELLED" and int(cancel.events[0]["SEQUENCE"]) == 2
        assert cancel.events[0]["UID"] == f"{meeting.public_id}@maillage"

    def test_a_time_that_does_not_exist_is_refused(self, network):
        # 2:30 on the last Sunday of March 2031 does not exist in Brussels (clocks go from 2:00 to 3:00).
        with pytest.raises(ValidationError) as error:
            convene(network, when=dt.datetime(2031, 3, 30, 2, 30))  # noqa: DTZ001 -- a wall-clock time
        assert "starts_at" in error.value.message_dict

    def test_an_unknown_time_zone_and_a_past_date_are_refused_on_the_form(self, network, client):
        client.force_login(network.referent)
        data = {
            "purpose": "x",
            "starts_at": "2020-01-07T10:00",
            "time_zone": "Mars/Olympus",
            "duration_minutes": 60,
            "place": "ici",
        }
        response = post_form(client, create_url(network), data)
        assert response.status_code == 422 and not Meeting.objects.exists()
        data["time_zone"] = "Europe/Paris"
        response = post_form(client, create_url(network), data)
        assert response.status_code == 422 and not Meeting.objects.exists()
        data["starts_at"] = "pas une date"
        assert post_form(client, create_url(network), data).status_code == 422


class TestGuard:
    def test_a_second_meeting_about_the_same_person_in_the_same_week_warns(self, network, client):
        first = next_weekday()
        convene(network, when=first)
        client.force_login(network.referent)
        data = {
            "purpose": "Encore une réunion",
            "starts_at": (first + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "time_zone": "Europe/Brussels",
            "duration_minutes": 60,
            "place": "CPAS",
            "professionals": [network.partner.pk],
        }
        response = post_form(client, create_url(network), data)
        page = response.content.decode()
        assert response.status_code == 422
        assert "Point sur le logement" in page  # the similar meeting is named
        assert reverse("coordination:note_create", kwargs={"public_id": network.person.public_id}) in page
        assert Meeting.objects.count() == 1
        # Convening anyway, deliberately.
        response = post_form(client, create_url(network), {**data, "confirmed": "yes"})
        assert response.status_code == 302 and Meeting.objects.count() == 2

    def test_load_selectors_count_meetings_per_invitee_organisation_and_person(self, network):
        when = next_weekday()
        convene(network, when=when)
        convene(network, when=when + dt.timedelta(days=1))
        aware = timezone.make_aware(when)
        assert selectors.meetings_that_week([network.partner.pk], aware) == {network.partner.pk: 2}
        start, end = aware - dt.timedelta(days=3), aware + dt.timedelta(days=5)
        assert selectors.meeting_load_by_organisation(start, end)[network.partner_org.pk] == 2
        assert selectors.meeting_load_by_person(start, end) == {network.person.pk: 2}
        load = selectors.meeting_load_by_professional(start, end)
        assert load[network.partner.pk] == 2 and load[network.referent.pk] == 2
        services.meeting_cancel(actor_for(network.referent), meeting=Meeting.objects.first(), version=None)
        assert selectors.meeting_load_by_professional(start, end)[network.partner.pk] == 1


class TestMinutesAndThePerson:
    def test_minutes_record_attendance_what_the_person_said_and_decisions(self, network, client):
        meeting = convene(network, when=next_weekday())
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
        client.force_login(network.referent)
        url = reverse(
            "coordination:meeting_minutes",
            kwargs={"public_id": network.person.public_id, "meeting_id": meeting.public_id},
        )
        data = {
            "minutes": "Tour de table.",
            "person_said": "Je veux rester à Namur.",
            "decision_1": "Visite d'un logement",
            "decision_2": "Demande d'allocation",
        }
        for participant in meeting.participants.all():
            data[f"attendance_{participant.pk}"] = Attendance.PRESENT
        response = post_form(client, url, data)
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.HELD and meeting.person_said == "Je veux rester à Namur."
        assert list(meeting.decisions.values_list("text", flat=True)) == [
            "Visite d'un logement",
            "Demande d'allocation",
        ]
        assert set(meeting.participants.values_list("attendance", flat=True)) == {Attendance.PRESENT}

    def test_the_person_sees_the_meeting_and_adds_a_point_from_their_space(self, network, client):
        network.person.user = UserFactory(kind=UserKind.PERSON)
        network.person.save(update_fields=["user"])
        meeting = convene(network)
        client.force_login(network.person.user)
        home = client.get(reverse("core:home")).content.decode()
        assert "Point sur le logement" in home
        url = reverse(
            "coordination:agenda_point_add",
            kwargs={"public_id": network.person.public_id, "meeting_id": meeting.public_id},
        )
        page = reverse(
            "coordination:meeting_detail",
            kwargs={"public_id": network.person.public_id, "meeting_id": meeting.public_id},
        )
        response = post_form(client, url, {"text": "Parler de mes enfants"}, page=page)
        assert response.status_code == 302
        point = AgendaPoint.objects.get()
        assert point.by_person and point.meeting == meeting

    def test_the_person_is_invited_by_default(self, network):
        meeting = convene(network)
        assert meeting.participants.filter(kind=ParticipantKind.PERSON).exists()


class TestCalendars:
    def test_the_week_shows_my_meetings_and_the_feed_reveals_no_person(self, network, client):
        when = next_weekday()
        meeting = convene(network, when=when)
        client.force_login(network.partner)
        page = client.get(reverse("coordination:calendar"), {"day": when.date().isoformat()}).content.decode()
        assert "Point sur le logement" in page and network.person.last_name.upper() in page
        month = client.get(reverse("coordination:calendar"), {"day": when.date().isoformat(), "span": "month"})
        assert "Point sur le logement" in month.content.decode()
        response = client.post(reverse("coordination:feed_manage"), {"do": "renew"})
        feed_url = response.context["address"]
        client.logout()
        feed = client.get(feed_url.replace("http://testserver", ""))
        assert feed.status_code == 200
        body = feed.content.decode()
        calendar = icalendar.Calendar.from_ical(feed.content)
        assert [str(e["UID"]) for e in calendar.events] == [f"{meeting.public_id}@maillage"]
        for secret in (
            "Point sur le logement",
            "CPAS, salle 2",
            network.person.last_name,
            str(network.person.public_id),
        ):
            assert secret not in body
        client.force_login(network.partner)
        client.post(reverse("coordination:feed_manage"), {"do": "revoke"})
        client.logout()
        assert client.get(feed_url.replace("http://testserver", "")).status_code == 404

    def test_the_feed_link_opens_the_meeting_only_through_the_door(self, network, client):
        meeting = convene(network)
        url = reverse("coordination:meeting_open", kwargs={"meeting_id": meeting.public_id})
        client.force_login(network.stranger)
        assert client.get(url).status_code == 404
        client.force_login(network.partner)
        assert client.get(url).status_code == 302

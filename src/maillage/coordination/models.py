"""Coordination around one person: the thread of notes, contacts, crisis episodes, concertation meetings,
mediations, and the calendar feeds of professionals.

Every row here is person data (coordination data, or the category a note carries): it is read and written
through the door (`maillage.access`) by this app's services and selectors only (the lint ban in pyproject.toml).
Notes are never deleted: a correction keeps the earlier text in `NoteRevision`.
"""

import secrets
import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.access.enums import Category
from maillage.coordination.enums import (
    MEETING_TIME_ZONES,
    Attendance,
    ContactKind,
    CrisisKind,
    MediationStatus,
    MeetingStatus,
    ParticipantKind,
)
from maillage.core.models import PublicIdModel, TrackedModel
from maillage.core.versioning import VersionedModel
from maillage.projects.enums import Carrier


def attachment_storage() -> Storage:
    """The "coordination_attachments" storage (settings.STORAGES): a local folder outside the web root by
    default, S3-compatible object storage in production. A callable, so migrations record this function
    and not one machine's folder, and each settings module (tests: in memory) picks its own."""
    return storages["coordination_attachments"]


def attachment_name(instance: "Attachment", filename: str) -> str:
    """A random name: the stored file tells nothing of the person or of what the uploader called it."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Note(TrackedModel, VersionedModel):
    """A short note in a person's coordination thread, by a professional or by the person.

    `category` decides who reads it (the door); `audience`, when not empty, narrows it to those organisations
    (plus the author's). A note is corrected, never deleted (`NoteRevision`).
    """

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("author's organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_person = models.BooleanField(_("written by the person"), default=False)
    category = models.CharField(_("data category"), max_length=20, choices=Category, default=Category.COORDINATION)
    body = models.TextField(_("note"), max_length=4000)
    audience = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("restricted to"), blank=True, related_name="+"
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("mentioned"), blank=True, related_name="+"
    )
    reply_to = models.ForeignKey(
        "self", verbose_name=_("in reply to"), null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    answer_by = models.DateField(_("answer wanted by"), null=True, blank=True)

    class Meta:
        verbose_name = _("coordination note")
        verbose_name_plural = _("coordination notes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["person", "created_at"], name="coord_note_person_idx")]

    def __str__(self) -> str:
        return f"note {self.pk}"


class NoteRevision(models.Model):
    """The text of a note before one correction: append-only."""

    note = models.ForeignKey(Note, verbose_name=_("note"), on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("earlier text"))
    category = models.CharField(_("earlier category"), max_length=20, choices=Category)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier version of a note")
        verbose_name_plural = _("earlier versions of notes")
        ordering = ["corrected_at", "pk"]

    def __str__(self) -> str:
        return f"revision {self.pk}"


class Attachment(PublicIdModel):
    """A file attached to a note: its type checked from its content, stored under a random name outside the web
    root, and served only through the door (the note's category) with `no-store`."""

    note = models.ForeignKey(Note, verbose_name=_("note"), on_delete=models.CASCADE, related_name="attachments")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), storage=attachment_storage, upload_to=attachment_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class CrisisEpisode(TrackedModel, VersionedModel):
    """A crisis in the person's life, opened and closed by an involved professional: what happens meanwhile
    (contacts, meetings, referrals) is marked as crisis work (`selectors.during_crisis`)."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind of crisis"), max_length=20, choices=CrisisKind)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("crisis episode")
        verbose_name_plural = _("crisis episodes")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(ended_at__isnull=True),
                name="coord_one_open_crisis",
                violation_error_message=_("A crisis episode is already open for this person."),
            )
        ]

    def __str__(self) -> str:
        return f"crisis {self.pk}"


class Contact(models.Model):
    """One contact of a professional with the person (no content): gives the last contact and the rhythm."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("professional"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind)
    happened_at = models.DateTimeField(_("when"), default=timezone.now)
    with_whom = models.CharField(_("with whom"), max_length=150, blank=True)
    crisis = models.ForeignKey(
        CrisisEpisode,
        verbose_name=_("crisis episode"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-happened_at", "-pk"]
        indexes = [models.Index(fields=["person", "happened_at"], name="coord_contact_person_idx")]

    def __str__(self) -> str:
        return f"contact {self.pk}"


class Meeting(TrackedModel, VersionedModel):
    """A concertation meeting about a person: convened, held (minutes, what the person said, decisions) or
    cancelled. `sequence` counts the changes sent to the invitees (iCalendar SEQUENCE)."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("convened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("convening organisation"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True, max_length=4000)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    time_zone = models.CharField(_("time zone"), max_length=40, choices=MEETING_TIME_ZONES, default="Europe/Brussels")
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus, default=MeetingStatus.PLANNED)
    sequence = models.PositiveIntegerField(_("changes sent"), default=0)
    minutes = models.TextField(_("minutes"), blank=True, max_length=10000)
    person_said = models.TextField(_("what the person said"), blank=True, max_length=4000)
    next_meeting = models.ForeignKey(
        "self", verbose_name=_("next meeting"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    crisis = models.ForeignKey(
        CrisisEpisode,
        verbose_name=_("crisis episode"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )

    class Meta:
        verbose_name = _("concertation meeting")
        verbose_name_plural = _("concertation meetings")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["person", "starts_at"], name="coord_meeting_person_idx")]

    def __str__(self) -> str:
        return f"meeting {self.pk}"

    @property
    def ends_at(self):
        return self.starts_at + timezone.timedelta(minutes=self.duration_minutes)


class Participant(PublicIdModel):
    """Someone invited to a meeting: a professional (a login), the person, a member of their primary network or
    an interpreter (a name and an address)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(_("kind of participant"), max_length=20, choices=ParticipantKind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    relation = models.ForeignKey(
        "people.Relation",
        verbose_name=_("relation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance, default=Attendance.UNKNOWN)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"participant {self.pk}"


class AgendaPoint(models.Model):
    """A point the person (or an invitee) adds to the agenda."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="points")
    text = models.CharField(_("point"), max_length=500)
    by_person = models.BooleanField(_("added by the person"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda point")
        verbose_name_plural = _("agenda points")
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"point {self.pk}"


class Decision(models.Model):
    """A decision of a meeting; `action_id` is the personalised project's action it became, when it did."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=500)
    # Who carries it, named in the minutes (empty: not said): the person, a relative, or an organisation of the
    # care team (its involvement, with its professional when there is one); `responsible` is that organisation.
    carrier = models.CharField(_("carried by"), max_length=20, choices=Carrier, blank=True)
    relation = models.ForeignKey(
        "people.Relation",
        verbose_name=_("relative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    involvement = models.ForeignKey(
        "people.Involvement",
        verbose_name=_("involvement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responsible = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("who carries it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("by"), null=True, blank=True)
    action_id = models.BigIntegerField(_("project action"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"decision {self.pk}"


class Mediation(TrackedModel, VersionedModel):
    """A disagreement between partners, or between the person and a partner, recorded rather than hidden;
    followed with entries, then closed with its resolution."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("what the disagreement is about"), max_length=300)
    parties = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("organisations concerned"), related_name="+"
    )
    person_is_party = models.BooleanField(_("the person is a party"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=MediationStatus, default=MediationStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True, max_length=4000)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"mediation {self.pk}"


class MediationEntry(models.Model):
    """One step of a mediation's follow-up (who said what was done)."""

    mediation = models.ForeignKey(
        Mediation, verbose_name=_("mediation"), on_delete=models.CASCADE, related_name="entries"
    )
    text = models.TextField(_("follow-up"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("mediation follow-up")
        verbose_name_plural = _("mediation follow-ups")
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"entry {self.pk}"


def new_feed_key() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A professional's secret calendar address. Revoking it (or making a new one) kills the old address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("secret key"), max_length=64, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"feed {self.pk}"

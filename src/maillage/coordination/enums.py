"""The vocabulary of coordination: contacts, crises, meetings, participants, mediations."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContactKind(models.TextChoices):
    APPOINTMENT = "APPOINTMENT", _("Appointment")
    PHONE = "PHONE", _("Phone call")
    HOME_VISIT = "HOME_VISIT", _("Home visit")
    MESSAGE = "MESSAGE", _("Message")


class CrisisKind(models.TextChoices):
    MENTAL_HEALTH = "MENTAL_HEALTH", _("Psychological crisis")
    HOUSING = "HOUSING", _("Loss of housing")
    VIOLENCE = "VIOLENCE", _("Violence or danger")
    HEALTH = "HEALTH", _("Health emergency")
    FAMILY = "FAMILY", _("Family breakdown")
    OTHER = "OTHER", _("Other crisis")


class MeetingStatus(models.TextChoices):
    PLANNED = "PLANNED", pgettext_lazy("meeting status", "Planned")
    HELD = "HELD", pgettext_lazy("meeting status", "Held")
    CANCELLED = "CANCELLED", pgettext_lazy("meeting status", "Cancelled")


class ParticipantKind(models.TextChoices):
    PROFESSIONAL = "PROFESSIONAL", _("Professional")
    PERSON = "PERSON", _("The person")
    RELATIVE = "RELATIVE", _("Member of the primary network")
    INTERPRETER = "INTERPRETER", _("Interpreter")


class Attendance(models.TextChoices):
    UNKNOWN = "UNKNOWN", _("Not recorded")
    PRESENT = "PRESENT", _("Present")
    EXCUSED = "EXCUSED", _("Excused")
    ABSENT = "ABSENT", _("Absent")


class MediationStatus(models.TextChoices):
    OPEN = "OPEN", pgettext_lazy("mediation status", "Open")
    CLOSED = "CLOSED", pgettext_lazy("mediation status", "Closed")


# The time zones a meeting may be held in: the network's francophone territories.
MEETING_TIME_ZONES = [
    ("Europe/Brussels", _("Brussels (Belgium)")),
    ("Europe/Paris", _("Paris (France)")),
    ("Europe/Luxembourg", _("Luxembourg")),
    ("Europe/Zurich", _("Zurich (Switzerland)")),
    ("America/Montreal", _("Montréal (Québec)")),
]

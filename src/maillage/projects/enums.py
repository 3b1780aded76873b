"""The vocabulary of the personalised project (projet personnalisé)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProjectStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("project status", "Active")
    CLOSED = "CLOSED", pgettext_lazy("project status", "Closed")


class Priority(models.IntegerChoices):
    """The person's own priority for an objective."""

    HIGH = 1, _("High priority for the person")
    MEDIUM = 2, _("Medium priority for the person")
    LOW = 3, _("Low priority for the person")


class ObjectiveStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("objective status", "Being worked on")
    REACHED = "REACHED", pgettext_lazy("objective status", "Reached")
    DROPPED = "DROPPED", pgettext_lazy("objective status", "Dropped")


OPEN_OBJECTIVE_STATUSES = (ObjectiveStatus.ACTIVE,)


class Carrier(models.TextChoices):
    """Who carries an action: the person first (their actions are first-class), then their relatives, then
    the organisations of the care team."""

    PERSON = "PERSON", _("The person themselves")
    RELATION = "RELATION", _("Someone close to the person")
    ORGANISATION = "ORGANISATION", _("An organisation of the care team")


class Frequency(models.TextChoices):
    ONCE = "ONCE", _("Once")
    DAILY = "DAILY", _("Every day")
    WEEKLY = "WEEKLY", _("Every week")
    FORTNIGHTLY = "FORTNIGHTLY", _("Every two weeks")
    MONTHLY = "MONTHLY", _("Every month")
    AS_NEEDED = "AS_NEEDED", _("When needed")


class ActionStatus(models.TextChoices):
    PLANNED = "PLANNED", pgettext_lazy("action status", "Planned")
    IN_PROGRESS = "IN_PROGRESS", pgettext_lazy("action status", "Under way")
    DONE = "DONE", pgettext_lazy("action status", "Done")
    STOPPED = "STOPPED", pgettext_lazy("action status", "Stopped")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class AgreementAnswer(models.TextChoices):
    """The person's answer to a version of their project."""

    AGREED = "AGREED", _("Agrees")
    AGREED_WITH_RESERVATIONS = "AGREED_WITH_RESERVATIONS", _("Agrees, with reservations")
    DISAGREED = "DISAGREED", _("Does not agree")


class AgreementHow(models.TextChoices):
    """How the person gave their answer. Only the person records IN_OWN_SPACE; a professional records the two
    others (`services.agreement_record`)."""

    IN_OWN_SPACE = "IN_OWN_SPACE", _("In their own space")
    ON_PAPER = "ON_PAPER", _("On paper, signed")
    ORALLY_IN_MEETING = "ORALLY_IN_MEETING", _("Orally, in a meeting")


class ReviewStatus(models.TextChoices):
    PLANNED = "PLANNED", pgettext_lazy("review status", "Planned")
    HELD = "HELD", pgettext_lazy("review status", "Held")
    CANCELLED = "CANCELLED", pgettext_lazy("review status", "Cancelled")


class Progress(models.IntegerChoices):
    """A simple scale, the same for the person's rating and the professionals'."""

    NONE = 0, _("No progress yet")
    LITTLE = 1, _("A little progress")
    GOOD = 2, _("Good progress")
    REACHED = 3, _("Reached")


class ReviewDecision(models.TextChoices):
    """What a review decided about an objective."""

    KEPT = "KEPT", _("Kept as it is")
    CHANGED = "CHANGED", _("To be changed")
    REACHED = "REACHED", _("Reached")
    DROPPED = "DROPPED", _("Dropped")


class Holder(models.TextChoices):
    """Whose view a divergent view is."""

    PERSON = "PERSON", _("The person")
    RELATION = "RELATION", _("Someone close to the person")
    ORGANISATION = "ORGANISATION", _("An organisation")


class EventKind(models.TextChoices):
    """The entries of a project's timeline."""

    CREATED = "CREATED", _("Project started")
    RENAMED = "RENAMED", _("Project renamed")
    OBJECTIVE_ADDED = "OBJECTIVE_ADDED", _("Objective added")
    OBJECTIVE_CHANGED = "OBJECTIVE_CHANGED", _("Objective changed")
    OBJECTIVE_REACHED = "OBJECTIVE_REACHED", _("Objective reached")
    OBJECTIVE_DROPPED = "OBJECTIVE_DROPPED", _("Objective dropped")
    ACTION_ADDED = "ACTION_ADDED", _("Action added")
    ACTION_CHANGED = "ACTION_CHANGED", _("Action changed")
    ACTION_ENDED = "ACTION_ENDED", _("Action ended")
    VERSION = "VERSION", _("Version proposed")
    AGREEMENT = "AGREEMENT", _("The person's answer recorded")
    REVIEW_PLANNED = "REVIEW_PLANNED", _("Review planned")
    REVIEW_HELD = "REVIEW_HELD", _("Review held")
    REVIEW_CANCELLED = "REVIEW_CANCELLED", _("Review cancelled")
    DIVERGENCE_OPENED = "DIVERGENCE_OPENED", _("Divergent views recorded")
    DIVERGENCE_VIEW = "DIVERGENCE_VIEW", _("A view added to a divergence")
    DIVERGENCE_RESOLVED = "DIVERGENCE_RESOLVED", _("Divergence resolved")
    CLOSED = "CLOSED", _("Project closed")

"""The vocabulary of network analytics: what an alert is about, how a snapshot went."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SnapshotStatus(models.TextChoices):
    QUEUED = "QUEUED", pgettext_lazy("snapshot status", "Waiting to be computed")
    RUNNING = "RUNNING", pgettext_lazy("snapshot status", "Being computed")
    DONE = "DONE", pgettext_lazy("snapshot status", "Ready")
    FAILED = "FAILED", pgettext_lazy("snapshot status", "Failed")


class AlertKind(models.TextChoices):
    """The situations of the fruit net (DOMAIN.md) the snapshot can detect."""

    OVERLOAD = "OVERLOAD", _("Overloaded organisation (exhaustion risk)")
    RIGID_CRITERIA = "RIGID_CRITERIA", _("Rigid admission criteria (little elasticity)")
    CRISIS_ONLY_LINK = "CRISIS_ONLY_LINK", _("Partners who only work together in crises")
    SILO = "SILO", _("Silo: organisations cut off from the rest of the network")
    BROKER = "BROKER", _("Broker the network depends on")
    OVER_SOLICITATION = "OVER_SOLICITATION", _("Persons who may be over-solicited")
    ABANDONMENT = "ABANDONMENT", _("Persons who may feel abandoned")
    HOT_POTATO = "HOT_POTATO", _("Hot potato: situations passed on rather than shared")
    UNMET_NEED = "UNMET_NEED", _("Unmet needs: no service with capacity nearby")

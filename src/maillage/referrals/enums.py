"""The vocabulary of referrals (orientation, passage de relais)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReferralStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("referral status", "Draft")
    SENT = "SENT", pgettext_lazy("referral status", "Sent")
    RECEIVED = "RECEIVED", pgettext_lazy("referral status", "Received")
    ACCEPTED = "ACCEPTED", pgettext_lazy("referral status", "Accepted")
    DECLINED = "DECLINED", pgettext_lazy("referral status", "Declined")
    WAITING_LIST = "WAITING_LIST", pgettext_lazy("referral status", "On the waiting list")
    FIRST_CONTACT_DONE = "FIRST_CONTACT_DONE", pgettext_lazy("referral status", "First contact done")
    COMPLETED = "COMPLETED", pgettext_lazy("referral status", "Completed")
    CANCELLED = "CANCELLED", pgettext_lazy("referral status", "Cancelled")
    EXPIRED = "EXPIRED", pgettext_lazy("referral status", "Expired")
    OBSOLETE = "OBSOLETE", pgettext_lazy("referral status", "Obsolete")


# Waiting for the receiver's answer: these expire, become obsolete, and fill the receiver's inbox.
PENDING_STATUSES = (ReferralStatus.SENT, ReferralStatus.RECEIVED, ReferralStatus.WAITING_LIST)
# Closed: nothing moves any more.
CLOSED_STATUSES = (
    ReferralStatus.DECLINED,
    ReferralStatus.COMPLETED,
    ReferralStatus.CANCELLED,
    ReferralStatus.EXPIRED,
    ReferralStatus.OBSOLETE,
)


class Party(models.TextChoices):
    """Who may move a referral: the sending side, the receiving side, the person, or Maillage itself."""

    SENDER = "SENDER", _("the sending organisation")
    RECEIVER = "RECEIVER", _("the receiving organisation")
    PERSON = "PERSON", _("the person")
    SYSTEM = "SYSTEM", _("Maillage (automatically)")


class Urgency(models.TextChoices):
    LOW = "LOW", pgettext_lazy("urgency", "Not urgent")
    NORMAL = "NORMAL", pgettext_lazy("urgency", "Within a few weeks")
    HIGH = "HIGH", pgettext_lazy("urgency", "Within a few days")
    CRISIS = "CRISIS", pgettext_lazy("urgency", "Urgent (crisis)")


class DeclineReason(models.TextChoices):
    OUT_OF_CRITERIA = "OUT_OF_CRITERIA", _("Out of our criteria")
    NO_CAPACITY = "NO_CAPACITY", _("No capacity at the moment")
    NOT_RIGHT_SERVICE = "NOT_RIGHT_SERVICE", _("Not the right service")
    UNREACHABLE = "UNREACHABLE", _("The person could not be reached")
    OTHER = "OTHER", _("Other reason")


class Outcome(models.TextChoices):
    NEED_MET = "NEED_MET", _("Need met")
    NOT_MET = "NOT_MET", _("Need not met")


class ContactPreference(models.TextChoices):
    PHONE = "PHONE", _("By phone")
    EMAIL = "EMAIL", _("By e-mail")
    THROUGH_REFERENT = "THROUGH_REFERENT", _("Through the referent")


class Agreement(models.TextChoices):
    """How the person agreed to the referral (the same words as an addition to their network)."""

    IN_OWN_SPACE = "IN_OWN_SPACE", _("In their own space")
    ON_PAPER = "ON_PAPER", _("On paper")
    ORALLY = "ORALLY", _("Orally")

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InformationMethod(models.TextChoices):
    ORAL = "ORAL", _("Orally, in person")
    WRITTEN_NOTICE = "WRITTEN_NOTICE", _("Written notice handed over")
    ELECTRONIC = "ELECTRONIC", _("Electronically")
    OTHER = "OTHER", _("Other")


# How heavy a need is for the person, in words (the number alone means nothing to a reader).
NEED_WEIGHTS = {
    1: _("light"),
    2: _("rather light"),
    3: _("moderate"),
    4: _("heavy"),
    5: _("very heavy"),
}


class NeedStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    IN_PROGRESS = "IN_PROGRESS", _("Being worked on")
    MET = "MET", _("Met")
    NO_LONGER_RELEVANT = "NO_LONGER_RELEVANT", _("No longer relevant")


OPEN_NEED_STATUSES = (NeedStatus.OPEN, NeedStatus.IN_PROGRESS)


class RelationKind(models.TextChoices):
    FAMILY = "FAMILY", _("Family")
    PARTNER = "PARTNER", _("Partner")
    FRIEND = "FRIEND", _("Friend")
    NEIGHBOUR = "NEIGHBOUR", _("Neighbour")
    PEER_HELPER = "PEER_HELPER", _("Peer helper")
    OTHER = "OTHER", _("Other")


class RelationQuality(models.TextChoices):
    SUPPORTIVE = "SUPPORTIVE", _("Supportive")
    STRESSFUL = "STRESSFUL", _("Stressful")
    BOTH = "BOTH", _("Both supportive and stressful")


class RelationStrength(models.IntegerChoices):
    WEAK = 1, _("Weak")
    MEDIUM = 2, _("Medium")
    STRONG = 3, _("Strong")


class SupportDirection(models.TextChoices):
    TO_PERSON = "TO_PERSON", _("Supports the person")
    FROM_PERSON = "FROM_PERSON", _("Supported by the person")
    MUTUAL = "MUTUAL", _("Mutual support")


class InvolvementRole(models.TextChoices):
    REFERENT = "REFERENT", _("Referent")
    INTERVENING = "INTERVENING", _("Intervening")
    CONSULTED = "CONSULTED", _("Consulted")


class InvolvementStatus(models.TextChoices):
    # In context: French agrees the word with "intervention" (feminine).
    ACTIVE = "ACTIVE", pgettext_lazy("involvement status", "Active")
    SUSPENDED = "SUSPENDED", pgettext_lazy("involvement status", "Suspended")
    ENDED = "ENDED", pgettext_lazy("involvement status", "Ended")


class InvolvementEndReason(models.TextChoices):
    OBJECTIVES_MET = "OBJECTIVES_MET", _("Objectives met")
    PASSED_ON = "PASSED_ON", _("Passed on to another partner")
    PERSON_CHOICE = "PERSON_CHOICE", _("The person's choice")
    OUT_OF_MISSION = "OUT_OF_MISSION", _("Outside the organisation's mission")
    PERSON_MOVED = "PERSON_MOVED", _("The person moved")
    NO_CONTACT = "NO_CONTACT", _("Contact lost")
    OTHER = "OTHER", _("Other")


class ContactChannel(models.TextChoices):
    PHONE = "PHONE", _("Phone")
    EMAIL = "EMAIL", _("E-mail")
    THROUGH_REFERENT = "THROUGH_REFERENT", _("Through the referent")
    OTHER = "OTHER", _("Other")


class PersonAgreement(models.TextChoices):
    """How the person agreed to an organisation joining their network (recorded on every addition)."""

    IN_OWN_SPACE = "IN_OWN_SPACE", _("In their own space")
    ON_PAPER = "ON_PAPER", _("On paper")
    ORALLY = "ORALLY", _("Orally")


class EndProposalStatus(models.TextChoices):
    """A referent's proposal to end another organisation's involvement, and what became of it."""

    PENDING = "PENDING", _("Awaiting the organisation's answer")
    AGREED = "AGREED", _("Agreed: the involvement ended")
    OBJECTED = "OBJECTED", _("The organisation disagrees")
    CLOSED = "CLOSED", _("Closed: the involvement ended otherwise")


class JoinRequestStatus(models.TextChoices):
    """A professional outside the network asked the referent to let their organisation join it."""

    PENDING = "PENDING", _("Awaiting the referent's answer")
    ACCEPTED = "ACCEPTED", _("Accepted")
    DECLINED = "DECLINED", _("Declined")

from django.db import models
from django.utils.translation import gettext_lazy as _


class College(models.TextChoices):
    """Who a member organisation is: the network is open beyond professionals (seed 004)."""

    PROFESSIONAL = "PROFESSIONAL", _("Professional organisation")
    PUBLIC_AUTHORITY = "PUBLIC_AUTHORITY", _("Local officials and public authorities")
    USERS_ASSOCIATION = "USERS_ASSOCIATION", _("Patients' and users' association")
    RESIDENTS = "RESIDENTS", _("Residents and neighbourhood association")


class MemberStatus(models.TextChoices):
    CANDIDATE = "CANDIDATE", _("Candidate")
    MEMBER = "MEMBER", _("Member")
    SUSPENDED = "SUSPENDED", _("Suspended")
    LEFT = "LEFT", _("Left the network")


class AgreementKind(models.TextChoices):
    CHARTER = "CHARTER", _("Network charter")
    CONVENTION = "CONVENTION", _("Convention between members")


class VersionStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    CONSULTATION = "CONSULTATION", _("Open for comments")
    ADOPTED = "ADOPTED", _("Adopted")
    SUPERSEDED = "SUPERSEDED", _("Replaced by a later version")


class BodyKind(models.TextChoices):
    STEERING = "STEERING", _("Steering committee")
    REGULATION = "REGULATION", _("Regulation and ethics body")
    WORKING_GROUP = "WORKING_GROUP", _("Working group")


class SeatRole(models.TextChoices):
    CHAIR = "CHAIR", _("Chair")
    SECRETARY = "SECRETARY", _("Secretary")
    MEMBER = "MEMBER", _("Member")


class ReviewKind(models.TextChoices):
    DIFFICULTY = "DIFFICULTY", _("After a difficult situation")
    SUCCESS = "SUCCESS", _("After a success")


class ReviewStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft, seen by its author's organisation only")
    SHARED = "SHARED", _("Shared with the network")


class EventKind(models.TextChoices):
    IMMERSION = "IMMERSION", _("Immersion day")
    VISIT = "VISIT", _("Visit")
    OPEN_DAY = "OPEN_DAY", _("Open day")

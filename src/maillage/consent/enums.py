from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalBasis(models.TextChoices):
    CONSENT = "CONSENT", _("Consent of the person (GDPR art. 6.1.a and 9.2.a)")
    CARE_TEAM_SHARING = "CARE_TEAM_SHARING", _("Care-team sharing: person informed beforehand, no objection")
    LEGAL_OBLIGATION = "LEGAL_OBLIGATION", _("Other legal obligation")


class HowGiven(models.TextChoices):
    PAPER_SCANNED = "PAPER_SCANNED", _("Signed on paper and scanned")
    ORAL_RECORDED = "ORAL_RECORDED", _("Orally, in person, recorded by the professional")
    ELECTRONIC_BY_PERSON = "ELECTRONIC_BY_PERSON", _("Electronically, by the person")
    NOT_APPLICABLE = "NOT_APPLICABLE", _("Not applicable (legal obligation)")


class SharingChange(models.TextChoices):
    """What the person changed in their own space: the referent is told in these words (no other detail)."""

    CONSENT_GIVEN = "CONSENT_GIVEN", _("a consent was given")
    CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN", _("a consent was withdrawn")
    CONSENT_CHANGED = "CONSENT_CHANGED", _("a consent was changed")
    OBJECTION_RECORDED = "OBJECTION_RECORDED", _("an objection was recorded")
    OBJECTION_WITHDRAWN = "OBJECTION_WITHDRAWN", _("an objection was withdrawn")

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

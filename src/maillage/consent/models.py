"""Consents, legal bases and objections: the person's say over each sharing.

Both tables are append-only. A change never overwrites a row: a new row `supersedes` the previous
one (revoking a consent, withdrawing an objection, extending a consent all add a row). The current
state is the head of each chain (the rows nothing supersedes); the history is the chain itself.
The door (`maillage.access.door`) reads them; other apps never import these models.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.access.enums import Category
from maillage.consent.enums import HowGiven, LegalBasis

LEGAL_BASIS_HELP = _(
    "Consent: the person agrees, freely and specifically (GDPR art. 6.1.a, and 9.2.a for health). "
    "Care-team sharing: the person was informed beforehand and did not object; in France, the care team of "
    "the Code de la santé publique (art. L1110-4) or child protection (CASF art. L226-2-2); in Belgium, "
    "shared professional secrecy (same mission, person informed and agreeing, only what is necessary, in "
    "their interest). Legal obligation: a law requires the sharing (GDPR art. 6.1.c)."
)


class AppendOnlyModel(models.Model):
    """Rows are inserted once, never updated or deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(_("This history is append-only: record a new row instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("This history is append-only and cannot be deleted."))


class ConsentQuerySet(models.QuerySet["Consent"]):
    def current(self) -> "ConsentQuerySet":
        """Heads of the supersession chains: the rows no later row supersedes."""
        return self.filter(superseded_by__isnull=True)

    def valid_at(self, moment: datetime) -> "ConsentQuerySet":
        return (
            self.current()
            .filter(starts_at__lte=moment)
            .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=moment))
            .filter(models.Q(revoked_at__isnull=True) | models.Q(revoked_at__gt=moment))
        )


class Consent(AppendOnlyModel):
    """A legal basis for sharing some categories of a person's data with an organisation or the care team.

    `recipient_organisation` empty means the care team as a whole: every organisation with an active
    involvement with the person. Valid at a moment when started, not expired, and not revoked then.
    """

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("recipient organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leave empty for the care team as a whole (organisations currently involved)."),
    )
    purpose = models.CharField(
        _("purpose"), max_length=255, help_text=_("What the sharing is for, in words the person understands.")
    )
    categories = models.JSONField(_("data categories"), default=list)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis, help_text=LEGAL_BASIS_HELP)
    how_given = models.CharField(_("how it was given"), max_length=24, choices=HowGiven)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("recorded by organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent or legal basis")
        verbose_name_plural = _("consents and legal bases")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "created_at"], name="consent_person_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_legal_basis_display()} [{', '.join(self.categories)}]"

    def clean(self) -> None:
        super().clean()
        valid = set(Category.values)
        if not self.categories or not isinstance(self.categories, list) or not set(self.categories) <= valid:
            raise ValidationError({"categories": _("Choose at least one data category.")})
        self.categories = sorted(set(self.categories))
        if self.expires_at and self.starts_at and self.expires_at <= self.starts_at:
            raise ValidationError({"expires_at": _("The expiry must come after the start.")})
        if self.legal_basis == LegalBasis.CONSENT and self.how_given == HowGiven.NOT_APPLICABLE:
            raise ValidationError({"how_given": _("Say how the person gave their consent.")})

    @property
    def covers_care_team(self) -> bool:
        return self.recipient_organisation_id is None

    def is_valid_at(self, moment: datetime) -> bool:
        """Valid iff started, not expired and not revoked at `moment` (supersession is the caller's job)."""
        if self.starts_at > moment:
            return False
        if self.expires_at is not None and moment >= self.expires_at:
            return False
        return not (self.revoked_at is not None and moment >= self.revoked_at)


class ObjectionQuerySet(models.QuerySet["Objection"]):
    def current(self) -> "ObjectionQuerySet":
        return self.filter(superseded_by__isnull=True)

    def active(self) -> "ObjectionQuerySet":
        return self.current().filter(withdrawn_at__isnull=True)


class Objection(AppendOnlyModel):
    """The person objects to one category of their data being shared with an organisation (or with anyone).

    The right to object (GDPR art. 21; CSP L1110-4) overrides care-team sharing and consent alike
    until it is withdrawn. Withdrawing adds a row that supersedes this one.
    """

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="objections"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leave empty to object to sharing this category with any organisation."),
    )
    category = models.CharField(_("data category"), max_length=20, choices=Category)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.organisation_id or '*'})"

    def is_active_at(self, moment: datetime) -> bool:
        if self.created_at > moment:
            return False
        return self.withdrawn_at is None or moment < self.withdrawn_at

"""The audit chain and break-the-glass grants.

`AccessEvent` rows hold ids only, never names or other personal data, so that the audit can be kept
after a person's file is anonymised. Each row carries the hash of the previous one: altering,
deleting, reordering or inserting rows breaks the chain, and `maillage audit verify` names the first
bad entry. Each row also carries a MAC made with a key held outside the database, so that someone who
can write to the database cannot recompute the chain. Appends are serialised through the single
`AuditChainHead` row.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.access.enums import Action, Category, Outcome, Reason

GENESIS_HASH = "0" * 64


class AccessEvent(models.Model):
    """One decision of the door, or one write of person data: who, for which organisation, on whom, what, why."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("at"))
    actor_id = models.BigIntegerField(_("actor user id"), null=True)
    organisation_id = models.BigIntegerField(_("organisation id"), null=True)
    person_id = models.BigIntegerField(_("person id"), null=True)
    category = models.CharField(_("data category"), max_length=20, choices=Category, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    purpose = models.CharField(_("purpose"), max_length=80, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason, blank=True)
    break_glass = models.BooleanField(_("emergency access"), default=False)
    extra = models.JSONField(_("extra ids"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    # HMAC-SHA256 of (seq, hash, key id) with the audit key named here (access/audit_keys.py). Empty only on
    # entries written before the chain was keyed, which the anchor entry after them covers.
    key_id = models.CharField(_("audit key"), max_length=32, blank=True, default="")
    mac = models.CharField(_("MAC"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["person_id", "seq"], name="access_event_person_idx"),
            models.Index(fields=["actor_id", "seq"], name="access_event_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.category} {self.outcome}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(_("The audit log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The audit log is append-only."))


class AuditChainHead(models.Model):
    """The single row holding the last sequence number and hash: locked to append to the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq}"


def default_break_glass_expiry():
    return timezone.now() + timedelta(hours=getattr(settings, "BREAK_GLASS_HOURS", 4))


class BreakGlassGrantQuerySet(models.QuerySet["BreakGlassGrant"]):
    def active_at(self, moment) -> "BreakGlassGrantQuerySet":
        return self.filter(started_at__lte=moment, expires_at__gt=moment, closed_at__isnull=True)

    def open(self) -> "BreakGlassGrantQuerySet":
        """Not closed yet, expired or not: the database allows one such grant per professional and person."""
        return self.filter(closed_at__isnull=True)


class BreakGlassGrant(models.Model):
    """Emergency read access to a person's file by a professional without an involvement.

    The reason is mandatory; the grant lasts `BREAK_GLASS_HOURS` (4 by default); the referent and the
    person are alerted; every access under it is flagged in the audit. A professional holds at most one open
    grant per person (a partial unique constraint, on PostgreSQL and SQLite alike): a grant that expired is
    closed at its expiry before the next one opens, so `closed_at` is set on every grant that ended.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("professional"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="break_glass_grants"
    )
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), default=default_break_glass_expiry)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    alerts_sent_at = models.DateTimeField(_("alerts sent at"), null=True, blank=True)

    objects = BreakGlassGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["actor", "person", "expires_at"], name="access_bg_actor_person_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "person"],
                condition=models.Q(closed_at__isnull=True),
                name="access_bg_one_open_per_actor_person",
                violation_error_message=_("You already have an emergency access to this file."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} -> {self.person_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        super().clean()
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("Say why emergency access is needed.")})
        if self.expires_at and self.started_at and self.expires_at <= self.started_at:
            raise ValidationError({"expires_at": _("The end must come after the start.")})

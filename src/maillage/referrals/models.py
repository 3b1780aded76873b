"""A referral (orientation, passage de relais): handing one need of a person to a partner organisation, closed
only when taken up. Every row is person data, read and written through the door by `selectors` and `services`;
other apps never import these models. The moves between statuses are in `machine` (one table).

The field names are read by the analytics (declines by reason, ping-pong between two organisations, time to
first contact): keep them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import PublicIdModel, TrackedModel
from maillage.core.versioning import VersionedModel
from maillage.referrals.enums import (
    Agreement,
    ContactPreference,
    DeclineReason,
    Outcome,
    Party,
    ReferralStatus,
    Urgency,
)

USER = settings.AUTH_USER_MODEL


class ReferralQuerySet(models.QuerySet["Referral"]):
    def received_by(self, organisation_id: int) -> ReferralQuerySet:
        return self.filter(receiver_organisation_id=organisation_id).exclude(status=ReferralStatus.DRAFT)

    def sent_by(self, organisation_id: int) -> ReferralQuerySet:
        return self.filter(sender_organisation_id=organisation_id)


class Referral(TrackedModel, VersionedModel):
    """One need (or project objective) of a person, handed by a sending organisation to a receiving one.

    `version` guards every move: of two answers made from the same version, one wins (ADR 5).
    """

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    need = models.ForeignKey(
        "people.Need", verbose_name=_("need"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objective = models.ForeignKey(
        "projects.Objective",
        verbose_name=_("project objective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    life_domain = models.ForeignKey(
        "directory.TaxonomyTerm", verbose_name=_("life domain"), on_delete=models.PROTECT, related_name="+"
    )
    sender_organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("sending organisation"), on_delete=models.PROTECT, related_name="+"
    )
    sender = models.ForeignKey(
        USER, verbose_name=_("sent by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receiver_organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("receiving organisation"), on_delete=models.PROTECT, related_name="+"
    )
    receiver_service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency, default=Urgency.NORMAL)
    expected = models.TextField(_("what is expected"))
    eligibility = models.TextField(
        _("eligibility facts"),
        blank=True,
        help_text=_("What the receiver needs to decide (age, place, situation), without naming the person."),
    )
    shared_categories = models.JSONField(_("shared data categories"), default=list, blank=True)
    receiver_email = models.EmailField(
        _("e-mail address of the receiving organisation"),
        blank=True,
        help_text=_("For a partner not on Maillage yet: where its link to answer is sent (else its own address)."),
    )
    agreement = models.CharField(_("how the person agreed"), max_length=20, choices=Agreement)
    contact_preference = models.CharField(
        _("how the person wants to be contacted"),
        max_length=20,
        choices=ContactPreference,
        default=ContactPreference.THROUGH_REFERENT,
    )
    show_decline_reason_to_person = models.BooleanField(_("show a decline's reason to the person"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus, default=ReferralStatus.DRAFT, db_index=True
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=20, choices=DeclineReason, blank=True)
    decline_detail = models.TextField(_("decline detail"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome, blank=True)
    outcome_reason = models.TextField(_("outcome detail"), blank=True)
    redirected_from = models.ForeignKey(
        "self",
        verbose_name=_("proposed after the decline of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["receiver_organisation", "status", "-sent_at"], name="referrals_inbox_idx"),
            models.Index(fields=["sender_organisation", "status", "-sent_at"], name="referrals_outbox_idx"),
            models.Index(fields=["person", "status"], name="referrals_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sender_organisation_id} → {self.receiver_organisation_id} ({self.get_status_display()})"


class ReferralTransition(models.Model):
    """One move of a referral: from, to, who (the user, their organisation, their side), when, why.

    Append-only: the referral's history, read by the analytics (delays, chains of declines)."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="transitions"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    from_status = models.CharField(_("from"), max_length=20, choices=ReferralStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReferralStatus)
    actor = models.ForeignKey(
        USER, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    party = models.CharField(_("side"), max_length=10, choices=Party)
    at = models.DateTimeField(_("at"), db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("referral transition")
        verbose_name_plural = _("referral transitions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class NetworkDelays(VersionedModel):
    """A network's own delays for its referrals (issue 20, item 4), over `settings.REFERRAL_DELAYS`: set by the
    network's coordinators; a referral between organisations of the network follows them (`tasks.delays_for`)."""

    version_subject = ""

    network = models.OneToOneField(
        "governance.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("remind after (days without a move)"),
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    expire_after_days = models.PositiveSmallIntegerField(
        _("expire after (days without an answer)"),
        validators=[MinValueValidator(2), MaxValueValidator(365)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        USER, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("network's referral delays")
        verbose_name_plural = _("networks' referral delays")

    def __str__(self) -> str:
        return f"{self.network_id}: {self.remind_after_days}/{self.expire_after_days}"


class ReferralLinkQuerySet(models.QuerySet["ReferralLink"]):
    def current(self) -> ReferralLinkQuerySet:
        """Links not revoked (a renewal revokes the one it replaces)."""
        return self.filter(revoked_at__isnull=True)


class ReferralLink(PublicIdModel, VersionedModel):
    """The e-mailed link through which a receiving organisation not on Maillage yet reads a referral and answers
    it, without an account (issue 20, item 5; the door's rule 15). One referral, answer only: it expires, the
    sender's renewal revokes it, an answer spends it.

    The token in the link is derived from `public_id` with the secret key (`links.token_for`), so that only its
    hash is stored and the task that sends the e-mail recomputes it (the token never sits in the task queue).
    `version` guards the renewal: of two renewals from the same page, one wins."""

    version_subject = ""
    version_unlogged = ("first_opened_at", "last_opened_at", "times_opened")

    referral = models.ForeignKey(Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    email = models.EmailField(_("sent to"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    first_opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened at"), null=True, blank=True)
    times_opened = models.PositiveIntegerField(_("times opened"), default=0)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ReferralLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral link")
        verbose_name_plural = _("referral links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.referral_id} ({self.created_at:%Y-%m-%d})"

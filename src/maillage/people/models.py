"""The person at the centre, their needs and their two networks.

Reading or writing these rows goes through `maillage.access` (the door); other apps point at
`"people.Person"` by string and never import these models.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TrackedModel
from maillage.core.versioning import VersionedModel
from maillage.people.enums import (
    NEED_WEIGHTS,
    ContactChannel,
    EndProposalStatus,
    InformationMethod,
    InvolvementEndReason,
    InvolvementRole,
    InvolvementStatus,
    JoinRequestStatus,
    NeedStatus,
    PersonAgreement,
    RelationKind,
    RelationQuality,
    RelationStrength,
    SupportDirection,
)


class PersonQuerySet(models.QuerySet["Person"]):
    def not_anonymised(self) -> "PersonQuerySet":
        return self.filter(anonymised_at__isnull=True)

    def by_name(self) -> "PersonQuerySet":
        """Alphabetical whatever the case. Sorting on an expression also keeps PostgreSQL from walking the name
        index of every person in the database to find the few that a professional follows."""
        return self.order_by(Lower("last_name"), Lower("first_name"), "pk")


class Person(TrackedModel, VersionedModel):
    """A person supported by the network: minimal identity, and who opened the file.

    `user` links the person's own login (their own space), when they were invited.
    `last_activity_at` drives retention: files without activity are anonymised after the period set
    in `PERSON_RETENTION_DAYS`.
    """

    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("file opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_by_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation that opened the file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("own space login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text=_("The person's own login, when they were invited to their own space."),
    )
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now, db_index=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = PersonQuerySet.as_manager()
    version_subject = "pk"
    version_unlogged = ("last_activity_at",)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["last_name", "first_name"], name="people_person_name_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def full_name(self) -> str:
        return str(self)


class InformationRecord(models.Model):
    """The person was informed of how their data is kept and shared, and of their right to object.

    Prior information is the condition of care-team sharing (CSP L1110-4, CASF L226-2-2, Belgian
    shared professional secrecy). Rows are never changed: a new information gives a new row.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="information_records"
    )
    informed_at = models.DateTimeField(_("informed at"), default=timezone.now)
    method = models.CharField(_("how"), max_length=20, choices=InformationMethod)
    informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("informed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("information record")
        verbose_name_plural = _("information records")
        ordering = ["-informed_at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.informed_at:%Y-%m-%d}"


class Need(TrackedModel, VersionedModel):
    """A need in one life domain, in the person's own words, and how heavy it is for them."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="needs")
    term = models.ForeignKey(
        "directory.TaxonomyTerm", verbose_name=_("life domain or need"), on_delete=models.PROTECT, related_name="+"
    )
    own_words = models.TextField(_("in the person's own words"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus, default=NeedStatus.OPEN)
    weight = models.PositiveSmallIntegerField(
        _("how heavy"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("From 1 (light) to 5 (very heavy), assessed with the person."),
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-weight", "opened_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=5), name="people_need_weight_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.term_id} ({self.get_status_display()})"

    @property
    def weight_words(self) -> str:
        """ "heavy (4 out of 5)": the weight explained."""
        words = NEED_WEIGHTS.get(self.weight, "")
        return _("%(words)s (%(weight)s out of 5)") % {"words": words, "weight": self.weight}


class Relation(TrackedModel, VersionedModel):
    """Someone of the person's primary network (family, friends, neighbours...). A name is enough.

    Contact details are kept only when the person wants them kept (`keep_contact`).
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="relations")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind of relation"), max_length=20, choices=RelationKind)
    kind_detail = models.CharField(_("relation detail"), max_length=120, blank=True)
    quality = models.CharField(
        _("supports or stresses"), max_length=20, choices=RelationQuality, default=RelationQuality.SUPPORTIVE
    )
    strength = models.PositiveSmallIntegerField(
        _("strength"), choices=RelationStrength, default=RelationStrength.MEDIUM
    )
    support_direction = models.CharField(
        _("direction of support"), max_length=20, choices=SupportDirection, default=SupportDirection.TO_PERSON
    )
    keep_contact = models.BooleanField(_("the person wants the contact details kept"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    takes_part = models.BooleanField(
        _("takes part"), default=False, help_text=_("Invited to meetings, or holds an action of the project.")
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        ordering = ["-strength", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strength__gte=1, strength__lte=3), name="people_relation_strength_1_3"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if not self.keep_contact:
            self.phone = ""
            self.email = ""


class InvolvementQuerySet(models.QuerySet["Involvement"]):
    def active(self) -> "InvolvementQuerySet":
        return self.filter(status=InvolvementStatus.ACTIVE)


class Involvement(TrackedModel, VersionedModel):
    """An organisation (and optionally a named professional) involved with the person: the secondary network.

    While an involvement is active, the organisation's professionals may know that the person exists;
    what they may see of the person's data depends on consent (see `maillage.access.door`).
    At most one active referent per person, chosen with the person; changes are kept in `ReferentChange`.
    Ended involvements are kept: the history stays readable.
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="involvements"
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("professional"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="involvements",
    )
    role = models.CharField(_("role"), max_length=20, choices=InvolvementRole, default=InvolvementRole.INTERVENING)
    life_domains = models.ManyToManyField(
        "directory.TaxonomyTerm", verbose_name=_("life domains covered"), blank=True, related_name="+"
    )
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=20, choices=InvolvementEndReason, blank=True)
    end_detail = models.CharField(_("ending detail"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InvolvementStatus, default=InvolvementStatus.ACTIVE, db_index=True
    )
    agreement = models.CharField(
        _("how the person agreed"),
        max_length=20,
        choices=PersonAgreement,
        blank=True,
        default="",
        db_default="",  # rows written without the ORM (bulk loads, benchmarks) stay valid
        help_text=_("Recorded when an organisation is added to the network; blank for the one that opened the file."),
    )

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(role="REFERENT", status="ACTIVE"),
                name="people_involvement_one_active_referent",
                violation_error_message=_("The person already has an active referent."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ENDED") | models.Q(ended_on__isnull=False),
                name="people_involvement_ended_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "person"], name="people_inv_org_status_idx"),
            models.Index(fields=["person", "status"], name="people_inv_person_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.get_role_display()} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == InvolvementStatus.ACTIVE

    def clean(self) -> None:
        super().clean()
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("An involvement cannot end before it starts.")})


class InvolvementEndProposal(models.Model):
    """The referent proposes to end another organisation's involvement (door rule 8): that organisation is
    told and answers. It agrees (the involvement ends) or objects with a comment (the involvement stays,
    and the disagreement stays visible to the referent and to the person). Rows are kept: the history shows
    who proposed what and what was answered.
    """

    involvement = models.ForeignKey(
        Involvement, verbose_name=_("involvement"), on_delete=models.CASCADE, related_name="end_proposals"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="involvement_end_proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_by_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("proposing organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    reason = models.CharField(_("reason for ending"), max_length=20, choices=InvolvementEndReason)
    detail = models.TextField(_("detail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EndProposalStatus, default=EndProposalStatus.PENDING, db_index=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_comment = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("proposal to end an involvement")
        verbose_name_plural = _("proposals to end an involvement")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["involvement"],
                condition=models.Q(status="PENDING"),
                name="people_endproposal_one_pending",
                violation_error_message=_("A proposal to end this involvement already awaits an answer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.involvement_id} {self.get_status_display()} ({self.proposed_at:%Y-%m-%d})"

    @property
    def is_pending(self) -> bool:
        return self.status == EndProposalStatus.PENDING


class ReferentChange(models.Model):
    """One change of referent: from whom to whom, when, why, and whether it was chosen with the person."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="referent_changes"
    )
    from_involvement = models.ForeignKey(
        Involvement,
        verbose_name=_("previous referent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_involvement = models.ForeignKey(
        Involvement,
        verbose_name=_("new referent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    reason = models.TextField(_("reason"))
    chosen_with_person = models.BooleanField(_("chosen with the person"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("change of referent")
        verbose_name_plural = _("changes of referent")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.from_involvement_id} -> {self.to_involvement_id} ({self.changed_at:%Y-%m-%d})"


class ContactPreference(models.Model):
    """How the person wants to be contacted, in order of preference."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="contact_preferences"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    rank = models.PositiveSmallIntegerField(_("order of preference"), default=1)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["person", "channel"], name="people_contactpreference_unique"),
        ]

    def __str__(self) -> str:
        return self.get_channel_display()


class JoinRequest(TrackedModel):
    """A professional outside the person's network, who learnt from an existence check that a file exists, asks
    the referent to let their organisation join the network. The referent accepts (the involvement starts with
    the person's agreement recorded, door rule 8c) or declines; the requester is told either way."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="join_requests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=JoinRequestStatus, default=JoinRequestStatus.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    involvement = models.ForeignKey(
        Involvement,
        verbose_name=_("involvement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("request to join the network")
        verbose_name_plural = _("requests to join the network")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=models.Q(status="PENDING"),
                name="people_join_one_pending_per_org",
                violation_error_message=_("Your organisation already asked to join this network."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} -> {self.person_id} ({self.status})"


class SpaceMessage(models.Model):
    """A short message the person writes to their referent from their own space.

    Addressed to the referent organisation of the moment, and read by it only (coordination data). The
    referent is told by an e-mail that carries neither the text nor the person's name.
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("to the organisation"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"), max_length=2000)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("message to the referent")
        verbose_name_plural = _("messages to the referent")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["person", "organisation", "sent_at"], name="people_spacemsg_person_idx")]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M}"

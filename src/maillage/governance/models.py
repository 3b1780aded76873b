"""The network as an object and its common life: members, charter and conventions, bodies, objectives,
learning loops, knowing each other, contributions.

Nothing here is person data: a network is made of organisations, and the professionals who act for them.
Texts written by members (experience reviews, comments, practice sheets) are checked for a person's name or
birth date before they are shared (`governance.privacy_check`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import PublicIdModel, TrackedModel
from maillage.core.versioning import VersionedModel
from maillage.governance.enums import (
    AgreementKind,
    BodyKind,
    College,
    EventKind,
    MemberStatus,
    ReviewKind,
    ReviewStatus,
    SeatRole,
    VersionStatus,
)

USER = settings.AUTH_USER_MODEL


class Network(TrackedModel, VersionedModel):
    """A network of partner organisations on a territory, run by its coordinating organisation.

    The coordinating organisation is the `accounts.Organisation` of sector NETWORK whose members with the
    NETWORK_COORDINATOR role are the network's coordinators: no second list of coordinators is kept here.
    """

    version_subject = ""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("coordinating organisation"),
        on_delete=models.PROTECT,
        related_name="coordinated_network",
    )
    name = models.CharField(_("name"), max_length=255)
    mission = models.TextField(_("mission"))
    territories = models.ManyToManyField(
        "territories.Territory", verbose_name=_("territory"), related_name="networks", blank=True
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    openness = models.TextField(
        _("openness to non-professional members"),
        blank=True,
        help_text=_("Who besides professionals may join (local officials, residents, associations), and why."),
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CollegeRights(VersionedModel):
    """What the members of one college may do in the network. Professional organisations have every right."""

    version_subject = ""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="college_rights")
    college = models.CharField(_("college"), max_length=30, choices=College)
    may_comment = models.BooleanField(_("comments on drafts during consultations"), default=True)
    may_sign = models.BooleanField(_("signs the charter"), default=True)
    may_sit = models.BooleanField(_("sits on the network's bodies"), default=True)
    may_attend_events = models.BooleanField(_("takes part in meet-a-partner events"), default=True)

    class Meta:
        verbose_name = _("rights of a college")
        verbose_name_plural = _("rights of the colleges")
        constraints = [models.UniqueConstraint(fields=["network", "college"], name="governance_college_unique")]

    def __str__(self) -> str:
        return self.get_college_display()


class MemberQuerySet(models.QuerySet["NetworkMember"]):
    def current(self) -> "MemberQuerySet":
        return self.filter(status=MemberStatus.MEMBER)


class NetworkMember(TrackedModel, VersionedModel):
    """An organisation's membership of the network: since when, in which college, in which state.

    `signatory` is the person authorised to sign for the organisation; when none is named, the
    organisation's admins are.
    """

    version_subject = ""

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="network_memberships",
    )
    college = models.CharField(_("college"), max_length=30, choices=College, default=College.PROFESSIONAL)
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus, default=MemberStatus.MEMBER)
    joined_on = models.DateField(_("member since"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    signatory = models.ForeignKey(
        USER,
        verbose_name=_("authorised to sign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "organisation"], name="governance_member_unique"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class MemberPresentation(VersionedModel):
    """How a member presents itself to the others, outside any situation: who we are, what we can do and not."""

    version_subject = ""

    member = models.OneToOneField(NetworkMember, on_delete=models.CASCADE, related_name="presentation")
    who_we_are = models.TextField(_("who we are"))
    what_we_do = models.TextField(_("what we can do"))
    what_we_do_not = models.TextField(_("what we cannot do"), blank=True)
    admission_criteria = models.TextField(
        _("our admission criteria, explained"),
        blank=True,
        help_text=_("Who you can take on and why: partners orient better when they know your criteria."),
    )
    how_to_reach = models.TextField(_("how to reach us"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("member presentation")
        verbose_name_plural = _("member presentations")

    def __str__(self) -> str:
        return str(self.member)


# Charter and conventions ------------------------------------------------------------------------------------


class Agreement(TrackedModel):
    """The network's charter, or a convention between some members: its text lives in versions."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="agreements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind)
    title = models.CharField(_("title"), max_length=255)
    scope = models.TextField(_("scope"), blank=True)
    parties = models.ManyToManyField(NetworkMember, verbose_name=_("parties"), blank=True, related_name="conventions")
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    renewal_notice_days = models.PositiveSmallIntegerField(_("renewal reminder, days before the end"), default=60)
    renewal_reminded_at = models.DateTimeField(_("renewal reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("charter or convention")
        verbose_name_plural = _("charters and conventions")
        ordering = ["kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["network"], condition=models.Q(kind=AgreementKind.CHARTER), name="governance_one_charter"
            )
        ]

    def __str__(self) -> str:
        return self.title


class RenewalReminder(models.Model):
    """A renewal reminder sent for a convention: one per convention, end date and threshold (days before the end),
    so the daily run never sends it twice, and a renewal (a new end date) asks again."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="renewal_reminders")
    ends_on = models.DateField(_("end date reminded"))
    days_before = models.PositiveSmallIntegerField(_("days before the end"))
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveSmallIntegerField(_("e-mails sent"), default=0)

    class Meta:
        verbose_name = _("renewal reminder")
        verbose_name_plural = _("renewal reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "ends_on", "days_before"], name="governance_one_reminder_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.ends_on} -{self.days_before}"


class AgreementVersion(TrackedModel, VersionedModel):
    """One version of a charter or convention: drafted, open for comments, adopted, then signed by members."""

    version_subject = ""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version number"))
    text = models.TextField(_("text"))
    changes_summary = models.TextField(_("what changes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus, default=VersionStatus.DRAFT)
    consultation_ends_on = models.DateField(_("comments close on"), null=True, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        USER,
        verbose_name=_("adoption recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    adoption_record = models.TextField(_("how it was adopted"), blank=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="governance_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"


class VersionComment(PublicIdModel):
    """A member organisation's comment on a version during its consultation."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey(
        NetworkMember, verbose_name=_("member organisation"), on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        USER, verbose_name=_("written by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("date written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.member} on {self.version}"


class Signature(models.Model):
    """A member organisation's signature of an adopted version, by its authorised person."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="signatures")
    member = models.ForeignKey(
        NetworkMember, verbose_name=_("member organisation"), on_delete=models.CASCADE, related_name="signatures"
    )
    signed_by = models.ForeignKey(
        USER, verbose_name=_("signed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField(_("signed by"), max_length=255)
    signer_title = models.CharField(_("as"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("signed on"), auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "member"], name="governance_signature_once")]

    def __str__(self) -> str:
        return f"{self.member} signed {self.version}"


# Bodies and meetings ---------------------------------------------------------------------------------------


class Body(TrackedModel):
    """A body of the network itself: steering committee, regulation and ethics body, working group."""

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind)
    name = models.CharField(_("name"), max_length=255)
    purpose = models.TextField(_("purpose"), blank=True)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Mandate(models.Model):
    """A seat on a body: a member organisation, the professional who holds it, their role, from when to when."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="mandates")
    member = models.ForeignKey(
        NetworkMember, verbose_name=_("member organisation"), on_delete=models.CASCADE, related_name="mandates"
    )
    holder = models.ForeignKey(
        USER, verbose_name=_("held by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, choices=SeatRole, default=SeatRole.MEMBER)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["body", "role", "member__organisation__name"]

    def __str__(self) -> str:
        return f"{self.member} @ {self.body}"


class BodyMeeting(TrackedModel):
    """A meeting of a body: when, where, who hosted it, who came, the record and its decisions."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    hosted_by = models.ForeignKey(
        NetworkMember,
        verbose_name=_("hosted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_meetings",
    )
    agenda = models.TextField(_("agenda"), blank=True)
    record = models.TextField(_("record"), blank=True)
    present = models.ManyToManyField(
        NetworkMember, verbose_name=_("members present"), blank=True, related_name="meetings_attended"
    )

    class Meta:
        verbose_name = _("body meeting")
        verbose_name_plural = _("body meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.body} {self.starts_at:%Y-%m-%d}"


class Decision(models.Model):
    meeting = models.ForeignKey(BodyMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    position = models.PositiveSmallIntegerField(_("number"), default=1)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "position"]

    def __str__(self) -> str:
        return self.text[:60]


# Evaluable objectives --------------------------------------------------------------------------------------


class Objective(TrackedModel, VersionedModel):
    """An evaluable result the network aims at: an indicator, a baseline, a target and a date.

    `indicator_key` names an indicator of the registry (`governance.indicators`), whose value is measured
    by Maillage; without one, `indicator_label` names what the coordinator measures and enters by hand.
    """

    version_subject = ""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(_("objective"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    indicator_key = models.CharField(_("indicator"), max_length=80, blank=True)
    indicator_label = models.CharField(_("indicator entered by hand"), max_length=255, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    baseline_on = models.DateField(_("baseline measured on"))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    target_on = models.DateField(_("to reach by"))

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["target_on", "title"]

    def __str__(self) -> str:
        return self.title


class Measurement(models.Model):
    """One value of an objective's indicator at a date: measured by Maillage or entered by hand."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    suppressed = models.BooleanField(_("hidden (fewer than 5)"), default=False)
    computed = models.BooleanField(_("measured by Maillage"), default=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["objective", "measured_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "measured_on"], name="governance_measurement_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.objective} {self.measured_on}"


# Learning loops ---------------------------------------------------------------------------------------------


class ExperienceReview(TrackedModel, VersionedModel):
    """A review written after a difficult situation or a success, without any personal data.

    `flags` keeps what the privacy check found at the last save (kinds and, for patterns, the words);
    a flagged review is not shared until its author rewrites it or states that the words are not personal.
    """

    version_subject = ""

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="reviews")
    member = models.ForeignKey(
        NetworkMember, verbose_name=_("written by the member"), on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(USER, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind)
    title = models.CharField(_("title"), max_length=255)
    what_happened = models.TextField(_("what happened"))
    what_we_learnt = models.TextField(_("what we learnt"))
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus, default=ReviewStatus.DRAFT)
    flags = models.JSONField(_("privacy check"), default=list, blank=True)
    flags_dismissed = models.BooleanField(_("author checked the flagged words"), default=False)
    shared_at = models.DateTimeField(_("shared on"), null=True, blank=True)

    class Meta:
        verbose_name = _("experience review")
        verbose_name_plural = _("experience reviews")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ReviewComment(PublicIdModel):
    review = models.ForeignKey(ExperienceReview, on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("date written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on a review")
        verbose_name_plural = _("comments on reviews")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.member} on {self.review}"


class PracticeSheet(TrackedModel):
    """A practice sheet of the shared library: what works, drawn from reviews, tagged by life domain."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="practice_sheets"
    )
    member = models.ForeignKey(
        NetworkMember, verbose_name=_("contributed by"), on_delete=models.CASCADE, related_name="practice_sheets"
    )
    title = models.CharField(_("title"), max_length=255)
    domains = models.ManyToManyField(
        "directory.TaxonomyTerm", verbose_name=_("life domains"), blank=True, related_name="+"
    )
    from_review = models.ForeignKey(
        ExperienceReview,
        verbose_name=_("drawn from the review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practice_sheets",
    )

    class Meta:
        verbose_name = _("practice sheet")
        verbose_name_plural = _("practice sheets")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class PracticeSheetVersion(models.Model):
    sheet = models.ForeignKey(PracticeSheet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version number"))
    text = models.TextField(_("text"))
    changes_summary = models.CharField(_("what changes"), max_length=255, blank=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("date written"), auto_now_add=True)

    class Meta:
        verbose_name = _("version of a practice sheet")
        verbose_name_plural = _("versions of practice sheets")
        ordering = ["sheet", "-number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "number"], name="governance_sheet_version_unique")]

    def __str__(self) -> str:
        return f"{self.sheet} v{self.number}"


# Knowing each other outside crises -------------------------------------------------------------------------


class PartnerEvent(TrackedModel):
    """A "meet a partner" event hosted by a member: immersion day, visit, open day."""

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="events")
    host = models.ForeignKey(
        NetworkMember, verbose_name=_("hosted by"), on_delete=models.CASCADE, related_name="hosted_events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=255)
    capacity = models.PositiveSmallIntegerField(_("places"), default=10)

    class Meta:
        verbose_name = _("meet-a-partner event")
        verbose_name_plural = _("meet-a-partner events")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class EventRegistration(models.Model):
    event = models.ForeignKey(PartnerEvent, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(
        NetworkMember,
        verbose_name=_("member organisation"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    user = models.ForeignKey(USER, verbose_name=_("registered"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="governance_registration_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}"


class GovernanceEvent(models.Model):
    """Who did what in the network's life: append-only, ids only (the objects hold no person data)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="events_log")
    kind = models.CharField(_("what"), max_length=40)
    actor = models.ForeignKey(USER, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("for"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.BigIntegerField(_("object id"), null=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("network event")
        verbose_name_plural = _("network events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"

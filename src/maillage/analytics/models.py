"""Stored, dated snapshots of the network's graph and indicators: aggregated, never a person.

A snapshot is taken for one network over one period. It keeps numbers about organisations and the links
between them; counts of persons are kept as plain numbers and hidden under 5 wherever they are shown
(`maillage.analytics.cells.SMALL_CELL`). No person id, name or date of a person's life is stored here.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.analytics.enums import AlertKind, SnapshotStatus
from maillage.core.models import PublicIdModel, TrackedModel
from maillage.core.versioning import VersionedModel


class Thresholds(VersionedModel):
    """The thresholds that raise alerts, set by the network's coordinators (one row per network).

    The defaults are starting points; each network tunes them to what its members find fair.
    """

    version_subject = ""

    network = models.OneToOneField(
        "governance.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="analytics_thresholds"
    )
    overload_ratio = models.DecimalField(
        _("overload: caseload over declared capacity"),
        max_digits=4,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0.1), MaxValueValidator(10)],
        help_text=_("An organisation following more persons than this share of its declared capacity is overloaded."),
    )
    overload_no_capacity_declines = models.PositiveSmallIntegerField(
        _("overload: declines for lack of capacity"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("This many referrals declined for lack of capacity in the period also signal an overload."),
    )
    rigid_share = models.PositiveSmallIntegerField(
        _("rigid criteria: share declined as out of criteria (%)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "An organisation that declines at least this share of the referrals it receives as out of its criteria "
            "may have criteria too rigid for the persons the network meets."
        ),
    )
    rigid_min_referrals = models.PositiveSmallIntegerField(
        _("rigid criteria: referrals received at least"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("The share is judged only for an organisation that received at least this many referrals."),
    )
    crisis_only_min = models.PositiveSmallIntegerField(
        _("crisis-only link: joint work at least"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("Two partners whose joint work (meetings, referrals) all happened in crises, this often."),
    )
    broker_dependence = models.PositiveSmallIntegerField(
        _("broker: share of connections that depend on one organisation (%)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "An organisation through which at least this share of the connections between the others go: if it "
            "left, these partners would lose touch."
        ),
    )
    silo_min_size = models.PositiveSmallIntegerField(
        _("silo: organisations at least"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("A group of at least this many organisations that work together and with no one else."),
    )
    over_solicitation_organisations = models.PositiveSmallIntegerField(
        _("over-solicitation: organisations involved at least"),
        default=5,
        validators=[MinValueValidator(2)],
        help_text=_("A person followed by at least this many organisations at once."),
    )
    over_solicitation_contacts = models.PositiveSmallIntegerField(
        _("over-solicitation: contacts and meetings in 30 days at least"),
        default=8,
        validators=[MinValueValidator(1)],
        help_text=_("A person with at least this many contacts and meetings about them in the last 30 days."),
    )
    over_solicitation_referrals = models.PositiveSmallIntegerField(
        _("over-solicitation: referrals sent for the person in 30 days at least"),
        default=4,
        validators=[MinValueValidator(1)],
        help_text=_("A person for whom at least this many referrals were sent in the last 30 days."),
    )
    over_solicitation_own_share = models.PositiveSmallIntegerField(
        _("over-solicitation: share of actions carried by the person at most (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "One of the three signals above counts only if the person carries at most this share of the open "
            "actions of their project: a person who carries their own project is an actor, not a target."
        ),
    )
    abandonment_days = models.PositiveSmallIntegerField(
        _("abandonment: days without contact at least"),
        default=60,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A person nobody has been in contact with for this many days, or with a need open this long that no "
            "organisation carries."
        ),
    )
    referral_unanswered_days = models.PositiveSmallIntegerField(
        _("abandonment: days a referral stays unanswered at least"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("A person whose referral has waited this many days for an answer."),
    )
    hot_potato_hours = models.PositiveSmallIntegerField(
        _("hot potato: hours after an urgent event"),
        default=72,
        validators=[MinValueValidator(1)],
        help_text=_("A referral sent within this many hours after a crisis began passes the situation on."),
    )
    hot_potato_min = models.PositiveSmallIntegerField(
        _("hot potato: situations at least"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "An organisation that passed on at least this many situations (referrals soon after a crisis, chains "
            "of declines it started), or two partners who sent this many persons back and forth."
        ),
    )
    unmet_min_persons = models.PositiveSmallIntegerField(
        _("unmet need: persons at least"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "At least this many persons with an open need in a commune where no service of that life domain has "
            "room nearby."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("alert thresholds")
        verbose_name_plural = _("alert thresholds")

    def __str__(self) -> str:
        return f"thresholds {self.network_id}"


class DeclaredCapacity(VersionedModel):
    """How many persons an organisation says it can follow at once: the yardstick of its load."""

    version_subject = ""

    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    persons = models.PositiveIntegerField(
        _("persons it can follow at once"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("declared capacity")
        verbose_name_plural = _("declared capacities")

    def __str__(self) -> str:
        return f"capacity {self.organisation_id}: {self.persons}"


class Snapshot(PublicIdModel):
    """The network's graph and indicators over one period, computed once and read by the dashboard."""

    network = models.ForeignKey(
        "governance.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="analytics_snapshots"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    taken_at = models.DateTimeField(_("computed at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=SnapshotStatus, default=SnapshotStatus.RUNNING)
    organisations = models.PositiveIntegerField(_("organisations"), default=0)
    links = models.PositiveIntegerField(_("links"), default=0)
    persons = models.PositiveIntegerField(_("persons followed"), default=0)
    density = models.FloatField(_("density"), default=0)
    centralisation = models.FloatField(_("degree centralisation"), default=0)
    components = models.PositiveIntegerField(_("components"), default=0)
    largest_component_share = models.FloatField(_("share in the largest component"), default=0)
    fragmentation = models.FloatField(_("fragmentation"), default=0)
    communities = models.PositiveIntegerField(_("communities"), default=0)
    modularity = models.FloatField(_("modularity"), default=0)
    reciprocity = models.FloatField(_("reciprocity of referrals"), null=True, blank=True)
    core_size = models.PositiveIntegerField(_("organisations in the core"), default=0)
    referrals_counted = models.BooleanField(_("referrals counted"), default=False)
    trust_campaign = models.ForeignKey(
        "analytics.TrustCampaign",
        verbose_name=_("trust survey read"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stages = models.JSONField(_("time per stage (seconds)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("network snapshot")
        verbose_name_plural = _("network snapshots")
        ordering = ["-period_end", "-taken_at"]
        indexes = [models.Index(fields=["network", "status", "-period_end"], name="analytics_snap_net_idx")]

    def __str__(self) -> str:
        return f"snapshot {self.pk} ({self.period_start}-{self.period_end})"


class OrganisationMetrics(models.Model):
    """One organisation in a snapshot: its place in the graph and its load."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="organisation_metrics")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    sector = models.CharField(_("sector"), max_length=40, blank=True)
    degree = models.PositiveIntegerField(_("partners"), default=0)
    strength = models.PositiveIntegerField(_("strength of its links"), default=0)
    betweenness = models.FloatField(_("betweenness"), default=0)
    dependence = models.FloatField(_("connections that depend on it"), default=0)
    coreness = models.PositiveIntegerField(_("coreness"), default=0)
    in_core = models.BooleanField(_("in the core"), default=False)
    component = models.PositiveIntegerField(_("component"), default=0)
    community = models.PositiveIntegerField(_("community"), default=0)
    caseload = models.PositiveIntegerField(_("active caseload"), default=0)
    capacity = models.PositiveIntegerField(_("declared capacity"), null=True, blank=True)
    heavy = models.PositiveIntegerField(_("heavy situations"), default=0)
    referrals_received = models.PositiveIntegerField(_("referrals received"), default=0)
    referrals_sent = models.PositiveIntegerField(_("referrals sent"), default=0)
    declined_no_capacity = models.PositiveIntegerField(_("declined for lack of capacity"), default=0)
    declined_out_of_criteria = models.PositiveIntegerField(_("declined as out of criteria"), default=0)
    answer_hours = models.FloatField(_("median time to answer (hours)"), null=True, blank=True)
    heavy_share = models.FloatField(_("share of heavy situations"), null=True, blank=True)
    urgent_handoffs = models.PositiveIntegerField(_("referrals sent soon after a crisis began"), default=0)
    decline_chains = models.PositiveIntegerField(_("chains of declines it started"), default=0)
    trust_given = models.FloatField(_("average trust given"), null=True, blank=True)
    trust_received = models.FloatField(_("average trust received"), null=True, blank=True)
    over_solicited = models.PositiveIntegerField(_("persons who may be over-solicited"), default=0)
    abandoned = models.PositiveIntegerField(_("persons who may feel abandoned"), default=0)
    x = models.FloatField(default=0.5)
    y = models.FloatField(default=0.5)

    class Meta:
        verbose_name = _("organisation in a snapshot")
        verbose_name_plural = _("organisations in a snapshot")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "organisation"], name="analytics_orgmetrics_unique")
        ]

    def __str__(self) -> str:
        return f"org {self.organisation_id} in {self.snapshot_id}"

    @property
    def load(self) -> float | None:
        return self.caseload / self.capacity if self.capacity else None


class LinkMetrics(models.Model):
    """The link between two organisations in a snapshot (`source` < `target` by id), in both directions."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="link_metrics")
    source = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    shared_persons = models.PositiveIntegerField(_("persons followed together"), default=0)
    meetings = models.PositiveIntegerField(_("meetings attended together"), default=0)
    referrals_forward = models.PositiveIntegerField(_("referrals from the first to the second"), default=0)
    referrals_back = models.PositiveIntegerField(_("referrals from the second to the first"), default=0)
    referrals_taken_up = models.PositiveIntegerField(_("referrals accepted or completed"), default=0)
    referrals_declined = models.PositiveIntegerField(_("referrals declined"), default=0)
    crisis_work = models.PositiveIntegerField(_("joint work in crises"), default=0)
    calm_work = models.PositiveIntegerField(_("joint work outside crises"), default=0)
    ping_pong = models.PositiveIntegerField(_("persons sent back and forth"), default=0)
    weight = models.FloatField(_("observed strength"), default=0)
    stated_trust = models.FloatField(_("stated trust"), null=True, blank=True)
    stated_value = models.FloatField(_("stated value of the partnership"), null=True, blank=True)

    class Meta:
        verbose_name = _("link in a snapshot")
        verbose_name_plural = _("links in a snapshot")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "source", "target"], name="analytics_linkmetrics_unique")
        ]
        indexes = [models.Index(fields=["snapshot", "-weight"], name="analytics_link_weight_idx")]

    def __str__(self) -> str:
        return f"link {self.source_id}-{self.target_id} in {self.snapshot_id}"

    @property
    def crisis_only(self) -> bool:
        return self.crisis_work > 0 and self.calm_work == 0


class NeedGap(models.Model):
    """Persons with an open need in a life domain, living in a commune with no service of that domain with
    capacity (a count, hidden under 5 wherever it is shown)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="need_gaps")
    commune = models.ForeignKey("territories.Territory", on_delete=models.CASCADE, related_name="+")
    life_domain = models.ForeignKey("directory.TaxonomyTerm", on_delete=models.CASCADE, related_name="+")
    persons = models.PositiveIntegerField(_("persons"))
    services_nearby = models.PositiveIntegerField(_("services of the domain nearby"), default=0)

    class Meta:
        verbose_name = _("unmet need")
        verbose_name_plural = _("unmet needs")

    def __str__(self) -> str:
        return f"gap {self.commune_id}/{self.life_domain_id}"


class Alert(models.Model):
    """A situation the snapshot detected, with the numbers that raised it (`facts`) so it can say why."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    other_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    commune = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    life_domain = models.ForeignKey(
        "directory.TaxonomyTerm", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    facts = models.JSONField(_("the numbers behind it"), default=dict)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} in {self.snapshot_id}"


class TrustCampaign(TrackedModel, VersionedModel):
    """A stated trust survey (after the PARTNER tool), opened by the network's coordinators for a period.

    Each member organisation rates each partner it worked with (the links of the observed graph when the campaign
    opened: one `TrustRating` row per rater and partner, unanswered until it answers). With `anonymous`, no
    output says which organisation gave which rating (`maillage.analytics.trust`, rule 4).
    """

    version_subject = ""

    network = models.ForeignKey(
        "governance.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="trust_campaigns"
    )
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"))
    anonymous = models.BooleanField(
        _("anonymous raters"),
        default=True,
        help_text=_("No result says which organisation gave which rating; averages received need 3 raters."),
    )
    observed_from = models.DateField(_("partners observed from"))
    observed_to = models.DateField(_("partners observed until"))

    class Meta:
        verbose_name = _("trust survey")
        verbose_name_plural = _("trust surveys")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=F("opens_on")), name="analytics_trust_dates")
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on

    def is_finished(self, today) -> bool:
        return today > self.closes_on


class TrustRating(VersionedModel):
    """One member organisation's rating of one partner in a campaign (1 to 4 each; empty until it answers)."""

    version_subject = ""
    version_unlogged = ("answered_at",)

    campaign = models.ForeignKey(TrustCampaign, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("rating organisation"), on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+"
    )
    openness = models.PositiveSmallIntegerField(
        _("openness"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    reliability = models.PositiveSmallIntegerField(
        _("reliability"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    shared_mission = models.PositiveSmallIntegerField(
        _("shared mission"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    resources = models.PositiveSmallIntegerField(
        _("resources it brings"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    involvement = models.PositiveSmallIntegerField(
        _("its involvement"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("trust rating")
        verbose_name_plural = _("trust ratings")
        ordering = ["campaign", "rater", "partner"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "rater", "partner"], name="analytics_trust_rating_unique"),
            models.CheckConstraint(condition=~models.Q(rater=F("partner")), name="analytics_trust_not_self"),
        ]

    def __str__(self) -> str:
        return f"rating {self.rater_id}->{self.partner_id} in {self.campaign_id}"

    @property
    def trust(self) -> float | None:
        """Stated trust: the mean of openness, reliability and shared mission (PARTNER's trust score)."""
        scores = (self.openness, self.reliability, self.shared_mission)
        return sum(scores) / 3 if None not in scores else None

    @property
    def value(self) -> float | None:
        """The value the partner brings: the mean of its resources and its involvement."""
        scores = (self.resources, self.involvement)
        return sum(scores) / 2 if None not in scores else None

"""Stored, dated snapshots of the network's graph and indicators: aggregated, never a person.

A snapshot is taken for one network over one period. It keeps numbers about organisations and the links
between them; counts of persons are kept as plain numbers and hidden under 5 wherever they are shown
(`maillage.analytics.cells.SMALL_CELL`). No person id, name or date of a person's life is stored here.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.analytics.enums import AlertKind, SnapshotStatus
from maillage.core.models import PublicIdModel
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
    )
    rigid_min_referrals = models.PositiveSmallIntegerField(
        _("rigid criteria: referrals received at least"), default=5, validators=[MinValueValidator(1)]
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
    )
    silo_min_size = models.PositiveSmallIntegerField(
        _("silo: organisations at least"), default=2, validators=[MinValueValidator(1)]
    )
    over_solicitation_organisations = models.PositiveSmallIntegerField(
        _("over-solicitation: organisations involved at least"), default=5, validators=[MinValueValidator(2)]
    )
    over_solicitation_contacts = models.PositiveSmallIntegerField(
        _("over-solicitation: contacts and meetings in 30 days at least"), default=8, validators=[MinValueValidator(1)]
    )
    over_solicitation_own_share = models.PositiveSmallIntegerField(
        _("over-solicitation: share of actions carried by the person at most (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
    )
    abandonment_days = models.PositiveSmallIntegerField(
        _("abandonment: days without contact at least"), default=60, validators=[MinValueValidator(1)]
    )
    referral_unanswered_days = models.PositiveSmallIntegerField(
        _("abandonment: days a referral stays unanswered at least"), default=14, validators=[MinValueValidator(1)]
    )
    hot_potato_hours = models.PositiveSmallIntegerField(
        _("hot potato: hours after an urgent event"), default=72, validators=[MinValueValidator(1)]
    )
    hot_potato_min = models.PositiveSmallIntegerField(
        _("hot potato: situations at least"), default=1, validators=[MinValueValidator(1)]
    )
    unmet_min_persons = models.PositiveSmallIntegerField(
        _("unmet need: persons at least"), default=1, validators=[MinValueValidator(1)]
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

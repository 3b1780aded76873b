"""The partner directory: who does what, where, for whom (HSDS 3.0 names where the concept is the same).

The organisation is `accounts.Organisation`. Every record is a `TrackedModel`: its `public_id` is the
HSDS `id` (imported HSDS UUIDs are kept; data·inclusion string ids become uuid5 of "source:id"), and it
keeps `updated_at` / `updated_by`.
"""

from datetime import timedelta

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TrackedModel
from maillage.directory.enums import (
    CapacityStatus,
    LocationType,
    MappingScheme,
    PhoneType,
    ServiceStatus,
)
from maillage.directory.taxonomy import BUILTIN_TAXONOMY_ID as BUILTIN_TAXONOMY_ID  # re-exported


class Taxonomy(TrackedModel):
    """A vocabulary of needs: the built-in one (life domains) or one imported from HSDS."""

    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)
    is_builtin = models.BooleanField(_("built in"), default=False)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(TrackedModel):
    """A need. In the built-in taxonomy the life domains are level 1, their sub-terms level 2.

    `synonyms` (French and English words people type, e.g. "toxicomanie" for addictions) feed the search.
    """

    taxonomy = models.ForeignKey(Taxonomy, verbose_name=_("taxonomy"), on_delete=models.CASCADE, related_name="terms")
    code = models.CharField(_("code"), max_length=120)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    name_fr = models.CharField(_("name (French)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    synonyms = models.JSONField(_("synonyms"), default=list, blank=True)
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    term_uri = models.URLField(_("term URI"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy_id", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="directory_term_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "fr").startswith("en") and self.name_en:
            return self.name_en
        return self.name_fr

    @property
    def description(self) -> str:
        if (get_language() or "fr").startswith("en") and self.description_en:
            return self.description_en
        return self.description_fr


class TermMapping(TrackedModel):
    """Our term ↔ a term or code of another vocabulary (data·inclusion thématique, Soliguide category...)."""

    term = models.ForeignKey(TaxonomyTerm, verbose_name=_("term"), on_delete=models.CASCADE, related_name="mappings")
    scheme = models.CharField(_("scheme"), max_length=20, choices=MappingScheme)
    external_code = models.CharField(_("external code"), max_length=255)
    external_term = models.ForeignKey(
        TaxonomyTerm,
        verbose_name=_("external term"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mapped_from",
    )

    class Meta:
        verbose_name = _("term mapping")
        verbose_name_plural = _("term mappings")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "external_code", "term"], name="directory_termmapping_unique")
        ]
        indexes = [models.Index(fields=["scheme", "external_code"], name="directory_termmap_code_idx")]

    def __str__(self) -> str:
        return f"{self.term.code} ↔ {self.scheme}:{self.external_code}"


# A capacity declared longer ago than this is not shown as "places available" (it may well be full by now).
CAPACITY_FRESH_FOR = timedelta(days=30)


class Service(TrackedModel):
    """What an organisation offers, for whom and how to get it.

    Criteria are structured: age range, `situations` (list of `Situation` values the service is meant for;
    empty means everyone), `residence_required` (the person must live in one of the service areas), plus the
    free-text `eligibility_description`. `opening_hours` uses the OpenStreetMap syntax. Lists (`languages`
    as ISO 639-1 codes, `mobilisable_by`, `mobilisation_means`) are JSON lists of enum values.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("alternate name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus, default=ServiceStatus.ACTIVE)
    interpretation_services = models.TextField(_("interpretation services"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    is_free = models.BooleanField(_("free of charge"), null=True, blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    kinds = models.JSONField(_("kind of service"), default=list, blank=True)  # `ServiceKind` values
    # Delivered at its locations, remotely (phone, video, online: found from every place its areas cover), or both.
    on_site = models.BooleanField(_("delivered on site"), default=True)
    remote = models.BooleanField(_("delivered remotely"), default=False)
    # Eligibility
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    situations = models.JSONField(_("situations it is meant for"), default=list, blank=True)
    residence_required = models.BooleanField(_("must live in the service area"), default=False)
    eligibility_description = models.TextField(_("eligibility"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # How to access it
    self_referral = models.BooleanField(_("the person may come on their own"), default=True)
    professional_referral = models.BooleanField(_("referral by a professional"), default=False)
    appointment_required = models.BooleanField(_("appointment required"), default=False)
    mobilisable_by = models.JSONField(_("who can mobilise it"), default=list, blank=True)
    mobilisation_means = models.JSONField(_("how to mobilise it"), default=list, blank=True)
    mobilisation_link = models.URLField(_("mobilisation link"), max_length=500, blank=True)
    opening_hours = models.CharField(_("opening hours (OpenStreetMap syntax)"), max_length=500, blank=True)
    # Capacity
    capacity_status = models.CharField(_("capacity"), max_length=20, choices=CapacityStatus, blank=True)
    capacity_updated_at = models.DateTimeField(_("capacity updated at"), null=True, blank=True)
    waiting_time_days = models.PositiveSmallIntegerField(_("waiting time (days)"), null=True, blank=True)
    needs = models.ManyToManyField(TaxonomyTerm, verbose_name=_("needs"), blank=True, related_name="services")
    hsds_ids = models.JSONField(default=dict, blank=True, editable=False)  # as `Location.hsds_ids`
    # Imported (without `--publish`) and not yet accepted by the network coordinator: not public until then.
    awaiting_validation = models.BooleanField(_("awaiting validation"), default=False, editable=False)
    # PostgreSQL full-text search (GIN index created in a vendor-guarded migration); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "capacity_status"], name="directory_service_status_idx"),
            models.Index(fields=["updated_at"], name="directory_service_updated_idx"),
            models.Index(fields=["remote"], condition=models.Q(remote=True), name="directory_service_remote_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_age_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def capacity_is_fresh(self) -> bool:
        """Whether the declared capacity is recent enough to be shown as it is."""
        return bool(self.capacity_updated_at and self.capacity_updated_at >= timezone.now() - CAPACITY_FRESH_FOR)

    @property
    def shows_places_available(self) -> bool:
        """Green "places available" only for a capacity declared within `CAPACITY_FRESH_FOR`."""
        return self.capacity_status == CapacityStatus.AVAILABLE and self.capacity_is_fresh

    def set_capacity(self, status: str, *, at=None) -> None:
        self.capacity_status = status
        self.capacity_updated_at = at or timezone.now()


class Location(TrackedModel):
    """Where services are delivered. `commune` ties it to the territory tree; coordinates give distances.

    A location imported without its organisation (HSDS allows it: a civic centre several partners use) has none
    until an import names it; only the network coordinators' tools reach it until then."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="locations",
    )
    location_type = models.CharField(_("type"), max_length=10, choices=LocationType, default=LocationType.PHYSICAL)
    name = models.CharField(_("name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    address_1 = models.CharField(_("address"), max_length=255, blank=True)
    address_2 = models.CharField(_("address (continued)"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    # HSDS requires `state_province` (a Belgian province, a Québec "QC"); `region` is the address's region.
    state_province = models.CharField(_("province or state"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_locations",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    opening_hours = models.CharField(_("opening hours (OpenStreetMap syntax)"), max_length=500, blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), null=True, blank=True)
    transportation = models.TextField(_("public transport"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # The HSDS ids of the records kept as fields here (address, accessibility, languages, schedules), as imported,
    # so that an export gives them back; see `hsds.mapping.nested_id`.
    hsds_ids = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="directory_location_coords_idx")]

    def __str__(self) -> str:
        return self.name or ", ".join(part for part in (self.address_1, self.city) if part)


class ServiceAtLocation(TrackedModel):
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="at_locations"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="service_links"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="directory_sal_unique")]
        indexes = [models.Index(fields=["location", "service"], name="directory_sal_location_idx")]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class ServiceArea(TrackedModel):
    """The territory a service covers: that territory and everything inside it (via `Territory.path`)."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="areas")
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="directory_service_areas",
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    extent = models.TextField(_("extent"), blank=True)
    extent_type = models.CharField(_("extent type"), max_length=40, blank=True)
    uri = models.URLField(_("URI"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        indexes = [models.Index(fields=["territory", "service"], name="directory_area_territory_idx")]

    def __str__(self) -> str:
        return self.name or str(self.territory)


class Phone(TrackedModel):
    """A phone number of a service, a location or an organisation (HSDS `phone`)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="directory_phones"
    )
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=40)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=12, choices=PhoneType, default=PhoneType.VOICE)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.number


class OrganisationIdentifier(TrackedModel):
    """An official identifier of an organisation as HSDS carries it (`organization_identifier`), kept whole so
    that an import gives it back on export: the organisation itself keeps one (`Organisation.identifier`) when its
    scheme is one we know; the others (and their ids) live here."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_identifiers"
    )
    identifier_scheme = models.CharField(_("identifier scheme"), max_length=255, blank=True)
    identifier_type = models.CharField(_("identifier type"), max_length=255)
    identifier = models.CharField(_("identifier"), max_length=255)

    class Meta:
        verbose_name = _("organisation identifier")
        verbose_name_plural = _("organisation identifiers")

    def __str__(self) -> str:
        return f"{self.identifier_type} {self.identifier}"


class Contact(TrackedModel):
    """A named contact for a service or an organisation, possibly at one of its locations (HSDS `contact`);
    professional details only."""

    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="directory_contacts"
    )
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    # Where the contact works, when it is one site's (its organisation is the location's); a closed site leaves the
    # contact with the organisation.
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    department = models.CharField(_("department"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hsds_ids = models.JSONField(default=dict, blank=True, editable=False)  # as `Location.hsds_ids` (its phone)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or self.email


class RequiredDocument(TrackedModel):
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="required_documents"
    )
    document = models.CharField(_("document"), max_length=255)
    uri = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self) -> str:
        return self.document


class SearchWord(models.Model):
    """A word of the directory's services (folded, as typed, three letters or more): the spelling index that
    corrects a search finding nothing ("logemnt" → "logement"). Filled as services are indexed
    (`search_index.py`), emptied by a full rebuild; a trigram index on PostgreSQL (migration 0007)."""

    word = models.CharField(max_length=40, unique=True)
    display = models.CharField(max_length=40)  # the word as written, accents kept ("assuétudes")

    def __str__(self) -> str:
        return self.display


class SavedSearch(models.Model):
    """A professional's directory search, kept to be told when a new service matches it or a match's capacity
    changes. Holds search words and filters only, never anything about a person; the query stays here (the
    alert links to the search page and to an unsubscribe page by a random token)."""

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=120)
    query = models.JSONField(_("search"), default=dict)  # `search.ServiceQuery` fields, as `saved_query` keeps them
    alerts = models.BooleanField(_("e-mail alerts"), default=True)
    # What the last alert (or the saving) saw: public service id → capacity as shown ("" if not fresh).
    known = models.JSONField(default=dict, editable=False)
    unsubscribe_token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["alerts"], name="directory_savedsearch_alerts")]

    def __str__(self) -> str:
        return self.name

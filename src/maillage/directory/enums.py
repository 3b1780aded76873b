"""Choices of the directory. Values are ASCII UPPER_SNAKE; HSDS and data·inclusion values are mapped on export."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceStatus(models.TextChoices):
    """HSDS 3.0 `service.status` (exported lower-case, "temporarily closed" with a space)."""

    ACTIVE = "ACTIVE", _("Active")
    INACTIVE = "INACTIVE", _("Inactive")
    DEFUNCT = "DEFUNCT", _("Defunct")
    TEMPORARILY_CLOSED = "TEMPORARILY_CLOSED", _("Temporarily closed")


class CapacityStatus(models.TextChoices):
    """The capacity the service declares; blank means not declared."""

    AVAILABLE = "AVAILABLE", _("Places available")
    WAITING_LIST = "WAITING_LIST", _("Waiting list")
    FULL = "FULL", _("Full")


class Situation(models.TextChoices):
    """Situations a service is meant for (data·inclusion `publics`, Soliguide publics), used as criteria."""

    HOMELESS = "HOMELESS", _("Homeless")
    POORLY_HOUSED = "POORLY_HOUSED", _("Poorly housed or at risk of eviction")
    DEBTS = "DEBTS", _("In debt")
    LOW_INCOME = "LOW_INCOME", _("Low income or minimum benefits")
    JOBSEEKER = "JOBSEEKER", _("Jobseeker")
    RELEASED_FROM_PRISON = "RELEASED_FROM_PRISON", _("Released from prison or under a court measure")
    MIGRANT = "MIGRANT", _("Migrant, refugee or asylum seeker")
    DISABILITY = "DISABILITY", _("Living with a disability")
    VIOLENCE_VICTIM = "VIOLENCE_VICTIM", _("Victim of violence")
    SINGLE_PARENT = "SINGLE_PARENT", _("Single parent")
    FAMILY = "FAMILY", _("Family with children")
    STUDENT = "STUDENT", _("Student")
    ADDICTION = "ADDICTION", _("Living with an addiction")
    MENTAL_ILLNESS = "MENTAL_ILLNESS", _("Living with a mental illness")
    CARER = "CARER", _("Family carer")


class ServiceKind(models.TextChoices):
    """What kind of service it is (data·inclusion `types`, exported as their slugs)."""

    SUPPORT = "SUPPORT", _("Support and follow-up")
    FINANCIAL_AID = "FINANCIAL_AID", _("Financial aid")
    WORKSHOP = "WORKSHOP", _("Workshop")
    TRAINING = "TRAINING", _("Training")
    INFORMATION = "INFORMATION", _("Information")


class Fees(models.TextChoices):
    """The fees filter of the search, from `Service.is_free` (data·inclusion `frais`: gratuit / payant)."""

    FREE = "free", _("Free of charge")
    PAID = "paid", _("Paying")


class DeliveryMode(models.TextChoices):
    """Where the service is delivered (data·inclusion `modes_accueil`: en-presentiel / a-distance)."""

    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remotely")


class Mobiliser(models.TextChoices):
    """Who may mobilise (ask for) the service (data·inclusion `mobilisable_par`)."""

    PROFESSIONALS = "PROFESSIONALS", _("Professionals")
    PERSON = "PERSON", _("The person themselves")
    CARERS = "CARERS", _("Relatives and carers")


class MobilisationMeans(models.TextChoices):
    """How the service is mobilised (data·inclusion `modes_mobilisation`)."""

    PHONE = "PHONE", _("Phone")
    EMAIL = "EMAIL", _("E-mail")
    FORM = "FORM", _("Form")
    WALK_IN = "WALK_IN", _("Walk in")
    LINK = "LINK", _("Online link")


class LocationType(models.TextChoices):
    """HSDS 3.0 `location.location_type`."""

    PHYSICAL = "PHYSICAL", _("Physical")
    POSTAL = "POSTAL", _("Postal")
    VIRTUAL = "VIRTUAL", _("Virtual")


class PhoneType(models.TextChoices):
    """HSDS 3.0 phone types."""

    VOICE = "voice", _("Voice")
    CELL = "cell", _("Mobile")
    TEXT = "text", _("Text messages")
    FAX = "fax", _("Fax")
    VIDEO = "video", _("Video")
    TEXTPHONE = "textphone", _("Textphone")
    PAGER = "pager", _("Pager")


class MappingScheme(models.TextChoices):
    """External vocabularies our needs taxonomy is mapped to."""

    DATA_INCLUSION = "data_inclusion", _("data·inclusion thématiques")
    SOLIGUIDE = "soliguide", _("Soliguide categories")
    HSDS_IMPORT = "hsds-import", _("Imported HSDS taxonomy")

from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    PROFESSIONAL = "PROFESSIONAL", _("Professional")
    PERSON = "PERSON", _("Person supported")


class Role(models.TextChoices):
    """A member's role in one organisation. Platform staff is `User.is_staff`, not a role."""

    ORGANISATION_ADMIN = "ORGANISATION_ADMIN", _("Organisation admin")
    PROFESSIONAL = "PROFESSIONAL", _("Professional")
    NETWORK_COORDINATOR = "NETWORK_COORDINATOR", _("Network coordinator")


class Sector(models.TextChoices):
    """The kinds of partner organisations in DOMAIN.md."""

    SOCIAL_ACTION = "SOCIAL_ACTION", _("Public social action centre (CPAS / CCAS)")
    MENTAL_HEALTH = "MENTAL_HEALTH", _("Mental-health centre")
    PSYCHIATRIC_HOSPITAL = "PSYCHIATRIC_HOSPITAL", _("Psychiatric hospital")
    GENERAL_HOSPITAL = "GENERAL_HOSPITAL", _("General hospital")
    ADDICTION = "ADDICTION", _("Addiction service")
    HOME_CARE = "HOME_CARE", _("Home-care service")
    HOUSING = "HOUSING", _("Housing service")
    DEBT_MEDIATION = "DEBT_MEDIATION", _("Debt mediation")
    EMPLOYMENT = "EMPLOYMENT", _("Employment and training service")
    GENERAL_PRACTICE = "GENERAL_PRACTICE", _("General practice")
    YOUTH_PROTECTION = "YOUTH_PROTECTION", _("Youth protection")
    JUSTICE_ASSISTANCE = "JUSTICE_ASSISTANCE", _("Justice assistance")
    DISABILITY = "DISABILITY", _("Disability service")
    FAMILY = "FAMILY", _("Family and parenting service")
    ASSOCIATION = "ASSOCIATION", _("Association")
    NETWORK = "NETWORK", _("Network coordination")
    OTHER = "OTHER", _("Other")


class IdentifierScheme(models.TextChoices):
    BCE = "BCE", _("Belgian company number (BCE/KBO)")
    SIRET = "SIRET", _("SIRET (France)")
    SIREN = "SIREN", _("SIREN (France)")
    FINESS = "FINESS", _("FINESS (France)")
    NEQ = "NEQ", _("Québec enterprise number (NEQ)")
    OTHER = "OTHER", _("Other")


class OrganisationStatus(models.TextChoices):
    PENDING = "PENDING", _("Awaiting validation")
    VALIDATED = "VALIDATED", _("Validated")
    DEACTIVATED = "DEACTIVATED", _("Deactivated")


class ApiScope(models.TextChoices):
    """What a personal access token may do. A browser session is limited by the user's rights only."""

    DIRECTORY_READ = "directory:read", _("Read the directory")
    DIRECTORY_WRITE = "directory:write", _("Change the directory")
    PERSONS_READ = "persons:read", _("Read persons' data")
    PERSONS_WRITE = "persons:write", _("Change persons' data")


class InvitationStatus(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    ACCEPTED = "ACCEPTED", _("Accepted")
    REVOKED = "REVOKED", _("Revoked")
    EXPIRED = "EXPIRED", _("Expired")


class AccountEventKind(models.TextChoices):
    INVITATION_CREATED = "INVITATION_CREATED", _("Invitation sent")
    INVITATION_REVOKED = "INVITATION_REVOKED", _("Invitation revoked")
    INVITATION_ACCEPTED = "INVITATION_ACCEPTED", _("Invitation accepted")
    MEMBERSHIP_DEACTIVATED = "MEMBERSHIP_DEACTIVATED", _("Member deactivated")
    MEMBERSHIP_REACTIVATED = "MEMBERSHIP_REACTIVATED", _("Member reactivated")
    ORGANISATION_UPDATED = "ORGANISATION_UPDATED", _("Organisation updated")
    TOKEN_CREATED = "TOKEN_CREATED", _("API token created")
    TOKEN_REVOKED = "TOKEN_REVOKED", _("API token revoked")
    LOGIN_LOCKED = "LOGIN_LOCKED", _("Login blocked after repeated failures")
    MFA_ENROLLED = "MFA_ENROLLED", _("Second factor added")
    MFA_FACTOR_REMOVED = "MFA_FACTOR_REMOVED", _("Second factor removed")
    MFA_RECOVERY_CODES_CREATED = "MFA_RECOVERY_CODES_CREATED", _("Recovery codes created")
    MFA_RECOVERY_CODE_USED = "MFA_RECOVERY_CODE_USED", _("Recovery code used")
    MFA_RESET = "MFA_RESET", _("Second factor reset")

"""The vocabulary of the access door: data categories, actions, outcomes and reasons.

This module imports nothing from the domain apps, so that `people` and `consent` can use it too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The categories of a person's data. Each one is shared (or not) on its own legal basis."""

    IDENTITY = "IDENTITY", _("Identity and contact")
    SOCIAL = "SOCIAL", _("Social situation")
    HEALTH = "HEALTH", _("Health")
    PROJECT = "PROJECT", _("Personalised project")
    COORDINATION = "COORDINATION", _("Coordination notes")
    DOCUMENTS = "DOCUMENTS", _("Documents")


class Action(models.TextChoices):
    VIEW = "VIEW", _("view")
    LIST = "LIST", _("list")
    SEARCH = "SEARCH", _("search")
    CREATE = "CREATE", _("create")
    EDIT = "EDIT", _("edit")
    DELETE = "DELETE", _("delete")
    EXPORT = "EXPORT", _("export")
    SHARE = "SHARE", _("record a sharing decision")
    NOTIFY = "NOTIFY", _("notify")
    BREAK_GLASS = "BREAK_GLASS", _("emergency access")


# Actions that only read. Break-the-glass grants these, and nothing else.
READ_ACTIONS = frozenset({Action.VIEW, Action.LIST, Action.SEARCH, Action.NOTIFY})


class Recipient(models.TextChoices):
    """Who a notification about a person went to: stored in the audit entry's extra, never the address."""

    PERSON = "person"
    REFERENT = "referent"
    ORGANISATION = "organisation"


class NetworkChange(models.TextChoices):
    """A change of the person's secondary network, decided by the door's rule 8 (`door.network_change`)."""

    ADD = "ADD", _("add an organisation")
    END = "END", _("end an involvement")
    EDIT = "EDIT", _("change an involvement")
    PROPOSE_END = "PROPOSE_END", _("propose to end an involvement")
    ANSWER_END = "ANSWER_END", _("answer a proposal to end an involvement")
    CHANGE_REFERENT = "CHANGE_REFERENT", _("change the referent")


class Outcome(models.TextChoices):
    ALLOWED = "ALLOWED", _("allowed")
    DENIED = "DENIED", _("denied")


class Reason(models.TextChoices):
    """Why the door answered as it did: stored in the audit, explained on "who saw my file"."""

    # allowed
    SELF = "SELF", _("the person themselves")
    CONSENT = "CONSENT", _("consent of the person")
    CARE_TEAM_SHARING = "CARE_TEAM_SHARING", _("care-team sharing (person informed, no objection)")
    LEGAL_OBLIGATION = "LEGAL_OBLIGATION", _("legal obligation")
    INVOLVED = "INVOLVED", _("organisation involved with the person")
    BREAK_GLASS = "BREAK_GLASS", _("emergency access (break the glass)")
    OPENED_FILE = "OPENED_FILE", _("opened the file")
    DUTY_TO_ALERT = "DUTY_TO_ALERT", _("duty to alert the person and their referent")
    OWN_ORGANISATION = "OWN_ORGANISATION", _("their own organisation's involvement")
    REFERENT = "REFERENT", _("the person's referent")
    REFERRAL_RECEIVER = "REFERRAL_RECEIVER", _("organisation a referral was sent to, before it answers")
    REFERRAL_SENDER = "REFERRAL_SENDER", _("organisation that sent a referral, until the first contact")
    EXTERNAL_LINK = "EXTERNAL_LINK", _("the link e-mailed to an organisation not on Maillage, for one referral")
    EXISTENCE_CHECK = "EXISTENCE_CHECK", _("checked whether a file exists, from the name, birth date and commune")
    # denied
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED", _("not logged in")
    UNKNOWN_PERSON = "UNKNOWN_PERSON", _("unknown person")
    NOT_INVOLVED = "NOT_INVOLVED", _("no active involvement")
    NO_BASIS = "NO_BASIS", _("no valid consent or sharing basis")
    OBJECTED = "OBJECTED", _("the person objected")
    HEALTH_NOT_CARE_PROVIDER = "HEALTH_NOT_CARE_PROVIDER", _("health data only for care providers or with consent")
    READ_ONLY = "READ_ONLY", _("emergency access is read-only")
    NOT_PROFESSIONAL = "NOT_PROFESSIONAL", _("no professional membership")
    ANONYMISED = "ANONYMISED", _("the file was anonymised")
    ALREADY_OPEN = "ALREADY_OPEN", _("an emergency access to this file is already open")
    DAILY_CAP = "DAILY_CAP", _("daily limit of emergency access requests reached")
    CONTROLLER_TOOL = "CONTROLLER_TOOL", _("a tool of the data controller, run on the server")
    OTHER_ORGANISATION = "OTHER_ORGANISATION", _("another organisation's involvement")
    NOT_REFERENT = "NOT_REFERENT", _("not the person's referent")
    EXTERNAL_LINK_INVALID = "EXTERNAL_LINK_INVALID", _("a referral's link unknown, expired, replaced or already used")
    EXTERNAL_LINK_THROTTLED = (
        "EXTERNAL_LINK_THROTTLED",
        _("too many referral links that do not work: further attempts refused for a while"),
    )

"""Counts of persons in analytics outputs: hidden under `SMALL_CELL`, everywhere they are shown.

1. A number that counts persons (or referrals and situations, each about one person) is a *person count*. Its
   field name is listed in `PERSON_COUNTS`: a new indicator that counts persons is added there, and every page,
   CSV and PDF hides it under 5 without further change.
2. A hidden count shows as "fewer than 5"; a number derived from a hidden count (a load ratio) is hidden too.
3. Zero is hidden as well: "no cell under 5 persons" admits no exception.
"""

from django.utils.translation import gettext_lazy as _

SMALL_CELL = 5

PERSON_COUNTS = frozenset(
    {
        # Snapshot
        "persons",
        # OrganisationMetrics
        "caseload",
        "heavy",
        "referrals_received",
        "referrals_sent",
        "declined_no_capacity",
        "declined_out_of_criteria",
        "over_solicited",
        "abandoned",
        # LinkMetrics
        "shared_persons",
        "referrals_forward",
        "referrals_back",
        "referrals_taken_up",
        "referrals_declined",
        # Alert facts
        "received",
        "out_of_criteria",
    }
)

# A share computed from person counts is hidden when one of them is (rule 2): its name -> the counts it uses.
DERIVED = {"load": ("caseload",), "heavy_share": ("heavy", "caseload")}

HIDDEN = _("fewer than 5")
HIDDEN_SHORT = "<5"


def is_person_count(name: str) -> bool:
    return name in PERSON_COUNTS


def hidden(name: str, value) -> bool:
    """Rule 1 and 3: is this value, under this field name, a count of persons too small to show?"""
    return is_person_count(name) and isinstance(value, int | float) and value < SMALL_CELL


def derived_hidden(name: str, row) -> bool:
    """Rule 2: is this share of `row` computed from a hidden count?"""
    return any(hidden(source, getattr(row, source, None)) for source in DERIVED.get(name, ()))

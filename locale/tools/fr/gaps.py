"""French for the gaps closed after issues 18, 21 and 23: referral contributions, body meeting calendars,
convention renewal reminders, a decision's carrier and date in the minutes."""

TRANSLATIONS = {
    "%(count)s referral sent": ("%(count)s orientation envoyée", "%(count)s orientations envoyées"),
    "%(count)s referral taken up": ("%(count)s orientation acceptée", "%(count)s orientations acceptées"),
    "%(body)s: meeting": "%(body)s : réunion",
}

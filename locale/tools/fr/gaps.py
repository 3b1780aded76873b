"""French for the gaps closed after issues 18, 21 and 23: referral contributions, body meeting calendars,
convention renewal reminders, a decision's carrier and date in the minutes."""

TRANSLATIONS = {
    "%(count)s referral sent": ("%(count)s orientation envoyée", "%(count)s orientations envoyées"),
    "%(count)s referral taken up": ("%(count)s orientation acceptée", "%(count)s orientations acceptées"),
    "%(body)s: meeting": "%(body)s : réunion",
    'The convention "%(title)s" of the network %(network)s ends on %(end)s, in %(counter)s day.': (
        "La convention « %(title)s » du réseau %(network)s prend fin le %(end)s, dans %(counter)s jour.",
        "La convention « %(title)s » du réseau %(network)s prend fin le %(end)s, dans %(counter)s jours.",
    ),
    "If its parties want to go on, agree on the renewal and record it in Maillage before that date; otherwise it "
    "simply ends.": "Si ses parties veulent poursuivre, convenez du renouvellement et enregistrez-le dans Maillage "
    "avant cette date ; sinon, elle prend simplement fin.",
    'Maillage: the convention "%(title)s" is to be renewed': "Maillage : la convention « %(title)s » est à renouveler",
    "renewal reminder": "rappel de renouvellement",
    "renewal reminders": "rappels de renouvellement",
    "end date reminded": "date de fin rappelée",
    "days before the end": "jours avant la fin",
    "e-mails sent": "courriels envoyés",
    "Not said": "Non précisé",
    "Decision %(number)d": "Décision %(number)d",
    "Who carries decision %(number)d": "Qui porte la décision %(number)d",
    "Decision %(number)d to be done by": "Décision %(number)d à réaliser pour le",
    "Write the decision that is carried or dated.": "Écrivez la décision que vous attribuez ou datez.",
    "A decision is done after the meeting, not before it.": "Une décision se réalise après la réunion, pas avant.",
    "carried by %(who)s": "portée par %(who)s",
    "by %(day)s": "pour le %(day)s",
    "carried by": "portée par",
    "organisation identifier": "identifiant de l'organisation",
    "organisation identifiers": "identifiants de l'organisation",
    "identifier type": "type d'identifiant",
    "identifier": "identifiant",
}

# ruff: noqa: E501
"""French for break-the-glass within limits (one open grant, daily cap, the coordinator's weekly list and digest)."""

TRANSLATIONS = {
    "an emergency access to this file is already open": "un accès d'urgence à ce dossier est déjà ouvert",
    "daily limit of emergency access requests reached": "limite quotidienne de demandes d'accès d'urgence atteinte",
    "You already have an emergency access to this file.": "Vous avez déjà un accès d'urgence à ce dossier.",
    "You have reached the limit of %(cap)s emergency access request in 24 hours. Ask the network coordinator if the emergency goes on.": (
        "Vous avez atteint la limite de %(cap)s demande d'accès d'urgence en 24 heures. Adressez-vous à la coordination du réseau si l'urgence continue.",
        "Vous avez atteint la limite de %(cap)s demandes d'accès d'urgence en 24 heures. Adressez-vous à la coordination du réseau si l'urgence continue.",
    ),
    "You already have an emergency access to this file, until %(until)s.": "Vous avez déjà un accès d'urgence à ce dossier, jusqu'au %(until)s.",
    "Emergency accesses (break the glass) opened in the network from %(first)s to %(last)s: %(total)s.": "Accès d'urgence (bris de glace) ouverts dans le réseau du %(first)s au %(last)s : %(total)s.",
    "None this week.": "Aucun cette semaine.",
    "Who, when, why and for how long: %(link)s": "Qui, quand, pourquoi et pour combien de temps : %(link)s",
    "Maillage: this week's emergency accesses": "Maillage : les accès d'urgence de la semaine",
    "You may ask for %(left)s more emergency access in the next 24 hours (at most %(daily_cap)s; every request counts, granted or not).": (
        "Vous pouvez encore demander %(left)s accès d'urgence dans les prochaines 24 heures (au plus %(daily_cap)s ; chaque demande compte, accordée ou non).",
        "Vous pouvez encore demander %(left)s accès d'urgence dans les prochaines 24 heures (au plus %(daily_cap)s ; chaque demande compte, accordée ou non).",
    ),
    "Emergency accesses of the week": "Les accès d'urgence de la semaine",
    "From Monday %(first)s to Sunday %(last)s.": "Du lundi %(first)s au dimanche %(last)s.",
    "Each line is an emergency access (break the glass) opened by a professional of the network outside the person's usual network: read-only, for %(hours)s hours at most, at most %(daily_cap)s requests per professional in 24 hours. The person and their referent were told. Files are shown by the start of their id only.": "Chaque ligne est un accès d'urgence (bris de glace) ouvert par un ou une professionnelle du réseau en dehors du réseau habituel de la personne : en lecture seule, pour %(hours)s heures au plus, au plus %(daily_cap)s demandes par professionnel en 24 heures. La personne et son référent ont été prévenus. Les dossiers ne sont montrés que par le début de leur identifiant.",
    "Emergency accesses opened this week, most recent first": "Accès d'urgence ouverts cette semaine, du plus récent au plus ancien",
    "File": "Dossier",
    "How long": "Durée",
    "open now": "ouvert en ce moment",
    "closed early": "fermé avant la fin",
    "No emergency access was opened this week.": "Aucun accès d'urgence n'a été ouvert cette semaine.",
    "Weeks": "Semaines",
    "Previous week": "Semaine précédente",
    "Next week": "Semaine suivante",
    "Your organisation already works with this person: no emergency access is needed.": "Votre organisation accompagne déjà cette personne : aucun accès d'urgence n'est nécessaire.",
    "The week's emergency accesses to files (break the glass) in the network: who, when, why, how long.": "Les accès d'urgence aux dossiers (bris de glace) de la semaine dans le réseau : qui, quand, pourquoi, combien de temps.",
    "a tool of the data controller, run on the server": "un outil du responsable du traitement, lancé sur le serveur",
    "Emergency accesses this week": "Accès d'urgence cette semaine",
    "Required. The referent and the person are told, this access stands out in the audit, and the network coordinator reviews the reason: describe the situation without naming the person.": "Obligatoire. Le référent et la personne sont prévenus, cet accès ressort dans le journal d'audit et la coordination du réseau relit la raison : décrivez la situation sans nommer la personne.",
}

"""French for the outward half of the personalised project: the readable document and its PDF, the person's own
space, the team around the person, the FHIR export and the API."""

TRANSLATIONS = {
    # core/documents.py
    "Page %(page)s of %(total)s": "Page %(page)s sur %(total)s",
    "Made on %(date)s with Maillage": "Fait le %(date)s avec Maillage",
    # people/_team.html
    "Who supports you": "Qui vous accompagne",
    "The people who support you": "Les personnes qui vous accompagnent",
    "The team around the person": "L'équipe autour de la personne",
    "your referent": "votre référent",
    "referent": "référent",
    "Call": "Appeler",
    "Write a message": "Écrire un message",
    "Write an e-mail": "Écrire un e-mail",
}

# ruff: noqa: E501
"""French for the person's own space: plain words in the second person, their login, writing to the referent."""

TRANSLATIONS = {
    "Your network": "Votre réseau",
    "Your needs": "Vos besoins",
    "Who can see what": "Qui peut voir quoi",
    "Who looked at your file": "Qui a regardé votre dossier",
    "All your data": "Toutes vos données",
    "The organisations that support you": "Les organisations qui vous accompagnent",
    "Where the organisations disagree": "Là où les organisations ne sont pas d'accord",
    "Add an organisation to your network": "Ajouter une organisation à votre réseau",
    "What you agreed to share": "Ce que vous avez accepté de partager",
    "What you refuse to share": "Ce que vous refusez de partager",
    "Let someone see more": "Laisser quelqu'un voir davantage",
    "Stop someone from seeing something": "Empêcher quelqu'un de voir quelque chose",
    "What you no longer share": "Ce que vous ne partagez plus",
    "You are in the centre; the people close to you on the left, the organisations that support you on the right. The legend is inside the picture.": "Vous êtes au centre ; vos proches à gauche, les organisations qui vous accompagnent à droite. La légende est dans l'image.",
    "Where the person lives, to find services near them.": "Là où la personne habite, pour trouver des services près de chez elle.",
    "Change the identity and contact details": "Modifier l'identité et les coordonnées",
    "The identity and contact details were saved.": "L'identité et les coordonnées sont enregistrées.",
    "corrected your identity or contact details": "a corrigé votre identité ou vos coordonnées",
}

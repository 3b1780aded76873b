# ruff: noqa: E501
"""French for the forgiving directory search and the HSDS import (issue 18, items 7 and 9)."""

TRANSLATIONS = {
    "Order": "Ordre",
    "Best match first": "Les plus pertinents d'abord",
    "Nearest first": "Les plus proches d'abord",
    "Results for “%(corrected)s”: nothing was found for “%(typed)s”.": "Résultats pour « %(corrected)s » : rien n'a été trouvé pour « %(typed)s ».",
    "province or state": "province ou État",
    "region": "région",
    "awaiting validation": "en attente de validation",
    "Imported services awaiting validation": "Services importés en attente de validation",
    "Their organisations are already public; each imported service appears in the public directory once you publish it. Refusing makes it inactive.": "Leurs organisations sont déjà publiques ; chaque service importé apparaît dans l'annuaire public une fois que vous le publiez. Le refuser le rend inactif.",
    "Publish": "Publier",
    "Languages spoken": "Langues parlées",
    "%(name)s is now public.": "%(name)s est désormais public.",
    "%(name)s was refused and made inactive.": "%(name)s a été refusé et rendu inactif.",
    "This service is not awaiting validation.": "Ce service n'est pas en attente de validation.",
}

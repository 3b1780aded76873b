# ruff: noqa: E501
"""French for the forgiving directory search and the HSDS import (issue 18, items 7 and 9)."""

TRANSLATIONS = {
    "Order": "Ordre",
    "Best match first": "Les plus pertinents d'abord",
    "Nearest first": "Les plus proches d'abord",
    "Results for “%(corrected)s”: nothing was found for “%(typed)s”.": "Résultats pour « %(corrected)s » : rien n'a été trouvé pour « %(typed)s ».",
    "province or state": "province ou État",
    "region": "région",
}

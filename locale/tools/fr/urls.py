# ruff: noqa: E501
"""French for issue 17, items 5 and 6 (no personal data in URLs)."""

TRANSLATIONS = {
    "Search by name with POST /api/v1/people/persons/search: no name in a URL.": "Recherchez par nom avec POST /api/v1/people/persons/search : aucun nom dans une URL.",
}

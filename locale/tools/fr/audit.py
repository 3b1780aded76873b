"""French for the keyed audit chain (h-audit): the fields of an audit entry."""

TRANSLATIONS = {
    "audit key": "clé d'audit",
    "MAC": "MAC (code d'authentification)",
}

"""THE access door: the rules are in `maillage.access.door`, the audit chain in `maillage.access.audit`.

`from maillage.access import person_for` works once the apps are loaded (the names are re-exported lazily).
"""

_DOOR_NAMES = {
    "Decision",
    "decide",
    "check",
    "require",
    "person_for",
    "persons_visible_to",
    "categories_for",
    "categories_for_many",
    "audit_list",
    "person_data",
    "no_person_data",
}


def __getattr__(name: str):
    if name in _DOOR_NAMES:
        from maillage.access import door

        return getattr(door, name)
    if name in {"Category", "Action", "Outcome", "Reason"}:
        from maillage.access import enums

        return getattr(enums, name)
    raise AttributeError(name)

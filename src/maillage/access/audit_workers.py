"""The worker processes of `audit.verify` on a long chain.

This module imports nothing of Django when it is loaded: a spawned worker unpickles these functions first, and
must set Django up before the models can be imported.
"""

from typing import Any


def start(database: dict[str, Any]) -> None:
    """Set Django up and read the parent's database (a test database, for one, has another name)."""
    import django

    django.setup()
    from django.db import DEFAULT_DB_ALIAS, connections

    connections[DEFAULT_DB_ALIAS].settings_dict.update(database)


def verify_segment(bounds: tuple[int, int], chunk: int) -> Any:
    from maillage.access.audit import _verify_segment

    return _verify_segment(bounds, chunk)

"""Builders for project tests: an objective and an action through the services (the door and the version
guard included), with sensible defaults."""

from typing import Any

from maillage.projects import services
from maillage.projects.enums import Carrier


def objective(actor: Any, project: Any, words: str = "Trouver un logement", **fields: Any):
    project.refresh_from_db(fields=["version"])
    fields.setdefault("indicator", "Un bail signé")
    return services.objective_add(actor, project=project, own_words=words, **fields)


def action(actor: Any, objective: Any, what: str = "Visiter des logements", **fields: Any):
    objective.project.refresh_from_db(fields=["version"])
    fields.setdefault("carrier", Carrier.PERSON)
    return services.action_add(actor, objective=objective, what=what, **fields)

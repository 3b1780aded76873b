"""Reads of one row of a person's file, for views and the API once the person came through the door.

The door (`maillage.access.door`) decides whether the actor may see the person at all; these pick one row of
that person's file by its id, so that views never query the person-data models themselves (the lint ban in
pyproject.toml). Each answers None for a row of another person, so the view answers 404.
"""

from uuid import UUID

from maillage.people.models import Involvement, Person, Relation


def relation_of(person: Person, public_id: UUID) -> Relation | None:
    return Relation.objects.filter(person=person, public_id=public_id).first()


def involvement_of(person: Person, public_id: UUID) -> Involvement | None:
    return Involvement.objects.select_related("organisation").filter(person=person, public_id=public_id).first()


def involvement_active(person: Person, organisation) -> Involvement | None:
    """The organisation's active involvement with the person, if any."""
    return Involvement.objects.active().filter(person=person, organisation=organisation).first()

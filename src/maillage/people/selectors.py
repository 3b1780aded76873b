"""Reads of person data for views and the API, on top of the door.

The door (`maillage.access.door`) decides whether the actor may see the person at all. The `*_of` readers pick
one row of that person's file by its id, so that views never query the person-data models themselves (the lint
ban in pyproject.toml); each answers None for a row of another person, so the view answers 404.
"""

from typing import Any
from uuid import UUID

from django.db.models import Q

from maillage.access.door import categories_for_many, persons_visible_to
from maillage.access.enums import Category
from maillage.people.models import Involvement, Person, Relation

SEARCH_LIMIT = 500


def person_search(actor: Any, query: str) -> list[Person]:
    """The persons `actor` may know whose first or last name holds every word of `query`, by name.

    A name matches only where the actor may see the identity: a masked name must not be findable. At most
    `SEARCH_LIMIT` candidates. Writes no audit entry: the caller audits the page it shows (`audit_list`, SEARCH).
    The words come in a request body, never in a URL (no name in access logs, history or proxies).
    """
    terms = Q()
    for word in query.split():
        terms &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    visible = persons_visible_to(actor).select_related("commune").by_name()
    candidates = list(visible.filter(terms)[:SEARCH_LIMIT])
    categories = categories_for_many(actor, candidates)
    return [person for person in candidates if Category.IDENTITY in categories[person.pk]]


def relation_of(person: Person, public_id: UUID) -> Relation | None:
    return Relation.objects.filter(person=person, public_id=public_id).first()


def involvement_of(person: Person, public_id: UUID) -> Involvement | None:
    return Involvement.objects.select_related("organisation").filter(person=person, public_id=public_id).first()


def involvement_active(person: Person, organisation) -> Involvement | None:
    """The organisation's active involvement with the person, if any."""
    return Involvement.objects.active().filter(person=person, organisation=organisation).first()

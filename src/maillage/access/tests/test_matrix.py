"""The authorisation matrix, against the door functions: every cell of the table in matrix.py.

One database situation per (actor kind, basis state, basis kind, involvement state); every category is
checked in it (actor kind x category x basis state x involvement state, and the basis kind).
"""

import dataclasses

import pytest
from django.http import Http404

from maillage.access import door
from maillage.access.enums import Action, Category, Outcome
from maillage.access.models import AccessEvent
from maillage.access.tests.matrix import build, exists_expected, expected, situations

pytestmark = pytest.mark.django_db

SITUATIONS = situations()


@pytest.mark.parametrize("situation_case", SITUATIONS, ids=[c.id.replace("/identity", "") for c in SITUATIONS])
def test_door(situation_case):
    situation = build(situation_case)
    actor, person = situation.actor, situation.person
    assert (person in door.persons_visible_to(actor)) is exists_expected(situation_case)
    visible = door.categories_for(actor, person)
    for category in Category:
        case = dataclasses.replace(situation_case, category=category)
        allowed = expected(case)
        assert door.decide(actor, person, Action.VIEW, category).allowed is allowed, case.id
        assert (category in visible) is allowed, case.id
        purpose = f"matrix-{category}"
        if allowed:
            assert door.person_for(actor, person.public_id, category=category, purpose=purpose) == person
        else:
            with pytest.raises(Http404):
                door.person_for(actor, person.public_id, category=category, purpose=purpose)
        event = AccessEvent.objects.get(person_id=person.pk, purpose=purpose)
        assert (event.actor_id, event.category) == (situation.user.pk, category), case.id
        assert event.outcome == (Outcome.ALLOWED if allowed else Outcome.DENIED), case.id

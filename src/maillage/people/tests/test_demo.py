import pytest

from maillage.access import audit, door
from maillage.access.enums import Category
from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.accounts.actors import actor_for
from maillage.accounts.models import User
from maillage.consent.models import Consent, Objection
from maillage.core.demo import DemoTerritory, clear_demo, generate_demo
from maillage.people.demo import PERSON_LOGIN, PROFESSIONAL_LOGIN
from maillage.people.enums import InvolvementRole, InvolvementStatus
from maillage.people.models import Involvement, Need, Person, Relation

pytestmark = pytest.mark.django_db


def test_demo_persons_networks_consents_and_audit():
    generate_demo(DemoTerritory(seed=5, sizes={"organisations": 20, "services": 5, "persons": 150}, progress=False))

    # The 150 asked for, and the few the analytics part plants for its situations (analytics/demo.py).
    assert 150 < Person.objects.count() <= 150 + 20
    assert Need.objects.exists() and Relation.objects.exists()
    assert Involvement.objects.filter(status=InvolvementStatus.ENDED).exists()
    referents = Involvement.objects.filter(role=InvolvementRole.REFERENT, status=InvolvementStatus.ACTIVE)
    assert referents.count() >= 100
    assert Consent.objects.filter(revoked_at__isnull=False).exists()
    assert Consent.objects.filter(expires_at__isnull=False).exists()
    assert Objection.objects.exists()
    assert BreakGlassGrant.objects.exists()
    assert AccessEvent.objects.filter(break_glass=True).exists()
    assert audit.verify().ok

    own = User.objects.get(email=PERSON_LOGIN)
    person = Person.objects.get(user=own)
    assert door.categories_for(actor_for(own), person) == frozenset(Category)
    professional = actor_for(User.objects.get(email=PROFESSIONAL_LOGIN))
    followed = door.persons_visible_to(professional)
    assert person in followed
    assert Category.SOCIAL in door.categories_for(professional, person)

    clear_demo()
    assert not Person.objects.exists()
    assert audit.verify().ok

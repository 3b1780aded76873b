import pytest
from django.http import Http404

from maillage.access import door
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.access.models import AccessEvent
from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory
from maillage.people.tests.factories import ConsentFactory, InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_involved_professional_with_care_team_sharing_sees_identity_and_is_audited():
    membership = MembershipFactory()
    person = PersonFactory()
    InvolvementFactory(person=person, organisation=membership.organisation)
    ConsentFactory(person=person)
    actor = actor_for(membership.user)

    found = door.person_for(actor, person.public_id, action=Action.VIEW, category=Category.IDENTITY, purpose="t")

    assert found == person
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.person_id) == (Outcome.ALLOWED, Reason.CARE_TEAM_SHARING, person.pk)
    assert Category.HEALTH not in door.categories_for(actor, person)


def test_stranger_gets_404_and_denial_is_audited():
    membership = MembershipFactory()
    person = PersonFactory()
    with pytest.raises(Http404):
        door.person_for(membership.user and actor_for(membership.user), person.public_id)
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason) == (Outcome.DENIED, Reason.NOT_INVOLVED)
    assert list(door.persons_visible_to(actor_for(membership.user))) == []

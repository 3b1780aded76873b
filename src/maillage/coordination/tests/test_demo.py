"""The demo gives many persons a thread, contacts, crisis episodes and meetings, with decisions that became actions
of their project; regenerating it clears the previous one."""

import pytest

from maillage.coordination.models import Contact, CrisisEpisode, Decision, Meeting, Note
from maillage.core.demo import DemoTerritory, clear_demo, generate_demo
from maillage.people.demo import PERSON_LOGIN
from maillage.projects.models import ProjectAction

pytestmark = pytest.mark.django_db


def test_the_demo_has_threads_meetings_and_decisions_turned_into_actions():
    territory = DemoTerritory(seed=7, sizes={"organisations": 12, "services": 5, "persons": 60}, progress=False)
    generate_demo(territory)
    assert Note.objects.filter(reply_to__isnull=False).exists() and Contact.objects.exists()
    assert CrisisEpisode.objects.exists()
    assert Meeting.objects.filter(status="HELD").exists() and Meeting.objects.filter(status="PLANNED").exists()
    linked = list(Decision.objects.filter(action_id__isnull=False).select_related("meeting"))
    assert linked
    for decision in linked:
        action = ProjectAction.objects.get(pk=decision.action_id)
        assert action.person_id == decision.meeting.person_id and action.what == decision.text
    mine = Meeting.objects.filter(person__user__email=PERSON_LOGIN)
    assert mine.filter(status="PLANNED").exists() and mine.filter(decisions__action_id__isnull=False).exists()
    clear_demo()
    generate_demo(territory)
    assert Meeting.objects.exists()

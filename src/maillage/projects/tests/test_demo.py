"""The demo gives most persons a project: objectives in their words, actions carried by the person, a relative
and the care team, versions and answers, reviews held and planned, and views that differ; fictional and fast."""

import pytest

from maillage.core.demo import DemoTerritory, clear_demo, generate_demo
from maillage.people.demo import PERSON_LOGIN
from maillage.people.enums import InvolvementRole, InvolvementStatus
from maillage.people.models import Involvement, Person
from maillage.projects.enums import Carrier, Holder, ReviewStatus
from maillage.projects.models import Divergence, Project, ProjectAction, ProjectVersion, Review
from maillage.projects.tests.test_share import pdf_text

pytestmark = pytest.mark.django_db


def test_most_demo_persons_have_a_project(client):
    generate_demo(DemoTerritory(seed=7, sizes={"organisations": 12, "services": 5, "persons": 60}, progress=False))
    with_referent = set(
        Involvement.objects.filter(role=InvolvementRole.REFERENT, status=InvolvementStatus.ACTIVE).values_list(
            "person_id", flat=True
        )
    )
    projects = Project.objects.count()
    assert projects > len(with_referent) / 2
    assert {a.carrier for a in ProjectAction.objects.all()} == set(Carrier.values)
    assert ProjectVersion.objects.exclude(answer="").exists() and ProjectVersion.objects.filter(answer="").exists()
    assert (
        Review.objects.filter(status=ReviewStatus.HELD).exists() and Review.objects.filter(status="PLANNED").exists()
    )
    assert Divergence.objects.filter(views__holder=Holder.PERSON).exists()
    # Each project's version matches its timeline, so that a first write from the page is not refused as stale.
    for project in Project.objects.all()[:20]:
        assert project.version == project.events.order_by("-project_version").first().project_version

    # The demo person reads their project, answers it and downloads it.
    person = Person.objects.get(user__email=PERSON_LOGIN)
    client.force_login(person.user)
    page = client.get("/projects/me/").content.decode()
    assert "Êtes-vous d" in page and "Dire où j" in page
    pdf = client.get(f"/projects/{person.public_id}/document.pdf")
    assert pdf.status_code == 200
    objective = Project.objects.get(person=person).objectives.first()
    assert objective.own_words[:30] in pdf_text(pdf.content).replace("\n", " ")

    clear_demo()
    assert not Project.objects.exists()

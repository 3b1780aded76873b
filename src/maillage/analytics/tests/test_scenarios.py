"""Scenarios from the seed's situations: each raises exactly the expected alerts; a balanced control raises none."""

import datetime as dt

import pytest
from django.utils import timezone

from maillage.analytics import compute
from maillage.analytics.enums import AlertKind, SnapshotStatus
from maillage.analytics.models import DeclaredCapacity
from maillage.coordination.enums import CrisisKind, ParticipantKind
from maillage.coordination.models import CrisisEpisode, Meeting, Participant
from maillage.governance.tests.factories import NetworkFactory, NetworkMemberFactory
from maillage.people.tests.factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _members(network, n):
    return [NetworkMemberFactory(network=network).organisation for _ in range(n)]


def _follow(*orgs):
    person = PersonFactory()
    for org in orgs:
        InvolvementFactory(person=person, organisation=org, started_on=TODAY - dt.timedelta(days=30))
    return person


def _meet(*orgs, crisis=False):
    person = PersonFactory()
    episode = CrisisEpisode.objects.create(person=person, kind=CrisisKind.HOUSING) if crisis else None
    meeting = Meeting.objects.create(
        person=person, organisation=orgs[0], purpose="Concertation", starts_at=timezone.now(), crisis=episode
    )
    for org in orgs[1:]:
        Participant.objects.create(meeting=meeting, kind=ParticipantKind.PROFESSIONAL, organisation=org)


def _balanced(network, n=4):
    orgs = _members(network, n)
    _follow(*orgs)
    _meet(*orgs)
    for org in orgs:
        DeclaredCapacity.objects.create(organisation=org, persons=10)
    return orgs


def _alerts(network):
    snapshot = compute.take(network, TODAY - dt.timedelta(days=89), TODAY)
    assert snapshot.status == SnapshotStatus.DONE
    return snapshot, sorted((a.kind, a.organisation_id, a.other_organisation_id) for a in snapshot.alerts.all())


class TestScenarios:
    def test_balanced_control_raises_nothing(self):
        network = NetworkFactory()
        orgs = _balanced(network)
        snapshot, alerts = _alerts(network)
        assert alerts == []
        assert snapshot.organisations == 4
        assert snapshot.density == 1
        assert snapshot.components == 1
        metrics = {m.organisation_id: m for m in snapshot.organisation_metrics.all()}
        assert metrics[orgs[0].pk].caseload == 1 and metrics[orgs[0].pk].capacity == 10

    def test_silo(self):
        network = NetworkFactory()
        _balanced(network, 3)
        d, e = _members(network, 2)
        _follow(d, e)
        _snapshot, alerts = _alerts(network)
        assert alerts == [(AlertKind.SILO, min(d.pk, e.pk), None)]

    def test_broker(self):
        network = NetworkFactory()
        a, b, c, d, e, f = _members(network, 6)
        _follow(a, b, c)
        _follow(c, d)
        _follow(d, e, f)
        _snapshot, alerts = _alerts(network)
        assert alerts == sorted([(AlertKind.BROKER, c.pk, None), (AlertKind.BROKER, d.pk, None)])

    def test_crisis_only_link(self):
        network = NetworkFactory()
        a, b, *_ = _balanced(network)
        (e,) = _members(network, 1)
        _meet(a, e, crisis=True)
        _meet(e, a, crisis=True)
        _follow(b, e)
        _follow(a, b, e)
        _snapshot, alerts = _alerts(network)
        assert alerts == [(AlertKind.CRISIS_ONLY_LINK, min(a.pk, e.pk), max(a.pk, e.pk))]

    def test_overload(self):
        network = NetworkFactory()
        a, *_ = _balanced(network)
        capacity = DeclaredCapacity.objects.get(organisation=a)
        capacity.persons = 2
        capacity.save()
        for _ in range(2):
            _follow(a)
        _snapshot, alerts = _alerts(network)
        assert alerts == [(AlertKind.OVERLOAD, a.pk, None)]

    def test_no_person_data_stored(self):
        network = NetworkFactory()
        person = _follow(*_balanced(network))
        snapshot, _ = _alerts(network)
        stored = str(list(snapshot.organisation_metrics.values())) + str(list(snapshot.link_metrics.values()))
        assert person.last_name not in stored


def test_command_with_progress(capsys):
    from django.core.management import call_command

    network = NetworkFactory()
    _balanced(network)
    call_command("analytics", "compute", "--days", "30")
    out = capsys.readouterr()
    assert "4 organisations" in out.out
    assert network.analytics_snapshots.get().status == SnapshotStatus.DONE


def test_task_takes_a_snapshot():
    from maillage.analytics.tasks import take_snapshot

    network = NetworkFactory()
    _balanced(network)
    result = take_snapshot.enqueue(network.pk, str(TODAY - dt.timedelta(days=29)), str(TODAY))
    assert network.analytics_snapshots.get(pk=result.return_value).organisations == 4


def test_command_takes_monthly_snapshots_for_trends(capsys):
    from django.core.management import call_command

    from maillage.analytics.presenters import is_monthly

    network = NetworkFactory()
    _balanced(network)
    call_command("analytics", "compute", "--months", "3", "--end", "2026-03-15", "--no-progress")
    snapshots = list(network.analytics_snapshots.order_by("period_start"))
    assert [(s.period_start.isoformat(), s.period_end.isoformat()) for s in snapshots if is_monthly(s)] == [
        ("2025-12-01", "2025-12-31"),
        ("2026-01-01", "2026-01-31"),
        ("2026-02-01", "2026-02-28"),
    ]
    assert len(snapshots) == 4

"""A snapshot computed now from the dashboard: the coordinator chooses the period, the request is queued at once
(its row shows it waiting, then running stage by stage), the new snapshot is shown when ready, a failure says so
and can be tried again; one computation at a time per network; nobody else asks."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.tests.factories import MembershipFactory
from maillage.analytics import compute, snapshots, tasks
from maillage.analytics.enums import SnapshotStatus
from maillage.analytics.models import Snapshot
from maillage.analytics.tests.test_scenarios import _balanced
from maillage.core.tests.helpers import guard_fields
from maillage.governance.models import GovernanceEvent
from maillage.governance.tests.factories import NetworkFactory, NetworkMemberFactory, admin_of, coordinator_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def scene():
    network = NetworkFactory()
    member = NetworkMemberFactory(network=network)
    return network, coordinator_of(network), member


def _url(network, name="dashboard", **kwargs):
    return reverse(f"analytics:{name}", kwargs={"public_id": network.public_id, **kwargs})


def _ask(client, network, start, end, fields=None):
    fields = fields or guard_fields(client.get(_url(network)).content.decode(), _url(network, "compute"))
    return client.post(_url(network, "compute"), {**fields, "start": str(start), "end": str(end)})


def test_the_coordinator_computes_a_period_now_and_follows_it_until_it_is_shown(
    client, scene, django_capture_on_commit_callbacks
):
    network, coordinator, _member = scene
    client.force_login(coordinator.user)
    today = timezone.localdate()
    page = client.get(_url(network)).content.decode()
    assert "Calculer le réseau maintenant" in page and 'action="' + _url(network, "compute") + '"' in page
    default_start = today - dt.timedelta(days=89)
    assert f'value="{default_start.isoformat()}"' in page and f'value="{today.isoformat()}"' in page

    start = today - dt.timedelta(days=30)
    with django_capture_on_commit_callbacks() as enqueued:
        response = _ask(client, network, start, today)
    assert response.status_code == 302 and response.url == _url(network) + "#compute"
    snapshot = Snapshot.objects.get(network=network)
    assert (snapshot.period_start, snapshot.period_end, snapshot.status) == (start, today, SnapshotStatus.QUEUED)
    assert len(enqueued) == 1
    assert GovernanceEvent.objects.filter(
        network=network, kind="analytics_snapshot_request", object_id=snapshot.pk, actor=coordinator.user
    ).exists()

    # Waiting: the dashboard says so, in a live region that asks again by itself, with a link without JS.
    status_url = _url(network, "compute_status", snapshot_id=snapshot.public_id)
    body = client.get(_url(network)).content.decode()
    assert "attend le traitement en arrière-plan depuis" in body
    assert 'role="status"' in body and 'aria-live="polite"' in body
    assert f'hx-get="{status_url}"' in body and 'hx-trigger="every 3s"' in body
    assert f'href="{status_url}"' in body and "Calculer maintenant</button>" not in body

    # Running, at its second stage: the poll answers the status alone.
    Snapshot.objects.filter(pk=snapshot.pk).update(status=SnapshotStatus.RUNNING, stages={"load": 0.1})
    polled = client.get(status_url, **HTMX)
    assert polled.status_code == 200
    text = polled.content.decode()
    assert "étape 2 sur 5, construction du graphe des partenariats" in text and "<html" not in text
    assert client.get(status_url).url == _url(network) + "#compute"  # without JS: the dashboard showing it

    # The worker computes it: the poll goes to the new snapshot, the dashboard shows it.
    Snapshot.objects.filter(pk=snapshot.pk).update(status=SnapshotStatus.QUEUED, stages={})
    enqueued[0]()
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.DONE and set(snapshot.stages) == set(compute.STAGES)
    shown = _url(network) + f"?snapshot={snapshot.public_id}"
    done = client.get(status_url, **HTMX)
    assert done.status_code == 204 and done["HX-Redirect"] == shown
    assert client.get(status_url).url == shown
    response = client.get(shown)
    assert response.context["snapshot"] == snapshot and response.context["progress"] is None
    assert "Calculer maintenant</button>" in response.content.decode()


def test_the_task_fills_the_row_stage_by_stage(scene):
    network, _coordinator, _member = scene
    _balanced(network)
    today = timezone.localdate()
    snapshot = Snapshot.objects.create(
        network=network, period_start=today - dt.timedelta(days=9), period_end=today, status=SnapshotStatus.QUEUED
    )
    seen = []
    real = compute.take

    def watching(*args, progress=None, **kwargs):
        def step(name):
            row = Snapshot.objects.get(pk=snapshot.pk)
            seen.append((name, row.status, sorted(row.stages)))

        return real(*args, progress=step, **kwargs)

    with mock.patch.object(compute, "take", side_effect=watching):
        assert tasks.compute_requested.call(snapshot.pk) == snapshot.pk
    assert seen[0] == ("load", SnapshotStatus.RUNNING, ["load"])
    assert seen[2] == ("indicators", SnapshotStatus.RUNNING, ["graph", "indicators", "load"])
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.DONE and snapshot.organisations > 0
    assert Snapshot.objects.filter(network=network).count() == 1
    assert tasks.compute_requested.call(snapshot.pk) is None  # claimed once: a replay computes nothing


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (0, -1, "end", "La période ne peut pas se terminer après aujourd'hui."),
        (5, 10, "start", "La période doit commencer au plus tard à son dernier jour."),
        (800, 0, "start", "Une période couvre au plus 731 jours (deux ans)"),
        ("not a date", 0, "start", "Saisissez une date valide."),
    ],
)
def test_a_bad_period_is_explained_next_to_its_field(client, scene, start, end, field, message):
    network, coordinator, _member = scene
    client.force_login(coordinator.user)
    today = timezone.localdate()
    day = lambda n: n if isinstance(n, str) else today - dt.timedelta(days=n)  # noqa: E731
    response = _ask(client, network, day(start), day(end))
    assert response.status_code == 400
    assert any(message in error for error in response.context["compute_form"].errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Snapshot.objects.filter(network=network).exists()


def test_one_computation_at_a_time_and_a_stale_one_counts_as_failed(client, scene, django_capture_on_commit_callbacks):
    network, coordinator, _member = scene
    client.force_login(coordinator.user)
    today = timezone.localdate()
    running = Snapshot.objects.create(network=network, period_start=today, period_end=today)  # monthly, say
    # The page shows the computation under way, not the form; a request sent anyway is refused, saying why.
    assert "Calculer maintenant</button>" not in client.get(_url(network)).content.decode()
    fields = guard_fields(_form_page(client, network), _url(network, "compute"))
    with django_capture_on_commit_callbacks() as enqueued:
        response = _ask(client, network, today, today, fields)
    assert response.status_code == 400 and not enqueued
    assert "Un instantané du réseau est déjà en cours de calcul (depuis" in response.content.decode()
    assert Snapshot.objects.filter(network=network).count() == 1

    # Past STALE_RUNNING it died with its worker: shown failed, with the form to try again.
    Snapshot.objects.filter(pk=running.pk).update(taken_at=timezone.now() - tasks.STALE_RUNNING - dt.timedelta(1))
    body = client.get(_url(network)).content.decode()
    assert "a échoué" in body and "Réessayer</button>" in body
    with django_capture_on_commit_callbacks() as enqueued:
        assert _ask(client, network, today, today).status_code == 302
    assert len(enqueued) == 1
    assert Snapshot.objects.filter(network=network, status=SnapshotStatus.QUEUED).count() == 1


def _form_page(client, network):
    """The form as the page showed it before the computation began (another tab)."""
    html = client.get(_url(network)).content.decode()
    if "compute-form" in html:
        return html
    waiting = Snapshot.objects.filter(network=network).first()
    status = waiting.status
    Snapshot.objects.filter(pk=waiting.pk).update(status=SnapshotStatus.DONE)
    html = client.get(_url(network)).content.decode()
    Snapshot.objects.filter(pk=waiting.pk).update(status=status)
    return html


def test_a_failure_is_said_in_words_and_can_be_tried_again(client, scene, django_capture_on_commit_callbacks):
    network, coordinator, _member = scene
    client.force_login(coordinator.user)
    today = timezone.localdate()
    with (
        mock.patch.object(compute.graphs, "build", side_effect=RuntimeError("graph library down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _ask(client, network, today, today)
    snapshot = Snapshot.objects.get(network=network)
    assert snapshot.status == SnapshotStatus.FAILED and "load" in snapshot.stages
    status_url = _url(network, "compute_status", snapshot_id=snapshot.public_id)
    assert client.get(status_url, **HTMX)["HX-Redirect"] == _url(network) + "#compute"
    body = client.get(_url(network)).content.decode()
    assert "a échoué : aucun nouvel instantané n'a été enregistré" in body.replace("&#x27;", "'")
    assert "Réessayer</button>" in body
    with django_capture_on_commit_callbacks(execute=True):
        assert _ask(client, network, today, today).status_code == 302
    response = client.get(_url(network))
    assert response.context["progress"] is None and response.context["snapshot"].status == SnapshotStatus.DONE


def test_the_same_form_sent_twice_computes_once(client, scene, django_capture_on_commit_callbacks):
    network, coordinator, _member = scene
    client.force_login(coordinator.user)
    today = timezone.localdate()
    fields = guard_fields(client.get(_url(network)).content.decode(), _url(network, "compute"))
    with django_capture_on_commit_callbacks() as enqueued:
        first = _ask(client, network, today, today, fields)
        again = _ask(client, network, today, today, fields)
    assert first.status_code == again.status_code == 302 and again.url == first.url
    assert len(enqueued) == 1 and Snapshot.objects.filter(network=network).count() == 1


@pytest.mark.parametrize("who", ["member admin", "professional", "other coordinator", "nobody"])
def test_only_the_network_coordinators_ask(client, scene, who):
    network, _coordinator, member = scene
    if who == "member admin":
        client.force_login(admin_of(member).user)
    elif who == "professional":
        client.force_login(MembershipFactory(organisation=member.organisation).user)
    elif who == "other coordinator":
        client.force_login(coordinator_of(NetworkFactory()).user)
    today = timezone.localdate()
    response = client.post(_url(network, "compute"), {"form_token": "x", "start": str(today), "end": str(today)})
    assert response.status_code in ((403,) if who != "nobody" else (302, 403))
    waiting = Snapshot.objects.create(network=network, period_start=today, period_end=today)
    status = client.get(_url(network, "compute_status", snapshot_id=waiting.public_id))
    assert status.status_code in ((403,) if who != "nobody" else (302, 403))
    assert Snapshot.objects.filter(network=network).count() == 1


def test_the_request_is_a_post_and_the_service_checks_who_asks(client, scene):
    from django.core.exceptions import PermissionDenied

    from maillage.accounts.actors import actor_for

    network, coordinator, member = scene
    client.force_login(coordinator.user)
    assert client.get(_url(network, "compute")).status_code == 405
    admin = admin_of(member)
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        snapshots.request(actor_for(admin.user, admin.organisation_id), network, today, today)


def test_the_thresholds_page_links_to_compute_now(client, scene):
    network, coordinator, _member = scene
    client.force_login(coordinator.user)
    assert f'href="{_url(network)}#compute"' in client.get(_url(network, "thresholds")).content.decode()

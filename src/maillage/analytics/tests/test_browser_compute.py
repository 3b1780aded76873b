"""Computing the network now, in Chromium at 1280 px and on a 375 px phone: the form on the dashboard, a bad period
explained, the computation followed on the page (htmx asks where it is) until the new snapshot is shown; axe on
each step, nothing wider than the phone's screen, screenshots saved."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.analytics import tasks
from maillage.analytics.enums import SnapshotStatus
from maillage.analytics.models import Snapshot
from maillage.analytics.tests.test_scenarios import _balanced
from maillage.governance.tests.factories import NetworkFactory, coordinator_of

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_the_coordinator_computes_the_network_now(
    page, browser, browser_errors, live_server, log_in, axe_check, screenshot
):
    browser_errors.allow("status of 400")  # the bad period is shown again with its status, on purpose
    network = NetworkFactory()
    _balanced(network)
    user = coordinator_of(network).user
    dashboard = live_server.url + reverse("analytics:dashboard", kwargs={"public_id": network.public_id})
    today = timezone.localdate()

    log_in(page, user)
    page.goto(dashboard)
    assert page.get_by_role("heading", name="Calculer le réseau maintenant").is_visible()
    assert page.get_by_label("Dernier jour de la période").input_value() == today.isoformat()
    page.get_by_label("Dernier jour de la période").fill((today + dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Calculer maintenant").click()
    assert page.locator("#id_end_error").inner_text() == "La période ne peut pas se terminer après aujourd'hui."
    axe_check(page, "compute-error")
    screenshot(page, "compute-error")

    page.get_by_label("Dernier jour de la période").fill(today.isoformat())
    with mock.patch.object(tasks, "compute_requested") as worker:  # the worker has not started it yet
        page.get_by_role("button", name="Calculer maintenant").click()
        status = page.locator(".compute-status")
        assert "attend le traitement en arrière-plan" in status.inner_text()
    (snapshot_id,) = worker.enqueue.call_args.args
    axe_check(page, "compute-queued")
    screenshot(page, "compute-queued")

    Snapshot.objects.filter(pk=snapshot_id).update(status=SnapshotStatus.RUNNING, stages={"load": 0.2})
    page.get_by_text("étape 2 sur 5").wait_for()  # htmx asked again by itself
    screenshot(page, "compute-running")

    Snapshot.objects.filter(pk=snapshot_id).update(status=SnapshotStatus.QUEUED, stages={})
    tasks.compute_requested.call(snapshot_id)
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    page.wait_for_url(f"{dashboard}?snapshot={snapshot.public_id}")
    assert page.get_by_role("button", name="Calculer maintenant").is_visible()
    axe_check(page, "compute-done")
    screenshot(page, "compute-done")

    phone = browser.new_context(viewport=PHONE, locale="fr-BE", timezone_id="Europe/Brussels")
    try:
        small = phone.new_page()
        log_in(small, user)
        small.goto(dashboard)
        assert small.get_by_role("button", name="Calculer maintenant").is_visible()
        assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        axe_check(small, "compute-phone-form")
        screenshot(small, "compute-phone-form")
        Snapshot.objects.create(
            network=network, period_start=today, period_end=today, status=SnapshotStatus.RUNNING, stages={"load": 1}
        )
        small.goto(dashboard)
        assert "étape 2 sur 5" in small.locator(".compute-status").inner_text()
        assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        axe_check(small, "compute-phone-running")
        screenshot(small, "compute-phone-running")
    finally:
        phone.close()

"""The coordinator's pages read the stored snapshot from the read replica; who may see them is decided on the
primary (core/db_routing.py's rules)."""

import re

import pytest
from django.urls import reverse

from maillage.analytics.enums import AlertKind
from maillage.analytics.tests import scenario
from maillage.core.db_routing import REPLICA_APPS
from maillage.core.tests.test_db_routing import BOTH, apps_read, recording


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_dashboard_pages_read_the_snapshot_from_the_replica(settings, client):
    built = scenario.build()
    settings.READ_REPLICA = "replica"
    client.force_login(built.coordinator.user)
    kwargs = {"public_id": built.network.public_id}
    urls = [
        reverse("analytics:dashboard", kwargs=kwargs),
        reverse("analytics:map", kwargs=kwargs),
        reverse("analytics:organisation_list", kwargs=kwargs),
        reverse("analytics:alert_list", kwargs={**kwargs, "kind": AlertKind.SILO}),
        reverse("analytics:report_csv", kwargs=kwargs),
    ]
    with recording() as queries:
        for url in urls:
            assert client.get(url).status_code == 200, url
    assert "analytics" in apps_read(queries["replica"])
    # Snapshot rows, joined to the organisations they are about; a snapshot's network read through it (its name,
    # public) follows the snapshot's database. Nothing the door reads.
    assert apps_read(queries["replica"]) <= REPLICA_APPS | {"accounts", "governance"}, apps_read(queries["replica"])
    assert not re.search(
        r'"(people|consent|access)_|governance_networkmember|accounts_(user|membership)', " ".join(queries["replica"])
    )
    # The coordinator's right to see the network is read on the primary.
    assert any("governance_" in sql for sql in queries["default"])

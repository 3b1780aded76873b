"""Lag-tolerant reads may go to the read replica; the access door always reads the primary.

The test settings give the test database a second alias, `replica` (a test mirror of `default`), as a replica
would be; these tests turn READ_REPLICA on and record which alias every query ran on. Transactional tests: inside
a transaction every read goes to the primary, by design.
"""

import re
from contextlib import ExitStack, contextmanager

import pytest
from django.db import connections, transaction
from django.http import Http404, HttpResponse
from django.urls import reverse

from maillage.access import door
from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory
from maillage.core.db_routing import REPLICA_APPS, ReplicaRouter, lag_tolerant, lag_tolerant_view
from maillage.directory.models import Service
from maillage.directory.tests.factories import ServiceFactory
from maillage.people.models import Person
from maillage.people.tests.factories import ConsentFactory, InvolvementFactory, PersonFactory

BOTH = ["default", "replica"]
TABLE = re.compile(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', re.IGNORECASE)


@contextmanager
def recording():
    seen: dict[str, list[str]] = {alias: [] for alias in BOTH}

    def recorder(alias):
        def record(execute, sql, params, many, context):
            seen[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias in BOTH:
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        yield seen


def apps_read(queries: list[str]) -> set[str]:
    # PostgreSQL's own catalogues (pg_type, read by django.contrib.postgres as a connection opens): none of our data.
    tables = {table for sql in queries for table in TABLE.findall(sql) if not table.startswith("pg_")}
    return {table.split("_", 1)[0] for table in tables}


class TestRouter:
    def test_only_public_data_in_a_lag_tolerant_context_reads_the_replica(self, settings):
        router = ReplicaRouter()
        assert router.db_for_read(Service) is None  # no replica configured
        settings.READ_REPLICA = "replica"
        assert router.db_for_read(Service) is None  # not in a lag-tolerant context
        with lag_tolerant():
            assert router.db_for_read(Service) == "replica"
            assert router.db_for_read(Person) is None
        assert router.db_for_write(Service) == "default"
        assert router.allow_migrate("replica", "directory") is False
        assert router.allow_migrate("default", "directory") is None

    def test_a_page_not_found_on_the_replica_is_looked_for_on_the_primary(self, settings, rf):
        """A snapshot a worker finished a second ago may not be on the replica yet: the primary has it."""
        tried = []

        @lag_tolerant_view
        def page(request, missing=False):
            tried.append(ReplicaRouter().db_for_read(Service) or "default")
            if missing or tried[-1] == "replica":
                raise Http404
            return HttpResponse("found")

        settings.READ_REPLICA = "replica"
        assert page(rf.get("/")).content == b"found"
        assert tried == ["replica", "default"]
        tried.clear()
        settings.READ_REPLICA = None  # no replica: a page not found is not found, and asked once
        with pytest.raises(Http404):
            page(rf.get("/"), missing=True)
        assert tried == ["default"]

    @pytest.mark.django_db(transaction=True, databases=BOTH)
    def test_inside_a_transaction_every_read_is_on_the_primary(self, settings):
        settings.READ_REPLICA = "replica"
        with lag_tolerant(), transaction.atomic():
            assert ReplicaRouter().db_for_read(Service) is None


@pytest.mark.django_db(transaction=True, databases=BOTH)
class TestReplicaReads:
    def test_the_directory_search_and_the_hsds_api_read_the_replica(self, settings, client):
        settings.READ_REPLICA = "replica"
        ServiceFactory()
        with recording() as queries:
            assert client.get(reverse("directory:search"), {"q": "aide"}).status_code == 200
            assert client.get("/api/hsds/services").status_code == 200
        assert queries["replica"], "the lag-tolerant pages read the replica"
        # Directory tables, joined to the organisations that publish them (public data): no person data.
        assert "directory" in apps_read(queries["replica"])
        assert apps_read(queries["replica"]) <= REPLICA_APPS | {"accounts"}, apps_read(queries["replica"])
        replica_sql = " ".join(queries["replica"])
        assert not re.search(r'"(people|consent|access)_|accounts_(user|membership)', replica_sql)

    def test_the_door_reads_the_primary_even_on_a_lag_tolerant_page(self, settings, client):
        settings.READ_REPLICA = "replica"
        member = MembershipFactory()
        person = PersonFactory()
        InvolvementFactory(person=person, organisation=member.organisation)
        ConsentFactory(person=person)
        actor = actor_for(member.user)
        with recording() as queries, lag_tolerant():
            assert door.person_for(actor, person.public_id) == person
            door.persons_visible_to(actor).count()
        assert queries["default"]
        assert queries["replica"] == []
        client.force_login(member.user)
        with recording() as queries:
            assert client.get(reverse("people:person_detail", args=[person.public_id])).status_code == 200
        assert queries["replica"] == []

"""Run by test_streaming_replica.py in a process of its own, on a real primary and its streaming replica
(settings: replica_settings.py). Prints one JSON object of what it saw; the test asserts on it.

1. Public data written on the primary reaches the replica after a lag, which it measures.
2. A lag-tolerant read of the directory goes to the replica.
3. With the replica's replay paused (the worst lag there is), a consent revoked on the primary is still valid on
   the replica, and the door refuses at once, inside a lag-tolerant context too: it reads the primary.
"""

import json
import sys

import django

django.setup()

from django.db import connections  # noqa: E402
from django.http import Http404  # noqa: E402

from maillage.access import door  # noqa: E402
from maillage.accounts.actors import actor_for  # noqa: E402
from maillage.accounts.tests.factories import MembershipFactory  # noqa: E402
from maillage.consent.models import Consent  # noqa: E402
from maillage.consent.services import consent_revoke  # noqa: E402
from maillage.core.db_routing import lag_tolerant  # noqa: E402
from maillage.core.pg_cluster import wait_until  # noqa: E402
from maillage.directory.models import Service  # noqa: E402
from maillage.directory.tests.factories import ServiceFactory  # noqa: E402
from maillage.people.tests.factories import ConsentFactory, InvolvementFactory, PersonFactory  # noqa: E402


def replica_sql(sql: str):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def door_opens(actor, person) -> bool:
    try:
        door.person_for(actor, person.public_id, purpose="replica_probe")
    except Http404:
        return False
    return True


def main() -> dict:
    seen: dict = {"in_recovery": replica_sql("SELECT pg_is_in_recovery()")[0]}

    service = ServiceFactory()
    seen["lag_seconds"] = round(wait_until(lambda: Service.objects.using("replica").filter(pk=service.pk).exists()), 3)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT coalesce(max(pg_wal_lsn_diff(sent_lsn, replay_lsn)), 0) FROM pg_stat_replication")
        seen["lag_bytes"] = int(cursor.fetchone()[0])
    with lag_tolerant():
        seen["directory_read_alias"] = Service.objects.filter(pk=service.pk).db

    member = MembershipFactory()
    person = PersonFactory()
    InvolvementFactory(person=person, organisation=member.organisation)
    consent = ConsentFactory(person=person)
    actor = actor_for(member.user)
    seen["door_before"] = door_opens(actor, person)
    wait_until(lambda: Consent.objects.using("replica").filter(pk=consent.pk).exists())

    replica_sql("SELECT pg_wal_replay_pause()")
    try:
        consent_revoke(actor, consent=consent)
        seen["revoked_on_replica"] = Consent.objects.using("replica").filter(supersedes=consent).exists()
        with lag_tolerant():
            seen["door_after"] = door_opens(actor, person)
    finally:
        replica_sql("SELECT pg_wal_replay_resume()")
    seen["replica_catches_up_seconds"] = round(
        wait_until(lambda: Consent.objects.using("replica").filter(supersedes=consent).exists()), 3
    )
    return seen


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main()) + "\n")

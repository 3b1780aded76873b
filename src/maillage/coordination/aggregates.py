"""Coordination data in the only shape network analytics may have it: counts by pair of organisations."""

import datetime as dt

from django.db import connection

from maillage.coordination.enums import MeetingStatus, ParticipantKind
from maillage.coordination.models import CrisisEpisode, Meeting, Participant


def meetings_together(
    network_id: int, members_sql: str, start: dt.date, end: dt.date
) -> dict[tuple[int, int], tuple[int, int]]:
    """{(organisation a, organisation b), a < b: (meetings both attended or convened in the period, of which in a
    crisis)}: a meeting is crisis work when it is tied to a crisis episode or held while one was open."""
    meeting, participant, crisis = Meeting._meta.db_table, Participant._meta.db_table, CrisisEpisode._meta.db_table
    present = (
        f"SELECT meeting_id, organisation_id FROM {participant} WHERE kind = '{ParticipantKind.PROFESSIONAL}' "  # noqa: S608
        f"AND organisation_id IS NOT NULL UNION SELECT id, organisation_id FROM {meeting} "
        "WHERE organisation_id IS NOT NULL"
    )
    sql = (
        f"SELECT a.organisation_id, b.organisation_id, COUNT(DISTINCT m.id), "  # noqa: S608
        f"COUNT(DISTINCT CASE WHEN m.crisis_id IS NOT NULL OR EXISTS (SELECT 1 FROM {crisis} c "
        "WHERE c.person_id = m.person_id AND c.started_at <= m.starts_at "
        "AND (c.ended_at IS NULL OR c.ended_at >= m.starts_at)) THEN m.id END) "
        f"FROM {meeting} m JOIN ({present}) a ON a.meeting_id = m.id JOIN ({present}) b "
        "ON b.meeting_id = m.id AND a.organisation_id < b.organisation_id "
        f"WHERE m.status <> '{MeetingStatus.CANCELLED}' AND m.starts_at >= %s AND m.starts_at < %s "
        f"AND a.organisation_id IN ({members_sql}) AND b.organisation_id IN ({members_sql}) "
        "GROUP BY a.organisation_id, b.organisation_id"
    )
    start_at = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(sql, [start_at, end_at, network_id, network_id])
        return {(a, b): (n, crisis_n) for a, b, n, crisis_n in cursor.fetchall()}


def crisis_windows(person_ids) -> dict[int, list[tuple[dt.datetime, dt.datetime | None]]]:
    """For network analytics (`analytics.sources`, which keeps person ids to itself): {person: [(crisis began,
    ended or None)]} for these persons, to tell which referrals were sent in or soon after a crisis. `person_ids`
    may be a query of person ids (then read in one query), or ids."""
    from django.db.models import QuerySet

    found: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = {}
    if isinstance(person_ids, QuerySet):
        queries = [CrisisEpisode.objects.filter(person_id__in=person_ids)]
    else:
        ids = list(person_ids)
        queries = [CrisisEpisode.objects.filter(person_id__in=ids[i : i + 2000]) for i in range(0, len(ids), 2000)]
    for query in queries:
        for person, began, ended in query.values_list("person_id", "started_at", "ended_at"):
            found.setdefault(person, []).append((began, ended))
    return found

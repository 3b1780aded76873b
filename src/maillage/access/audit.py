"""The hash-chained, keyed audit log: `record` one event, `record_many` a batch (list and search hits), `verify`.

Each `AccessEvent` carries `prev_hash` (the hash of the entry before it) and `hash`, the SHA-256 of a
canonical serialisation of its own fields and `prev_hash`, and a `mac`: HMAC-SHA256 of its seq and hash with
the audit key named by `key_id` (`audit_keys`), a key held outside the database. Appends are serialised
through the single `AuditChainHead` row (locked with SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises
writers itself, transactions start IMMEDIATE). Events hold ids only, never personal data.

Why the MAC is over the hash rather than the hash being the MAC: every hash covers all the entries before
it, so the MAC of the last entry proves the whole chain. `verify` walks the chain with plain SHA-256 (as
fast as before keying), then checks a handful of MACs: the last entry of each key, the anchor, and, when
one fails, a bisection names the first entry whose MAC is wrong.
"""

import functools
import hashlib
import hmac
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from maillage.access import audit_keys, audit_workers
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.access.models import GENESIS_HASH, AccessEvent, AuditChainHead
from maillage.core import metrics

SEPARATOR = "\x1f"
# `verify` checks chains at least this long in parallel, in segments of SEGMENT entries.
PARALLEL_FROM = 200_000
SEGMENT = 250_000


@dataclass(frozen=True)
class EventData:
    """One event to append; ids only."""

    action: str
    outcome: str
    actor_id: int | None = None
    organisation_id: int | None = None
    person_id: int | None = None
    category: str = ""
    purpose: str = ""
    reason: str = ""
    break_glass: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def canonical_time(moment: datetime) -> str:
    """The instant as naive UTC text, `YYYY-MM-DD HH:MM:SS[.ffffff]` (what SQLite stores)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return str(moment)


def canonical_extra(extra: dict[str, Any] | None) -> str:
    if not extra:
        return "{}"
    return json.dumps(extra, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def compute_hash(
    prev_hash: str,
    seq: int,
    created_at: str,
    actor_id: int | None,
    organisation_id: int | None,
    person_id: int | None,
    category: str,
    action: str,
    purpose: str,
    outcome: str,
    reason: str,
    break_glass: bool,
    extra: str,
) -> str:
    """SHA-256 over the canonical serialisation. `created_at` and `extra` are already canonical text."""
    payload = SEPARATOR.join(
        (
            prev_hash,
            str(seq),
            created_at,
            _text(actor_id),
            _text(organisation_id),
            _text(person_id),
            category,
            action,
            purpose,
            outcome,
            reason,
            "1" if break_glass else "0",
            extra,
        )
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _created = AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def build_events(
    events: Iterable[EventData], *, seq: int, prev_hash: str, now: datetime, key: tuple[str, bytes] | None = None
) -> list[AccessEvent]:
    """Chain `events` after (`seq`, `prev_hash`), each signed with `key` (the current audit key by default);
    used by `record_many` and by the bulk generators."""
    rows = []
    created_text = canonical_time(now)
    key_id, secret = key or audit_keys.current()
    for data in events:
        seq += 1
        extra_text = canonical_extra(data.extra)
        digest = compute_hash(
            prev_hash,
            seq,
            created_text,
            data.actor_id,
            data.organisation_id,
            data.person_id,
            data.category,
            data.action,
            data.purpose,
            data.outcome,
            data.reason,
            data.break_glass,
            extra_text,
        )
        rows.append(
            AccessEvent(
                seq=seq,
                created_at=now,
                actor_id=data.actor_id,
                organisation_id=data.organisation_id,
                person_id=data.person_id,
                category=data.category,
                action=data.action,
                purpose=data.purpose,
                outcome=data.outcome,
                reason=data.reason,
                break_glass=data.break_glass,
                extra=data.extra or {},
                prev_hash=prev_hash,
                hash=digest,
                key_id=key_id,
                mac=audit_keys.mac(secret, seq, digest, key_id),
            )
        )
        prev_hash = digest
    return rows


def record_many(events: Iterable[EventData]) -> int:
    """Append a batch of events to the chain in one transaction (one lock, one bulk insert)."""
    events = list(events)
    if not events:
        return 0
    now = timezone.now()
    with transaction.atomic():
        seq, prev_hash = _lock_head_raw()
        rows = build_events(events, seq=seq, prev_hash=prev_hash, now=now)
        _insert_raw(rows)
        actions = [str(row.action) for row in rows]
        transaction.on_commit(lambda: metrics.count_audit_entries(actions))
    return len(rows)


_EVENT_COLUMNS = (
    "seq", "created_at", "actor_id", "organisation_id", "person_id", "category", "action", "purpose", "outcome",
    "reason", "break_glass", "extra", "prev_hash", "hash", "key_id", "mac",
)  # fmt: skip


def _lock_head_raw() -> tuple[int, str]:
    """Lock the chain head (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction already holds the write lock)
    and return its (seq, hash). Plain SQL: this runs on every page that shows person data."""
    table = AuditChainHead._meta.db_table
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {table} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        _lock_head()
        return _lock_head_raw()
    return row[0], row[1]


def _insert_raw(rows: list[AccessEvent]) -> None:
    table = AccessEvent._meta.db_table
    ops = connection.ops
    marks = ", ".join("%s" for _ in _EVENT_COLUMNS)
    values = [
        (
            row.seq,
            ops.adapt_datetimefield_value(row.created_at),
            row.actor_id,
            row.organisation_id,
            row.person_id,
            row.category,
            row.action,
            row.purpose,
            row.outcome,
            row.reason,
            row.break_glass,
            json.dumps(row.extra or {}),
            row.prev_hash,
            row.hash,
            row.key_id,
            row.mac,
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(_EVENT_COLUMNS)}) VALUES ({marks})", values)  # noqa: S608
        cursor.execute(
            f"UPDATE {AuditChainHead._meta.db_table} SET seq = %s, hash = %s WHERE id = 1",  # noqa: S608
            [rows[-1].seq, rows[-1].hash],
        )


def record(
    *,
    actor: Any = None,
    action: Action | str,
    outcome: Outcome | str,
    person: Any = None,
    category: Category | str = "",
    purpose: str = "",
    reason: Reason | str = "",
    break_glass: bool = False,
    organisation_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Append one event. `actor` is an `Actor` (or None for the system), `person` a Person or its pk.

    `organisation_id` defaults to the actor's current organisation. `extra` must hold ids only.
    """
    record_many(
        [
            event_data(
                actor=actor,
                action=action,
                outcome=outcome,
                person=person,
                category=category,
                purpose=purpose,
                reason=reason,
                break_glass=break_glass,
                organisation_id=organisation_id,
                extra=extra,
            )
        ]
    )


def event_data(
    *,
    actor: Any = None,
    action: Action | str,
    outcome: Outcome | str,
    person: Any = None,
    category: Category | str = "",
    purpose: str = "",
    reason: Reason | str = "",
    break_glass: bool = False,
    organisation_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> EventData:
    user = getattr(actor, "user", None)
    if organisation_id is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
        organisation_id = organisation.pk if organisation is not None else None
    person_id = person if isinstance(person, int) or person is None else person.pk
    return EventData(
        action=str(action),
        outcome=str(outcome),
        actor_id=user.pk if user is not None else None,
        organisation_id=organisation_id,
        person_id=person_id,
        category=str(category or ""),
        purpose=(purpose or "")[:80],
        reason=str(reason or ""),
        break_glass=break_glass,
        extra=dict(extra or {}),
    )


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    problem: str = ""
    workers: int = 1
    seals: int = 0

    def message(self) -> str:
        if self.ok:
            sealed = f" {self.seals} seal{'s' if self.seals > 1 else ''} match the chain." if self.seals else ""
            return f"OK: {self.checked} entries, chain intact.{sealed}"
        return (
            f"FAIL at entry seq={self.first_bad_seq} id={self.first_bad_id}: {self.problem} ({self.checked} checked)"
        )


def _payload_sql(vendor: str) -> str:
    """SQL that builds each entry's canonical serialisation up to (not including) `extra`, in the database.

    The database turns numbers and times into text in C while Python only hashes: this is what makes
    verification fast. The result must equal what `compute_hash` joins (the tamper tests check it).
    """
    sep = "chr(31)" if vendor == "postgresql" else "char(31)"
    if vendor == "postgresql":
        utc = "(created_at AT TIME ZONE 'UTC')"
        created = (
            f"CASE WHEN date_part('microseconds', {utc})::bigint % 1000000 = 0 "
            f"THEN to_char({utc}, 'YYYY-MM-DD HH24:MI:SS') ELSE to_char({utc}, 'YYYY-MM-DD HH24:MI:SS.US') END"
        )

        def text(column: str) -> str:
            return f"COALESCE({column}::text, '')"
    else:
        created = "CAST(created_at AS TEXT)"

        def text(column: str) -> str:
            return f"COALESCE(CAST({column} AS TEXT), '')"

    parts = [
        "prev_hash",
        text("seq"),
        created,
        text("actor_id"),
        text("organisation_id"),
        text("person_id"),
        "category",
        "action",
        "purpose",
        "outcome",
        "reason",
        "CASE WHEN break_glass THEN '1' ELSE '0' END",
    ]
    return f" || {sep} || ".join(parts) + f" || {sep}"


def _rows(chunk: int, first: int, last: int) -> Iterator[tuple]:
    """Stream (seq, hash, extra as text, key id, payload head) for `first` <= seq <= `last` in `seq` order: a
    server-side cursor on PostgreSQL, keyset pages on SQLite. The payload head starts with `prev_hash`."""
    table = AccessEvent._meta.db_table
    vendor = connection.vendor
    extra = "extra::text" if vendor == "postgresql" else "extra"
    columns = f"seq, hash, {extra}, key_id, {_payload_sql(vendor)}"
    if vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.connection.cursor(name="maillage_audit_verify") as named:
                named.itersize = chunk
                # Bounds inlined as integers: the payload SQL holds a literal `%`.
                named.execute(
                    f"SELECT {columns} FROM {table} WHERE seq BETWEEN {int(first)} AND {int(last)} ORDER BY seq"  # noqa: S608
                )
                while batch := named.fetchmany(chunk):
                    yield from batch
        return
    connection.ensure_connection()
    raw = connection.connection  # the driver's connection: no per-row wrapper work
    after = first - 1
    while True:
        cursor = raw.execute(
            f"SELECT {columns} FROM {table} WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",  # noqa: S608
            [after, last, chunk],
        )
        batch = cursor.fetchall()
        if not batch:
            return
        yield from batch
        after = batch[-1][0]


@dataclass(frozen=True)
class _Segment:
    """What one stretch of the chain says about itself; its first entry's `seq` and link are checked by the
    caller, who knows what comes before."""

    checked: int = 0
    first_seq: int | None = None
    first_prev: str = ""
    last_seq: int | None = None
    last_hash: str = ""
    failure: tuple[int, str] | None = None
    # (key id, first seq) of each run of entries signed with the same key ("" for entries without a MAC)
    runs: tuple[tuple[str, int], ...] = ()


def _verify_segment(bounds: tuple[int, int], chunk: int = 20000, progress: Any = None) -> _Segment:
    """Check the entries with `first` <= seq <= `last`: each hash against the entry's own fields, and each
    entry after the first against the one before it (consecutive `seq`, `prev_hash` link)."""
    first, last = bounds
    sha256 = hashlib.sha256
    loads, dumps = json.loads, json.dumps
    first_seq, first_prev = None, ""
    expected_prev, expected_seq = "", None
    checked = 0
    runs: list[tuple[str, int]] = []
    run_key = None
    for seq, digest, extra, key_id, head in _rows(chunk, first, last):
        if first_seq is None:
            first_seq, first_prev = seq, head[:64]
        else:
            if seq != expected_seq:
                return _Segment(checked, first_seq, first_prev, failure=(seq, _gap(expected_seq, seq)))
            if not head.startswith(expected_prev):
                return _Segment(checked, first_seq, first_prev, failure=(seq, BROKEN_LINK))
        if extra == "{}":
            payload = head + "{}"
        else:
            try:
                value = loads(extra) if isinstance(extra, str) else extra
            except ValueError:
                value = extra
            payload = head + (dumps(value, sort_keys=True, separators=(",", ":")) if value else "{}")
        if sha256(payload.encode()).hexdigest() != digest:
            return _Segment(checked, first_seq, first_prev, failure=(seq, ALTERED))
        if key_id != run_key:
            runs.append((key_id, seq))
            run_key = key_id
        expected_prev = digest
        expected_seq = seq + 1
        checked += 1
        if progress is not None and checked % 1_000_000 == 0:
            progress(checked)
    last_seq = None if expected_seq is None else expected_seq - 1
    return _Segment(checked, first_seq, first_prev, last_seq, expected_prev, runs=tuple(runs))


BROKEN_LINK = "link to the previous entry is broken (deleted, inserted or reordered)"
ALTERED = "entry was altered (its hash does not match its content)"
MAC_MISMATCH = (
    "entry's MAC does not match: the chain was recomputed from here without the audit key (or the key is wrong)"
)
ANCHOR_MISMATCH = (
    "the anchor's MAC does not match: the entries it covers, written before the chain was keyed, were rewritten "
    "(or the key is wrong)"
)


def _gap(expected_seq: int, seq: int) -> str:
    if seq > expected_seq:
        return f"entries {expected_seq}..{seq - 1} are missing (deleted) before this one"
    return "sequence goes backwards (reordered or inserted)"


def _failure(checked: int, seq: int, problem: str) -> VerifyResult:
    pk = AccessEvent.objects.filter(seq=seq).values_list("pk", flat=True).first()
    return VerifyResult(False, checked, seq, pk, problem)


def _segments(first: int, last: int, size: int) -> list[tuple[int, int]]:
    return [(low, min(low + size - 1, last)) for low in range(first, last + 1, size)]


def _parallel_results(segments: list[tuple[int, int]], chunk: int, workers: int) -> Iterator[_Segment]:
    """Segments checked by `workers` worker processes, yielded in chain order as they complete.

    Workers are spawned, not forked: a fork copies locks held by the parent's other threads (a web server's,
    a test server's) and the child can wait on them forever."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=audit_workers.start, initargs=(dict(connection.settings_dict),)) as pool:
        yield from pool.imap(functools.partial(audit_workers.verify_segment, chunk=chunk), segments)


def verify(
    *,
    chunk: int = 20000,
    progress: Any = None,
    workers: int | None = None,
    parallel_from: int = PARALLEL_FROM,
    segment: int = SEGMENT,
    seals: bool = True,
) -> VerifyResult:
    """Walk the whole chain; stop at the first entry whose link, sequence, hash or MAC is wrong.

    - a hash that does not match the entry's own fields: the entry was altered (or moved: `seq` is hashed);
    - a gap in `seq`: entries were deleted before this one;
    - a `prev_hash` that is not the previous entry's hash: an entry was deleted, inserted or reordered;
    - entries beyond the chain head, or a head that does not match the last entry: inserted or truncated;
    - a MAC that does not match: the chain was recomputed by someone without the audit key;
    - an entry signed with a key no longer configured: it cannot be checked;
    - with `seals`, every seal (`seals.py`) must be validly signed and agree with the chain.

    A long chain is cut into segments of `segment` entries checked by `workers` processes (one per core by
    default): hashing is CPU work, and the database builds each entry's text in another process. The parent
    stitches the segments in order, so the answer is the same as a walk from the first entry to the last.
    """
    result, runs = _walk(chunk, progress, workers, parallel_from, segment)
    if not result.ok:
        return result
    failure = _check_macs(runs, result.checked)
    if failure is not None:
        return replace(failure, workers=result.workers)
    if seals:
        from maillage.access import seals as audit_seals

        check = audit_seals.check()
        if not check.ok:
            pk = AccessEvent.objects.filter(seq=check.seq).values_list("pk", flat=True).first()
            return replace(result, ok=False, first_bad_seq=check.seq, first_bad_id=pk, problem=check.problem)
        result = replace(result, seals=check.count)
    return result


def _walk(
    chunk: int, progress: Any, workers: int | None, parallel_from: int, segment: int
) -> tuple[VerifyResult, list[tuple[str, int]]]:
    """The hash chain itself: links, sequence and hashes, and the runs of entries signed with each key."""
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)
    bounds = AccessEvent.objects.aggregate(low=Min("seq"), high=Max("seq"))
    first = min(bounds["low"] if bounds["low"] is not None else 1, 1)
    last = max(bounds["high"] or 0, head_seq)
    workers = workers or os.cpu_count() or 1
    parallel = (
        workers > 1
        and last - first + 1 >= parallel_from
        and not connection.in_atomic_block  # other processes could not see uncommitted entries
        and not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    )
    if parallel:
        results = _parallel_results(_segments(first, last, segment), chunk, workers)
    else:
        results = iter([_verify_segment((first, last), chunk, progress)])
    result, runs = _stitch(results, head_seq, head_hash, progress if parallel else None)
    return replace(result, workers=workers if parallel else 1), runs


def _stitch(
    results: Iterator[_Segment], head_seq: int, head_hash: str, progress: Any
) -> tuple[VerifyResult, list[tuple[str, int]]]:
    """Follow the segments in chain order: each must start where the one before ended."""
    runs: list[tuple[str, int]] = []
    result = _stitch_parts(results, head_seq, head_hash, progress, runs)
    return result, runs


def _stitch_parts(
    results: Iterator[_Segment], head_seq: int, head_hash: str, progress: Any, runs: list[tuple[str, int]]
) -> VerifyResult:
    expected_prev, expected_seq = GENESIS_HASH, 1
    checked = 0
    last_seq = 0
    for part in results:
        if part.first_seq is not None:
            if part.first_seq != expected_seq:
                return _failure(checked, part.first_seq, _gap(expected_seq, part.first_seq))
            if part.first_prev != expected_prev:
                return _failure(checked, part.first_seq, BROKEN_LINK)
        checked += part.checked
        if part.failure is not None:
            return _failure(checked, *part.failure)
        runs.extend(run for run in part.runs if not runs or runs[-1][0] != run[0])
        if part.last_seq is not None:
            expected_prev, expected_seq, last_seq = part.last_hash, part.last_seq + 1, part.last_seq
        if progress is not None:
            progress(checked)
    if last_seq > head_seq:
        return VerifyResult(
            False, checked, head_seq + 1, None, f"entries {head_seq + 1}..{last_seq} were added behind the chain head"
        )
    if last_seq < head_seq:
        return VerifyResult(
            False, checked, last_seq + 1, None, f"entries {last_seq + 1}..{head_seq} are missing at the end"
        )
    if checked and head_hash != expected_prev:
        return VerifyResult(False, checked, head_seq, None, "the last entry does not match the chain head")
    return VerifyResult(True, checked)


# --- MACs ---------------------------------------------------------------------------------------


def _spans(runs: list[tuple[str, int]], last_seq: int) -> list[tuple[str, int, int]]:
    """(key id, first seq, last seq) of each run of entries signed with one key."""
    ends = [start - 1 for _key_id, start in runs[1:]] + [last_seq]
    return [(key_id, start, end) for (key_id, start), end in zip(runs, ends, strict=True)]


def _mac_ok(seq: int, known: dict[str, bytes], *, anchor: bool = False) -> bool:
    row = AccessEvent.objects.filter(seq=seq).values_list("hash", "key_id", "mac").first()
    if row is None or row[1] not in known:
        return False
    digest, key_id, mac = row
    return hmac.compare_digest(mac, audit_keys.mac(known[key_id], seq, digest, key_id, anchor=anchor))


def _first_bad_mac(low: int, high: int, known: dict[str, bytes]) -> int:
    """The first entry in `low`..`high` whose MAC is wrong, `high`'s being wrong. Without the key, a rewrite
    from entry n on leaves every MAC from n on wrong and every one before right: a bisection finds n."""
    while low < high:
        middle = (low + high) // 2
        if _mac_ok(middle, known):
            low = middle + 1
        else:
            high = middle
    return low


def _unkeyed(first: int, last: int) -> str:
    return (
        f"entries {first}..{last} carry no MAC and no anchor covers them: written before the audit chain was keyed "
        "(then run `maillage audit anchor` once) or stripped of their MAC"
    )


def _check_macs(runs: list[tuple[str, int]], checked: int) -> VerifyResult | None:
    """After an intact walk: every entry after the first signed one carries a MAC, and the MACs checked (the
    anchor, the last entry of each key) are right. Each hash covers every entry before it, so these few
    MACs prove the whole chain."""
    if not runs:
        return None
    spans = _spans(runs, checked)
    keyed = [span for span in spans if span[0]]
    if not keyed:
        return _failure(checked, 1, _unkeyed(1, checked))
    first_keyed = keyed[0][1]
    for key_id, start, end in spans:
        if not key_id and start > first_keyed:
            problem = f"entries {start}..{end} carry no MAC: written without the audit key, or stripped of it"
            return _failure(checked, start, problem)
    known = audit_keys.keys()
    anchor = first_keyed if first_keyed > 1 else None
    first_of: dict[str, int] = {}
    last_of: dict[str, int] = {}
    for key_id, start, end in keyed:
        first_of.setdefault(key_id, start)
        last_of[key_id] = end
    for key_id, first in first_of.items():
        if key_id not in known:
            return _failure(
                checked,
                first,
                f"signed with the audit key {key_id!r}, which is not in AUDIT_HMAC_KEYS: this entry and the later "
                "ones signed with that key cannot be checked (keep retired keys listed)",
            )
    if anchor is not None and not _mac_ok(anchor, known, anchor=True):
        if _mac_ok(anchor, known):  # an ordinary entry after unkeyed ones: nobody anchored them
            return _failure(checked, 1, _unkeyed(1, anchor - 1))
        return _failure(checked, anchor, ANCHOR_MISMATCH)
    for key_id, first in first_of.items():
        last = last_of[key_id]
        if last != anchor and not _mac_ok(last, known):
            return _failure(checked, _first_bad_mac(first + (first == anchor), last, known), MAC_MISMATCH)
    return None


class AnchorRefused(Exception):
    pass


def anchor() -> int:
    """Cover the entries written before the chain was keyed: give the last of them an anchor MAC (which only
    this command makes) with the current key. Run once by the data controller after the upgrade; refused
    on a broken chain, on a chain keyed from its first entry or already anchored, and once seals exist.
    Returns the anchor's seq."""
    from maillage.access import seals as audit_seals

    if audit_seals.load_all():
        raise AnchorRefused("The chain is already sealed: an anchor now could cover a rewritten history.")
    key_id, secret = audit_keys.current()
    with transaction.atomic():
        _lock_head_raw()
        result, runs = _walk(20000, None, 1, PARALLEL_FROM, SEGMENT)
        if not result.ok:
            raise AnchorRefused(result.message())
        keyed = [start for run_key, start in runs if run_key]
        if not runs:
            raise AnchorRefused("The audit chain is empty: nothing to anchor.")
        if keyed and keyed[0] == 1:
            raise AnchorRefused("Every entry carries a MAC: nothing to anchor.")
        if keyed and _mac_ok(keyed[0], audit_keys.keys(), anchor=True):
            raise AnchorRefused(f"The chain is already anchored at entry seq={keyed[0]}.")
        target = keyed[0] - 1 if keyed else result.checked
        digest = AccessEvent.objects.filter(seq=target).values_list("hash", flat=True).get()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AccessEvent._meta.db_table} SET key_id = %s, mac = %s WHERE seq = %s",  # noqa: S608
                [key_id, audit_keys.mac(secret, target, digest, key_id, anchor=True), target],
            )
    return target

"""Reads of the access door's own records: the audit entries about a person, and the break-the-glass grants for
the network coordinator (who, which organisation, when, why, how long).

A coordinator gets no person data by their role (the door's rule 5): a file is named by the first characters
of its public id only, enough to see that one file was opened again, never enough to open it. The grants are
the network's whole (one network per Maillage instance).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Max, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from maillage.access.enums import Action, Outcome
from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.accounts.models import Organisation
from maillage.core.text import fold

MASKED_ID_LENGTH = 8


@dataclass(frozen=True)
class Week:
    """A calendar week (Monday to Sunday) in the local time zone."""

    year: int
    number: int

    @classmethod
    def containing(cls, moment: dt.datetime) -> "Week":
        year, number, _day = timezone.localtime(moment).isocalendar()
        return cls(year, number)

    @classmethod
    def parse[T](cls, value: str | None, *, default: T) -> "Week | T":
        """`2026-W49` → that week; anything else (absent, malformed, out of range) → `default`."""
        try:
            year, number = (value or "").upper().split("-W")
            week = cls(int(year), int(number))
            week.first_day  # noqa: B018 -- validates the week number
        except ValueError:
            return default
        return week

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def last_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=6)

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first_day, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first_day + dt.timedelta(days=7), dt.time.min))

    def shifted(self, weeks: int) -> "Week":
        return Week.containing(self.start + dt.timedelta(weeks=weeks, hours=12))


@dataclass(frozen=True)
class GrantRow:
    """One emergency access, as the coordinator sees it: no person data but the masked file id."""

    started_at: dt.datetime
    ended_at: dt.datetime
    open_now: bool
    closed_early: bool
    professional: str
    organisation: str
    file: str
    reason: str

    @property
    def duration(self) -> dt.timedelta:
        return self.ended_at - self.started_at


def _grants_in(week: Week):
    return BreakGlassGrant.objects.filter(started_at__gte=week.start, started_at__lt=week.end)


def break_glass_week(week: Week, *, now: dt.datetime | None = None) -> list[GrantRow]:
    """The grants opened during `week`, the latest first, in one query."""
    now = now or timezone.now()
    grants = (
        _grants_in(week)
        .select_related("actor", "organisation")
        .only(
            "started_at",
            "expires_at",
            "closed_at",
            "reason",
            "actor__first_name",
            "actor__last_name",
            "actor__email",
            "organisation__name",
            "person__public_id",
        )
        .select_related("person")
        .order_by("-started_at", "-pk")
    )
    rows = []
    for grant in grants:
        closed_early = grant.closed_at is not None and grant.closed_at < grant.expires_at
        ended = min(grant.closed_at or grant.expires_at, grant.expires_at)
        rows.append(
            GrantRow(
                started_at=grant.started_at,
                ended_at=ended,
                open_now=grant.closed_at is None and grant.expires_at > now,
                closed_early=closed_early,
                professional=grant.actor.get_full_name() or grant.actor.email,
                organisation=grant.organisation.name,
                file=masked_id(grant.person.public_id),
                reason=grant.reason,
            )
        )
    return rows


def break_glass_counts(week: Week) -> list[tuple[str, int]]:
    """How many grants each organisation opened during `week`: counts only, for the digest and the dashboard,
    most first."""
    counts = _grants_in(week).order_by().values("organisation__name").annotate(n=Count("id"))
    rows = [(c["organisation__name"], c["n"]) for c in counts]
    return sorted(rows, key=lambda item: (-item[1], fold(item[0]), item[0]))


def masked_id(public_id) -> str:
    return f"{str(public_id)[:MASKED_ID_LENGTH]}…"


def access_events_of(person) -> QuerySet[AccessEvent]:
    """The audit entries about one person, the latest first: for "who saw my file" (page and API), once the
    door let the referent or the person themselves in."""
    return AccessEvent.objects.filter(person_id=person.pk).order_by("-seq")


def break_glass_open_of(actor, *, now: dt.datetime | None = None) -> dict[int, dt.datetime]:
    """The actor's own emergency accesses still open: {person id: when it ends}. The caller lists the persons
    through the door (`persons_visible_to` + `audit_list`)."""
    user = getattr(actor, "user", None)
    if user is None:
        return {}
    grants = BreakGlassGrant.objects.active_at(now or timezone.now()).filter(actor_id=user.pk)
    return dict(grants.order_by("-expires_at").values_list("person_id", "expires_at"))


@dataclass(frozen=True)
class Look:
    """Someone else opened a person's file: when last, from which organisation, whether in an emergency."""

    at: dt.datetime
    organisation: str
    break_glass: bool


def looks_by_others(person, *, since: dt.datetime, limit: int = 3) -> tuple[int, list[Look]]:
    """How many people other than the person (and Maillage itself) opened the person's file since `since`,
    and the latest `limit` of them, for the person's own dashboard ("who saw my file" has every entry).

    A page writes one entry per category it shows: the entries are grouped by who opened the file."""
    events = (
        AccessEvent.objects.filter(
            person_id=person.pk, created_at__gte=since, outcome=Outcome.ALLOWED, action=Action.VIEW
        )
        .exclude(actor_id=None)
        .exclude(actor_id=person.user_id)
        .order_by()
        .values("actor_id", "organisation_id")
        .annotate(last=Max("created_at"), glass=Max(Cast("break_glass", IntegerField())))
        .order_by("-last")
    )
    rows = list(events)
    names = dict(
        Organisation.objects.filter(pk__in={r["organisation_id"] for r in rows[:limit]} - {None}).values_list(
            "pk", "name"
        )
    )
    looks = [Look(r["last"], names.get(r["organisation_id"], ""), bool(r["glass"])) for r in rows[:limit]]
    return len(rows), looks

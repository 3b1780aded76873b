"""Persons who may need attention: over-solicited, or abandoned (DOMAIN.md, the fruit net). This is person data.

The signals are read for a set of persons in a constant number of queries per `CHUNK` persons, whatever their
number. They show only through the door: on the person's page to their referent, and in the referent's list of
persons needing attention (`views_attention`); the network snapshot keeps only counts per organisation (hidden
under 5 wherever shown), never who.

The rules, in plain words (the thresholds are the network's `Thresholds`, its defaults without one):

1. Only persons with an active involvement count; an anonymised file has no signal.
2. **Over-solicited**: the person has many organisations involved (active involvements, at least
   `over_solicitation_organisations`), or many contacts and meetings in the last `WINDOW_DAYS` days (at least
   `over_solicitation_contacts`), or many referrals sent for them in those days (at least
   `over_solicitation_referrals`); and the person carries few of the open actions of their project (at most
   `over_solicitation_own_share` %, none counting as 0 %). A person who carries their own project is an actor,
   not a target.
3. **Abandoned**: nobody has been in contact with the person for `abandonment_days` days (contacts and meetings
   held, or since they have been followed when there was none); or a need open for `abandonment_days` days has
   no active involvement covering its life domain and no referral under way for it (an involvement that declares
   no life domain is taken to carry every need: nothing says it does not); or a referral has waited
   `referral_unanswered_days` days for an answer; or the last `sources.DECLINE_CHAIN` referrals for one of their
   life domains were all declined (a chain of declines), with none taken up since.
4. Each signal keeps its reasons (`Signals.over_solicitation`, `Signals.abandonment`) and the numbers behind
   them, so that the page can say why.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.analytics.models import Thresholds
from maillage.analytics.sources import DECLINE_CHAIN

WINDOW_DAYS = 30
CHUNK = 2000
DENSE_FROM = 100  # ids read as a range from this many, when dense (`_among`)

# Reasons (rule 4), as stable keys.
ORGANISATIONS, CONTACTS, REFERRALS = "organisations", "contacts", "referrals"
NO_CONTACT, UNCARRIED_NEEDS, UNANSWERED, DECLINE_CHAINS = "no_contact", "uncarried_needs", "unanswered", "declines"

REASON_WORDS = {
    ORGANISATIONS: _("%(value)s organisations are involved (from %(threshold)s)"),
    CONTACTS: _("%(value)s contacts and meetings in the last 30 days (from %(threshold)s)"),
    REFERRALS: _("%(value)s referrals sent for them in the last 30 days (from %(threshold)s)"),
    NO_CONTACT: _("no contact for %(value)s days (from %(threshold)s)"),
    UNCARRIED_NEEDS: _("%(value)s needs open for %(threshold)s days or more that no one carries"),
    UNANSWERED: _("%(value)s referrals waiting for an answer for %(threshold)s days or more"),
    DECLINE_CHAINS: _("%(value)s life domains where the last %(threshold)s referrals were all declined"),
}


@dataclass(frozen=True)
class Reason:
    key: str
    value: int
    threshold: int

    @property
    def words(self) -> str:
        return REASON_WORDS[self.key] % {"value": self.value, "threshold": self.threshold}


@dataclass
class Signals:
    """One person's signals (rules 2 and 3), with the numbers behind them."""

    person_id: int
    organisations: int = 0
    referent_organisation: int | None = None
    organisation_ids: list[int] = field(default_factory=list)
    contacts: int = 0
    referrals: int = 0
    actions: int = 0
    own_actions: int = 0
    last_contact: dt.datetime | None = None
    quiet_days: int | None = None
    uncarried_needs: int = 0
    unanswered_referrals: int = 0
    decline_chains: int = 0
    over_solicitation: list[Reason] = field(default_factory=list)
    abandonment: list[Reason] = field(default_factory=list)

    @property
    def over_solicited(self) -> bool:
        return bool(self.over_solicitation)

    @property
    def abandoned(self) -> bool:
        return bool(self.abandonment)

    @property
    def any(self) -> bool:
        return self.over_solicited or self.abandoned

    @property
    def own_share(self) -> int:
        return round(self.own_actions * 100 / self.actions) if self.actions else 0

    @property
    def responsible_organisations(self) -> list[int]:
        """Who should act: the referent's organisation, else every organisation involved."""
        return [self.referent_organisation] if self.referent_organisation else self.organisation_ids


def signals(person_ids: Iterable[int], limits: Thresholds, *, now: dt.datetime | None = None) -> dict[int, Signals]:
    """Rules 1 to 4 for these persons: {person id: Signals}, for every person with an active involvement."""
    now = now or timezone.now()
    ids = sorted(set(person_ids))
    found: dict[int, Signals] = {}
    for start in range(0, len(ids), CHUNK):
        found |= _chunk(ids[start : start + CHUNK], limits, now)
    return found


def _among(field: str, ids: list[int]) -> Q:
    """`field` among the sorted `ids`: as a range when they are dense (most of the ids between the first and the
    last), so that no long list of ids is built, sent and parsed; the caller keeps only the rows of `ids`."""
    if len(ids) > DENSE_FROM and ids[-1] - ids[0] < 2 * len(ids):
        return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})
    return Q(**{f"{field}__in": ids})


def persons_needing_attention(person_ids: Iterable[int], limits: Thresholds, *, now=None) -> list[Signals]:
    return [s for s in signals(person_ids, limits, now=now).values() if s.any]


def _chunk(ids: list[int], limits: Thresholds, now: dt.datetime) -> dict[int, Signals]:
    from maillage.coordination.enums import MeetingStatus
    from maillage.coordination.models import Contact, Meeting
    from maillage.people.enums import OPEN_NEED_STATUSES, InvolvementRole, InvolvementStatus
    from maillage.people.models import Involvement, Need

    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()  # once: looked up for each person, it cost more than the rest
    window = now - dt.timedelta(days=WINDOW_DAYS)
    result: dict[int, Signals] = {}
    followed_since: dict[int, dt.date] = {}
    wanted = set(ids)
    involvements = Involvement.objects.active().filter(_among("person_id", ids), person__anonymised_at__isnull=True)
    owner: dict[int, int] = {}  # involvement -> person
    for pk, person, organisation, role, started_on in involvements.values_list(
        "pk", "person_id", "organisation_id", "role", "started_on"
    ).order_by("person_id", "pk"):
        if person not in wanted:
            continue
        owner[pk] = person
        row = result.setdefault(person, Signals(person_id=person))
        if organisation not in row.organisation_ids:
            row.organisation_ids.append(organisation)
        if role == InvolvementRole.REFERENT:
            row.referent_organisation = organisation
        if person not in followed_since or started_on < followed_since[person]:
            followed_since[person] = started_on
    if not result:
        return result
    ids = list(result)
    carried: dict[int, set[int]] = defaultdict(set)
    through = Involvement.life_domains.through
    declared: set[int] = set()
    declarations = through.objects.filter(
        _among("involvement__person_id", ids), involvement__status=InvolvementStatus.ACTIVE
    )
    for involvement, term, parent in declarations.values_list(
        "involvement_id", "taxonomyterm_id", "taxonomyterm__parent_id"
    ):
        if involvement not in owner:
            continue
        carried[owner[involvement]].update(t for t in (term, parent) if t)
        declared.add(involvement)
    open_ended = {person for involvement, person in owner.items() if involvement not in declared}
    last: dict[int, dt.datetime] = {}
    contacts = Contact.objects.filter(_among("person_id", ids), happened_at__lte=now).values("person_id")
    for person, latest, recent in contacts.annotate(
        latest=Max("happened_at"), recent=Count("pk", filter=Q(happened_at__gte=window))
    ).values_list("person_id", "latest", "recent"):
        if person not in result:
            continue
        result[person].contacts += recent
        last[person] = latest
    meetings = Meeting.objects.filter(_among("person_id", ids), starts_at__lte=now).exclude(
        status=MeetingStatus.CANCELLED
    )
    for person, latest, recent in (
        meetings.values("person_id")
        .annotate(latest=Max("starts_at"), recent=Count("pk", filter=Q(starts_at__gte=window)))
        .values_list("person_id", "latest", "recent")
    ):
        if person not in result:
            continue
        result[person].contacts += recent
        if person not in last or latest > last[person]:
            last[person] = latest
    under_way: dict[int, set[int]] = defaultdict(set)
    if apps.is_installed("maillage.referrals"):
        _referrals(result, under_way, ids, limits, now)
    if apps.is_installed("maillage.projects"):
        _actions(result, ids)
    uncarried_before = today - dt.timedelta(days=limits.abandonment_days)
    needs = Need.objects.filter(
        _among("person_id", ids), status__in=OPEN_NEED_STATUSES, opened_on__lte=uncarried_before
    )
    for person, term, parent in needs.values_list("person_id", "term_id", "term__parent_id"):
        if person not in result:
            continue
        domains = {t for t in (term, parent) if t}
        if person not in open_ended and not domains & carried[person] and not domains & under_way[person]:
            result[person].uncarried_needs += 1
    for person, row in result.items():
        row.organisations = len(row.organisation_ids)
        row.last_contact = last.get(person)
        since = row.last_contact.astimezone(zone).date() if row.last_contact else followed_since[person]
        row.quiet_days = max(0, (today - since).days)
        _decide(row, limits)
    return result


def _referrals(
    result: dict[int, Signals], under_way: dict[int, set[int]], ids: list[int], limits: Thresholds, now: dt.datetime
) -> None:
    from maillage.referrals.enums import ReferralStatus
    from maillage.referrals.models import Referral

    taken = {ReferralStatus.ACCEPTED, ReferralStatus.FIRST_CONTACT_DONE, ReferralStatus.COMPLETED}
    waiting = {ReferralStatus.SENT, ReferralStatus.RECEIVED}
    moving = {*waiting, ReferralStatus.WAITING_LIST, ReferralStatus.ACCEPTED, ReferralStatus.FIRST_CONTACT_DONE}
    window = now - dt.timedelta(days=WINDOW_DAYS)
    unanswered_before = now - dt.timedelta(days=limits.referral_unanswered_days)
    runs: dict[tuple[int, int | None], int] = {}
    rows = Referral.objects.filter(_among("person_id", ids), sent_at__isnull=False, sent_at__lte=now)
    for person, domain, parent, status, sent_at in rows.values_list(
        "person_id", "life_domain_id", "life_domain__parent_id", "status", "sent_at"
    ).order_by("person_id", "sent_at", "pk"):
        row = result.get(person)
        if row is None:
            continue
        if sent_at >= window:
            row.referrals += 1
        if status in waiting and sent_at <= unanswered_before:
            row.unanswered_referrals += 1
        if status in moving:
            under_way[person].update(t for t in (domain, parent) if t)
        key = (person, domain)
        if status == ReferralStatus.DECLINED:
            runs[key] = runs.get(key, 0) + 1
        elif status in taken or status in moving:
            runs[key] = 0
    for (person, _domain), run in runs.items():
        if run >= DECLINE_CHAIN:
            result[person].decline_chains += 1


def _actions(result: dict[int, Signals], ids: list[int]) -> None:
    from maillage.projects.enums import OPEN_ACTION_STATUSES, Carrier
    from maillage.projects.models import ProjectAction

    actions = ProjectAction.objects.filter(_among("person_id", ids), status__in=OPEN_ACTION_STATUSES)
    for person, total, own in (
        actions.values("person_id")
        .annotate(total=Count("pk"), own=Count("pk", filter=Q(carrier=Carrier.PERSON)))
        .values_list("person_id", "total", "own")
    ):
        if person not in result:
            continue
        result[person].actions, result[person].own_actions = total, own


def _decide(row: Signals, limits: Thresholds) -> None:
    """Rules 2 and 3 on one person's numbers."""
    crowded = [
        Reason(key, value, threshold)
        for key, value, threshold in (
            (ORGANISATIONS, row.organisations, limits.over_solicitation_organisations),
            (CONTACTS, row.contacts, limits.over_solicitation_contacts),
            (REFERRALS, row.referrals, limits.over_solicitation_referrals),
        )
        if value >= threshold
    ]
    if crowded and row.own_actions * 100 <= limits.over_solicitation_own_share * row.actions:
        row.over_solicitation = crowded
    quiet = row.quiet_days or 0
    row.abandonment = [
        Reason(key, value, threshold)
        for key, value, threshold, raised in (
            (NO_CONTACT, quiet, limits.abandonment_days, quiet >= limits.abandonment_days),
            (UNCARRIED_NEEDS, row.uncarried_needs, limits.abandonment_days, row.uncarried_needs > 0),
            (UNANSWERED, row.unanswered_referrals, limits.referral_unanswered_days, row.unanswered_referrals > 0),
            (DECLINE_CHAINS, row.decline_chains, DECLINE_CHAIN, row.decline_chains > 0),
        )
        if raised
    ]


def per_organisation(found: Collection[Signals], organisations: Collection[int]) -> dict[int, tuple[int, int]]:
    """For the snapshot: {organisation: (over-solicited, abandoned)} among `organisations`, each person counted
    for the organisations that should act (`Signals.responsible_organisations`). Counts only: no person leaves."""
    members = set(organisations)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in found:
        for org in row.responsible_organisations:
            if org in members:
                counts[org][0] += row.over_solicited
                counts[org][1] += row.abandoned
    return {org: (a, b) for org, (a, b) in counts.items()}


# --- through the door: the referent's view ---------------------------------------------------------------------


def limits_for_actor(actor) -> Thresholds:
    """The thresholds of the network the actor's organisation belongs to (the defaults without one)."""
    from maillage.analytics.compute import thresholds_for
    from maillage.governance.selectors import network_for_actor

    network = network_for_actor(actor)
    return thresholds_for(network) if network is not None else Thresholds()


def referent_persons(actor):
    """The persons the actor may know (door rule 4) whose active referent is one of the actor's organisations as a
    professional, or names the actor: the base of the list of persons needing attention. The caller audits."""
    from maillage.access.door import persons_visible_to
    from maillage.accounts.enums import Role
    from maillage.people.enums import InvolvementRole
    from maillage.people.models import Involvement

    organisations = [m.organisation_id for m in getattr(actor, "memberships", ()) if m.role == Role.PROFESSIONAL]
    user = getattr(actor, "user", None)
    own = Q(organisation_id__in=organisations)
    if user is not None and user.is_authenticated:
        own |= Q(professional_id=user.pk)
    referents = Involvement.objects.active().filter(own, role=InvolvementRole.REFERENT).values("person_id")
    return persons_visible_to(actor).filter(pk__in=referents)


def for_person_page(actor, person, *, is_referent: bool, categories: Collection[str]) -> Signals | None:
    """The signals shown on the person's page: to their referent only, with the coordination shared (the page
    itself is opened and audited through the door, `open_file`)."""
    from maillage.access.enums import Category

    if not is_referent or Category.COORDINATION not in categories:
        return None
    return signals([person.pk], limits_for_actor(actor)).get(person.pk)

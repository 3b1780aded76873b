"""THE access door: the one place that decides who may see or change which data of which person.

Every view, API operation, export, search, notification, e-mail, admin page and background task that
touches person data asks here. The rules, in plain words:

1. Someone not logged in gets nothing.
2. A file that was anonymised shows nothing to anyone.
3. The person themselves (a PERSON login linked to the file) sees and manages all of their own data.
4. A professional knows that a person exists only while one of their organisations has an *active
   involvement* with that person, or while they hold an active *break-the-glass* grant. No list, search,
   autocomplete or count shows anyone else, but for the organisation that sent a referral about the person,
   until its first contact (rule 14, `referral_door`). The one exception is the existence check (`existence`): given
   every identifying fact (name, birth date, commune), a professional learns whether a file exists, and
   nothing more; each check is audited with the person's id when it matched, and capped per day.
5. Only PROFESSIONAL memberships count. Organisation admins, network coordinators and platform staff get
   no person data by their role alone: an admin or coordinator membership counts only for involvements
   that name that very user as the professional.
6. For each data category, an involved organisation needs a valid basis: a consent or a care-team sharing
   (or a legal obligation) that has started, has not expired, was not revoked, and covers that
   organisation (or the care team as a whole: every organisation with an active involvement) and that
   category; and the person must not have objected to that category for that organisation (or for all).
7. Health data goes only to organisations that are health or care providers, unless the person gave
   explicit CONSENT for it.
8. Recording a sharing decision (consent, objection) or an information record (action SHARE) needs only
   the involvement: the person's say is recorded by those who work with them. The secondary network
   itself (who is involved) changes under stricter rules, because one organisation does not decide
   another's access (`network_change`, each decision audited as a SHARE of COORDINATION):
   a. a professional ends, or changes, only their own organisation's involvement (one of their
      PROFESSIONAL memberships, or an involvement that names them);
   b. ending another organisation's involvement goes through the referent: the referent's organisation
      proposes it, with a reason; the affected organisation is told and answers. It agrees (the
      involvement ends) or objects with a comment (the involvement stays open, and the disagreement
      stays visible to the referent and to the person);
   c. any involved professional may add an organisation, but only by recording how the person agreed
      (in their own space, on paper, orally); the person and the referent are told;
   d. the person themselves ends any involvement, or adds an organisation, from their own space;
   e. the referent is changed by the person, or handed over by the current referent's organisation (by
      anyone involved only while the person has no referent): otherwise a partner could make itself
      referent and bypass b.
9. Break-the-glass grants read-only access (VIEW, LIST, SEARCH) for its limited time, to every category but
   health for organisations that are not care providers; every access under it is flagged in the audit.
10. Nothing is cached between requests: a revocation, an objection, the end of an involvement or of a
    membership takes effect at the very next request.
11. An unknown person and a forbidden person look the same: `Http404`, never 403.
12. Maillage itself (a background task, no actor) may tell the person and their referent about the file
    when the rules call for an alert (a break-the-glass, a sharing change made by the person, a change of
    their network), and an involved organisation about a proposal to end its involvement (rule 8b),
    unless the file was anonymised: through `notify`, once per message, before reading the address to
    send to.

Every allowed or denied decision taken through `person_for`, `open_file`, `check`, `network_change`,
`audit_list` and `notify` writes an `AccessEvent` (ids only). `decide` and `categories_for` answer without writing:
callers that show data on the strength of them audit through `person_for`/`audit_list`.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from maillage.access import audit
from maillage.access.enums import READ_ACTIONS, Action, Category, NetworkChange, Outcome, Reason, Recipient
from maillage.access.models import BreakGlassGrant
from maillage.accounts.enums import Role
from maillage.consent.enums import LegalBasis
from maillage.consent.models import Consent, Objection
from maillage.core import metrics
from maillage.people.enums import InvolvementRole
from maillage.people.models import Involvement, Person

ALL_CATEGORIES = frozenset(Category)
type View = Callable[..., Any]


@dataclass(frozen=True)
class Decision:
    """The door's answer: allowed or not, why (a `Reason`), and on which basis and organisation."""

    allowed: bool
    reason: str
    basis: Consent | None = None
    organisation_id: int | None = None
    break_glass: bool = False

    def __bool__(self) -> bool:
        return self.allowed


# --- who the actor is, for the door -------------------------------------------------------------------------


def _user_id(actor: Any) -> int | None:
    user = getattr(actor, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.pk


def _professional_orgs(actor: Any) -> dict[int, bool]:
    """{organisation id: is_care_provider} for the actor's active PROFESSIONAL memberships."""
    return {
        m.organisation_id: m.organisation.is_care_provider
        for m in getattr(actor, "memberships", ())
        if m.role == Role.PROFESSIONAL
    }


def _named_orgs(actor: Any) -> dict[int, bool]:
    """Admin/coordinator memberships: they count only for involvements naming this user."""
    return {
        m.organisation_id: m.organisation.is_care_provider
        for m in getattr(actor, "memberships", ())
        if m.role != Role.PROFESSIONAL
    }


def _all_orgs(actor: Any) -> dict[int, bool]:
    return {m.organisation_id: m.organisation.is_care_provider for m in getattr(actor, "memberships", ())}


def _is_self(actor: Any, person: Person) -> bool:
    user_id = _user_id(actor)
    return bool(user_id and person.user_id == user_id and getattr(actor, "is_person", False))


# --- facts about one person, loaded fresh on each call --------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    involved: dict[int, bool]  # organisation id -> is_care_provider, orgs through which the actor is involved
    grant: BreakGlassGrant | None
    grant_care_provider: bool
    consents: tuple[Consent, ...]
    objections: tuple[Objection, ...]
    # organisation id -> is_care_provider: the actor's PROFESSIONAL organisations that sent a referral about the
    # person still awaiting its first contact (rule 14).
    referred: dict[int, bool] = field(default_factory=dict)


# The facts are read with plain SQL: a decision runs on every page, and building ORM queries would cost more
# than running them. One round trip for the facts, whatever the number of persons.


def _marks(values: Iterable[Any]) -> str:
    return ", ".join("%s" for _ in values)


def _rows(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _involvement_sql(actor: Any, person_ids: list[int]) -> tuple[str, list[Any]]:
    """The actor's active involvements with these persons, as (kind 0, person, organisation) rows."""
    professional, named = _professional_orgs(actor), _named_orgs(actor)
    conditions, params = [], list(person_ids)
    if professional:
        conditions.append(f"organisation_id IN ({_marks(professional)})")
        params.extend(professional)
    if named:
        conditions.append(f"(organisation_id IN ({_marks(named)}) AND professional_id = %s)")
        params.extend([*named, _user_id(actor)])
    sql = (
        "SELECT 0, person_id, organisation_id, CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT) "  # noqa: S608 -- placeholders only
        f"FROM {Involvement._meta.db_table} "
        f"WHERE person_id IN ({_marks(person_ids)}) AND status = 'ACTIVE' AND ({' OR '.join(conditions)})"
    )
    return sql, params


# Rule 14: a referral awaiting its first contact keeps its sender in the loop. The referrals app sits above the
# door, so the door names its table and statuses instead of importing it.
REFERRAL_AWAITING_FIRST_CONTACT = ("SENT", "RECEIVED", "WAITING_LIST", "ACCEPTED")


def _referral_table() -> str:
    return apps.get_model("referrals", "Referral")._meta.db_table


def _referred_sql(actor: Any, person_ids: list[int]) -> tuple[str, list[Any]] | None:
    """Referrals the actor's PROFESSIONAL organisations sent about these persons, still awaiting their first
    contact, as (kind 3, person, sending organisation) rows; None when the actor has no such organisation."""
    professional = _professional_orgs(actor)
    if not professional:
        return None
    sql = (
        "SELECT DISTINCT 3, person_id, sender_organisation_id, CAST(NULL AS BIGINT), CAST(NULL AS TEXT), "  # noqa: S608 -- placeholders only
        f"CAST(NULL AS TEXT) FROM {_referral_table()} "
        f"WHERE person_id IN ({_marks(person_ids)}) AND sender_organisation_id IN ({_marks(professional)}) "
        f"AND status IN ({_marks(REFERRAL_AWAITING_FIRST_CONTACT)})"
    )
    return sql, [*person_ids, *professional, *REFERRAL_AWAITING_FIRST_CONTACT]


def _grants(actor: Any, person_ids: Iterable[int], now: datetime) -> dict[int, BreakGlassGrant]:
    user_id = _user_id(actor)
    orgs = _all_orgs(actor)
    person_ids = list(person_ids)
    if not user_id or not orgs or not person_ids:
        return {}
    grants = BreakGlassGrant.objects.active_at(now).filter(
        actor_id=user_id, organisation_id__in=list(orgs), person_id__in=person_ids
    )
    return {grant.person_id: grant for grant in grants.order_by("expires_at")}


CONSENT_FIELDS = ["id", "person_id", "recipient_organisation_id", "categories", "legal_basis"]
OBJECTION_FIELDS = ["id", "person_id", "organisation_id", "category"]


def _bases_sql(person_ids: list[int], organisation_ids: list[int], now: datetime) -> tuple[str, list[Any]]:
    """Valid consents (heads of their chains, kind 1) and active objections (kind 2) that may cover these
    organisations, as (kind, person, organisation, id, categories or category, legal basis) rows.

    The same conditions as `Consent.objects.valid_at(now)` and `Objection.objects.active()` (the property
    tests check that the door and those querysets agree).
    """
    moment = connection.ops.adapt_datetimefield_value(now)
    consent_table, objection_table = Consent._meta.db_table, Objection._meta.db_table
    sql = (
        "SELECT 1, c.person_id, c.recipient_organisation_id, c.id, CAST(c.categories AS TEXT), c.legal_basis "  # noqa: S608 -- placeholders only
        f"FROM {consent_table} c "
        f"WHERE c.person_id IN ({_marks(person_ids)}) AND c.starts_at <= %s "
        "AND (c.expires_at IS NULL OR c.expires_at > %s) AND (c.revoked_at IS NULL OR c.revoked_at > %s) "
        f"AND (c.recipient_organisation_id IS NULL OR c.recipient_organisation_id IN ({_marks(organisation_ids)})) "
        f"AND NOT EXISTS (SELECT 1 FROM {consent_table} s WHERE s.supersedes_id = c.id) "
        "UNION ALL "
        "SELECT 2, o.person_id, o.organisation_id, o.id, o.category, CAST(NULL AS TEXT) "
        f"FROM {objection_table} o "
        f"WHERE o.person_id IN ({_marks(person_ids)}) AND o.withdrawn_at IS NULL AND o.created_at <= %s "
        f"AND (o.organisation_id IS NULL OR o.organisation_id IN ({_marks(organisation_ids)})) "
        f"AND NOT EXISTS (SELECT 1 FROM {objection_table} s WHERE s.supersedes_id = o.id)"
    )
    params = [*person_ids, moment, moment, moment, *organisation_ids, *person_ids, moment, *organisation_ids]
    return sql, params


def _facts_many(actor: Any, persons: list[Person], now: datetime) -> dict[int, _Facts]:
    """The facts of each person for this actor, in one round trip (two when a person is reached only
    through a break-the-glass grant): a decision runs on every page.

    Bases are read for all the actor's organisations, a superset of those it is involved through: the
    rules only ever match a basis against the organisation being decided for.
    """
    ids = [p.pk for p in persons]
    orgs = _all_orgs(actor)
    involved: dict[int, dict[int, bool]] = {pk: {} for pk in ids}
    consents: dict[int, list[Consent]] = {pk: [] for pk in ids}
    objections: dict[int, list[Objection]] = {pk: [] for pk in ids}
    referred: dict[int, dict[int, bool]] = {pk: {} for pk in ids}
    if ids and orgs:
        involvement_sql, involvement_params = _involvement_sql(actor, ids)
        bases_sql, bases_params = _bases_sql(ids, sorted(orgs), now)
        sql, params = f"{involvement_sql} UNION ALL {bases_sql}", [*involvement_params, *bases_params]
        if (referred_query := _referred_sql(actor, ids)) is not None:
            sql, params = f"{sql} UNION ALL {referred_query[0]}", [*params, *referred_query[1]]
        for kind, person_id, organisation_id, pk, categories, legal_basis in _rows(sql, params):
            if kind == 0:
                involved[person_id][organisation_id] = orgs[organisation_id]
            elif kind == 3:
                referred[person_id][organisation_id] = orgs[organisation_id]
            elif kind == 1:
                values = [pk, person_id, organisation_id, json.loads(categories), legal_basis]
                consents[person_id].append(Consent.from_db(connection.alias, CONSENT_FIELDS, values))
            else:
                values = [pk, person_id, organisation_id, categories]
                objections[person_id].append(Objection.from_db(connection.alias, OBJECTION_FIELDS, values))
    without = [pk for pk in ids if not involved[pk] and not referred[pk]]
    grants = _grants(actor, without, now) if without else {}
    return {
        pk: _Facts(
            involved=involved[pk],
            grant=grants.get(pk),
            grant_care_provider=orgs.get(grants[pk].organisation_id, False) if pk in grants else False,
            consents=tuple(consents[pk]),
            objections=tuple(objections[pk]),
            referred=referred[pk],
        )
        for pk in ids
    }


# --- the rules ---------------------------------------------------------------------------------------------


def _category_for_org(facts: _Facts, organisation_id: int, care_provider: bool, category: str) -> Decision:
    for objection in facts.objections:
        if objection.category == category and objection.organisation_id in (None, organisation_id):
            return Decision(False, Reason.OBJECTED, organisation_id=organisation_id)
    best: Decision | None = None
    for consent in facts.consents:
        if category not in consent.categories:
            continue
        if consent.recipient_organisation_id not in (None, organisation_id):
            continue
        if consent.legal_basis == LegalBasis.CONSENT:
            return Decision(True, Reason.CONSENT, consent, organisation_id)
        if category == Category.HEALTH and not care_provider:
            best = best or Decision(False, Reason.HEALTH_NOT_CARE_PROVIDER, organisation_id=organisation_id)
            continue
        reason = (
            Reason.CARE_TEAM_SHARING
            if consent.legal_basis == LegalBasis.CARE_TEAM_SHARING
            else (Reason.LEGAL_OBLIGATION)
        )
        if best is None or not best.allowed:
            best = Decision(True, reason, consent, organisation_id)
    return best or Decision(False, Reason.NO_BASIS, organisation_id=organisation_id)


def _decide(actor: Any, person: Person | None, action: str, category: str, facts: _Facts | None) -> Decision:
    decision = _rule(actor, person, action, category, facts)
    metrics.count_decision(decision.allowed, decision.reason)
    return decision


def _rule(actor: Any, person: Person | None, action: str, category: str, facts: _Facts | None) -> Decision:
    if _user_id(actor) is None:
        return Decision(False, Reason.NOT_AUTHENTICATED)
    if person is None:
        return Decision(False, Reason.UNKNOWN_PERSON)
    if person.anonymised_at is not None:
        return Decision(False, Reason.ANONYMISED)
    if _is_self(actor, person):
        return Decision(True, Reason.SELF)
    if action == Action.BREAK_GLASS:
        professional = _professional_orgs(actor)
        current = getattr(actor, "organisation", None)
        if current is not None and current.pk in professional:
            return Decision(True, Reason.BREAK_GLASS, organisation_id=current.pk, break_glass=True)
        return Decision(False, Reason.NOT_PROFESSIONAL)
    assert facts is not None  # noqa: S101 -- internal: callers load facts for every other action
    if facts.involved:
        if action == Action.SHARE:
            return Decision(True, Reason.INVOLVED, organisation_id=_preferred(actor, facts.involved))
        first: Decision | None = None
        for organisation_id in _ordered(actor, facts.involved):
            decision = _category_for_org(facts, organisation_id, facts.involved[organisation_id], category)
            if decision.allowed:
                return decision
            first = first or decision
        assert first is not None  # noqa: S101
        return first
    if facts.referred and action in READ_ACTIONS:
        return _referral_sender(actor, facts, category)
    if facts.grant is not None:
        grant = facts.grant
        if action not in READ_ACTIONS:
            return Decision(False, Reason.READ_ONLY, organisation_id=grant.organisation_id, break_glass=True)
        if category == Category.HEALTH and not facts.grant_care_provider:
            return Decision(
                False, Reason.HEALTH_NOT_CARE_PROVIDER, organisation_id=grant.organisation_id, break_glass=True
            )
        return Decision(True, Reason.BREAK_GLASS, organisation_id=grant.organisation_id, break_glass=True)
    if not _all_orgs(actor):
        return Decision(False, Reason.NOT_PROFESSIONAL)
    return Decision(False, Reason.NOT_INVOLVED)


def _referral_sender(actor: Any, facts: _Facts, category: str) -> Decision:
    """Rule 14 for reads: the sending organisation reads the file as it did while involved (the same bases and
    objections decide each category), until the referral's first contact; audited as REFERRAL_SENDER."""
    first: Decision | None = None
    for organisation_id in _ordered(actor, facts.referred):
        decision = _category_for_org(facts, organisation_id, facts.referred[organisation_id], category)
        if decision.allowed:
            return Decision(True, Reason.REFERRAL_SENDER, decision.basis, organisation_id)
        first = first or decision
    assert first is not None  # noqa: S101
    return first


def _ordered(actor: Any, involved: dict[int, bool]) -> list[int]:
    """The actor's current organisation first, then the others (stable order)."""
    current = getattr(actor, "organisation", None)
    ids = sorted(involved)
    if current is not None and current.pk in involved:
        ids.remove(current.pk)
        ids.insert(0, current.pk)
    return ids


def _preferred(actor: Any, involved: dict[int, bool]) -> int:
    return _ordered(actor, involved)[0]


# --- public interface --------------------------------------------------------------------------------------


def decide(actor: Any, person: Person | None, action: Action | str, category: Category | str) -> Decision:
    """May `actor` perform `action` on `person`'s data of `category`, and why? Writes no audit entry."""
    action, category = str(action), str(category)
    facts = None
    if person is not None and _user_id(actor) is not None and action != Action.BREAK_GLASS:
        facts = _facts_many(actor, [person], timezone.now())[person.pk]
    return _decide(actor, person, action, category, facts)


def categories_for(actor: Any, person: Person, action: Action | str = Action.VIEW) -> frozenset[Category]:
    """The categories of `person`'s data that `actor` may `action` now: templates mask the others."""
    return categories_for_many(actor, [person], action)[person.pk]


def categories_for_many(
    actor: Any, persons: Iterable[Person], action: Action | str = Action.VIEW
) -> dict[int, frozenset[Category]]:
    """`categories_for` for a page of persons in a constant number of queries: {person pk: categories}."""
    persons = list(persons)
    if _user_id(actor) is None or not persons:
        return {p.pk: frozenset() for p in persons}
    facts = _facts_many(actor, persons, timezone.now())
    return {
        p.pk: frozenset(c for c in Category if _decide(actor, p, str(action), c, facts[p.pk]).allowed) for p in persons
    }


def check(
    actor: Any, person: Person, *, action: Action | str, category: Category | str, purpose: str = ""
) -> Decision:
    """Decide and write the audit entry (allowed or denied). Returns the decision; raises nothing."""
    decision = decide(actor, person, action, category)
    _audit(actor, person, action, category, purpose, decision)
    return decision


def require(
    actor: Any, person: Person, *, action: Action | str, category: Category | str, purpose: str = ""
) -> Decision:
    """`check`, then `Http404` when denied: for services and views acting on a person already in hand."""
    decision = check(actor, person, action=action, category=category, purpose=purpose)
    if not decision.allowed:
        raise Http404
    return decision


def person_for(
    actor: Any,
    public_id: UUID | str,
    *,
    action: Action | str = Action.VIEW,
    category: Category | str = Category.IDENTITY,
    purpose: str = "",
) -> Person:
    """The person with this public id, if `actor` may `action` its `category`; `Http404` otherwise.

    Unknown and forbidden look the same. The decision is audited either way.
    """
    person = _find(public_id)
    decision = decide(actor, person, action, category)
    _audit(actor, person, action, category, purpose, decision, extra=None if person else {"unknown": True})
    if not decision.allowed or person is None:
        raise Http404
    return person


def open_file(
    actor: Any, public_id: UUID | str, *, purpose: str, action: Action = Action.VIEW
) -> tuple[Person, frozenset[Category]]:
    """For a page that shows a person's file: the person (`Http404` unless `actor` may view their identity)
    and the categories of the file `actor` may view now, from one decision.

    The page shows those categories: each is audited with the identity, in one batch. A download of what the
    page shows (the ecomap) asks for `Action.EXPORT`, which emergency access does not give.
    """
    person = _find(public_id)
    facts = None
    if person is not None and _user_id(actor) is not None:
        facts = _facts_many(actor, [person], timezone.now())[person.pk]
    decisions = {category: _decide(actor, person, action, category, facts) for category in Category}
    identity = decisions[Category.IDENTITY]
    if not identity.allowed or person is None:
        _audit(actor, person, action, Category.IDENTITY, purpose, identity, {"unknown": True} if not person else None)
        raise Http404
    categories = frozenset(category for category, decision in decisions.items() if decision.allowed)
    audit.record_many(
        _event(actor, person, action, category, purpose, decisions[category])
        for category in [Category.IDENTITY, *sorted(categories - {Category.IDENTITY})]
    )
    return person, categories


def network_change(
    actor: Any,
    person: Person,
    *,
    change: NetworkChange | str,
    involvement: Involvement | None = None,
    purpose: str = "",
) -> Decision:
    """May `actor` make this `change` to `person`'s secondary network (rule 8)? Audited either way, as a
    SHARE of COORDINATION with the change and the involvement's id.

    `involvement` is the one ended, changed, proposed to end or answered for (None to add one). A denial
    for the person as a whole (rules 1 to 7, 9) comes back as the usual reasons; a denial by rule 8 as
    `OTHER_ORGANISATION` (8a) or `NOT_REFERENT` (8b), for the caller to explain.
    """
    change = NetworkChange(change)
    decision = decide(actor, person, Action.SHARE, Category.COORDINATION)
    if involvement is not None and involvement.person_id != person.pk:
        decision = Decision(False, Reason.NOT_INVOLVED)  # an involvement of someone else: nothing to decide
    if decision.allowed:
        decision = _network_rule(actor, person, change, involvement, decision)
    extra = {"change": str(change), **({"involvement": involvement.pk} if involvement is not None else {})}
    _audit(actor, person, Action.SHARE, Category.COORDINATION, purpose, decision, extra)
    return decision


def _network_rule(
    actor: Any, person: Person, change: NetworkChange, involvement: Involvement | None, decision: Decision
) -> Decision:
    if change == NetworkChange.ADD:
        return decision  # 8c (how the person agreed is checked with the input) and 8d
    assert involvement is not None  # noqa: S101 -- internal: every other change names its involvement
    if decision.reason == Reason.SELF:
        if change in (NetworkChange.END, NetworkChange.EDIT, NetworkChange.CHANGE_REFERENT):
            return decision  # 8d, 8e
        # The person ends an involvement directly: they neither propose nor answer.
        return Decision(
            False, Reason.NOT_REFERENT if change == NetworkChange.PROPOSE_END else Reason.OTHER_ORGANISATION
        )
    if change in (NetworkChange.PROPOSE_END, NetworkChange.CHANGE_REFERENT):
        referents = list(Involvement.objects.active().filter(person_id=person.pk, role=InvolvementRole.REFERENT))
        if not referents and change == NetworkChange.CHANGE_REFERENT:
            return decision  # 8e: no referent to hand over
        referent = next((i for i in referents if is_own_involvement(actor, i)), None)
        if referent is None:
            return Decision(False, Reason.NOT_REFERENT, organisation_id=decision.organisation_id)
        return Decision(True, Reason.REFERENT, organisation_id=referent.organisation_id)
    if is_own_involvement(actor, involvement):
        return Decision(True, Reason.OWN_ORGANISATION, organisation_id=involvement.organisation_id)
    return Decision(False, Reason.OTHER_ORGANISATION, organisation_id=decision.organisation_id)


def is_own_involvement(actor: Any, involvement: Involvement) -> bool:
    """Rule 8a: the involvement is of one of the actor's PROFESSIONAL organisations, or names the actor."""
    if involvement.organisation_id in _professional_orgs(actor):
        return True
    user_id = _user_id(actor)
    return bool(
        user_id and involvement.professional_id == user_id and involvement.organisation_id in _named_orgs(actor)
    )


def notify(person: Person, *, recipient: Recipient, purpose: str, extra: dict[str, int] | None = None) -> Decision:
    """May Maillage tell `recipient` about `person` by e-mail now (rule 12)? Audited as a NOTIFY of the
    identity by the system, with the recipient's kind (never the address) and the ids in `extra`.

    Background tasks call it once per message, and send only when it allows.
    """
    if person.anonymised_at is not None:
        decision = Decision(False, Reason.ANONYMISED)
    else:
        decision = Decision(True, Reason.DUTY_TO_ALERT)
    _audit(None, person, Action.NOTIFY, Category.IDENTITY, purpose, decision, {**(extra or {}), "to": str(recipient)})
    return decision


def organisation_opens_file(person: Person, organisation_id: int) -> bool:
    """Could a professional of this organisation open the person's file now (an active involvement, and the
    identity shared with it: rules 2, 4, 6)? For e-mails: a message points to a file only when its reader can
    open it. Writes no audit entry (the message itself goes through `notify`)."""
    if person.anonymised_at is not None:
        return False
    involvement = Involvement.objects.active().filter(person_id=person.pk, organisation_id=organisation_id)
    organisation = involvement.select_related("organisation").first()
    if organisation is None:
        return False
    now = timezone.now()
    sql, params = _bases_sql([person.pk], [organisation_id], now)
    consents, objections = [], []
    for kind, person_id, org_id, pk, categories, legal_basis in _rows(sql, params):
        if kind == 1:
            values = [pk, person_id, org_id, json.loads(categories), legal_basis]
            consents.append(Consent.from_db(connection.alias, CONSENT_FIELDS, values))
        else:
            objections.append(
                Objection.from_db(connection.alias, OBJECTION_FIELDS, [pk, person_id, org_id, categories])
            )
    care_provider = organisation.organisation.is_care_provider
    facts = _Facts({organisation_id: care_provider}, None, False, tuple(consents), tuple(objections))
    return _category_for_org(facts, organisation_id, care_provider, Category.IDENTITY).allowed


def _find(public_id: UUID | str) -> Person | None:
    try:
        return Person.objects.select_related("commune").get(public_id=public_id)
    except (Person.DoesNotExist, ValidationError, ValueError, TypeError):
        return None


def persons_visible_to(actor: Any) -> QuerySet[Person]:
    """The persons whose existence `actor` may know now (rule 4): the base of every list and search.

    The caller audits what it shows with `audit_list`.
    """
    user_id = _user_id(actor)
    if user_id is None:
        return Person.objects.none()
    condition = Q(pk__in=[])
    if getattr(actor, "is_person", False):
        condition |= Q(user_id=user_id)
    professional, named = _professional_orgs(actor), _named_orgs(actor)
    if professional:
        condition |= Q(
            pk__in=Involvement.objects.active().filter(organisation_id__in=list(professional)).values("person_id")
        )
    if named:
        condition |= Q(
            pk__in=Involvement.objects.active()
            .filter(organisation_id__in=list(named), professional_id=user_id)
            .values("person_id")
        )
    if professional:
        referral = apps.get_model("referrals", "Referral")
        condition |= Q(
            pk__in=referral.objects.filter(
                sender_organisation_id__in=list(professional), status__in=REFERRAL_AWAITING_FIRST_CONTACT
            ).values("person_id")
        )
    if professional or named:
        granted = list(
            BreakGlassGrant.objects.active_at(timezone.now())
            .filter(actor_id=user_id, organisation_id__in=list(_all_orgs(actor)))
            .values_list("person_id", flat=True)
        )
        if granted:
            condition |= Q(pk__in=granted)
    return Person.objects.not_anonymised().filter(condition)


def audit_list(
    actor: Any,
    persons: Iterable[Person],
    *,
    action: Action | str = Action.LIST,
    category: Category | str = Category.IDENTITY,
    purpose: str = "",
) -> dict[int, frozenset[Category]]:
    """One audit entry per listed or found person, written in one batch (search hits included).

    Returns, from the same decision, the categories of each person's data the actor may view now: a list
    masks the others (`categories_for_many`).
    """
    persons = list(persons)
    if not persons:
        return {}
    facts = _facts_many(actor, persons, timezone.now()) if _user_id(actor) is not None else {}
    events = []
    categories = {}
    for person in persons:
        decision = _decide(actor, person, str(action), str(category), facts.get(person.pk))
        if not decision.allowed and decision.reason in (Reason.NO_BASIS, Reason.OBJECTED):
            # The person is listed (existence is visible through the involvement, or the pending referral of
            # rule 14) with their data masked.
            facts_of = facts.get(person.pk)
            why = Reason.INVOLVED if facts_of is None or facts_of.involved else Reason.REFERRAL_SENDER
            decision = Decision(True, why, organisation_id=decision.organisation_id)
        events.append(_event(actor, person, action, category, purpose, decision))
        categories[person.pk] = frozenset(
            c for c in Category if _decide(actor, person, Action.VIEW, c, facts.get(person.pk)).allowed
        )
    audit.record_many(events)
    return categories


def _event(actor, person, action, category, purpose, decision: Decision, extra=None) -> audit.EventData:
    return audit.event_data(
        actor=actor,
        action=action,
        outcome=Outcome.ALLOWED if decision.allowed else Outcome.DENIED,
        person=person,
        category=category,
        purpose=purpose,
        reason=decision.reason,
        break_glass=decision.break_glass,
        organisation_id=decision.organisation_id,
        extra=extra,
    )


def _audit(actor, person, action, category, purpose, decision: Decision, extra=None) -> None:
    audit.record_many([_event(actor, person, action, category, purpose, decision, extra)])


# --- declaring views to the door -----------------------------------------------------------------------------

PERSON_DATA_ATTRIBUTE = "maillage_person_data"
NO_PERSON_DATA_ATTRIBUTE = "maillage_no_person_data"


def person_data(
    categories: Iterable[Category | str] = (Category.IDENTITY,), action: Action | str = Action.VIEW
) -> Callable[[View], View]:
    """Declare that a view or API operation returns or changes person data of these categories.

    The first category is the one the view needs to answer at all (the one it passes to `person_for`); the
    others are shown only when `categories_for` allows them. The view must resolve the person through
    `person_for` (or list through `persons_visible_to` + `audit_list`). The enumeration and matrix tests
    (access/tests/test_routes.py) find every declared route through this mark, and every answer of a declared
    route is `Cache-Control: no-store` through it (`maillage.access.no_store`).
    """
    ordered = [Category(c) for c in categories]
    if not ordered:
        raise ValueError("person_data needs at least one category")
    declared = {"categories": frozenset(ordered), "primary": ordered[0], "action": Action(action)}

    def mark(view: View) -> View:
        setattr(view, PERSON_DATA_ATTRIBUTE, declared)
        return view

    return mark


def no_person_data(view: View) -> View:
    """Declare that a view or API operation never returns or changes person data."""
    setattr(view, NO_PERSON_DATA_ATTRIBUTE, True)
    return view

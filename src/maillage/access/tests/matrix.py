"""The authorisation table: who (actor kind) x what (category) x basis state x involvement state -> allowed?

`expected()` is the table, written from the issue's rules, independently of the door's code; `build()` makes
the situation in the database. Used against the door functions (test_matrix.py) and against every route
declared with `@person_data` (test_routes.py).
"""

import datetime as dt
import enum
import itertools
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from maillage.access.enums import Category
from maillage.access.models import BreakGlassGrant
from maillage.accounts.actors import actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.people.enums import InvolvementStatus
from maillage.people.tests.factories import (
    ConsentFactory,
    InformationRecordFactory,
    InvolvementFactory,
    ObjectionFactory,
    PersonFactory,
)


class ActorKind(enum.StrEnum):
    PROFESSIONAL_INVOLVED = "professional-involved"
    PROFESSIONAL_NOT_INVOLVED = "professional-not-involved"
    ORGANISATION_ADMIN = "organisation-admin"
    NETWORK_COORDINATOR = "network-coordinator"
    PLATFORM_STAFF = "platform-staff"
    THE_PERSON = "the-person"
    BREAK_THE_GLASS = "break-the-glass"
    # A professional of the involved organisation, which sent the person to another organisation by a referral
    # not yet at its first contact (door rule 14): with the involvement ended, it still reads the file.
    REFERRAL_SENDER = "referral-sender"


class BasisState(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    OBJECTED = "objected"
    NONE = "none"


class BasisKind(enum.StrEnum):
    CARE_TEAM_SHARING = "care-team-sharing"
    EXPLICIT_CONSENT = "explicit-consent"


class InvolvementState(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


@dataclass(frozen=True)
class Case:
    actor: ActorKind
    category: Category
    basis: BasisState
    kind: BasisKind
    involvement: InvolvementState

    @property
    def id(self) -> str:
        return f"{self.actor}/{self.category.lower()}/{self.basis}/{self.kind}/{self.involvement}"


def expected(case: Case) -> bool:
    """The table. The involved organisation and the break-the-glass one are not care providers."""
    if case.actor == ActorKind.THE_PERSON:
        return True
    if case.actor == ActorKind.BREAK_THE_GLASS:
        return case.category != Category.HEALTH
    if case.actor not in (ActorKind.PROFESSIONAL_INVOLVED, ActorKind.REFERRAL_SENDER):
        return False  # not involved, or a role alone (admin, coordinator, staff)
    # Rule 14: the sender of a referral awaiting its first contact reads as it did while involved.
    still_in_the_loop = case.involvement == InvolvementState.ACTIVE or case.actor == ActorKind.REFERRAL_SENDER
    if not still_in_the_loop or case.basis != BasisState.VALID:
        return False
    return not (case.category == Category.HEALTH and case.kind == BasisKind.CARE_TEAM_SHARING)


def exists_expected(case: Case) -> bool:
    """Whether the person appears at all (lists, search): existence, not data."""
    if case.actor in (ActorKind.THE_PERSON, ActorKind.BREAK_THE_GLASS, ActorKind.REFERRAL_SENDER):
        return True
    return case.actor == ActorKind.PROFESSIONAL_INVOLVED and case.involvement == InvolvementState.ACTIVE


def cases(categories=tuple(Category)) -> list[Case]:
    return [
        Case(*values) for values in itertools.product(ActorKind, categories, BasisState, BasisKind, InvolvementState)
    ]


def situations() -> list[Case]:
    """One case per situation (the category left to the caller): the database set-up is per situation."""
    return [
        Case(actor, Category.IDENTITY, basis, kind, involvement)
        for actor, basis, kind, involvement in itertools.product(ActorKind, BasisState, BasisKind, InvolvementState)
    ]


@dataclass
class Situation:
    person: Any
    user: Any
    actor: Any


def build(case: Case, *, referent: bool = True) -> Situation:
    """Make the situation of `case`: the person, the involved organisation (the referent's, unless told
    otherwise), the basis, and the actor."""
    now = timezone.now()
    involved = OrganisationFactory()
    person = PersonFactory(with_login=True)
    InformationRecordFactory(person=person)
    InvolvementFactory(
        person=person,
        organisation=involved,
        referent=referent,
        **({"ended": True} if case.involvement == InvolvementState.ENDED else {}),
    )
    assert case.involvement == InvolvementState.ACTIVE or person.involvements.get().status == InvolvementStatus.ENDED
    if case.basis != BasisState.NONE:
        explicit = case.kind == BasisKind.EXPLICIT_CONSENT
        consent = ConsentFactory(
            person=person,
            categories=[c.value for c in Category],
            legal_basis=LegalBasis.CONSENT if explicit else LegalBasis.CARE_TEAM_SHARING,
            how_given=HowGiven.PAPER_SCANNED if explicit else HowGiven.ORAL_RECORDED,
            recipient_organisation=involved if explicit else None,
            expires_at=now - dt.timedelta(hours=1) if case.basis == BasisState.EXPIRED else None,
            starts_at=now - dt.timedelta(days=2),
        )
        if case.basis == BasisState.REVOKED:
            ConsentFactory(
                person=person,
                categories=consent.categories,
                legal_basis=consent.legal_basis,
                how_given=consent.how_given,
                recipient_organisation=consent.recipient_organisation,
                starts_at=consent.starts_at,
                revoked_at=now - dt.timedelta(minutes=5),
                supersedes=consent,
            )
        if case.basis == BasisState.OBJECTED:
            for category in Category:  # objects to every category, so one situation serves all of them
                ObjectionFactory(person=person, organisation=involved, category=category)
    if case.actor == ActorKind.PROFESSIONAL_INVOLVED:
        user = MembershipFactory(organisation=involved).user
    elif case.actor == ActorKind.PROFESSIONAL_NOT_INVOLVED:
        user = MembershipFactory().user
    elif case.actor == ActorKind.ORGANISATION_ADMIN:
        user = MembershipFactory(organisation=involved, admin=True).user
    elif case.actor == ActorKind.NETWORK_COORDINATOR:
        user = MembershipFactory(organisation=involved, coordinator=True).user
    elif case.actor == ActorKind.PLATFORM_STAFF:
        user = UserFactory(is_staff=True, is_superuser=True)
    elif case.actor == ActorKind.THE_PERSON:
        user = person.user
        assert user.kind == UserKind.PERSON
    elif case.actor == ActorKind.REFERRAL_SENDER:
        user = MembershipFactory(organisation=involved).user
        referral_sent(person, sender=involved, status="ACCEPTED")
    else:
        membership = MembershipFactory()
        user = membership.user
        BreakGlassGrant.objects.create(
            actor=user, organisation=membership.organisation, person=person, reason="Emergency", started_at=now
        )
    return Situation(person=person, user=user, actor=actor_for(user))


def referral_sent(person: Any, *, sender: Any, status: str, receiver: Any = None) -> Any:
    """A referral about `person` that `sender` sent to another organisation, now in `status` (door rule 14)."""
    from maillage.directory.models import BUILTIN_TAXONOMY_ID, Taxonomy, TaxonomyTerm
    from maillage.referrals.models import Referral

    taxonomy = Taxonomy.objects.filter(public_id=BUILTIN_TAXONOMY_ID).first() or Taxonomy.objects.create(
        public_id=BUILTIN_TAXONOMY_ID, name="Life domains", is_builtin=True
    )
    housing, _ = TaxonomyTerm.objects.get_or_create(
        taxonomy=taxonomy, code="housing", defaults={"name_fr": "Logement", "name_en": "Housing", "level": 1}
    )
    return Referral.objects.create(
        person=person,
        life_domain=housing,
        sender_organisation=sender,
        receiver_organisation=receiver or OrganisationFactory(),
        expected="Un logement",
        agreement="ORALLY",
        status=status,
        sent_at=timezone.now(),
    )


# --- the secondary network (door rule 8): who may add, end, propose and answer ----------------------------


class NetworkActor(enum.StrEnum):
    OWN_ORGANISATION = "own-organisation"  # a professional of the organisation whose involvement it is
    REFERENT = "referent"  # a professional of the referent organisation (another one)
    OTHER_INVOLVED = "other-involved"  # a professional of a third involved organisation, not the referent
    NOT_INVOLVED = "not-involved"
    ORGANISATION_ADMIN = "organisation-admin"  # admin of the involvement's organisation, not named on it
    THE_PERSON = "the-person"
    BREAK_THE_GLASS = "break-the-glass"


class NetworkWrite(enum.StrEnum):
    END = "end"
    EDIT = "edit"
    PROPOSE_END = "propose-end"
    ANSWER_END = "answer-end"
    ADD = "add"
    ADD_WITHOUT_AGREEMENT = "add-without-agreement"
    CHANGE_REFERENT = "change-referent"  # make the target involvement the referent


class NetworkOutcome(enum.StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"  # works with the person, but this change is not theirs: PermissionDenied with a message
    INVALID = "invalid"  # may make the change, not like this: ValidationError with a message
    HIDDEN = "hidden"  # may not see the person at all: Http404


@dataclass(frozen=True)
class NetworkCase:
    actor: NetworkActor
    write: NetworkWrite

    @property
    def id(self) -> str:
        return f"{self.actor}/{self.write}"


def network_expected(case: NetworkCase) -> NetworkOutcome:
    """The table of rule 8, written from the issue: one organisation does not decide another's access."""
    if case.actor in (NetworkActor.NOT_INVOLVED, NetworkActor.ORGANISATION_ADMIN, NetworkActor.BREAK_THE_GLASS):
        return NetworkOutcome.HIDDEN  # no involvement (a role alone, or read-only emergency access): rules 4, 5, 9
    if case.write == NetworkWrite.ADD:
        return NetworkOutcome.ALLOWED  # 8c, 8d
    if case.write == NetworkWrite.ADD_WITHOUT_AGREEMENT:
        # 8c: a professional records how the person agreed; the person agrees by doing it in their space (8d).
        return NetworkOutcome.ALLOWED if case.actor == NetworkActor.THE_PERSON else NetworkOutcome.INVALID
    if case.write in (NetworkWrite.END, NetworkWrite.EDIT):
        return (
            NetworkOutcome.ALLOWED
            if case.actor in (NetworkActor.OWN_ORGANISATION, NetworkActor.THE_PERSON)
            else NetworkOutcome.REFUSED
        )
    if case.write == NetworkWrite.CHANGE_REFERENT:  # 8e: the person, or the referent handing over
        return (
            NetworkOutcome.ALLOWED
            if case.actor in (NetworkActor.REFERENT, NetworkActor.THE_PERSON)
            else NetworkOutcome.REFUSED
        )
    if case.write == NetworkWrite.PROPOSE_END:
        return NetworkOutcome.ALLOWED if case.actor == NetworkActor.REFERENT else NetworkOutcome.REFUSED  # 8b
    return (
        NetworkOutcome.ALLOWED if case.actor == NetworkActor.OWN_ORGANISATION else NetworkOutcome.REFUSED
    )  # 8b: answer


def network_cases() -> list[NetworkCase]:
    return [NetworkCase(actor, write) for actor, write in itertools.product(NetworkActor, NetworkWrite)]


@dataclass
class NetworkSituation:
    person: Any
    target: Any  # the involvement ended, changed, proposed to end or answered for
    newcomer: Any  # an organisation not involved, to add
    user: Any
    actor: Any


def build_network(case: NetworkCase) -> NetworkSituation:
    """A person with a referent organisation, the target organisation's involvement and a third involved
    organisation, under care-team sharing; the actor of `case`."""
    person = PersonFactory(with_login=True)
    InformationRecordFactory(person=person)
    referent_org, target_org, third_org = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    InvolvementFactory(person=person, organisation=referent_org, referent=True)
    target = InvolvementFactory(person=person, organisation=target_org)
    InvolvementFactory(person=person, organisation=third_org)
    ConsentFactory(
        person=person,
        categories=[c.value for c in Category],
        legal_basis=LegalBasis.CARE_TEAM_SHARING,
        how_given=HowGiven.ORAL_RECORDED,
        starts_at=timezone.now() - dt.timedelta(days=2),
    )
    if case.actor == NetworkActor.OWN_ORGANISATION:
        user = MembershipFactory(organisation=target_org).user
    elif case.actor == NetworkActor.REFERENT:
        user = MembershipFactory(organisation=referent_org).user
    elif case.actor == NetworkActor.OTHER_INVOLVED:
        user = MembershipFactory(organisation=third_org).user
    elif case.actor == NetworkActor.NOT_INVOLVED:
        user = MembershipFactory().user
    elif case.actor == NetworkActor.ORGANISATION_ADMIN:
        user = MembershipFactory(organisation=target_org, admin=True).user
    elif case.actor == NetworkActor.THE_PERSON:
        user = person.user
    else:
        membership = MembershipFactory()
        user = membership.user
        BreakGlassGrant.objects.create(
            actor=user,
            organisation=membership.organisation,
            person=person,
            reason="Emergency",
            started_at=timezone.now(),
        )
    return NetworkSituation(
        person=person, target=target, newcomer=OrganisationFactory(), user=user, actor=actor_for(user)
    )

"""Scenarios as a new user would run them: open a file, share, revoke, object, end an involvement, break the
glass; each shows exactly the expected categories and leaves the expected audit entries."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from maillage.access import audit, door
from maillage.access.enums import Action, Category, Outcome, Reason
from maillage.access.models import AccessEvent
from maillage.access.services import break_glass_open
from maillage.accounts.actors import actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from maillage.consent import services as consent_services
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.consent.models import Consent
from maillage.people import services
from maillage.people.enums import InformationMethod, InvolvementEndReason, InvolvementRole, PersonAgreement
from maillage.people.models import Involvement, ReferentChange
from maillage.people.tests.factories import InvolvementFactory, TaxonomyTermFactory

pytestmark = pytest.mark.django_db

SHARED = [Category.IDENTITY, Category.SOCIAL, Category.PROJECT, Category.COORDINATION]
ORALLY = PersonAgreement.ORALLY


@pytest.fixture
def referent():
    return MembershipFactory(organisation=OrganisationFactory(email="cpas@example.org"))


@pytest.fixture
def opened(referent):
    actor = actor_for(referent.user)
    person = services.person_create(
        actor,
        first_name="Amina",
        last_name="Diallo",
        informed_method=InformationMethod.ORAL,
        sharing_categories=SHARED,
    )
    return actor, person


def test_open_a_file(opened, referent):
    actor, person = opened
    involvement = Involvement.objects.get(person=person)
    assert (involvement.organisation, involvement.role, involvement.professional) == (
        referent.organisation,
        InvolvementRole.REFERENT,
        referent.user,
    )
    assert ReferentChange.objects.get(person=person).to_involvement == involvement
    assert door.categories_for(actor, person) == frozenset(SHARED)
    assert list(door.persons_visible_to(actor)) == [person]
    events = list(AccessEvent.objects.filter(person_id=person.pk).values_list("action", "outcome"))
    assert (Action.CREATE, Outcome.ALLOWED) in events
    assert (Action.SHARE, Outcome.ALLOWED) in events
    assert audit.verify().ok


def test_only_professionals_open_files():
    admin = MembershipFactory(admin=True)
    with pytest.raises(PermissionDenied):
        services.person_create(actor_for(admin.user), first_name="X")


def test_care_team_sharing_needs_prior_information(referent):
    with pytest.raises(ValidationError):
        services.person_create(actor_for(referent.user), first_name="X", sharing_categories=[Category.SOCIAL])


def test_share_with_a_second_organisation_then_revoke_and_object(opened):
    actor, person = opened
    housing = MembershipFactory()
    housing_actor = actor_for(housing.user)
    assert door.categories_for(housing_actor, person) == frozenset()
    with pytest.raises(Http404):
        door.person_for(housing_actor, person.public_id, purpose="person_page")

    services.involvement_start(actor, person=person, organisation=housing.organisation, agreement=ORALLY)
    # Care-team sharing covers every organisation of the care team, from the next request.
    assert door.categories_for(actor_for(housing.user), person) == frozenset(SHARED)

    sharing = Consent.objects.current().get(person=person)
    consent_services.consent_revoke(actor, consent=sharing)
    assert door.categories_for(actor_for(housing.user), person) == frozenset()
    assert Consent.objects.filter(person=person).count() == 2  # history kept

    explicit = consent_services.consent_record(
        actor,
        person=person,
        purpose="Housing application",
        categories=[Category.IDENTITY, Category.SOCIAL, Category.HEALTH],
        legal_basis=LegalBasis.CONSENT,
        how_given=HowGiven.PAPER_SCANNED,
        recipient_organisation=housing.organisation,
    )
    assert door.categories_for(actor_for(housing.user), person) == {
        Category.IDENTITY,
        Category.SOCIAL,
        Category.HEALTH,
    }
    objection = consent_services.objection_record(
        actor, person=person, category=Category.HEALTH, organisation=housing.organisation
    )
    assert door.categories_for(actor_for(housing.user), person) == {Category.IDENTITY, Category.SOCIAL}
    consent_services.objection_withdraw(actor, objection=objection)
    assert Category.HEALTH in door.categories_for(actor_for(housing.user), person)
    assert door.decide(actor_for(housing.user), person, Action.VIEW, Category.HEALTH).basis == explicit


def test_person_revokes_from_their_own_space_and_the_referent_is_told(opened, django_capture_on_commit_callbacks):
    actor, person = opened
    login = UserFactory(kind=UserKind.PERSON)
    services.person_link_user(actor, person=person, user=login)
    person.refresh_from_db()
    own = actor_for(login)
    assert door.categories_for(own, person) == frozenset(Category)
    sharing = Consent.objects.current().get(person=person)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        consent_services.consent_revoke(own, consent=sharing)
    outbox = mail.outbox
    assert door.categories_for(actor_for(actor.user), person) == frozenset()
    assert [m.to for m in outbox] == [[actor.user.email]]
    assert person.first_name not in outbox[0].body


def test_end_of_involvement_takes_effect_at_the_next_request(opened):
    actor, person = opened
    intervening = MembershipFactory()
    involvement = services.involvement_start(
        actor, person=person, organisation=intervening.organisation, agreement=ORALLY
    )
    assert door.person_for(actor_for(intervening.user), person.public_id) == person
    # Door rule 8a: the intervening organisation ends its own involvement.
    services.involvement_end(
        actor_for(intervening.user), involvement=involvement, reason=InvolvementEndReason.OBJECTIVES_MET
    )
    with pytest.raises(Http404):
        door.person_for(actor_for(intervening.user), person.public_id)
    assert list(door.persons_visible_to(actor_for(intervening.user))) == []
    assert AccessEvent.objects.filter(actor_id=intervening.user.pk, outcome=Outcome.DENIED).count() == 1


def test_end_of_membership_takes_effect_at_the_next_request(opened):
    actor, person = opened
    membership = actor.membership
    membership.is_active = False
    membership.save()
    assert door.categories_for(actor_for(actor.user), person) == frozenset()


def test_referent_change_keeps_history_and_one_active_referent(opened):
    actor, person = opened
    other = MembershipFactory()
    involvement = services.involvement_start(actor, person=person, organisation=other.organisation, agreement=ORALLY)
    services.referent_change(actor, person=person, to_involvement=involvement, reason="Moved closer to home")
    roles = dict(Involvement.objects.filter(person=person).values_list("organisation_id", "role"))
    assert roles[other.organisation_id] == InvolvementRole.REFERENT
    assert roles[actor.organisation.pk] == InvolvementRole.INTERVENING
    assert ReferentChange.objects.filter(person=person).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        InvolvementFactory(person=person, referent=True)


def test_break_the_glass(opened, django_capture_on_commit_callbacks):
    actor, person = opened
    er = MembershipFactory(organisation=OrganisationFactory(care_provider=True))
    er_actor = actor_for(er.user)
    with pytest.raises(Http404):
        door.person_for(er_actor, person.public_id)
    with pytest.raises(ValidationError):
        break_glass_open(er_actor, public_id=person.public_id, reason="  ")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        grant = break_glass_open(er_actor, public_id=person.public_id, reason="Unconscious at the emergency ward")
    assert [m.to for m in mail.outbox] == [[actor.user.email]]
    assert door.person_for(actor_for(er.user), person.public_id) == person
    assert door.categories_for(actor_for(er.user), person) == frozenset(Category)
    assert not door.decide(actor_for(er.user), person, Action.EDIT, Category.SOCIAL).allowed
    flagged = AccessEvent.objects.filter(person_id=person.pk, break_glass=True)
    assert {(e.action, e.outcome, e.reason) for e in flagged} >= {
        (Action.BREAK_GLASS, Outcome.ALLOWED, Reason.BREAK_GLASS),
        (Action.VIEW, Outcome.ALLOWED, Reason.BREAK_GLASS),
    }
    assert grant.expires_at - grant.started_at == __import__("datetime").timedelta(hours=4)


def test_needs_and_relations(opened):
    actor, person = opened
    term = TaxonomyTermFactory(code="housing")
    need = services.need_create(actor, person=person, term=term, own_words="Un toit", weight=4)
    services.need_update(actor, need=need, status="MET")
    need.refresh_from_db()
    assert need.closed_on is not None
    health = TaxonomyTermFactory(code="health")
    with pytest.raises(Http404):  # no health basis under care-team sharing for a non-care provider
        services.need_create(actor, person=person, term=health)
    relation = services.relation_create(actor, person=person, name="Fatou", kind="FAMILY", phone="0470")
    assert relation.phone == ""  # kept only if the person wants

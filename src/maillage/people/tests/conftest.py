"""A small network around one person, shared by the view, space and export tests.

- `referent`: professional of the referent organisation (named on the referent involvement);
- `partner`: professional of a care provider also involved (intervening);
- `stranger`: professional of an organisation not involved;
- `admin`, `coordinator`: admin and network coordinator of the referent organisation (no person data by role);
- `staff`: platform staff (no person data by role).
Care-team sharing covers identity, social, project and coordination for the whole care team.
"""

from dataclasses import dataclass

import pytest

from maillage.access.enums import Category
from maillage.accounts.models import Organisation, User
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from maillage.directory.models import BUILTIN_TAXONOMY_ID, Taxonomy, TaxonomyTerm
from maillage.people.enums import RelationQuality, RelationStrength, SupportDirection
from maillage.people.models import Involvement, Person
from maillage.people.tests.factories import (
    ConsentFactory,
    InformationRecordFactory,
    InvolvementFactory,
    NeedFactory,
    PersonFactory,
    RelationFactory,
)


@dataclass
class Network:
    person: Person
    referent: User
    partner: User
    stranger: User
    admin: User
    coordinator: User
    staff: User
    referent_org: Organisation
    partner_org: Organisation
    stranger_org: Organisation
    referent_involvement: Involvement
    partner_involvement: Involvement
    housing: TaxonomyTerm
    health: TaxonomyTerm


@pytest.fixture
def network(db) -> Network:
    taxonomy = Taxonomy.objects.filter(public_id=BUILTIN_TAXONOMY_ID).first() or Taxonomy.objects.create(
        public_id=BUILTIN_TAXONOMY_ID, name="Life domains", is_builtin=True
    )
    housing, _ = TaxonomyTerm.objects.get_or_create(
        taxonomy=taxonomy, code="housing", defaults={"name_fr": "Logement", "name_en": "Housing", "level": 1}
    )
    health, _ = TaxonomyTerm.objects.get_or_create(
        taxonomy=taxonomy, code="health", defaults={"name_fr": "Santé", "name_en": "Health", "level": 1}
    )
    referent_org = OrganisationFactory(name="CPAS de Namur")
    partner_org = OrganisationFactory(name="Centre de santé mentale", care_provider=True)
    stranger_org = OrganisationFactory(name="Service étranger")
    referent = MembershipFactory(organisation=referent_org, user__first_name="Rita", user__last_name="Ferrant").user
    partner = MembershipFactory(organisation=partner_org, user__first_name="Paul", user__last_name="Partenaire").user
    stranger = MembershipFactory(organisation=stranger_org).user
    admin = MembershipFactory(organisation=referent_org, admin=True).user
    coordinator = MembershipFactory(organisation=referent_org, coordinator=True).user
    staff = UserFactory(is_staff=True)
    person = PersonFactory(first_name="Amélie", last_name="Fontaine", email="amelie@example.org")
    InformationRecordFactory(person=person, organisation=referent_org, informed_by=referent)
    referent_involvement = InvolvementFactory(
        person=person, organisation=referent_org, professional=referent, referent=True
    )
    partner_involvement = InvolvementFactory(person=person, organisation=partner_org, professional=partner)
    ConsentFactory(
        person=person,
        categories=[Category.IDENTITY, Category.SOCIAL, Category.PROJECT, Category.COORDINATION],
    )
    NeedFactory(person=person, term=housing, own_words="Un logement plus grand pour mes enfants.")
    NeedFactory(person=person, term=health, own_words="Dormir mieux.")
    RelationFactory(
        person=person,
        name="Josiane",
        kind_detail="Mère",
        strength=RelationStrength.STRONG,
        quality=RelationQuality.SUPPORTIVE,
        support_direction=SupportDirection.MUTUAL,
    )
    RelationFactory(person=person, name="Marc", kind_detail="Ex-conjoint", quality=RelationQuality.STRESSFUL)
    return Network(
        person=person,
        referent=referent,
        partner=partner,
        stranger=stranger,
        admin=admin,
        coordinator=coordinator,
        staff=staff,
        referent_org=referent_org,
        partner_org=partner_org,
        stranger_org=stranger_org,
        referent_involvement=referent_involvement,
        partner_involvement=partner_involvement,
        housing=housing,
        health=health,
    )

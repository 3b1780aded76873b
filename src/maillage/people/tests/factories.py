"""Factories for persons, needs, networks, consents and objections (traits, not fixtures)."""

import datetime as dt

import factory
from django.utils import timezone

from maillage.access.enums import Category
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import OrganisationFactory, UserFactory, fictional_name
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.consent.models import Consent, Objection
from maillage.directory.models import Taxonomy, TaxonomyTerm
from maillage.people.enums import InformationMethod, InvolvementRole, InvolvementStatus, RelationKind
from maillage.people.models import InformationRecord, Involvement, Need, Person, Relation


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxonomy

    name = factory.Sequence(lambda n: f"Taxonomy {n}")


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyTerm

    taxonomy = factory.SubFactory(TaxonomyFactory)
    code = factory.Sequence(lambda n: f"domain-{n}")
    name_fr = factory.Sequence(lambda n: f"Domaine {n}")
    name_en = factory.Sequence(lambda n: f"Domain {n}")
    level = 1


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.LazyFunction(lambda: fictional_name("first_name"))
    last_name = factory.LazyFunction(lambda: fictional_name("last_name"))
    birth_date = dt.date(1980, 5, 17)

    class Params:
        with_login = factory.Trait(
            user=factory.SubFactory(UserFactory, kind=UserKind.PERSON),
        )


class InformationRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationRecord

    person = factory.SubFactory(PersonFactory)
    method = InformationMethod.ORAL


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = InvolvementRole.INTERVENING
    status = InvolvementStatus.ACTIVE

    class Params:
        referent = factory.Trait(role=InvolvementRole.REFERENT)
        ended = factory.Trait(status=InvolvementStatus.ENDED, ended_on=factory.LazyFunction(timezone.localdate))


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    person = factory.SubFactory(PersonFactory)
    term = factory.SubFactory(TaxonomyTermFactory)
    own_words = "Je voudrais un logement plus grand."


class RelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relation

    person = factory.SubFactory(PersonFactory)
    name = factory.LazyFunction(lambda: fictional_name("first_name"))
    kind = RelationKind.FAMILY


class ConsentFactory(factory.django.DjangoModelFactory):
    """Care-team sharing of every category but health, by default."""

    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    recipient_organisation = None
    purpose = "Coordination of support"
    categories = factory.LazyFunction(lambda: [c.value for c in Category if c != Category.HEALTH])
    legal_basis = LegalBasis.CARE_TEAM_SHARING
    how_given = HowGiven.ORAL_RECORDED
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))

    class Params:
        explicit = factory.Trait(legal_basis=LegalBasis.CONSENT, how_given=HowGiven.PAPER_SCANNED)


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objection

    person = factory.SubFactory(PersonFactory)
    category = Category.SOCIAL

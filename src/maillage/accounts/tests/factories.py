import factory

from maillage.accounts.enums import OrganisationStatus, Role, Sector
from maillage.accounts.models import Membership, Organisation, User

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_BE")
    last_name = factory.Faker("last_name", locale="fr_BE")
    password = factory.django.Password(TEST_PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = Sector.SOCIAL_ACTION
    status = OrganisationStatus.VALIDATED

    class Params:
        care_provider = factory.Trait(is_care_provider=True, sector=Sector.MENTAL_HEALTH)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PROFESSIONAL

    class Params:
        admin = factory.Trait(role=Role.ORGANISATION_ADMIN)
        coordinator = factory.Trait(role=Role.NETWORK_COORDINATOR)

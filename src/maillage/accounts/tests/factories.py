import time

import factory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.accounts.enums import OrganisationStatus, Role, Sector
from maillage.accounts.models import Membership, Organisation, User

TEST_PASSWORD = "correct horse battery staple"

# Names the tests give their own persons and then look for (or check a page never shows). A user or person drawn
# at random must never bear one: a random colleague named Fontaine once failed "Fontaine is not on the page".
FIXTURE_NAMES = frozenset(
    {"Fontaine", "Lambert", "Diallo", "Dubois", "Vandersteen", "Quatrefages", "Zolvenne", "Quernevalle"}
    | {"Amélie", "Zoé", "Zébulon", "Louise", "Bruno", "Léa", "Eva", "Claire", "Chantal", "Amina", "Amandine"}
    | {"Zéphyrine", "Philomène", "Ombeline", "Marc", "Denis", "Bertrand"}
)


def fictional_name(part: str) -> str:
    """A French-speaking Belgian `first_name` or `last_name` from factory_boy's seeded Faker, never a fixture's."""
    draw = getattr(factory.Faker._get_faker(locale="fr_BE"), part)
    while (name := draw()) in FIXTURE_NAMES:
        pass
    return name


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.LazyFunction(lambda: fictional_name("first_name"))
    last_name = factory.LazyFunction(lambda: fictional_name("last_name"))
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


def enrol_totp(user) -> TOTPDevice:
    """A confirmed authenticator app for `user`, as if set up on the enrolment page."""
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """A code the app shows: the current one, or the next period's when the current one was already used
    (django-otp accepts each code once, and one period early)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"

import hashlib
import time

import pytest
from django.contrib.auth.hashers import check_password

from maillage.accounts import demo as accounts_demo
from maillage.accounts.enums import OrganisationStatus, Role, Sector
from maillage.accounts.models import Membership, Organisation, User
from maillage.core.demo import DEMO_PASSWORD, DemoTerritory
from maillage.territories import demo as territories_demo

pytestmark = pytest.mark.django_db


def make(seed: int = 2026, organisations: int = 60) -> DemoTerritory:
    territory = DemoTerritory(seed=seed, sizes={"organisations": organisations}, progress=False)
    territories_demo.generate(territory)
    accounts_demo.generate(territory)
    return territory


def digest() -> str:
    rows = [
        *Organisation.objects.order_by("name").values_list(
            "public_id", "name", "sector", "street_address", "postcode", "identifier", "status", "territory__code"
        ),
        *User.objects.order_by("email").values_list("public_id", "email", "first_name", "last_name", "is_staff"),
        *Membership.objects.order_by("user__email", "organisation__name").values_list(
            "user__email", "organisation__name", "role", "job_title"
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


class TestAccountsDemo:
    def test_about_sixty_organisations_in_every_sector_of_the_province(self):
        territory = make()

        organisations = Organisation.objects.select_related("territory")
        assert organisations.count() == 60
        assert set(organisations.values_list("sector", flat=True)) == set(Sector.values)
        assert organisations.filter(sector=Sector.NETWORK).count() == 1
        assert {o.territory.path.split("/")[3] for o in organisations} == {str(territory.made["province"].pk)}
        assert organisations.filter(status=OrganisationStatus.PENDING).count() == 2
        for organisation in organisations:
            assert organisation.is_care_provider == (organisation.sector in accounts_demo.CARE_SECTORS)
            assert organisation.postcode in set(organisation.territory.postal_codes.values_list("code", flat=True))
            assert organisation.street_address and organisation.phone and organisation.identifier
            assert organisation.email.endswith(".demo.maillage.be")
            assert (organisation.validated_at is not None) == (organisation.status == OrganisationStatus.VALIDATED)
        assert len(set(organisations.values_list("name", flat=True))) == 60
        assert Organisation.objects.filter(name="CPAS de Libramont-Chevigny", territory__code="84077").exists()
        assert Organisation.objects.filter(name__startswith="CPAS d").count() == 10

    def test_belgian_company_numbers_have_valid_check_digits(self):
        make()
        for identifier in Organisation.objects.values_list("identifier", flat=True):
            digits = identifier.replace(".", "")
            assert len(digits) == 10 and 97 - int(digits[:8]) % 97 == int(digits[8:])

    def test_every_organisation_has_an_admin_and_professionals(self):
        territory = make()
        for organisation in Organisation.objects.all():
            roles = set(organisation.memberships.values_list("role", flat=True))
            assert Role.ORGANISATION_ADMIN in roles, organisation
            assert roles & {Role.PROFESSIONAL, Role.NETWORK_COORDINATOR}, organisation
        assert Membership.objects.exclude(job_title="").count() == Membership.objects.count()
        made = territory.made
        assert len(made["users"]) == User.objects.count()
        assert len(made["memberships"]) == Membership.objects.count()
        assert {o.pk for o in made["organisations"]} == set(Organisation.objects.values_list("pk", flat=True))
        assert set(made["organisation_coordinates"]) == {o.pk for o in made["organisations"]}

    def test_the_fixed_logins_work_with_the_shared_password(self, client):
        make()
        expected = {
            "admin@demo.maillage.be": ("CPAS de Libramont-Chevigny", Role.ORGANISATION_ADMIN),
            "professionnel@demo.maillage.be": ("CPAS de Libramont-Chevigny", Role.PROFESSIONAL),
            "coordination@demo.maillage.be": (accounts_demo.NETWORK_NAME, Role.NETWORK_COORDINATOR),
        }
        for email, (organisation, role) in expected.items():
            membership = Membership.objects.get(user__email=email)
            assert (membership.organisation.name, membership.role) == (organisation, role)
        former = Membership.objects.get(is_active=False)
        assert (former.organisation.name, former.deactivated_by.email) == (
            "CPAS de Libramont-Chevigny",
            "admin@demo.maillage.be",
        )
        staff = User.objects.get(email="staff@demo.maillage.be")
        assert staff.is_staff and not staff.memberships.exists()
        assert all(check_password(DEMO_PASSWORD, user.password) for user in User.objects.all()[:20])

        response = client.post(
            "/accounts/login/", {"username": "professionnel@demo.maillage.be", "password": DEMO_PASSWORD}
        )

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(User.objects.get(email="professionnel@demo.maillage.be").pk)

    def test_same_seed_same_data_other_seed_other_data(self):
        make(seed=7)
        first = digest()
        accounts_demo.clear()
        assert not Organisation.objects.exists() and not User.objects.exists()

        make(seed=7)
        assert digest() == first

        accounts_demo.clear()
        make(seed=8)
        assert digest() != first

    def test_clear_keeps_what_is_not_demo(self):
        from maillage.accounts.tests.factories import MembershipFactory

        real = MembershipFactory()
        make()

        accounts_demo.clear()

        assert list(Membership.objects.all()) == [real]
        assert list(Organisation.objects.all()) == [real.organisation]

    def test_sixty_organisations_take_under_three_seconds(self):
        territory = DemoTerritory(sizes={"organisations": 60}, progress=False)
        territories_demo.generate(territory)

        started = time.perf_counter()
        accounts_demo.generate(territory)

        assert time.perf_counter() - started < 3

    def test_scales_with_unique_names(self):
        make(organisations=400)

        assert Organisation.objects.count() == 400
        assert Organisation.objects.values("name").distinct().count() == 400
        assert Organisation.objects.filter(status=OrganisationStatus.PENDING).count() == 13

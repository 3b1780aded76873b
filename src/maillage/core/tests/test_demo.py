import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from maillage.accounts.models import Organisation, User
from maillage.core.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoTerritory, clear_demo, generate_demo
from maillage.territories.models import Territory

REPOSITORY = Path(__file__).resolve().parents[4]


@pytest.mark.django_db
class TestDemoCommand:
    def test_regenerates_the_demo(self, capsys):
        call_command("demo", "--no-progress", "--organisations", "12", "--persons", "5", "--services", "10")
        first = set(Organisation.objects.values_list("name", flat=True))
        call_command("demo", "--no-progress", "--organisations", "12", "--persons", "5", "--services", "10")

        # The 12 asked for, and the few the analytics part plants (its situations): the same ones, not doubled.
        assert Organisation.objects.count() == len(first) >= 12
        assert set(Organisation.objects.values_list("name", flat=True)) == first
        assert Territory.objects.filter(level=5).count() == 44
        assert "Demo territory generated (seed 2026)" in capsys.readouterr().out

    def test_if_empty_leaves_an_existing_database_alone(self, capsys):
        from maillage.accounts.tests.factories import OrganisationFactory

        OrganisationFactory(name="Réelle")

        call_command("demo", "--if-empty", "--no-progress")

        assert list(Organisation.objects.values_list("name", flat=True)) == ["Réelle"]
        assert not User.objects.filter(email__endswith="@demo.maillage.be").exists()
        assert "already has organisations" in capsys.readouterr().out

    def test_if_empty_generates_in_an_empty_database(self):
        call_command(
            "demo", "--if-empty", "--no-progress", "--organisations", "5", "--persons", "3", "--services", "5"
        )

        assert Organisation.objects.count() == 5

    def test_the_seed_changes_the_data(self):
        call_command(
            "demo", "--no-progress", "--organisations", "12", "--seed", "1", "--persons", "3", "--services", "5"
        )
        first = set(User.objects.values_list("email", flat=True))
        call_command(
            "demo", "--no-progress", "--organisations", "12", "--seed", "2", "--persons", "3", "--services", "5"
        )

        assert set(User.objects.values_list("email", flat=True)) != first

    def test_negative_sizes_are_refused(self):
        from django.core.management import CommandError

        with pytest.raises(CommandError, match="negative"):
            call_command("demo", "--no-progress", "--organisations", "-1")

    def test_clear_and_generate_through_the_contract(self):
        territory = generate_demo(
            DemoTerritory(seed=3, sizes={"organisations": 8, "services": 5, "persons": 3}, progress=False)
        )
        assert len(territory.made["organisations"]) == 8
        assert territory.made["logins"] == DEMO_LOGINS

        clear_demo()

        assert not Organisation.objects.exists()


@pytest.mark.django_db
class TestDemoLogins:
    def test_prints_the_url_and_the_logins_that_exist(self, capsys):
        call_command("demo", "--no-progress", "--organisations", "6", "--persons", "3", "--services", "5")
        capsys.readouterr()

        call_command("demo_logins", "--url", "http://127.0.0.1:8123/")

        out = capsys.readouterr().out
        assert "http://127.0.0.1:8123/" in out
        assert DEMO_PASSWORD in out
        for email in ("professionnel", "admin", "coordination", "staff"):
            assert f"{email}@demo.maillage.be" in out
        people = {login.email for login in DEMO_LOGINS} - {
            f"{name}@demo.maillage.be" for name in ("professionnel", "admin", "coordination", "staff")
        }
        for email in people:
            assert (email in out) == User.objects.filter(email=email).exists()

    def test_without_demo(self, capsys):
        call_command("demo_logins")

        assert "No demo login" in capsys.readouterr().out


class TestCli:
    def test_maillage_help_lists_the_commands(self):
        maillage = Path(sys.executable).parent / "maillage"
        assert maillage.exists(), "the `maillage` script is installed by `uv sync`"

        result = subprocess.run(  # noqa: S603
            [str(maillage), "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=REPOSITORY,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        )

        assert result.returncode == 0, result.stderr
        for command in ("demo", "demo_logins", "territories_import", "migrate"):
            assert f"    {command}\n" in result.stdout
        assert "maillage demo" in result.stdout


@pytest.mark.django_db
class TestBulkDelete:
    def test_cascades_and_sets_null_like_django(self):
        from maillage.accounts.models import Membership
        from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
        from maillage.core.demo import bulk_delete

        validator = UserFactory(email="validator@example.org")
        kept = MembershipFactory()
        organisation = OrganisationFactory(validated_by=validator, updated_by=validator)
        MembershipFactory(user=validator, organisation=kept.organisation)

        bulk_delete(User.objects.filter(email="validator@example.org"))

        organisation.refresh_from_db()
        assert (organisation.validated_by, organisation.updated_by) == (None, None)
        assert list(Membership.objects.all()) == [kept]
        assert User.objects.filter(pk=kept.user_id).exists()

    def test_protected_rows_are_refused_as_django_does(self):
        from django.db.models import ProtectedError

        from maillage.accounts.tests.factories import OrganisationFactory
        from maillage.core.demo import bulk_delete

        commune = Territory.objects.create(country="BE", level=5, code="84077", name="Libramont-Chevigny")
        OrganisationFactory(territory=commune)

        with pytest.raises(ProtectedError):
            bulk_delete(Territory.objects.filter(pk=commune.pk))
        assert Territory.objects.filter(pk=commune.pk).exists()


class TestDemoTerritory:
    def test_faker_gives_belgian_streets_and_phones_from_the_seed(self):
        import re

        from maillage.core.demo import STREETS

        first, second = DemoTerritory(seed=5), DemoTerritory(seed=5)
        addresses = [first.faker.street_address() for _ in range(20)]

        assert addresses == [second.faker.street_address() for _ in range(20)]
        assert all(address.rsplit(" ", 1)[0] in STREETS for address in addresses)
        assert all(re.fullmatch(r"0\d{2,3}( \d{2}){3}", first.faker.phone_number()) for _ in range(20))
        assert first.public_id() == second.public_id()

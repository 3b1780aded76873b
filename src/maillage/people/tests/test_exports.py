"""Data protection duties: export (GDPR art. 15, 20), anonymisation after retention, the register (art. 30)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from maillage.access.audit import verify
from maillage.access.enums import Action
from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.access.seals import seal_create
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.consent.models import Consent
from maillage.people.models import Need, Person, Relation
from maillage.people.tests.factories import ObjectionFactory

pytestmark = pytest.mark.django_db


def export_url(person) -> str:
    return reverse("people:person_export", kwargs={"public_id": person.public_id})


class TestExport:
    def test_json_holds_everything_and_is_audited(self, client, network):
        client.force_login(network.referent)
        response = client.get(export_url(network.person), {"format": "json"})
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        assert "Fontaine" not in response["Content-Disposition"]
        data = json.loads(response.content)
        assert data["person"]["last_name"] == "Fontaine"
        assert {r["name"] for r in data["primary_network"]} == {"Josiane", "Marc"}
        # Everything held, health included, even though the referent may not see health on the page.
        assert {n["in_own_words"] for n in data["needs"]} >= {"Dormir mieux."}
        assert data["secondary_network"] and data["consents"] and data["accesses"]
        assert AccessEvent.objects.filter(person_id=network.person.pk, action=Action.EXPORT).exists()

    def test_readable_page(self, client, network):
        client.force_login(network.referent)
        html = client.get(export_url(network.person)).content.decode()
        assert "Josiane" in html and "data-print" in html and "RGPD" in html

    @pytest.mark.parametrize("role", ["partner", "stranger", "admin", "staff"])
    def test_only_the_referent_or_the_person(self, client, network, role):
        client.force_login(getattr(network, role))
        assert client.get(export_url(network.person)).status_code == 404

    def test_the_person_exports_their_own_data(self, client, network):
        network.person.user = UserFactory(kind=UserKind.PERSON)
        network.person.save(update_fields=["user"])
        client.force_login(network.person.user)
        response = client.get(reverse("people:space_export"))
        assert response.status_code == 302
        assert client.get(response["Location"], {"format": "json"}).status_code == 200


class TestAnonymise:
    def age(self, person, days):
        Person.objects.filter(pk=person.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=days))

    def test_dry_run_counts_and_changes_nothing(self, network, settings):
        settings.PERSON_RETENTION_DAYS = 30
        self.age(network.person, 31)
        out = StringIO()
        call_command("people", "anonymize", "--dry-run", stdout=out)
        assert out.getvalue().startswith("1 file")
        assert Person.objects.get(pk=network.person.pk).anonymised_at is None

    def test_cleans_every_copy_and_keeps_the_audit_chain(self, client, network, settings):
        settings.PERSON_RETENTION_DAYS = 30
        person = network.person
        person.user = UserFactory(kind=UserKind.PERSON, email="amelie.self@example.org")
        person.save(update_fields=["user"])
        ObjectionFactory(person=person, note="Je ne veux pas que mon ex le sache")
        BreakGlassGrant.objects.create(
            actor=network.stranger, organisation=network.stranger_org, person=person, reason="Urgence Amélie"
        )
        client.force_login(network.referent)
        client.get(reverse("people:person_detail", kwargs={"public_id": person.public_id}))
        events_before = AccessEvent.objects.filter(person_id=person.pk).count()
        seal_create()  # retention appends to the keyed chain, and leaves what was sealed untouched
        self.age(person, 31)
        call_command("people", "anonymize", stdout=StringIO())

        person.refresh_from_db()
        assert person.anonymised_at is not None
        assert (person.first_name, person.last_name, person.email, person.birth_date) == ("—", "", "", None)
        assert not Relation.objects.filter(person=person).exists()
        assert set(Need.objects.filter(person=person).values_list("own_words", flat=True)) == {""}
        assert set(Consent.objects.filter(person=person).values_list("purpose", flat=True)) == {""}
        assert not person.objections.exclude(note="").exists()
        assert not BreakGlassGrant.objects.filter(person=person).exclude(reason="").exists()
        user = person.__class__.objects.get(pk=person.pk).user
        assert user is None
        assert not UserFactory._meta.model.objects.filter(email="amelie.self@example.org").exists()
        assert AccessEvent.objects.filter(person_id=person.pk).count() == events_before + 1
        assert verify().seals == 1
        assert AccessEvent.objects.order_by("-seq").values_list("key_id", flat=True).first() == "test-1"
        # Nobody sees the file any more.
        assert client.get(reverse("people:person_detail", kwargs={"public_id": person.public_id})).status_code == 404

    def test_recent_files_are_kept(self, network, settings):
        settings.PERSON_RETENTION_DAYS = 30
        self.age(network.person, 5)
        call_command("people", "anonymize", stdout=StringIO())
        assert Person.objects.get(pk=network.person.pk).anonymised_at is None

    def test_erasure_request_for_one_file(self, network):
        call_command("people", "anonymize", "--person", str(network.person.public_id), stdout=StringIO())
        assert Person.objects.get(pk=network.person.pk).anonymised_at is not None


class TestRegister:
    @pytest.mark.parametrize(
        ("role", "status"), [("staff", 200), ("admin", 200), ("coordinator", 200), ("referent", 404)]
    )
    def test_for_the_data_protection_officer(self, client, network, role, status):
        client.force_login(getattr(network, role))
        response = client.get(reverse("people:processing_register"))
        assert response.status_code == status
        if status == 200:
            html = response.content.decode()
            # The page itself, not the header: a random user name there may share the person's surname.
            page = html[html.index('<main id="main"') : html.index("</main>")]
            assert "article 30" in page and "Fontaine" not in page and "Josiane" not in page

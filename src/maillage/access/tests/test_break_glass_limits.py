"""Break-the-glass within limits: one open grant per professional and person (database constraint and service
check), a daily cap counting every request whatever its outcome, answers that tell no more than a 404 about
whether a file exists, and the network coordinator's weekly list and digest (no person data)."""

import datetime as dt
import re
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from maillage.access import audit
from maillage.access.enums import Action, Outcome, Reason
from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.access.selectors import Week, break_glass_counts, break_glass_week, masked_id
from maillage.access.services import break_glass_close, break_glass_open, break_glass_requests_left
from maillage.access.tasks import send_break_glass_digest
from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory
from maillage.people.tests.factories import ConsentFactory, InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db

REASON = "Found unconscious at the emergency ward, treatment needed"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def person():
    person = PersonFactory(first_name="Amélie", last_name="Quernevalle")
    referent = MembershipFactory()
    InvolvementFactory(person=person, organisation=referent.organisation, professional=referent.user, referent=True)
    ConsentFactory(person=person)
    return person


@pytest.fixture
def emergency():
    """A professional of a care provider outside the person's network."""
    organisation = OrganisationFactory(name="Urgences du Sud", care_provider=True)
    return MembershipFactory(organisation=organisation, user__first_name="Eva", user__last_name="Urgentiste").user


def _open(user, public_id, reason=REASON):
    return break_glass_open(actor_for(user), public_id=public_id, reason=reason)


def _requests(user) -> list[tuple[str, str]]:
    events = AccessEvent.objects.filter(actor_id=user.pk, action=Action.BREAK_GLASS).order_by("seq")
    return [(e.outcome, e.reason) for e in events]


class TestOneOpenGrant:
    def test_a_second_request_while_one_is_open_is_refused_with_its_end(self, person, emergency):
        grant = _open(emergency, person.public_id)
        with pytest.raises(ValidationError) as refused:
            _open(emergency, person.public_id)
        assert "Vous avez déjà un accès d'urgence à ce dossier, jusqu'au" in str(refused.value)
        assert BreakGlassGrant.objects.filter(person=person).count() == 1
        assert _requests(emergency)[-1] == (Outcome.DENIED, Reason.ALREADY_OPEN)
        assert grant.closed_at is None

    def test_the_database_refuses_two_open_grants_of_one_professional_for_one_person(self, person, emergency):
        organisation = emergency.memberships.get().organisation
        BreakGlassGrant.objects.create(actor=emergency, organisation=organisation, person=person, reason=REASON)
        with pytest.raises(IntegrityError), transaction.atomic():
            BreakGlassGrant.objects.create(actor=emergency, organisation=organisation, person=person, reason=REASON)
        # Another professional, or another person, is another pair.
        other = MembershipFactory(organisation=organisation).user
        BreakGlassGrant.objects.create(actor=other, organisation=organisation, person=person, reason=REASON)
        BreakGlassGrant.objects.create(
            actor=emergency, organisation=organisation, person=PersonFactory(), reason=REASON
        )

    def test_an_expired_grant_is_closed_at_its_expiry_and_a_new_one_opens(self, person, emergency):
        past = timezone.now() - dt.timedelta(hours=10)
        expired = BreakGlassGrant.objects.create(
            actor=emergency,
            organisation=emergency.memberships.get().organisation,
            person=person,
            reason=REASON,
            started_at=past,
            expires_at=past + dt.timedelta(hours=4),
        )
        grant = _open(emergency, person.public_id)
        expired.refresh_from_db()
        assert expired.closed_at == expired.expires_at
        assert grant.pk != expired.pk and grant.closed_at is None

    def test_a_closed_grant_lets_a_new_one_open(self, person, emergency):
        grant = _open(emergency, person.public_id)
        break_glass_close(actor_for(emergency), grant=grant)
        assert _open(emergency, person.public_id).pk != grant.pk


class TestDailyCap:
    def test_every_request_counts_whatever_its_outcome(self, person, emergency, settings):
        settings.BREAK_GLASS_DAILY_CAP = 3
        actor = actor_for(emergency)
        assert break_glass_requests_left(actor) == 3
        with pytest.raises(Http404):
            _open(emergency, UNKNOWN)  # unknown id: counts
        _open(emergency, person.public_id)  # granted: counts
        with pytest.raises(ValidationError):
            _open(emergency, person.public_id)  # already open: counts
        assert break_glass_requests_left(actor) == 0
        with pytest.raises(ValidationError) as refused:
            _open(emergency, PersonFactory().public_id)
        assert "limite de 3 demandes d'accès d'urgence en 24 heures" in str(refused.value)
        assert _requests(emergency)[-1] == (Outcome.DENIED, Reason.DAILY_CAP)
        # Refusals at the cap do not count, closings neither; the window is 24 hours.
        later = timezone.now() + dt.timedelta(hours=24, minutes=1)
        assert break_glass_requests_left(actor, now=later) == 3

    def test_the_cap_is_per_professional(self, person, emergency, settings):
        settings.BREAK_GLASS_DAILY_CAP = 1
        _open(emergency, person.public_id)
        colleague = MembershipFactory(organisation=emergency.memberships.get().organisation).user
        assert _open(colleague, person.public_id) is not None

    def test_an_empty_reason_is_refused_before_the_id_is_looked_at(self, person, emergency):
        for public_id in (person.public_id, UNKNOWN):
            with pytest.raises(ValidationError):
                _open(emergency, public_id, reason="   ")
        assert _requests(emergency) == []

    def test_an_involved_professional_opens_nothing_and_the_request_counts(self, person, emergency):
        referent = person.involvements.get().professional
        assert _open(referent, person.public_id) is None
        assert not BreakGlassGrant.objects.exists()
        assert _requests(referent) == [(Outcome.DENIED, Reason.INVOLVED)]
        assert audit.verify().ok


def _page(response) -> str:
    """The answer without what changes from one request to the next (the CSRF token, the CSP nonce)."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


class TestNothingToLearn:
    """A professional outside the network asks by id: whether the file exists shows only by being granted."""

    def url(self, public_id):
        return reverse("access:break_glass", kwargs={"public_id": public_id})

    def test_unknown_and_anonymised_files_answer_the_same_404(self, client, emergency, person):
        anonymised = PersonFactory(anonymised_at=timezone.now())
        client.force_login(emergency)
        answers = [client.post(self.url(i), {"reason": REASON}) for i in (UNKNOWN, anonymised.public_id)]
        assert [a.status_code for a in answers] == [404, 404]
        assert _page(answers[0]).replace(UNKNOWN, "ID") == _page(answers[1]).replace(str(anonymised.public_id), "ID")

    def test_the_form_is_the_same_for_any_id(self, client, emergency, person):
        client.force_login(emergency)
        answers = [client.get(self.url(i)) for i in (UNKNOWN, person.public_id)]
        assert [a.status_code for a in answers] == [200, 200]
        assert _page(answers[0]).replace(UNKNOWN, "ID") == _page(answers[1]).replace(str(person.public_id), "ID")

    def test_at_the_cap_an_existing_and_an_unknown_file_get_the_same_answer(self, client, emergency, person, settings):
        settings.BREAK_GLASS_DAILY_CAP = 2
        client.force_login(emergency)
        for _ in range(2):
            assert client.post(self.url(uuid.uuid4()), {"reason": REASON}).status_code == 404
        existing = client.post(self.url(person.public_id), {"reason": REASON})
        unknown = client.post(self.url(UNKNOWN), {"reason": REASON})
        assert existing.status_code == unknown.status_code == 422
        assert "limite de 2 demandes" in _page(existing)
        assert _page(existing).replace(str(person.public_id), "ID") == _page(unknown).replace(UNKNOWN, "ID")
        assert not BreakGlassGrant.objects.exists()

    def test_an_involved_professional_is_sent_to_the_file_they_already_see(self, client, person):
        referent = person.involvements.get().professional
        client.force_login(referent)
        response = client.post(self.url(person.public_id), {"reason": REASON}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("people:person_detail", args=[person.public_id])
        assert "aucun accès d&#x27;urgence n&#x27;est nécessaire" in response.content.decode()
        assert not BreakGlassGrant.objects.exists()


@pytest.fixture
def week_of_grants(person, emergency):
    grant = _open(emergency, person.public_id)
    closed = _open(emergency, PersonFactory(first_name="Bertrand", last_name="Zolvenne").public_id)
    break_glass_close(actor_for(emergency), grant=closed)
    return grant, closed


@pytest.fixture
def coordinator():
    return MembershipFactory(
        organisation=OrganisationFactory(name="Réseau Lux"),
        coordinator=True,
        user__email="coordination@example.org",
        user__preferred_language="en",
    ).user


class TestCoordinatorWeek:
    def test_lists_who_which_organisation_when_why_how_long_without_person_data(
        self, client, coordinator, week_of_grants, person
    ):
        client.force_login(coordinator)
        response = client.get(reverse("access:break_glass_week"))
        page = response.content.decode()
        assert response.status_code == 200
        assert page.count('class="row-break-glass"') == 2
        assert "Urgences du Sud" in page and "Eva Urgentiste" in page and REASON in page
        assert masked_id(person.public_id) in page and str(person.public_id) not in page
        assert "Quernevalle" not in page and "Zolvenne" not in page
        assert "fermé avant la fin" in page and "ouvert" in page
        assert not AccessEvent.objects.filter(actor_id=coordinator.pk).exists()

    def test_rows_say_how_long(self, week_of_grants):
        grant, _closed = week_of_grants
        rows = break_glass_week(Week.containing(timezone.now()))
        assert [(r.open_now, r.closed_early) for r in rows] == [(False, True), (True, False)]
        assert rows[1].duration == grant.expires_at - grant.started_at

    def test_other_weeks_and_bad_input(self, client, coordinator, week_of_grants):
        client.force_login(coordinator)
        current = Week.containing(timezone.now())
        last_week = client.get(reverse("access:break_glass_week"), {"week": str(current.shifted(-1))})
        assert last_week.status_code == 200 and "row-break-glass" not in last_week.content.decode()
        for bad in ("2026-W99", "nonsense", "9999-W01"):
            response = client.get(reverse("access:break_glass_week"), {"week": bad})
            assert response.status_code == 200 and response.content.decode().count('class="row-break-glass"') == 2

    @pytest.mark.parametrize("role", ["professional", "admin"])
    def test_others_get_404(self, client, role):
        membership = MembershipFactory(admin=role == "admin")
        client.force_login(membership.user)
        assert client.get(reverse("access:break_glass_week")).status_code == 404

    def test_the_dashboard_links_to_it_for_the_coordinator(self, client, coordinator, week_of_grants):
        client.force_login(coordinator)
        page = client.get(reverse("core:home")).content.decode()
        assert reverse("access:break_glass_week") in page

    def test_counts_per_organisation(self, week_of_grants):
        assert break_glass_counts(Week.containing(timezone.now())) == [("Urgences du Sud", 2)]


class TestWeeklyDigest:
    def test_the_coordinator_gets_counts_and_the_link_and_no_personal_data(self, coordinator, week_of_grants, person):
        MembershipFactory(user__email="pro@example.org")  # not a coordinator: no digest
        mail.outbox = []
        week = Week.containing(timezone.now())
        assert send_break_glass_digest.call(str(week)) == 1
        [message] = mail.outbox
        assert message.to == ["coordination@example.org"]
        assert message.subject == "Maillage: this week's emergency accesses"
        assert "- Urgences du Sud: 2" in message.body
        assert f"/access/break-glass/?week={week}" in message.body
        for secret in (REASON, "Eva", "Urgentiste", "Quernevalle", str(person.public_id), masked_id(person.public_id)):
            assert secret not in message.body

    def test_the_command_covers_the_previous_week(self, coordinator):
        mail.outbox = []
        call_command("break_glass_digest")
        [message] = mail.outbox
        assert ": 0." in message.body and "None this week." in message.body


def test_the_migration_closes_grants_that_expired_at_their_expiry(person, emergency):
    """Before the constraint, grants left open after their expiry are closed at it; the open one stays."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("maillage.access.migrations.0004_close_ended_break_glass_grants")
    organisation = emergency.memberships.get().organisation
    past = timezone.now() - dt.timedelta(days=2)
    expired = BreakGlassGrant.objects.create(
        actor=emergency, organisation=organisation, person=person, reason=REASON, started_at=past,
        expires_at=past + dt.timedelta(hours=4),
    )  # fmt: skip
    current = BreakGlassGrant.objects.create(
        actor=emergency, organisation=organisation, person=PersonFactory(), reason=REASON
    )
    migration.close_ended_and_duplicate_grants(apps, None)
    expired.refresh_from_db()
    current.refresh_from_db()
    assert expired.closed_at == expired.expires_at
    assert current.closed_at is None

"""Scenarios of the issue's "Checked by", run through the services (the door and the version guard included)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from maillage.access import door, referral_door
from maillage.access.enums import Category, Reason
from maillage.access.models import AccessEvent
from maillage.core.versioning import StaleWrite
from maillage.people.models import Involvement
from maillage.people.tests.factories import ConsentFactory, ObjectionFactory
from maillage.referrals import selectors, services
from maillage.referrals.enums import Agreement, DeclineReason, Outcome, ReferralStatus, Urgency
from maillage.referrals.machine import MOVES, IllegalTransition, allowed_moves, check_move
from maillage.referrals.models import ReferralTransition

pytestmark = pytest.mark.django_db


def send(scene, organisation=None, categories=(Category.IDENTITY, Category.SOCIAL), **fields):
    fields.setdefault("expected", "Un logement adapté à trois enfants.")
    fields.setdefault("agreement", Agreement.ORALLY)
    return services.referral_create(
        scene.sender,
        person=scene.network.person,
        need=scene.need,
        receiver_organisation=organisation or scene.receiver_org,
        urgency=Urgency.HIGH,
        eligibility="38 ans, Namur, trois enfants",
        shared_categories=categories,
        **fields,
    )


class TestSend:
    def test_sent_with_two_categories(self, scene):
        referral = send(scene)
        assert referral.status == ReferralStatus.SENT
        assert referral.sent_at is not None
        assert referral.life_domain == scene.network.housing
        assert referral.shared_categories == ["IDENTITY", "SOCIAL"]
        assert list(referral.transitions.values_list("from_status", "to_status")) == [
            ("", "DRAFT"),
            ("DRAFT", "SENT"),
        ]

    def test_only_categories_the_consent_allows(self, scene):
        # DOCUMENTS has no basis; HEALTH only for care providers.
        ConsentFactory(
            person=scene.network.person,
            recipient_organisation=scene.network.referent_org,
            categories=[Category.HEALTH, Category.DOCUMENTS],
            explicit=True,
        )
        shareable = referral_door.categories_shareable(scene.sender, scene.network.person, scene.receiver_org)
        assert Category.DOCUMENTS in shareable and Category.HEALTH not in shareable
        with pytest.raises(ValidationError) as error:
            send(scene, categories=[Category.HEALTH])
        assert "shared_categories" in error.value.message_dict

    def test_objection_for_the_receiver_removes_the_category(self, scene):
        ObjectionFactory(person=scene.network.person, organisation=scene.receiver_org, category=Category.SOCIAL)
        with pytest.raises(ValidationError):
            send(scene)

    def test_agreement_is_required(self, scene):
        with pytest.raises(ValidationError) as error:
            send(scene, agreement="")
        assert "agreement" in error.value.message_dict

    def test_stranger_cannot_send(self, scene):
        with pytest.raises(Http404):
            services.referral_create(
                scene.other,
                person=scene.network.person,
                need=scene.need,
                receiver_organisation=scene.receiver_org,
                expected="x",
                agreement=Agreement.ORALLY,
            )


class TestReceiverBeforeAccepting:
    def test_sees_the_summary_never_the_file(self, scene):
        referral = send(scene)
        found, parties = selectors.referral_for(scene.receiver, referral.public_id)
        assert found.pk == referral.pk and parties == {"RECEIVER"}
        assert door.categories_for(scene.receiver, scene.network.person) == frozenset()
        with pytest.raises(Http404):
            door.person_for(scene.receiver, scene.network.person.public_id)
        assert AccessEvent.objects.filter(reason=Reason.REFERRAL_RECEIVER, person_id=scene.network.person.pk).exists()

    def test_stranger_gets_404(self, scene):
        referral = send(scene)
        with pytest.raises(Http404):
            selectors.referral_for(scene.other, referral.public_id)


class TestFullLoop:
    def test_received_accepted_first_contact_completed(self, scene):
        ConsentFactory(
            person=scene.network.person,
            recipient_organisation=scene.network.referent_org,
            categories=[Category.HEALTH],
            explicit=True,
        )
        referral = send(scene)
        services.referral_receive(scene.receiver, referral=referral)
        services.referral_accept(scene.receiver, referral=referral)
        assert referral.status == ReferralStatus.ACCEPTED and referral.answered_at
        involvement = Involvement.objects.get(person=scene.network.person, organisation=scene.receiver_org)
        assert involvement.agreement == "ORALLY"
        seen = door.categories_for(scene.receiver, scene.network.person)
        assert {Category.IDENTITY, Category.SOCIAL} <= seen
        assert Category.HEALTH not in seen and Category.DOCUMENTS not in seen  # never an unshared category
        services.referral_first_contact(scene.receiver, referral=referral)
        services.referral_complete(scene.receiver, referral=referral, outcome=Outcome.NEED_MET)
        assert referral.status == ReferralStatus.COMPLETED
        assert referral.first_contact_at and referral.completed_at and referral.outcome == Outcome.NEED_MET
        assert ReferralTransition.objects.filter(referral=referral).count() == 6

    def test_accept_makes_other_pending_referrals_for_the_need_obsolete(self, scene):
        first = send(scene)
        second = send(scene, organisation=scene.other_org)
        services.referral_accept(scene.receiver, referral=first)
        second.refresh_from_db()
        assert second.status == ReferralStatus.OBSOLETE
        assert second.transitions.last().party == "SYSTEM"


class TestDeclineAndRedirect:
    def test_declined_no_capacity_then_redirected_in_one_step(self, scene):
        referral = send(scene)
        services.referral_decline(scene.receiver, referral=referral, reason=DeclineReason.NO_CAPACITY)
        assert referral.decline_reason == DeclineReason.NO_CAPACITY
        again = services.referral_redirect(scene.sender, referral=referral, receiver_organisation=scene.other_org)
        assert again.status == ReferralStatus.SENT
        assert again.redirected_from == referral and again.shared_categories == referral.shared_categories

    def test_other_reason_needs_words(self, scene):
        referral = send(scene)
        with pytest.raises(ValidationError):
            services.referral_decline(scene.receiver, referral=referral, reason=DeclineReason.OTHER)


class TestRefusals:
    def test_illegal_move_is_refused_with_a_message(self, scene):
        referral = send(scene)
        with translation.override("en"), pytest.raises(IllegalTransition) as error:
            services.referral_complete(scene.receiver, referral=referral, outcome=Outcome.NEED_MET)
        assert error.value.message == "A referral that is “Sent” cannot become “Completed”."
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SENT

    def test_sender_may_not_accept(self, scene):
        referral = send(scene)
        with pytest.raises(IllegalTransition):
            services.referral_transition(scene.sender, referral=referral, to=ReferralStatus.ACCEPTED)

    def test_two_concurrent_answers_one_wins(self, scene):
        referral = send(scene)
        read = referral.version
        services.referral_decline(scene.receiver, referral=referral, reason=DeclineReason.NO_CAPACITY, version=read)
        referral.refresh_from_db()
        with pytest.raises((StaleWrite, IllegalTransition)):
            services.referral_transition(
                scene.receiver, referral=referral, to=ReferralStatus.WAITING_LIST, version=read
            )
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.DECLINED

    def test_stale_version_on_a_legal_move(self, scene):
        referral = send(scene)
        read = referral.version
        services.referral_receive(scene.receiver, referral=referral, version=read)
        with pytest.raises(StaleWrite):
            services.referral_waitlist(scene.receiver, referral=referral, version=read)

    def test_person_refuses(self, scene):
        from maillage.accounts.actors import actor_for
        from maillage.accounts.tests.factories import UserFactory

        person = scene.network.person
        person.user = UserFactory(kind="PERSON")
        person.save(update_fields=["user"])
        referral = send(scene)
        services.referral_cancel(actor_for(person.user), referral=referral, reason="Je préfère attendre.")
        assert referral.status == ReferralStatus.CANCELLED
        assert referral.transitions.last().party == "PERSON"

    def test_expired_by_the_system_only(self, scene):
        referral = send(scene)
        with pytest.raises(IllegalTransition):
            services.referral_transition(scene.sender, referral=referral, to=ReferralStatus.EXPIRED)
        services.referral_expire(referral=referral)
        assert referral.status == ReferralStatus.EXPIRED


class TestMachine:
    def test_every_move_names_a_side(self):
        assert all(MOVES.values())

    def test_allowed_moves(self):
        assert set(allowed_moves("SENT", {"RECEIVER"})) == {"RECEIVED", "ACCEPTED", "DECLINED", "WAITING_LIST"}
        assert check_move("SENT", "CANCELLED", {"PERSON"}) == "PERSON"


def test_inbox_counters(scene):
    send(scene)
    counts = selectors.counters(selectors.inbox(scene.receiver_org.pk))
    assert counts["SENT"] == 1 and counts["pending"] == 1


def test_fhir_export_validates(scene):
    from maillage.referrals import fhir

    referral = send(scene)
    services.referral_decline(scene.receiver, referral=referral, reason=DeclineReason.NO_CAPACITY)
    bundle = fhir.referral_bundle(referral)
    request, task = bundle["entry"][0]["resource"], bundle["entry"][1]["resource"]
    assert request["resourceType"] == "ServiceRequest" and request["status"] == "revoked"
    assert task["status"] == "rejected" and task["businessStatus"]["coding"][0]["code"] == "DECLINED"
    assert scene.network.person.last_name not in json.dumps(bundle)


class TestReminders:
    def test_unanswered_reminded_then_escalated_then_expired(self, scene, mailoutbox, settings):
        import datetime as dt

        from django.utils import timezone

        from maillage.referrals import tasks
        from maillage.referrals.models import Referral

        settings.REFERRAL_DELAYS = {"remind_after_days": 5, "expire_after_days": 30}
        referral = send(scene)
        earlier = timezone.now() - dt.timedelta(days=6)
        Referral.objects.filter(pk=referral.pk).update(sent_at=earlier, status_changed_at=earlier)
        assert tasks.referrals_sweep.call() == {"expired": 0, "reminded": 1}
        referral.refresh_from_db()
        assert referral.reminders_sent == 1
        assert scene.network.person.first_name not in mailoutbox[-1].body
        earlier = timezone.now() - dt.timedelta(days=11)
        Referral.objects.filter(pk=referral.pk).update(sent_at=earlier, status_changed_at=earlier)
        sent = len(mailoutbox)
        tasks.referrals_sweep.call()
        referral.refresh_from_db()
        assert referral.reminders_sent == 2
        assert len(mailoutbox) > sent  # the referent too (escalation)
        earlier = timezone.now() - dt.timedelta(days=31)
        Referral.objects.filter(pk=referral.pk).update(sent_at=earlier, status_changed_at=earlier)
        assert tasks.referrals_sweep.call()["expired"] == 1
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.EXPIRED


def test_demo_makes_referrals_in_every_status(db):
    from django.core.management import call_command

    from maillage.referrals.models import Referral

    call_command("demo", "--organisations", "12", "--services", "20", "--persons", "80", verbosity=0)
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert len(statuses) >= 8
    assert all(r.transitions.exists() for r in Referral.objects.all()[:20])

"""Alerts about a person's file (break-the-glass, a sharing change made by the person): sent by a django.tasks
task after the commit, in the recipient's language, each message through the door with one NOTIFY entry
(ids only), shown on "who saw my file"; nothing at all when the transaction rolls back."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from maillage.access import audit, door
from maillage.access.enums import Action, Category, Outcome, Reason, Recipient
from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.access.services import break_glass_open
from maillage.access.who_saw import sightings
from maillage.accounts.actors import actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from maillage.consent import services as consent_services
from maillage.consent.models import Consent
from maillage.people import purposes, services
from maillage.people.enums import InformationMethod
from maillage.people.models import Involvement

pytestmark = pytest.mark.django_db

REASON_TYPED = "Unconscious at the emergency ward"


@pytest.fixture
def referent():
    membership = MembershipFactory(
        user=UserFactory(email="referent@example.org", preferred_language="en"),
        organisation=OrganisationFactory(email="cpas@example.org"),
    )
    return actor_for(membership.user)


def _open_file(referent, **identity):
    return services.person_create(
        referent,
        first_name="Amina",
        last_name="Diallo",
        informed_method=InformationMethod.ORAL,
        sharing_categories=[Category.IDENTITY, Category.SOCIAL],
        **identity,
    )


@pytest.fixture
def emergency():
    return actor_for(MembershipFactory(organisation=OrganisationFactory(care_provider=True)).user)


def _notified(person):
    return list(AccessEvent.objects.filter(person_id=person.pk, action=Action.NOTIFY).order_by("seq"))


def _assert_system_notify(event, person, purpose):
    assert (event.actor_id, event.organisation_id, event.person_id) == (None, None, person.pk)
    assert (event.category, event.purpose, event.outcome, event.reason) == (
        Category.IDENTITY,
        purpose,
        Outcome.ALLOWED,
        Reason.DUTY_TO_ALERT,
    )
    assert not event.break_glass


def test_break_glass_alerts_the_referent_and_the_person_through_the_task(
    referent, emergency, django_capture_on_commit_callbacks
):
    person = _open_file(referent, email="amina@example.org", preferred_language="fr")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        grant = break_glass_open(emergency, public_id=person.public_id, reason=REASON_TYPED)
        assert mail.outbox == []  # nothing before the commit
    # One alert task after the commit (the audit's own callbacks count its entries for the metrics).
    assert [c.__qualname__.split(".")[0] for c in callbacks if "record_many" not in c.__qualname__] == ["_grant"]
    assert [m.to for m in mail.outbox] == [["referent@example.org"], ["amina@example.org"]]
    to_referent, to_person = mail.outbox
    assert to_referent.subject == "Maillage: emergency access to a file"  # the referent reads English
    assert to_person.subject == "Maillage : accès d'urgence à un dossier"  # the person reads French
    for message in mail.outbox:
        assert str(person.public_id) in message.body
        assert "Amina" not in message.body and REASON_TYPED not in message.body
    involvement = Involvement.objects.get(person=person)
    for_referent, for_person = _notified(person)
    for event in (for_referent, for_person):
        _assert_system_notify(event, person, purposes.BREAK_GLASS_ALERT)
    assert for_referent.extra == {"grant": grant.pk, "involvement": involvement.pk, "to": Recipient.REFERENT}
    assert for_person.extra == {"grant": grant.pk, "to": Recipient.PERSON}
    grant.refresh_from_db()
    assert grant.alerts_sent_at is not None
    assert audit.verify().ok


def test_no_address_no_mail_and_no_notify_entry_for_the_person(
    referent, emergency, django_capture_on_commit_callbacks
):
    person = _open_file(referent)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        break_glass_open(emergency, public_id=person.public_id, reason=REASON_TYPED)
    assert [m.to for m in mail.outbox] == [["referent@example.org"]]
    [event] = _notified(person)
    assert event.extra["to"] == Recipient.REFERENT


def test_nothing_is_sent_when_the_transaction_rolls_back(referent, emergency, django_capture_on_commit_callbacks):
    person = _open_file(referent, email="amina@example.org")
    login = UserFactory(kind=UserKind.PERSON)
    services.person_link_user(referent, person=person, user=login)
    person.refresh_from_db()
    sharing = Consent.objects.current().get(person=person)
    mail.outbox = []
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        break_glass_open(emergency, public_id=person.public_id, reason=REASON_TYPED)
        consent_services.consent_revoke(actor_for(login), consent=sharing)
        raise RuntimeError
    assert callbacks == []
    assert mail.outbox == []
    assert _notified(person) == []
    assert not BreakGlassGrant.objects.filter(person=person).exists()


def test_a_sharing_change_tells_the_referent_through_the_task(referent, django_capture_on_commit_callbacks):
    person = _open_file(referent, email="amina@example.org")
    login = UserFactory(kind=UserKind.PERSON, email="amina@example.org")
    services.person_link_user(referent, person=person, user=login)
    person.refresh_from_db()
    own = actor_for(login)
    sharing = Consent.objects.current().get(person=person)
    mail.outbox = []
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        consent_services.consent_revoke(own, consent=sharing)
    [message] = mail.outbox
    assert message.to == ["referent@example.org"]
    assert message.subject == "Maillage: a person you are referent for changed their sharing choices"
    assert "(a consent was withdrawn)" in message.body  # in the referent's language, whatever the person's
    assert str(person.public_id) in message.body and "Amina" not in message.body
    [event] = _notified(person)
    _assert_system_notify(event, person, purposes.SHARING_ALERT)
    involvement = Involvement.objects.get(person=person)
    assert event.extra == {"involvement": involvement.pk, "to": Recipient.REFERENT}
    assert audit.verify().ok


def test_an_anonymised_file_is_not_notified(referent):
    person = _open_file(referent, email="amina@example.org")
    person.anonymised_at = timezone.now()
    person.save(update_fields=["anonymised_at"])
    decision = door.notify(person, recipient=Recipient.PERSON, purpose=purposes.SHARING_ALERT)
    assert not decision
    [event] = _notified(person)
    assert (event.outcome, event.reason, event.actor_id) == (Outcome.DENIED, Reason.ANONYMISED, None)


def test_who_saw_my_file_says_that_maillage_notified(referent, emergency, client, django_capture_on_commit_callbacks):
    person = _open_file(referent, email="amina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        break_glass_open(emergency, public_id=person.public_id, reason=REASON_TYPED)
    with translation.override("en"):
        rows = sightings(_notified(person), person_user_id=person.user_id, for_person=True)
        why = "alert: an emergency access to your file was opened"
        assert [(row.who, row.action, row.outcome, row.why) for row in rows] == [
            ("Maillage (the system)", "notified your referent by e-mail", "Sent", why),
            ("Maillage (the system)", "notified you by e-mail", "Sent", why),
        ]
    client.force_login(referent.user)
    with translation.override("en"):  # the page activates the requested language: restore the default after
        page = client.get(
            reverse("access:who_saw", kwargs={"public_id": person.public_id}), headers={"accept-language": "en"}
        )
    text = page.content.decode()
    assert page.status_code == 200
    # The referent reads about the person, not to them.
    assert "Maillage (the system)" in text and "notified the person by e-mail" in text
    assert "notified the referent by e-mail" in text and "alert: an emergency access to the file was opened" in text
    assert "notified you" not in text and "your file" not in text

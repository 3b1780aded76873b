"""Issue 20, item 5: a partner not on Maillage gets a referral by e-mail, reads what it may see before accepting
through a link, and accepts or declines without an account; every use is audited by the door (rule 15); an
unknown, expired, revoked or spent link gets the same 404 page; the sender sees the link's state and renews it."""

import datetime as dt
import re
import time
import uuid

import pytest
import redis
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from maillage.access.enums import Category, Reason
from maillage.access.models import AccessEvent
from maillage.accounts.tests.factories import OrganisationFactory
from maillage.consent.models import Consent
from maillage.core.attempts import address_key
from maillage.people.models import Involvement
from maillage.referrals import links, services
from maillage.referrals.enums import DeclineReason, Party, ReferralStatus
from maillage.referrals.models import ReferralLink
from maillage.referrals.tests.test_services import send

pytestmark = pytest.mark.django_db

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
LINK = re.compile(r"https?://[^\s]+/referrals/link/([^/\s]+)/")


@pytest.fixture
def outside(scene):
    """A validated organisation of the directory with nobody on Maillage, and its own address."""
    return OrganisationFactory(name="Maison d'accueil", email="accueil@example.org")


def _sent(scene, outside, mailoutbox, capture, **fields):
    with capture(execute=True):
        referral = send(scene, organisation=outside, **fields)
    mails = [m for m in mailoutbox if LINK.search(m.body)]
    assert len(mails) == 1
    return referral, mails[0], LINK.search(mails[0].body).group(1)


def _url(token):
    return reverse("referrals:link_answer", kwargs={"token": token})


def _events(referral, **filters):
    return AccessEvent.objects.filter(person_id=referral.person_id, extra__referral=referral.pk, **filters)


class TestSending:
    def test_the_partner_gets_a_link_by_email_without_the_person(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks
    ):
        referral, mail, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        person = scene.network.person
        assert mail.to == ["accueil@example.org"]
        assert person.last_name not in mail.body and person.first_name not in mail.body
        assert person.last_name not in mail.subject and "38 ans" not in mail.body
        assert str(person.public_id) not in mail.body and person.last_name not in _url(token)
        link = ReferralLink.objects.get(referral=referral)
        assert token not in link.token_hash and link.token_hash == links.hash_secret(token)
        # The partner gets the link's e-mail, not the usual notice with a page it cannot open.
        assert len(mailoutbox) == 1

    def test_an_address_given_by_the_sender(self, scene, outside, mailoutbox, django_capture_on_commit_callbacks):
        _, mail, _ = _sent(
            scene, outside, mailoutbox, django_capture_on_commit_callbacks, receiver_email="orientation@example.org"
        )
        assert mail.to == ["orientation@example.org"]

    def test_no_address_no_sending(self, scene):
        nowhere = OrganisationFactory(email="")
        with pytest.raises(ValidationError) as error:
            send(scene, organisation=nowhere)
        assert "receiver_email" in error.value.message_dict
        send(scene, organisation=nowhere, send=False)  # a draft can wait for the address

    def test_a_partner_on_maillage_gets_no_link(self, scene):
        referral = send(scene)
        assert not ReferralLink.objects.filter(referral=referral).exists()


class TestThroughTheLink:
    def test_it_shows_what_a_receiver_sees_before_accepting_and_marks_it_received(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client
    ):
        referral, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        response = client.get(_url(token))
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        page = response.content.decode()
        person = scene.network.person
        assert "Un logement adapté" in page and "38 ans, Namur" in page
        with translation.override(response.wsgi_request.LANGUAGE_CODE):
            assert str(Category.SOCIAL.label) in page and str(Category.IDENTITY.label) in page
        assert person.last_name not in page and person.first_name not in page
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.RECEIVED
        step = referral.transitions.get(to_status=ReferralStatus.RECEIVED)
        assert (step.party, step.actor, step.organisation_id) == (Party.RECEIVER, None, outside.pk)
        link = ReferralLink.objects.get(referral=referral)
        assert link.first_opened_at is not None and link.times_opened == 1
        seen = _events(referral, reason=Reason.EXTERNAL_LINK, outcome="ALLOWED", actor_id=None)
        assert seen.filter(action="VIEW", organisation_id=outside.pk, extra__link=link.pk).exists()
        assert seen.filter(action="EDIT", extra__to=ReferralStatus.RECEIVED).exists()

    def test_accept_without_an_account(self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client):
        referral, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        page = client.get(_url(token))
        version = re.search(r'name="version" value="(\d+)"', page.content.decode()).group(1)
        form_token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_url(token), {"answer": "ACCEPTED", "version": version, "form_token": form_token})
        assert response.status_code == 302 and response["Location"] == reverse("referrals:link_answered")
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.ACCEPTED
        person = scene.network.person
        assert Involvement.objects.active().filter(person=person, organisation=outside).exists()
        assert Consent.objects.filter(person=person, recipient_organisation=outside).exists()
        assert [scene.network.referent.email] in [m.to for m in mailoutbox]  # the sender hears of it
        assert _events(referral, reason=Reason.EXTERNAL_LINK, extra__to=ReferralStatus.ACCEPTED).exists()
        # Single purpose: the link is spent.
        again = client.get(_url(token))
        assert again.status_code == 404 and again["Cache-Control"] == "no-store"
        assert ReferralLink.objects.get(referral=referral).answered_at is not None
        assert client.get(reverse("referrals:link_answered")).status_code == 200

    def test_decline_needs_a_reason_of_the_machine(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client
    ):
        referral, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        page = client.get(_url(token)).content.decode()
        form_token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        response = client.post(_url(token), {"answer": "DECLINED", "version": version, "form_token": form_token})
        assert response.status_code == 422
        response = client.post(
            _url(token),
            {
                "answer": "DECLINED",
                "decline_reason": DeclineReason.NO_CAPACITY,
                "decline_detail": "Complet",
                "version": version,
                "form_token": form_token,
            },
        )
        assert response.status_code == 302
        referral.refresh_from_db()
        assert (referral.status, referral.decline_reason) == (ReferralStatus.DECLINED, DeclineReason.NO_CAPACITY)

    def test_a_second_click_does_not_answer_twice(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client
    ):
        referral, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        page = client.get(_url(token)).content.decode()
        data = {
            "answer": "ACCEPTED",
            "version": re.search(r'name="version" value="(\d+)"', page).group(1),
            "form_token": re.search(r'name="form_token" value="([^"]+)"', page).group(1),
        }
        assert client.post(_url(token), data).status_code == 302
        second = client.post(_url(token), data)
        assert second.status_code == 404
        assert referral.transitions.filter(to_status=ReferralStatus.ACCEPTED).count() == 1


class TestRefused:
    @pytest.mark.parametrize("state", ["unknown", "expired", "revoked", "cancelled", "garbage"])
    def test_the_same_page_that_says_nothing(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client, state
    ):
        referral, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        link = ReferralLink.objects.get(referral=referral)
        if state == "unknown":
            token = "a" * 64
        elif state == "garbage":
            token = "%00" + "x" * 300
        elif state == "expired":
            ReferralLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
        elif state == "revoked":
            ReferralLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
        else:
            services.referral_cancel(scene.sender, referral=referral, reason="La personne a déménagé.")
        for response in (client.get(_url(token)), client.post(_url(token), {"answer": "ACCEPTED"})):
            assert response.status_code == 404 and response["Cache-Control"] == "no-store"
            page = response.content.decode()
            assert "This link does not work" in page or "Ce lien ne fonctionne pas" in page
            assert outside.name not in page and "Logement" not in page and "Un logement" not in page
        referral.refresh_from_db()
        assert referral.status in (ReferralStatus.SENT, ReferralStatus.CANCELLED)
        refused = AccessEvent.objects.filter(reason=Reason.EXTERNAL_LINK_INVALID, outcome="DENIED")
        if state in ("unknown", "garbage"):
            assert refused.filter(person_id=None, extra__unknown=True).count() == 2
        else:
            assert refused.filter(person_id=referral.person_id, extra__link=link.pk).count() == 2


class TestTheSender:
    def test_sees_the_link_and_renews_it(self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client):
        referral, _, old_token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        client.get(_url(old_token))
        client.force_login(scene.network.referent)
        detail = reverse("referrals:referral_detail", kwargs={"referral_id": referral.public_id})
        page = client.get(detail).content.decode()
        assert "accueil@example.org" in page
        old = ReferralLink.objects.get(referral=referral)
        renew = reverse("referrals:referral_link_renew", kwargs={"referral_id": referral.public_id})
        form_token = re.search(r'name="form_token" value="([^"]+)"', page.split(renew)[1]).group(1)
        data = {"version": old.version, "form_token": form_token, "email": "", "confirm": ""}
        assert client.post(renew, data).status_code == 422  # not confirmed
        assert ReferralLink.objects.current().filter(referral=referral).get() == old
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(renew, {**data, "confirm": "on", "email": "autre@example.org"})
        assert response.status_code == 302
        new_token = LINK.search(mailoutbox[0].body).group(1)
        assert mailoutbox[0].to == ["autre@example.org"] and new_token != old_token
        old.refresh_from_db()
        assert old.revoked_at is not None
        client.logout()
        assert client.get(_url(old_token)).status_code == 404
        assert client.get(_url(new_token)).status_code == 200
        assert AccessEvent.objects.filter(
            actor_id=scene.network.referent.pk, extra__referral=referral.pk, extra__revoked=old.pk
        ).exists()

    def test_two_renewals_from_the_same_page_one_wins(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks
    ):
        from maillage.core.versioning import StaleWrite

        referral, _, _ = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        version = ReferralLink.objects.get(referral=referral).version
        links.link_renew(scene.sender, referral=referral, version=version)
        with pytest.raises(StaleWrite):
            links.link_renew(scene.sender, referral=referral, version=version)
        assert ReferralLink.objects.current().filter(referral=referral).count() == 1

    def test_only_the_sender_renews(self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client):
        referral, _, _ = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        client.force_login(scene.other.user)
        renew = reverse("referrals:referral_link_renew", kwargs={"referral_id": referral.public_id})
        assert client.post(renew, {"confirm": "on"}).status_code == 404


def test_who_saw_the_file_names_the_link_not_the_system(
    scene, outside, mailoutbox, django_capture_on_commit_callbacks, client
):
    """The person's "who saw my file" tells a use of the link as such, for the organisation, in words."""
    from maillage.access.who_saw import sightings

    referral, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
    client.get(_url(token))
    events = list(AccessEvent.objects.filter(person_id=referral.person_id, reason=Reason.EXTERNAL_LINK))
    with translation.override("en"):
        rows = sightings(events, person_user_id=None, for_person=True)
    assert rows and {row.who for row in rows} == {"Through the link e-mailed to the organisation"}
    assert {row.organisation for row in rows} == {outside.name}
    assert "e-mailed to a partner" in rows[0].why


def test_the_link_works_as_many_days_as_set(scene, outside, settings):
    settings.REFERRAL_LINK_DAYS = 3
    before = timezone.now()
    referral = send(scene, organisation=outside)
    link = ReferralLink.objects.get(referral=referral)
    assert before + dt.timedelta(days=3) <= link.expires_at <= timezone.now() + dt.timedelta(days=3)


# --- rule 7: links are not for guessing -------------------------------------------------------------------------


def _guess(client, address, token="b" * 64, **headers):
    return client.get(_url(token), REMOTE_ADDR=address, **headers)


def _throttled_rows(**filters):
    return AccessEvent.objects.filter(reason=Reason.EXTERNAL_LINK_THROTTLED, **filters)


class TestThrottled:
    @pytest.fixture(autouse=True)
    def _limits(self, settings):
        settings.REFERRAL_LINK_ATTEMPTS = 3
        settings.REFERRAL_LINK_ATTEMPTS_ALL = 100
        settings.REFERRAL_LINK_ATTEMPTS_MINUTES = 15

    def test_past_the_limit_an_address_is_refused_without_lookup_or_audit(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client, caplog
    ):
        referral, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        expired = ReferralLink.objects.get(referral=referral)
        attempts = [_guess(client, "203.0.113.5", "c" * 64), _guess(client, "203.0.113.5", "%00" + "x" * 300)]
        ReferralLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
        attempts.append(_guess(client, "203.0.113.5", token))
        assert [response.status_code for response in attempts] == [404, 404, 404]
        assert AccessEvent.objects.filter(reason=Reason.EXTERNAL_LINK_INVALID).count() == 3
        # The third failure used up the window: recorded once, naming no person, link or address.
        throttled = _throttled_rows().get()
        assert (throttled.person_id, throttled.actor_id, throttled.organisation_id) == (None, None, None)
        assert throttled.outcome == "DENIED" and throttled.extra == {"everyone": False}
        assert "203.0.113" not in str(throttled.extra) and token not in str(throttled.extra)
        ReferralLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
        before = AccessEvent.objects.count()
        with CaptureQueriesContext(connection) as queries:
            refused = [
                _guess(client, "203.0.113.5"),
                client.post(_url(token), {"answer": "ACCEPTED"}, REMOTE_ADDR="203.0.113.5"),
                _guess(client, "203.0.113.5", token),  # a working link, from the address that guessed
            ]
        for response in refused:
            assert response.status_code == 429 and response["Cache-Control"] == "no-store"
            assert response["Retry-After"] == str(15 * 60)
            page = response.content.decode()
            assert "Trop de tentatives" in page
            assert outside.name not in page and "logement" not in page.lower()
        assert not [q for q in queries.captured_queries if "referrallink" in q["sql"].lower()]
        assert AccessEvent.objects.count() == before
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SENT  # not opened
        assert ReferralLink.objects.get(pk=expired.pk).times_opened == 0
        # Another address is not affected.
        assert _guess(client, "198.51.100.7", token).status_code == 200
        # One log line, with the address and without the token.
        lines = [r.getMessage() for r in caplog.records if r.name == "maillage.referrals.links"]
        assert len(lines) == 1 and "203.0.113.5" in lines[0] and token not in lines[0]

    def test_the_window_ends(self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client, settings):
        settings.REFERRAL_LINK_ATTEMPTS_MINUTES = 1 / 60  # one second
        _, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        assert [_guess(client, "203.0.113.5").status_code for _n in range(4)] == [404, 404, 404, 429]
        assert _guess(client, "203.0.113.5", token).status_code == 429
        time.sleep(1.2)
        assert _guess(client, "203.0.113.5", token).status_code == 200

    def test_behind_the_proxy_each_client_counts_for_itself(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client, settings
    ):
        settings.LOGIN_TRUSTED_PROXIES = 1
        _, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        proxy = "10.0.0.1"
        for _n in range(3):
            assert _guess(client, proxy, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 404
        assert _guess(client, proxy, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
        # What the client writes itself, left of what the proxy saw, changes nothing.
        spoofed = _guess(client, proxy, token, HTTP_X_FORWARDED_FOR="192.0.2.44, 203.0.113.5")
        assert spoofed.status_code == 429
        # Another client behind the same proxy is not refused.
        assert _guess(client, proxy, token, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200

    def test_an_ipv6_client_counts_as_its_slash_64(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client
    ):
        _, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        for suffix in ("1", "2", "3"):
            assert _guess(client, f"2001:db8:0:1::{suffix}").status_code == 404
        assert _guess(client, "2001:db8:0:1:ffff::9", token).status_code == 429
        assert _guess(client, "2001:db8:0:2::1", token).status_code == 200

    def test_many_addresses_meet_the_backstop_and_working_links_still_work(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client, settings, caplog
    ):
        settings.REFERRAL_LINK_ATTEMPTS_ALL = 3
        _, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        assert [_guess(client, f"203.0.113.{n}").status_code for n in range(1, 4)] == [404, 404, 404]
        assert _throttled_rows(extra__everyone=True).count() == 1
        before = AccessEvent.objects.count()
        assert _guess(client, "203.0.113.4").status_code == 429
        assert _guess(client, "203.0.113.5", "%00").status_code == 429
        assert AccessEvent.objects.count() == before  # no audit row per attempt
        assert _guess(client, "203.0.113.6", token).status_code == 200
        assert AccessEvent.objects.filter(reason=Reason.EXTERNAL_LINK).exists()
        lines = [r.getMessage() for r in caplog.records if r.name == "maillage.referrals.links"]
        assert len(lines) == 1 and "all addresses" in lines[0]

    def test_a_working_link_is_not_counted(
        self, scene, outside, mailoutbox, django_capture_on_commit_callbacks, client
    ):
        _, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
        for _n in range(5):
            assert _guess(client, "203.0.113.5", token).status_code == 200
        assert not _throttled_rows().exists()


def test_address_keys():
    assert address_key("203.0.113.5") == "203.0.113.5"
    assert address_key("::ffff:203.0.113.5") == "203.0.113.5"
    assert address_key("2001:db8:0:1:ffff::9") == address_key("2001:db8:0:1::1") == "2001:db8:0:1::/64"
    assert address_key(None) == address_key("") == ""
    assert address_key("not an address") == "not an address"


@pytest.fixture
def redis_cache(settings, redis_url):
    """The throttle's counts in this machine's Redis, under a key prefix of this test's own."""
    prefix = f"maillage-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": redis_url, "KEY_PREFIX": prefix}}
    raw = redis.Redis.from_url(redis_url)
    yield raw, prefix
    for key in raw.scan_iter(f"{prefix}*"):
        raw.delete(key)


def test_on_redis_the_counts_are_shared_and_expire(
    scene, outside, mailoutbox, django_capture_on_commit_callbacks, client, settings, redis_cache, redis_url
):
    raw, prefix = redis_cache
    settings.REFERRAL_LINK_ATTEMPTS = 3
    settings.REFERRAL_LINK_ATTEMPTS_MINUTES = 2 / 60  # two seconds
    _, _, token = _sent(scene, outside, mailoutbox, django_capture_on_commit_callbacks)
    assert [_guess(client, "203.0.113.5").status_code for _n in range(3)] == [404, 404, 404]
    keys = [key.decode() for key in raw.scan_iter(f"{prefix}*")]
    assert len(keys) == 2 and not [key for key in keys if "203.0.113" in key]
    assert all(0 < raw.ttl(key) <= 2 for key in keys)
    # Another server: another connection to the same Redis (a configuration of its own) counts the same.
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": redis_url, "KEY_PREFIX": prefix}}
    assert _guess(client, "203.0.113.5", token).status_code == 429
    assert _guess(client, "198.51.100.7", token).status_code == 200
    time.sleep(2.2)
    assert _guess(client, "203.0.113.5", token).status_code == 200

import datetime as dt
import importlib
import re
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.tasks import default_task_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.middleware import SESSION_ACTIVE_AT_KEY
from maillage.accounts.models import AccountEvent
from maillage.accounts.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def login(client, email, password, address="10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


class TestLoginLogout:
    def test_login_by_email_any_case(self, client, member):
        response = login(client, member.user.email.upper(), TEST_PASSWORD)
        assert response.status_code == 302
        assert response.url == reverse("core:home")
        assert client.get(reverse("core:home")).status_code == 200

    def test_wrong_password_keeps_the_typed_email(self, client, member):
        response = login(client, member.user.email, "wrong password")
        assert response.status_code == 200
        assert member.user.email in response.content.decode()
        assert response.context["form"].non_field_errors()

    def test_logout_is_post_only(self, client, member):
        client.force_login(member.user)
        assert client.get(reverse("accounts:logout")).status_code == 405
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert client.get(reverse("core:home")).status_code == 302

    def test_login_form_needs_csrf(self, member):
        client = Client(enforce_csrf_checks=True)
        response = login(client, member.user.email, TEST_PASSWORD)
        assert response.status_code == 403


def fail(client, email, times=1, address="10.0.0.1"):
    for _attempt in range(times):
        assert login(client, email, "wrong password", address=address).status_code in {200, 429}


def is_locked(email, password=TEST_PASSWORD, address="10.0.0.1"):
    response = login(Client(), email, password, address=address)
    assert response.status_code in {302, 429}
    return response.status_code == 429


@pytest.fixture
def limits(settings):
    """Small, distinct limits: 3 for an account from one address, 5 from any address, 7 for an address."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 7
    return settings


class TestThrottling:
    def test_account_and_address_are_locked_after_repeated_failures(self, client, member):
        email = member.user.email
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            login(client, email, "wrong password")
        response = login(client, email, TEST_PASSWORD)
        assert response.status_code == 429
        assert "accounts/lockout.html" in [t.name for t in response.templates]
        assert "Too many attempts" in response.content.decode() or "tentatives" in response.content.decode()
        assert client.get(reverse("core:home")).status_code == 302
        # The same account from another address is not locked (account + address pairs).
        other = Client()
        assert login(other, email, TEST_PASSWORD, address="10.0.0.2").status_code == 302

    def test_success_resets_the_failure_count(self, client, member):
        email = member.user.email
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            login(client, email, "wrong password")
        assert login(client, email, TEST_PASSWORD).status_code == 302
        client.post(reverse("accounts:logout"))
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            login(client, email, "wrong password")
        assert login(client, email, TEST_PASSWORD).status_code == 302

    def test_the_defaults_lock_an_account_and_an_address_later_than_a_pair(self):
        assert settings.AXES_FAILURE_LIMIT < settings.LOGIN_ACCOUNT_FAILURE_LIMIT
        assert settings.LOGIN_ACCOUNT_FAILURE_LIMIT < settings.LOGIN_ADDRESS_FAILURE_LIMIT

    def test_an_account_is_locked_from_every_address_after_failures_from_many(self, client, member, limits):
        email = member.user.email
        for address in ["10.0.1.1", "10.0.1.2"]:
            fail(client, email, times=2, address=address)  # under the pair limit on each address
        assert not is_locked(email, address="10.0.1.9")  # 4 failures: under the account limit
        fail(client, email, times=2, address="10.0.1.3")
        response = login(Client(), email, TEST_PASSWORD, address="10.0.1.9")
        assert response.status_code == 429
        assert "accounts/lockout.html" in [t.name for t in response.templates]
        # Nobody else is locked, from any of these addresses.
        assert not is_locked(MembershipFactory().user.email, address="10.0.1.3")

    def test_the_address_case_does_not_make_another_account(self, client, member, limits):
        email = member.user.email
        fail(client, email.upper(), times=2, address="10.0.2.1")
        fail(client, f" {email.title()} ", times=1, address="10.0.2.1")
        assert is_locked(email, address="10.0.2.1")

    def test_password_spraying_from_one_address_is_slowed(self, client, limits):
        victims = [MembershipFactory().user.email for _index in range(4)]
        for email in [*victims, "nobody@example.org", "nobody.else@example.org"]:
            fail(client, email, address="10.0.3.1")  # one guess per account: never a pair or account limit
        bystander = MembershipFactory().user.email
        assert not is_locked(bystander, address="10.0.3.1")  # 6 failures from this address
        fail(client, "another.one@example.org", address="10.0.3.1")  # the 7th
        assert is_locked(bystander, address="10.0.3.1")
        assert not is_locked(bystander, address="10.0.3.2")
        assert not is_locked(victims[0], address="10.0.3.2")

    def test_logging_into_ones_own_account_does_not_clear_the_address_count(self, client, member, limits):
        for index in range(6):
            fail(client, f"target{index}@example.org", address="10.0.4.1")
        assert login(client, member.user.email, TEST_PASSWORD, address="10.0.4.1").status_code == 302
        client.post(reverse("accounts:logout"))
        fail(client, "target6@example.org", address="10.0.4.1")
        assert is_locked(member.user.email, address="10.0.4.1")

    def test_behind_trusted_proxies_the_forwarded_address_counts(self, client, member, limits):
        limits.LOGIN_TRUSTED_PROXIES = 1
        email = member.user.email

        def via_proxy(client, password, client_address):
            return client.post(
                reverse("accounts:login"),
                {"username": email, "password": password},
                REMOTE_ADDR="192.0.2.1",  # the proxy
                headers={"X-Forwarded-For": f"203.0.113.99, {client_address}"},  # the first part is the client's lie
            )

        for _attempt in range(3):
            via_proxy(client, "wrong password", "198.51.100.1")
        assert via_proxy(Client(), TEST_PASSWORD, "198.51.100.1").status_code == 429
        assert via_proxy(Client(), TEST_PASSWORD, "198.51.100.2").status_code == 302


class TestLockoutEmail:
    def test_the_owner_is_told_once_per_lockout_in_their_language(
        self, client, member, limits, django_capture_on_commit_callbacks
    ):
        member.user.preferred_language = "en"
        member.user.save(update_fields=["preferred_language"])
        email = member.user.email
        with django_capture_on_commit_callbacks(execute=True):
            fail(client, email, times=2)
        assert mail.outbox == []
        with django_capture_on_commit_callbacks(execute=True):
            fail(client, email, times=1)  # the pair limit: locked
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [email]
        assert message.subject == "Logging in to your Maillage account is blocked for a while"
        assert "blocked for 15 minutes" in message.body
        assert reverse("accounts:password_reset") in message.body
        assert message.alternatives
        assert AccountEvent.objects.filter(kind="LOGIN_LOCKED", subject_user=member.user).count() == 1
        with django_capture_on_commit_callbacks(execute=True):
            fail(client, email, times=1)  # still locked: the same lockout
            fail(client, email, times=1, address="10.0.0.2")  # the account limit now, but it was locked already
        assert len(mail.outbox) == 1

    def test_french_by_default(self, client, member, limits, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            fail(client, member.user.email, times=3)
        assert mail.outbox[0].subject == "La connexion à votre compte Maillage est bloquée pour un moment"

    def test_an_unknown_address_mails_nobody(self, client, limits, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            fail(client, "nobody@example.org", times=3)
        assert len(callbacks) == 1  # the same work as for a real account: the task finds nobody
        assert mail.outbox == []
        assert not AccountEvent.objects.filter(kind="LOGIN_LOCKED").exists()

    def test_spraying_locks_an_address_and_mails_no_one(self, client, limits, django_capture_on_commit_callbacks):
        victims = [MembershipFactory().user.email for _index in range(7)]
        with django_capture_on_commit_callbacks(execute=True):
            for email in victims:
                fail(client, email, address="10.0.5.1")
        assert is_locked(victims[0], address="10.0.5.1")
        assert mail.outbox == []


class TestSessionExpiry:
    def test_idle_timeout_is_30_minutes_by_default(self):
        assert settings.SESSION_IDLE_MINUTES == 30
        assert settings.SESSION_COOKIE_AGE == 30 * 60
        assert settings.SESSION_TOUCH_SECONDS == 60

    def test_idle_timeout_comes_from_the_environment(self, monkeypatch):
        import config.settings.base as base

        monkeypatch.setenv("SESSION_IDLE_MINUTES", "12")
        try:
            assert importlib.reload(base).SESSION_COOKIE_AGE == 12 * 60
        finally:
            monkeypatch.delenv("SESSION_IDLE_MINUTES")
            importlib.reload(base)

    def test_each_request_extends_the_session_and_idleness_ends_it(self, client, member):
        client.force_login(member.user)
        session = Session.objects.get()
        idle = dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
        assert abs(session.expire_date - (timezone.now() + idle)) < dt.timedelta(seconds=30)

        # Active 20 minutes ago: the next request pushes the expiry a full idle period ahead.
        store = SessionStore(session.session_key)
        store[SESSION_ACTIVE_AT_KEY] = int(time.time()) - 20 * 60
        store.save()
        Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + dt.timedelta(minutes=10))
        assert client.get(reverse("core:home")).status_code == 200
        session.refresh_from_db()
        assert session.expire_date > timezone.now() + idle - dt.timedelta(seconds=30)

        # Active again within the minute: the session is not written again (no commit on every page).
        Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + dt.timedelta(minutes=10))
        assert client.get(reverse("core:home")).status_code == 200
        session.refresh_from_db()
        assert session.expire_date < timezone.now() + dt.timedelta(minutes=11)

        # Idle longer than the limit: the session is gone and the next request asks to log in.
        Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


class TestPasswordHashing:
    @pytest.mark.parametrize("profile", ["config.settings.base", "config.settings.prod"])
    def test_argon2_is_the_production_hasher(self, profile, monkeypatch):
        monkeypatch.setenv("SECRET_KEY", "x" * 50)
        monkeypatch.setenv("DATABASE_URL", "postgres://maillage@127.0.0.1:5432/maillage")  # required by prod
        monkeypatch.setenv("ALLOWED_HOSTS", "maillage.example.org")
        monkeypatch.setenv("AUDIT_HMAC_KEYS", "prod-test:" + "k" * 43)  # required by prod
        module = importlib.import_module(profile)
        assert module.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"

    def test_argon2_hashes_and_verifies(self):
        hasher = Argon2PasswordHasher()
        encoded = hasher.encode("a long passphrase", hasher.salt())
        assert encoded.startswith("argon2$")
        assert hasher.verify("a long passphrase", encoded)
        assert not hasher.verify("another", encoded)

    def test_password_validators_are_on(self):
        encoded = make_password("whatever")
        assert identify_hasher(encoded)
        names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
        assert "MinimumLengthValidator" in names and "CommonPasswordValidator" in names


class TestPasswordReset:
    def test_reset_by_email_link(self, client, member, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:password_reset"), {"email": member.user.email.upper()})
        assert response.status_code == 302
        assert response.url == reverse("accounts:password_reset_done")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [member.user.email]
        assert message.alternatives  # an HTML part, rendered from our template
        link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)

        response = client.get(link, follow=True)
        assert response.status_code == 200
        assert response.context["validlink"]
        form_url = response.redirect_chain[-1][0]
        response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"]

        new = "a brand new passphrase 42"
        response = client.post(form_url, {"new_password1": new, "new_password2": new})
        assert response.status_code == 302
        assert response.url == reverse("accounts:password_reset_complete")
        member.user.refresh_from_db()
        assert member.user.check_password(new)
        # Single use.
        assert client.get(link, follow=True).context["validlink"] is False

    def test_a_new_password_lifts_the_lockout(self, client, member, limits, django_capture_on_commit_callbacks):
        email = member.user.email
        fail(client, email, times=2, address="10.0.6.1")
        fail(client, email, times=3, address="10.0.6.2")  # the account is locked from every address
        bystander = MembershipFactory().user.email
        fail(client, bystander, times=1, address="10.0.6.1")
        assert is_locked(email, address="10.0.6.3")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": email})
        link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[-1].body).group(1)
        form_url = client.get(link, follow=True).redirect_chain[-1][0]
        new = "a brand new passphrase 42"
        assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
        assert not is_locked(email, new, address="10.0.6.1")
        # Only this account's failures are forgotten.
        assert AccessAttempt.objects.filter(username=bystander).exists()

    def test_unknown_address_sends_nothing_and_tells_nothing(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
        assert response.status_code == 302
        assert mail.outbox == []

    def test_the_page_does_the_same_work_whether_the_address_exists_or_not(
        self, client, member, settings, django_capture_on_commit_callbacks
    ):
        """The same queries, the same task, the same answer, and no e-mail sent while the visitor waits."""
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
        client.get(reverse("accounts:password_reset"))  # the session and CSRF cookie, once for both
        seen = []
        for email in [member.user.email, "nobody@example.org"]:
            default_task_backend.clear()
            with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("accounts:password_reset"), {"email": email})
            tasks = [(result.task.name, result.args) for result in default_task_backend.results]
            seen.append((response.status_code, response.url, len(queries), [name for name, _args in tasks]))
            assert tasks == [("send_password_reset_email", [email])]
            assert not [query for query in queries if "accounts_user" in query["sql"]]  # no look-up of the address
        assert seen[0] == seen[1]
        assert mail.outbox == []

    def test_the_email_is_in_the_users_language(self, client, member, django_capture_on_commit_callbacks):
        member.user.preferred_language = "en"
        member.user.save(update_fields=["preferred_language"])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:password_reset"), {"email": member.user.email})
        assert mail.outbox[0].subject == "Choose a new Maillage password"
        assert settings.SITE_URL + "/accounts/password/reset/" in mail.outbox[0].body

    def test_invalid_address_is_a_field_error(self, client):
        response = client.post(reverse("accounts:password_reset"), {"email": "not-an-address"})
        assert response.status_code == 200
        assert response.context["form"].errors["email"]
        assert "not-an-address" in response.content.decode()

    def test_pages_render(self, client):
        for name in ["password_reset", "password_reset_done", "password_reset_complete"]:
            assert client.get(reverse(f"accounts:{name}")).status_code == 200
        response = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]))
        assert response.status_code == 200
        assert response.context["validlink"] is False


class TestPasswordChange:
    def test_change_with_current_password(self, client, member):
        client.force_login(member.user)
        url = reverse("accounts:password_change")
        assert client.get(url).status_code == 200
        response = client.post(url, {"old_password": "wrong", "new_password1": "x", "new_password2": "y"})
        assert response.status_code == 200
        assert set(response.context["form"].errors) >= {"old_password", "new_password2"}
        new = "another long passphrase 7"
        response = client.post(url, {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new})
        assert response.status_code == 302
        member.user.refresh_from_db()
        assert member.user.check_password(new)
        # The session survives the change.
        assert client.get(reverse("accounts:password_change_done")).status_code == 200


@pytest.mark.django_db
def test_every_page_links_to_the_password_change_when_logged_in(client, member):
    link = f'href="{reverse("accounts:password_change")}"'
    assert link not in client.get(reverse("accounts:login")).content.decode()
    client.force_login(member.user)
    assert link in client.get(reverse("core:home")).content.decode()
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert 'aria-current="page"' in page.split(link)[1].split(">")[0]

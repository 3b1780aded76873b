"""Invitation secrets of the person's own space: single-use, expiring, voided by a new invitation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.accounts.enums import UserKind
from maillage.accounts.tests.factories import UserFactory
from maillage.people import invitations

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_user():
    user = UserFactory(kind=UserKind.PERSON)
    user.set_unusable_password()
    user.save()
    return user


class TestLink:
    def test_valid_link_finds_the_login(self, person_user):
        assert invitations.user_for_link_token(invitations.link_token(person_user)) == person_user

    def test_single_use(self, person_user):
        token = invitations.link_token(person_user)
        person_user.set_password("a new long password 42")
        person_user.save()
        assert invitations.user_for_link_token(token) is None

    def test_expires(self, person_user, settings, time_machine_days):
        token = invitations.link_token(person_user)
        time_machine_days(invitations.invitation_days() + 1)
        assert invitations.user_for_link_token(token) is None

    @pytest.mark.parametrize("token", ["", "x", "1-2-3", "zz-zz-" + "0" * 40, "a-b-c-d"])
    def test_garbage_is_refused(self, person_user, token):
        assert invitations.user_for_link_token(token) is None

    def test_professional_logins_are_never_activated(self):
        professional = UserFactory()
        assert invitations.user_for_link_token(invitations.link_token(professional)) is None


class TestPrintedCode:
    def test_code_is_short_and_readable(self, person_user):
        code = invitations.printed_code(person_user)
        raw = code.replace("-", "")
        assert len(raw) <= 16
        assert not set(raw) & set("01OIL")

    def test_code_finds_the_login_whatever_the_spacing_or_case(self, person_user):
        code = invitations.printed_code(person_user)
        assert invitations.user_for_code(code) == person_user
        assert invitations.user_for_code(" " + code.lower().replace("-", " ")) == person_user

    def test_new_invitation_voids_the_old_code(self, person_user):
        code = invitations.printed_code(person_user)
        person_user.set_unusable_password()
        person_user.save()
        assert invitations.user_for_code(code) is None

    def test_a_changed_character_is_refused(self, person_user):
        code = invitations.printed_code(person_user)
        changed = code[:-1] + ("A" if code[-1] != "A" else "B")
        assert invitations.user_for_code(changed) is None

    def test_expires(self, person_user, time_machine_days):
        code = invitations.printed_code(person_user)
        time_machine_days(invitations.invitation_days() + 1)
        assert invitations.user_for_code(code) is None


@pytest.fixture
def time_machine_days(monkeypatch):
    def travel(days: int) -> None:
        moment = timezone.now() + timedelta(days=days)
        monkeypatch.setattr(invitations.timezone, "now", lambda: moment)

    return travel

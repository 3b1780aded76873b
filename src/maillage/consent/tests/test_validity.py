"""Property-based tests of consent validity in time (hypothesis).

A consent is valid at t iff it has started, has not expired and was not revoked at t; after a change, the
row in force at t is the latest recorded at or before t (supersession). The database query used by the
door (`Consent.objects.valid_at`) agrees with the Python predicate, and so does the door itself.
"""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.access import door
from maillage.access.enums import Action, Category
from maillage.accounts.actors import actor_for
from maillage.accounts.tests.factories import MembershipFactory
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.consent.models import Consent
from maillage.consent.selectors import chain_valid_at
from maillage.people.tests.factories import InvolvementFactory, PersonFactory

BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
minutes = st.integers(min_value=-10_000, max_value=10_000)
optional_minutes = st.none() | minutes


def at(offset: int | None) -> dt.datetime | None:
    return None if offset is None else BASE + dt.timedelta(minutes=offset)


def row(start: int, expiry: int | None, revoked: int | None, created: int = -20_000, pk: int = 1) -> Consent:
    return Consent(
        pk=pk,
        starts_at=at(start),
        expires_at=at(expiry),
        revoked_at=at(revoked),
        created_at=at(created),
        categories=[Category.SOCIAL],
    )


@given(start=minutes, expiry=optional_minutes, revoked=optional_minutes, moment=minutes)
def test_valid_iff_started_not_expired_not_revoked(start, expiry, revoked, moment):
    consent = row(start, expiry, revoked)
    t = at(moment)
    ends = [x for x in (at(expiry), at(revoked)) if x is not None]
    expected = at(start) <= t and all(t < end for end in ends)
    assert consent.is_valid_at(t) is expected


@given(
    start=minutes,
    expiry=optional_minutes,
    revoked_offset=st.integers(min_value=0, max_value=10_000),
    before=minutes,
    moment=minutes,
)
def test_revocation_supersedes_from_when_it_is_recorded(start, expiry, revoked_offset, before, moment):
    """A revocation recorded at r ends validity from r on, whatever the original expiry; before r the original
    row is in force."""
    original = row(start, expiry, None, created=-20_000, pk=1)
    revoked_at = before + revoked_offset
    revocation = row(start, expiry, revoked_at, created=revoked_at, pk=2)
    t = at(moment)
    chain = [original, revocation]
    if t < at(revoked_at):
        assert chain_valid_at(chain, t) is original.is_valid_at(t)
    else:
        assert chain_valid_at(chain, t) is False


@given(
    first_expiry=optional_minutes,
    change_at=st.integers(min_value=-5_000, max_value=5_000),
    second_expiry=optional_minutes,
    moment=minutes,
)
def test_a_change_applies_only_from_when_it_is_recorded(first_expiry, change_at, second_expiry, moment):
    first = row(-10_000, first_expiry, None, created=-10_000, pk=1)
    second = row(-10_000, second_expiry, None, created=change_at, pk=2)
    t = at(moment)
    in_force = first if t < at(change_at) else second
    assert chain_valid_at([first, second], t) is (t >= at(-10_000) and in_force.is_valid_at(t))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(min_value=-300, max_value=300),
    expiry=st.none() | st.integers(min_value=-300, max_value=300),
    revoked=st.none() | st.integers(min_value=-300, max_value=300),
)
def test_database_and_door_agree_with_the_predicate(start, expiry, revoked):
    now = timezone.now()
    starts_at = now + dt.timedelta(minutes=start)
    expires_at = None if expiry is None else now + dt.timedelta(minutes=expiry)
    if expires_at is not None and expires_at <= starts_at:
        expires_at = starts_at + dt.timedelta(minutes=1)
    revoked_at = None if revoked is None else now + dt.timedelta(minutes=revoked)
    membership = MembershipFactory()
    person = PersonFactory()
    InvolvementFactory(person=person, organisation=membership.organisation)
    consent = Consent.objects.create(
        person=person,
        purpose="test",
        categories=[Category.SOCIAL],
        legal_basis=LegalBasis.CONSENT,
        how_given=HowGiven.PAPER_SCANNED,
        starts_at=starts_at,
        expires_at=expires_at,
        revoked_at=revoked_at,
        created_at=now - dt.timedelta(days=1),
    )
    moment = timezone.now()
    expected = consent.is_valid_at(moment)
    assert Consent.objects.valid_at(moment).filter(pk=consent.pk).exists() is expected
    assert door.decide(actor_for(membership.user), person, Action.VIEW, Category.SOCIAL).allowed is expected

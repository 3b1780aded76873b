import datetime as dt

import pytest
from django.utils import timezone

from maillage.accounts.actors import actor_for
from maillage.accounts.enums import ApiScope
from maillage.accounts.services import api_token_create
from maillage.accounts.tests.factories import MembershipFactory


@pytest.fixture
def member(db):
    return MembershipFactory()


@pytest.fixture
def admin_membership(db):
    return MembershipFactory(admin=True)


def make_token(user, scopes=tuple(ApiScope.values), days: int = 30) -> str:
    _token, secret = api_token_create(
        actor_for(user), name="test", scopes=scopes, expires_at=timezone.now() + dt.timedelta(days=days)
    )
    return secret


@pytest.fixture
def bearer(member):
    """Authorization headers for a professional's token with every scope."""
    return {"Authorization": f"Bearer {make_token(member.user)}"}

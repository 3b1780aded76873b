"""Authentication for /api/v1/: personal access tokens for API clients, the session for the browser.

Other apps' routers inherit `api_auth` from the API (deny by default); an operation that must stay public
says `auth=None`. Each authenticated request carries `request.actor` (an `Actor`); a token request also
carries `request.api_token`, whose scopes `require_scope` checks.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from maillage.accounts.actors import CURRENT_ORGANISATION_SESSION_KEY, Actor, actor_for
from maillage.accounts.enums import ApiScope
from maillage.accounts.mfa import MfaState
from maillage.accounts.models import ApiToken, User
from maillage.accounts.selectors import api_token_for_secret
from maillage.accounts.services import api_token_touch


def _usable_actor(actor: Actor) -> bool:
    """A professional needs an active membership, as in ActorMiddleware; persons and platform staff do not."""
    return actor.is_authenticated and bool(actor.memberships or actor.is_person or actor.is_platform_staff)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mlg_…`: an unknown, expired or revoked token is a 401, even with a session."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = api_token_for_secret(token.strip())
        if api_token is None:
            raise AuthenticationError
        actor = actor_for(api_token.user)
        if not _usable_actor(actor):
            raise AuthenticationError
        api_token_touch(api_token)
        request.user = api_token.user
        request.actor = actor
        request.api_token = api_token
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """The browser's session (with CSRF on writes): the logged-in user acts with their own rights, once the
    session has passed its second factor (see `maillage.accounts.mfa`)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if user is None or getattr(request, "mfa_state", MfaState.OK) is not MfaState.OK:
            return None
        actor = getattr(request, "actor", None)
        if not isinstance(actor, Actor) or actor.user != user:
            actor = actor_for(user, request.session.get(CURRENT_ORGANISATION_SESSION_KEY))
        if not _usable_actor(actor):
            return None
        request.actor = actor
        request.api_token = None
        return user


api_auth: list[Any] = [TokenAuth(), SessionAuth()]


def token_scopes(request: HttpRequest) -> frozenset[str] | None:
    """The scopes of the request's token; None for a browser session (bounded by the user's rights only)."""
    api_token: ApiToken | None = getattr(request, "api_token", None)
    return None if api_token is None else frozenset(api_token.scopes)


def require_scope(request: HttpRequest, scope: str | ApiScope) -> None:
    """Raise a 403 (common error format) unless the request's token has `scope`. Sessions pass."""
    scopes = token_scopes(request)
    if scopes is not None and str(scope) not in scopes:
        raise PermissionDenied(_("This token lacks the scope “%(scope)s”.") % {"scope": str(scope)})

"""Authentication for /api/v1/: personal access tokens for API clients, the session for the browser.

Other apps' routers inherit `api_auth` from the API (deny by default); an operation that must stay public
says `auth=None`. Each authenticated request carries `request.actor` (an `Actor`); a token request also
carries `request.api_token`, whose scopes `require_scope` checks.

Token management says `auth=session_only_auth`: a token never creates, lists or revokes tokens, so a stolen
token cannot mint itself successors that outlive its revocation.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from maillage.accounts.actors import CURRENT_ORGANISATION_SESSION_KEY, Actor, actor_for, actor_for_token
from maillage.accounts.enums import ApiScope
from maillage.accounts.mfa import MfaState
from maillage.accounts.models import ApiToken, User
from maillage.accounts.selectors import api_token_for_secret, api_token_with_secret
from maillage.accounts.services import api_token_touch
from maillage.core.api_errors import STATUS_DETAILS


def _usable_actor(actor: Actor) -> bool:
    """A professional needs an active membership, as in ActorMiddleware; persons and platform staff do not."""
    return actor.is_authenticated and bool(actor.memberships or actor.is_person or actor.is_platform_staff)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mlg_…`: an unknown, expired or revoked token is a 401, even with a session; so is
    a token whose membership or organisation was deactivated."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = api_token_for_secret(token.strip())
        if api_token is None:
            raise AuthenticationError(message=_refusal(token.strip()))
        actor = actor_for_token(api_token)
        if not _usable_actor(actor):
            raise AuthenticationError(message=_("This token acts for no organisation: create a new one."))
        api_token_touch(api_token)
        request.user = api_token.user
        request.actor = actor
        request.api_token = api_token
        return api_token.user


def _refusal(secret: str) -> str:
    """Why a token is refused, for its holder (who has the secret: this reveals nothing to anyone else)."""
    api_token = api_token_with_secret(secret)
    if api_token is None:
        return str(STATUS_DETAILS[401])
    if api_token.revoked_at is not None:
        return _("This token has been revoked.")
    if api_token.expires_at <= timezone.now():
        return _("This token has expired.")
    if not api_token.user.is_active:
        return _("The account of this token is deactivated.")
    return _("This token no longer works: the membership it acts for has ended, or its organisation is deactivated.")


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


TOKEN_MANAGEMENT_REFUSED = gettext_lazy(
    "API tokens are managed from a logged-in session only: a token cannot create, list or revoke tokens."
)


class SessionOnlyAuth(SessionAuth):
    """The session alone: a request that carries a token (`Authorization: Bearer …`, valid or not) is refused with
    a 403. Another scheme (the Basic of a proxy guarding a staging site) is left alone."""

    def __call__(self, request: HttpRequest) -> User | None:
        if request.headers.get("Authorization", "").lstrip().lower().startswith("bearer"):
            raise PermissionDenied(TOKEN_MANAGEMENT_REFUSED)
        return super().__call__(request)


api_auth: list[Any] = [TokenAuth(), SessionAuth()]
session_only_auth: list[Any] = [SessionOnlyAuth()]


def token_scopes(request: HttpRequest) -> frozenset[str] | None:
    """The scopes of the request's token; None for a browser session (bounded by the user's rights only)."""
    api_token: ApiToken | None = getattr(request, "api_token", None)
    return None if api_token is None else frozenset(api_token.scopes)


def require_scope(request: HttpRequest, scope: str | ApiScope) -> None:
    """Raise a 403 (common error format) unless the request's token has `scope`. Sessions pass."""
    scopes = token_scopes(request)
    if scopes is not None and str(scope) not in scopes:
        raise PermissionDenied(_("This token lacks the scope “%(scope)s”.") % {"scope": str(scope)})

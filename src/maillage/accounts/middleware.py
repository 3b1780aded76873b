import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from maillage.accounts.actors import CURRENT_ORGANISATION_SESSION_KEY, actor_for
from maillage.accounts.enums import UserKind
from maillage.accounts.mfa import MfaState, mfa_state

API_PATH_PREFIX = "/api/"
SESSION_ACTIVE_AT_KEY = "maillage_active_at"


class SessionActivityMiddleware:
    """Keeps a session alive for `SESSION_IDLE_MINUTES` after its last request, writing it at most once every
    `SESSION_TOUCH_SECONDS`: a write is a commit, and a commit waits for the disk on every page otherwise.

    An idle session therefore ends between `SESSION_IDLE_MINUTES` minus `SESSION_TOUCH_SECONDS` and
    `SESSION_IDLE_MINUTES` after the last request. Placed right after Django's SessionMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        now = int(time.time())
        if not session.is_empty() and now - session.get(SESSION_ACTIVE_AT_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
            session[SESSION_ACTIVE_AT_KEY] = now  # modified: Django saves it with a fresh expiry
        return self.get_response(request)


class PersonLanguageMiddleware:
    """A person in their own space reads every page in their preferred language, which the language switch
    sets (`core.views.set_language`): the same language on every device, whatever the browser says.

    Professionals keep Django's usual choice (the switch's cookie, then the browser). Placed after Django's
    AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.kind == UserKind.PERSON:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class ActorMiddleware:
    """Sets `request.actor`, checked afresh on every request.

    A professional whose last active membership was deactivated is logged out here, so that
    deactivation ends access at the very next request. A session that has not passed its second factor
    (`request.mfa_state` other than OK) acts as nobody: the password alone grants nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        request.mfa_state = MfaState.OK
        if user is not None and user.is_authenticated:
            request.mfa_state = mfa_state(user, request.session)
        if request.mfa_state is not MfaState.OK:
            request.actor = actor_for(None)
        elif user is not None and user.is_authenticated:
            actor = actor_for(user, request.session.get(CURRENT_ORGANISATION_SESSION_KEY))
            if not actor.memberships and not actor.is_person and not actor.is_platform_staff:
                logout(request)
                if not request.path_info.startswith(API_PATH_PREFIX):
                    return redirect("accounts:login")
                # The API answers its own 401, in its error format.
                actor = actor_for(None)
            request.actor = actor
        else:
            request.actor = SimpleLazyObject(lambda: actor_for(None))
        return self.get_response(request)


class MfaMiddleware:
    """Sends a session that has not passed its second factor to enrol one or to pass it, whatever page it asks.

    Only views marked with `mfa_step(...)` for the session's state answer (the MFA pages, logging out,
    the language switch). The API is left to answer its own 401: its session authentication refuses
    such a session (`api_auth.SessionAuth`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        state = getattr(request, "mfa_state", MfaState.OK)
        if state is MfaState.OK or state in getattr(view_func, "mfa_states", ()):
            return None
        if request.path_info.startswith(API_PATH_PREFIX):
            return None
        target = resolve_url("accounts:mfa_verify" if state is MfaState.VERIFY else "accounts:mfa_enrol")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)

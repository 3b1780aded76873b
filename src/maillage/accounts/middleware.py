import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject

from maillage.accounts.actors import CURRENT_ORGANISATION_SESSION_KEY, actor_for

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


class ActorMiddleware:
    """Sets `request.actor`, checked afresh on every request.

    A professional whose last active membership was deactivated is logged out here, so that
    deactivation ends access at the very next request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
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

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject

from maillage.accounts.actors import CURRENT_ORGANISATION_SESSION_KEY, actor_for


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
                return redirect("accounts:login")
            request.actor = actor
        else:
            request.actor = SimpleLazyObject(lambda: actor_for(None))
        return self.get_response(request)

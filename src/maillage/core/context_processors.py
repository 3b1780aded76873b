from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from maillage.core.navigation import navigation_for, role_label

LOGIN_STEPS = frozenset({"accounts:login", "accounts:mfa_verify", "accounts:mfa_enrol"})


def maillage(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    match = getattr(request, "resolver_match", None)
    return {
        # The login and its second step: no "Log in" button in the header (the MFA pages offer to log out).
        "on_login_page": bool(match and match.view_name in LOGIN_STEPS),
        "actor": actor,
        "navigation": SimpleLazyObject(lambda: navigation_for(actor, request.path)) if actor is not None else [],
        "acting_as": SimpleLazyObject(lambda: role_label(actor)) if actor is not None else "",
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }

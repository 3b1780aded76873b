from django.conf import settings
from django.http import HttpRequest


def maillage(request: HttpRequest) -> dict:
    return {
        "actor": getattr(request, "actor", None),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }

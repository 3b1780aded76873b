"""A static map of search results, drawn as SVG on the server: no JavaScript, no CDN.

Points are projected in Web Mercator. When `MAP_TILE_URL` is set (an XYZ template such as
"https://tiles.example.org/{z}/{x}/{y}.png"), the tiles covering the view are drawn underneath as SVG
images; without it, the communes around the results are drawn as labelled dots, so the map stays
readable and the page fully usable without any tile server.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings

from maillage.territories.models import Level, Territory

WIDTH, HEIGHT, TILE = 640, 400, 256
MAX_ZOOM = 15


@dataclass
class MapPoint:
    x: float
    y: float
    number: int
    label: str
    anchor: str


@dataclass
class MapLabel:
    x: float
    y: float
    name: str


@dataclass
class MapTile:
    x: float
    y: float
    url: str


@dataclass
class StaticMap:
    width: int = WIDTH
    height: int = HEIGHT
    points: list[MapPoint] = field(default_factory=list)
    communes: list[MapLabel] = field(default_factory=list)
    tiles: list[MapTile] = field(default_factory=list)
    centre: MapLabel | None = None
    attribution: str = ""


def _world(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel coordinates at `zoom`."""
    scale = TILE * 2**zoom
    lat = max(-85.0, min(85.0, lat))
    x = (lon + 180.0) / 360.0 * scale
    siny = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + siny) / (1 - siny)) / (4 * math.pi)) * scale
    return x, y


def build_map(hits, place=None) -> StaticMap | None:
    """The map of these hits (each hit's locations with coordinates), centred on them and the place."""
    entries = []
    for number, hit in enumerate(hits, start=1):
        for link in hit.service.at_locations.all():
            location = link.location
            if location.latitude is not None and location.longitude is not None:
                entries.append((number, hit, location.latitude, location.longitude))
    coordinates = [(lat, lon) for _, _, lat, lon in entries]
    if place is not None and place.has_point:
        coordinates.append((place.latitude, place.longitude))
    if not coordinates:
        return None
    south, north = min(c[0] for c in coordinates), max(c[0] for c in coordinates)
    west, east = min(c[1] for c in coordinates), max(c[1] for c in coordinates)
    pad_lat, pad_lon = max(0.02, (north - south) * 0.15), max(0.03, (east - west) * 0.15)
    south, north, west, east = south - pad_lat, north + pad_lat, west - pad_lon, east + pad_lon

    zoom = MAX_ZOOM
    while zoom > 1:
        x1, y1 = _world(north, west, zoom)
        x2, y2 = _world(south, east, zoom)
        if x2 - x1 <= WIDTH and y2 - y1 <= HEIGHT:
            break
        zoom -= 1
    cx, cy = _world((north + south) / 2, (east + west) / 2, zoom)
    origin_x, origin_y = cx - WIDTH / 2, cy - HEIGHT / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        x, y = _world(lat, lon, zoom)
        return round(x - origin_x, 1), round(y - origin_y, 1)

    result = StaticMap(attribution=settings.MAP_TILE_ATTRIBUTION if settings.MAP_TILE_URL else "")
    for number, hit, lat, lon in entries:
        x, y = project(lat, lon)
        result.points.append(MapPoint(x, y, number, hit.service.name, f"result-{number}"))
    if place is not None and place.has_point:
        x, y = project(place.latitude, place.longitude)
        result.centre = MapLabel(x, y, place.label)

    if settings.MAP_TILE_URL:
        first_x, first_y = int(origin_x // TILE), int(origin_y // TILE)
        last_x, last_y = int((origin_x + WIDTH) // TILE), int((origin_y + HEIGHT) // TILE)
        for tile_x in range(first_x, last_x + 1):
            for tile_y in range(first_y, last_y + 1):
                url = settings.MAP_TILE_URL.format(z=zoom, x=tile_x % 2**zoom, y=tile_y, s="a")
                result.tiles.append(
                    MapTile(round(tile_x * TILE - origin_x, 1), round(tile_y * TILE - origin_y, 1), url)
                )
    else:
        communes = Territory.objects.filter(
            level=Level.COMMUNE, latitude__range=(south, north), longitude__range=(west, east)
        ).values_list("name", "latitude", "longitude")[:150]
        for name, lat, lon in communes:
            x, y = project(lat, lon)
            result.communes.append(MapLabel(x, y, name))
    return result

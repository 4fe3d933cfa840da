"""District outlines as rings of coordinates: what the hotspot map needs to draw the districts.

Which district a point is in is never decided here: that is `civic311_city.Districts.containing`
(shapely; the first district in file order wins on a shared border), the same test routing uses. The
outlines come from the same GeoJSON that the city's districts were loaded and validated from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Point = tuple[float, float]  # (longitude, latitude), GeoJSON order
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]  # the outer ring, then its holes


@dataclass(frozen=True, slots=True)
class Outline:
    name: str
    polygons: tuple[Polygon, ...]

    def points(self) -> Iterable[Point]:
        return (point for polygon in self.polygons for ring in polygon for point in ring)


def _polygon(rings: Sequence[Sequence[Sequence[float]]]) -> Polygon:
    return tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in rings)


def outlines_from_geojson(collection: Mapping[str, Any]) -> tuple[Outline, ...]:
    """The (multi)polygons of a FeatureCollection that `civic311_city.load_districts` has accepted
    (so every feature has a `name` and a valid Polygon or MultiPolygon), in file order."""
    outlines = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        coordinates = geometry["coordinates"]
        rings = [coordinates] if geometry["type"] == "Polygon" else coordinates
        outlines.append(Outline(str(feature["properties"]["name"]), tuple(_polygon(r) for r in rings)))
    return tuple(outlines)

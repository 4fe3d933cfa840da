"""District outlines from GeoJSON: drawn on the hotspot map, and the district of a point without one.

Routing decides a request's district (it travels on `Assigned`); the outlines here only fill in for
requests that came without one (imports of old exports, say). A point exactly on a border may fall
either side: the even-odd test below does not promise routing's "first district wins".
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
    """The (multi)polygons of a FeatureCollection whose features carry a `name` property."""
    if collection.get("type") != "FeatureCollection":
        raise ValueError("districts must be a GeoJSON FeatureCollection")
    outlines = []
    for index, feature in enumerate(collection.get("features", []), start=1):
        name = (feature.get("properties") or {}).get("name")
        geometry = feature.get("geometry") or {}
        if not name:
            raise ValueError(f"district feature {index} has no `name` property")
        polygons: tuple[Polygon, ...]
        if geometry.get("type") == "Polygon":
            polygons = (_polygon(geometry["coordinates"]),)
        elif geometry.get("type") == "MultiPolygon":
            polygons = tuple(_polygon(rings) for rings in geometry["coordinates"])
        else:
            raise ValueError(f"district {name}: geometry must be a Polygon or MultiPolygon")
        outlines.append(Outline(str(name), polygons))
    return tuple(outlines)


def _inside(ring: Ring, long: float, lat: float) -> bool:
    """Even-odd ray casting: does a ray from the point towards +longitude cross the ring an odd time?"""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and long < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def district_at(outlines: Iterable[Outline], lat: float | None, long: float | None) -> str | None:
    """The first district whose area holds the point (inside its outer ring, outside its holes)."""
    if lat is None or long is None:
        return None
    for outline in outlines:
        for outer, *holes in outline.polygons:
            if _inside(outer, long, lat) and not any(_inside(h, long, lat) for h in holes):
                return outline.name
    return None

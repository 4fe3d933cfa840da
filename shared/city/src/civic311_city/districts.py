"""Districts of the city: which one a point falls in, from GeoJSON polygons."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# shapely ships no type information (types-shapely is not a dependency yet).
from shapely import Point, prepare
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class District:
    name: str
    area: BaseGeometry


class Districts:
    """The city's districts in file order; a point on a shared border belongs to the first one."""

    def __init__(self, districts: Sequence[District]) -> None:
        self._districts = tuple(districts)
        for district in self._districts:
            prepare(district.area)

    @classmethod
    def from_geojson(cls, collection: Mapping[str, Any]) -> Districts:
        """Districts from a FeatureCollection whose features carry a `name` property."""
        if collection.get("type") != "FeatureCollection":
            raise ValueError("districts must be a GeoJSON FeatureCollection")
        districts = []
        for index, feature in enumerate(collection.get("features", []), start=1):
            name = (feature.get("properties") or {}).get("name")
            if not name:
                raise ValueError(f"district feature {index} has no `name` property")
            area = shape(feature["geometry"])
            if area.geom_type not in {"Polygon", "MultiPolygon"} or not area.is_valid:
                raise ValueError(f"district {name}: geometry must be a valid (multi)polygon")
            districts.append(District(name=name, area=area))
        return cls(districts)

    def __iter__(self) -> Iterator[District]:
        return iter(self._districts)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self._districts)

    def containing(self, lat: float | None, long: float | None) -> str | None:
        """The district a point falls in; None for a point outside every district or no point at all."""
        if lat is None or long is None:
            return None
        point = Point(long, lat)  # GeoJSON order: x is longitude
        return next((d.name for d in self._districts if d.area.covers(point)), None)

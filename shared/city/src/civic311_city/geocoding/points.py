"""The city's address points, as operators load them: a CSV (address, lat, long; other column names
mapped) or a GeoJSON FeatureCollection of Points with an address property."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COLUMNS = ("address", "lat", "long", "id")
"""What a column mapping may name: the address, its latitude and longitude, and its id (optional)."""


@dataclass(frozen=True, slots=True)
class AddressPoint:
    address: str
    lat: float
    long: float
    address_id: str | None = None
    """The city's own id of the address, where its list has one."""


def load_address_points(path: Path | str, columns: Mapping[str, str] | None = None) -> list[AddressPoint]:
    """Points from a `.csv` or a `.geojson`/`.json` file; a ValueError names the file, the row and why.

    `columns` maps COLUMNS to the file's own names (a CSV's headers or a feature's properties), e.g.
    {"address": "FULL_ADDRESS", "lat": "LATITUDE", "long": "LONGITUDE", "id": "ADDRESS_ID"}.
    """
    source = Path(path)
    names = {name: name for name in COLUMNS} | dict(columns or {})
    unknown = set(names) - set(COLUMNS)
    if unknown:
        raise ValueError(f"{source}: column mapping names {sorted(unknown)}; expected some of {COLUMNS}")
    if source.suffix.lower() == ".csv":
        with source.open(encoding="utf-8-sig", newline="") as text:
            return list(_from_rows(source, csv.DictReader(text), names))
    collection = json.loads(source.read_text(encoding="utf-8"))
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValueError(f"{source}: expected a CSV or a GeoJSON FeatureCollection")
    return list(_from_features(source, collection.get("features", []), names))


def _from_rows(
    source: Path, rows: Iterable[dict[str, str | None]], names: Mapping[str, str]
) -> Iterable[AddressPoint]:
    for line, row in enumerate(rows, start=2):
        missing = [names[c] for c in ("address", "lat", "long") if names[c] not in row]
        if missing:
            raise ValueError(f"{source}: no column {', '.join(missing)} (map the columns' names)")
        point = _point(row.get(names["address"]), row.get(names["lat"]), row.get(names["long"]))
        if isinstance(point, str):
            raise ValueError(f"{source}:{line}: {point}")
        yield _with_id(point, row.get(names["id"]))


def _from_features(source: Path, features: list[Any], names: Mapping[str, str]) -> Iterable[AddressPoint]:
    for index, feature in enumerate(features, start=1):
        geometry = feature.get("geometry") or {}
        properties = feature.get("properties") or {}
        if geometry.get("type") != "Point" or len(geometry.get("coordinates") or ()) < 2:
            raise ValueError(f"{source}: feature {index}: geometry must be a Point")
        long, lat = geometry["coordinates"][:2]
        point = _point(properties.get(names["address"]), lat, long)
        if isinstance(point, str):
            raise ValueError(f"{source}: feature {index}: {point}")
        yield _with_id(point, properties.get(names["id"]))


def _point(address: Any, lat: Any, long: Any) -> AddressPoint | str:
    """The point, or why the row cannot be one."""
    if not isinstance(address, str) or not address.strip():
        return "no address"
    try:
        latitude, longitude = float(lat), float(long)
    except (TypeError, ValueError):
        return f"lat and long must be numbers, not {lat!r}, {long!r}"
    if not (math.isfinite(latitude) and -90 <= latitude <= 90 and math.isfinite(longitude)):
        return f"lat {lat!r} is not a latitude"
    if not -180 <= longitude <= 180:
        return f"long {long!r} is not a longitude"
    return AddressPoint(address=" ".join(address.split()), lat=latitude, long=longitude)


def _with_id(point: AddressPoint, address_id: Any) -> AddressPoint:
    if address_id is None or str(address_id).strip() == "":
        return point
    return AddressPoint(point.address, point.lat, point.long, str(address_id).strip())

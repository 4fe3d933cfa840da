"""'Already reported?': the open requests of one type near a place, nearest and newest first.

What a resident sees before filing (and an agent on the phone): enough to recognise the problem (type,
where, how far, when, its stage, the start of its description) and follow it instead of filing again;
never who reported it. Distances are on a sphere of the Earth's mean radius, plenty at a street's scale.
"""

from __future__ import annotations

import math
from datetime import datetime

from pydantic import BaseModel, ConfigDict

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_RADIUS_M = 150
"""About a block: farther than that a resident does not think of it as the same pothole."""
MAX_RADIUS_M = 1000
MAX_RESULTS = 20
EXCERPT = 140


class NearbyRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    tracking_number: str
    service_code: str
    distance_m: int
    address: str | None
    description: str | None
    """The first characters of the description, as the public tracking page shows it."""
    stage: str
    requested_at: datetime
    updated_at: datetime


def box(lat: float, long: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east): a box holding every point within `radius_m` of (lat, long)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    shrink = max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 1e-6)
    dlong = min(math.degrees(radius_m / (EARTH_RADIUS_M * shrink)), 180.0)
    return lat - dlat, lat + dlat, long - dlong, long + dlong


def distance_m(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(long2 - long1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def excerpt(text: str | None) -> str | None:
    if text is None or len(text) <= EXCERPT:
        return text
    return text[: EXCERPT - 1].rstrip() + "…"

"""'Already reported?' from the request index: a box by the (service_code, lat) index, then distance."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from civic311_intake.domain.nearby import NearbyRequest, box, distance_m, excerpt

_NEARBY = """
SELECT tracking_number, service_code, lat, long, stage, requested_at, updated_at,
       view ->> 'address' AS address, view ->> 'description' AS description
FROM request_index
WHERE listed AND service_code = $1 AND lat BETWEEN $2 AND $3 AND long BETWEEN $4 AND $5
      AND requested_at >= $6
"""


async def nearby_requests(
    pool: asyncpg.Pool,
    *,
    service_code: str,
    lat: float,
    long: float,
    radius_m: float,
    since: datetime,
    limit: int,
) -> list[NearbyRequest]:
    """The listed requests of `service_code` within `radius_m`, nearest first, the newer first at one
    distance (to the metre)."""
    south, north, west, east = box(lat, long, radius_m)
    rows = await pool.fetch(_NEARBY, service_code, south, north, west, east, since)
    found = []
    for row in rows:
        far = distance_m(lat, long, row["lat"], row["long"])
        if far <= radius_m:
            found.append((round(far), row))
    found.sort(key=lambda pair: (pair[0], -pair[1]["requested_at"].timestamp()))
    return [
        NearbyRequest(
            tracking_number=row["tracking_number"],
            service_code=row["service_code"],
            distance_m=far,
            address=row["address"],
            description=excerpt(row["description"]),
            stage=row["stage"],
            requested_at=row["requested_at"],
            updated_at=row["updated_at"],
        )
        for far, row in found[:limit]
    ]

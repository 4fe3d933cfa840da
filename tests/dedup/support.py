"""Builders for dedup's tests: reports at a place and time, in a few words."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from civic311_backbone.contracts import Contact, Location, RequestCreated
from civic311_dedup.domain.requests import KnownRequest, known_request

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CORNER = (42.3601, -71.0589)


def moved(place: tuple[float, float], *, north_m: float = 0.0, east_m: float = 0.0) -> tuple[float, float]:
    lat, lon = place
    return lat + north_m / 111_195.0, lon + east_m / (111_195.0 * math.cos(math.radians(lat)))


def report(
    description: str | None = "Deep pothole by the bus stop",
    *,
    code: str = "POTHOLE",
    place: tuple[float, float] | None = CORNER,
    address: str | None = None,
    confidential: bool = False,
    email: str | None = "resident@example.org",
    language: str = "en",
) -> RequestCreated:
    return RequestCreated(
        tracking_number=uuid4().hex[:8].upper(),
        service_code=code,
        description=description,
        location=Location(
            lat=place[0] if place else None, long=place[1] if place else None, address_string=address
        ),
        channel="web",
        language=language,
        contact=Contact(email=email) if email else None,
        confidential=confidential,
    )


def known(created: RequestCreated, *, at: datetime = T0) -> KnownRequest:
    return known_request(created, stream_id=f"request-{created.tracking_number}", occurred_at=at)


def later(minutes: float = 0, *, days: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, days=days)

"""What dedup knows of a request: just enough to compare it with the next one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from civic311_backbone.contracts import RequestCreated
from civic311_dedup.domain.text import normalise


@dataclass(slots=True)
class KnownRequest:
    """An open request (or one closed so recently that a new report may still be about it)."""

    tracking_number: str
    stream_id: str
    service_code: str
    lat: float | None
    lon: float | None
    address: str
    """Normalised address text ('' if none)."""
    description: str
    """Normalised description, at most text.MAX_CHARS characters of the original."""
    created_at: float
    """When it was reported (POSIX seconds)."""
    closed_at: float | None = None
    duplicate_of: str | None = None
    """Set while the request is closed as a duplicate: it is never an original itself."""
    version: int = 1
    """The last stream version folded in: an older event delivered again changes nothing."""

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


def known_request(
    created: RequestCreated, *, stream_id: str, occurred_at: datetime, version: int = 1
) -> KnownRequest:
    """The request as dedup keeps it, from its RequestCreated."""
    place = created.location
    return KnownRequest(
        tracking_number=created.tracking_number,
        stream_id=stream_id,
        service_code=created.service_code,
        lat=place.lat,
        lon=place.long,
        address=normalise(place.address_string),
        description=normalise(created.description),
        created_at=occurred_at.timestamp(),
        version=version,
    )


def known_from_payload(
    payload: dict[str, Any], *, stream_id: str, occurred_at: datetime, version: int = 1
) -> KnownRequest:
    """The same, read straight from a stored RequestCreated's payload: the start-up replay folds a
    city's whole history, and building the full pydantic model of each report was most of its time.
    The store holds only payloads that were valid when appended."""
    place = payload.get("location") or {}
    lat, lon = place.get("lat"), place.get("long")
    return KnownRequest(
        tracking_number=payload["tracking_number"],
        stream_id=stream_id,
        service_code=payload["service_code"],
        lat=float(lat) if lat is not None else None,
        lon=float(lon) if lon is not None else None,
        address=normalise(place.get("address_string")),
        description=normalise(payload.get("description")),
        created_at=occurred_at.timestamp(),
        version=version,
    )

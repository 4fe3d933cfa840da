"""Where a new request is: the resident's own point, or the point of its address from the geocoder.

A point the resident gave is kept as given, never moved to an address point; only a request with an
address and no point is geocoded. One that cannot be placed keeps its address and says why, so routing
can send it to people who read addresses (triage) instead of a queue picked without a place.
"""

from __future__ import annotations

from civic311_backbone.contracts import Location
from civic311_city.geocoding import Answer, Match

MAX_ADDRESS_ID = 100


def wants_geocoding(lat: float | None, long: float | None, address: str | None) -> bool:
    return (lat is None or long is None) and bool(address and address.strip())


def location_of(
    lat: float | None,
    long: float | None,
    address_string: str | None,
    address_id: str | None,
    placed: Answer | None,
) -> Location:
    """The request's location from what the resident gave and, for an address alone, the geocoder's answer."""
    if placed is None:
        return Location(lat=lat, long=long, address_string=address_string, address_id=address_id)
    if isinstance(placed, Match):
        return Location(
            lat=placed.lat,
            long=placed.long,
            address_string=address_string,
            address_id=address_id or _short(placed.address_id),
            geocoded=placed.kind,
            matched_address=placed.address[:500],
        )
    return Location(address_string=address_string, address_id=address_id, unplaced=placed.reason)


def _short(address_id: str | None) -> str | None:
    return address_id if address_id is None or len(address_id) <= MAX_ADDRESS_ID else None

"""GET /api/geocode?address=… and GET /api/geocode/reverse?lat=…&long=…: the city's address points, for
the report form's map and for clients. Public, so each client gets `GEOCODE_PER_MINUTE` lookups a
moving minute (a lookup costs more than a page: it must not become a free geocoding service)."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, Field

from civic311_city import Districts
from civic311_city.geocoding import Answer, Geocoder, Match
from civic311_intake.domain.submission import MAX_ADDRESS, plain_number
from civic311_intake.domain.text import text_problem

router = APIRouter(prefix="/api/geocode", tags=["geocoding"])


class Place(BaseModel):
    """An address point (or the corner of two streets) and the district it is in."""

    address: str = Field(description="As the city's address list writes it.", examples=["12 Elm Ter"])
    address_id: str | None = Field(description="The city's id of the address, if its list has one.")
    lat: float
    long: float
    district: str | None = Field(description="The district the point is in.")
    kind: Literal["exact", "fuzzy", "intersection", "nearest"] = Field(
        description="exact key; typo-tolerant street; two streets' corner; nearest listed house (reverse: "
        "the address nearest the point)."
    )
    score: float = Field(description="How sure, 0-100.")
    distance_m: float | None = Field(description="Reverse: metres from the point asked about.")


_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"description": "A parameter is missing or malformed"},
    404: {"description": "Not placed"},
}


class _Limit:
    def __init__(self, per_minute: int) -> None:
        self.item = RateLimitItemPerMinute(max(per_minute, 1))
        self.on = per_minute > 0
        self.limiter = MovingWindowRateLimiter(MemoryStorage())


async def _geocoder(request: Request) -> Geocoder:
    limit: _Limit = request.app.state.geocode_limit
    key = request.client.host if request.client else "unknown"
    if limit.on and not await limit.limiter.hit(limit.item, key):
        stats = await limit.limiter.get_window_stats(limit.item, key)
        retry = str(max(1, int(stats.reset_time - time.time())))
        raise HTTPException(429, f"more than {limit.item.amount} lookups a minute", {"Retry-After": retry})
    geocoder: Geocoder | None = request.app.state.geocoder
    if geocoder is None:
        raise HTTPException(404, "this city has loaded no address points (ADDRESS_POINTS_PATH)")
    return geocoder


GeocoderDep = Annotated[Geocoder, Depends(_geocoder)]


@router.get("", response_model=Place, responses=_REFUSALS)
async def forward(
    request: Request,
    geocoder: GeocoderDep,
    address: Annotated[str | None, Query(description='"12 Elm Ter", "Elm Ter and Market St", …')] = None,
) -> Place | JSONResponse:
    """The point of an address or an intersection; 404 with the reason when it cannot be placed."""
    if address is None or not address.strip():
        raise HTTPException(400, "address: required, e.g. address=12 Elm Ter")
    why = text_problem(address) or (
        f"at most {MAX_ADDRESS} characters" if len(address) > MAX_ADDRESS else None
    )
    if why is not None:
        raise HTTPException(400, f"address: {why}")
    return _answer(geocoder.forward(address), request.app.state.city.districts)


@router.get("/reverse", response_model=Place, responses=_REFUSALS)
async def reverse(
    request: Request,
    geocoder: GeocoderDep,
    lat: Annotated[str | None, Query(description="Latitude (WGS 84).")] = None,
    long: Annotated[str | None, Query(description="Longitude (WGS 84).")] = None,
) -> Place | JSONResponse:
    """The address point nearest a point, with its distance; 404 when none is near."""
    latitude = _coordinate("lat", lat, 90)
    longitude = _coordinate("long", long, 180)
    return _answer(geocoder.reverse(latitude, longitude), request.app.state.city.districts)


def _coordinate(name: str, given: str | None, bound: float) -> float:
    value = plain_number(given.strip()) if given is not None else None
    if value is None or not -bound <= value <= bound:
        raise HTTPException(400, f"{name}: a number between -{bound:g} and {bound:g}")
    return value


def _answer(answer: Answer, districts: Districts) -> Place | JSONResponse:
    if not isinstance(answer, Match):
        return JSONResponse({"detail": answer.detail, "reason": answer.reason}, status_code=404)
    return Place(
        address=answer.address,
        address_id=answer.address_id,
        lat=answer.lat,
        long=answer.long,
        district=districts.containing(answer.lat, answer.long),
        kind=answer.kind,
        score=answer.score,
        distance_m=None if answer.distance_m is None else round(answer.distance_m, 1),
    )


def install(app: FastAPI, geocoder: Geocoder | None, *, per_minute: int) -> None:
    app.state.geocoder = geocoder
    app.state.geocode_limit = _Limit(per_minute)
    app.include_router(router)

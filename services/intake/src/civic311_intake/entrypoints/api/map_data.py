"""GET /api/map/districts and GET /api/map/addresses?bbox=…: the city's own data the pages' map draws when
no tiles are configured (so it works with no internet). Public: the district outlines are the city's
configuration and the address points are the list the city publishes; a view gets a bounded number."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request, Response
from shapely.geometry import mapping

from civic311_city import Districts
from civic311_city.geocoding import Geocoder
from civic311_intake.domain.submission import plain_number

router = APIRouter(prefix="/api/map", tags=["map"])
MAX_ADDRESS_POINTS = 400
"""Address points answered for one view; a wider view gets this many, spread over it."""
MAX_BBOX_DEGREES = 0.1
"""The widest view answered, on either side: a street-level view on the largest screen is well under it,
and the whole city's list is never read for one request (a public route must stay cheap)."""
_GEOJSON = "application/geo+json"
_DISTRICTS_CACHE = "public, max-age=3600"  # the city's configuration changes with a restart only


def districts_geojson(districts: Districts) -> bytes:
    features = [
        {"type": "Feature", "properties": {"name": d.name}, "geometry": mapping(d.area)} for d in districts
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@router.get(
    "/districts",
    response_class=Response,
    responses={200: {"content": {_GEOJSON: {}}, "description": "A FeatureCollection, `name` on each"}},
)
async def districts(request: Request) -> Response:
    """The districts' outlines as GeoJSON (WGS 84), each with its `name`."""
    body: bytes = request.app.state.map_districts
    return Response(body, media_type=_GEOJSON, headers={"Cache-Control": _DISTRICTS_CACHE})


@router.get(
    "/addresses",
    response_class=Response,
    responses={
        200: {"content": {_GEOJSON: {}}, "description": "Points with `address`; `truncated` if spread"},
        400: {"description": "A missing or malformed bbox"},
        404: {"description": "The city has loaded no address points"},
    },
)
async def addresses(
    request: Request,
    bbox: Annotated[str | None, Query(description="west,south,east,north in degrees (WGS 84)")] = None,
) -> Response:
    """The city's address points in a map's view: at most MAX_ADDRESS_POINTS, spread over a wide view."""
    west, south, east, north = _bbox(bbox)
    geocoder: Geocoder | None = request.app.state.geocoder
    if geocoder is None:
        raise HTTPException(404, "this city has loaded no address points (ADDRESS_POINTS_PATH)")
    points, truncated = geocoder.within(south, west, north, east, limit=MAX_ADDRESS_POINTS)
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "properties": {"address": p.address},
            "geometry": {"type": "Point", "coordinates": [p.long, p.lat]},
        }
        for p in points
    ]
    body = {"type": "FeatureCollection", "truncated": truncated, "features": features}
    return Response(json.dumps(body).encode(), media_type=_GEOJSON)


def _bbox(given: str | None) -> tuple[float, float, float, float]:
    why = "bbox: west,south,east,north in degrees, e.g. bbox=-71.08,42.35,-71.07,42.36"
    parts = (given or "").split(",")
    numbers = [plain_number(part.strip()) for part in parts] if len(parts) == 4 else []
    if len(numbers) != 4 or any(n is None for n in numbers):
        raise HTTPException(400, why)
    west, south, east, north = (float(n) for n in numbers if n is not None)
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise HTTPException(400, f"{why} (west ≤ east, south ≤ north)")
    if east - west > MAX_BBOX_DEGREES or north - south > MAX_BBOX_DEGREES:
        raise HTTPException(400, f"bbox: at most {MAX_BBOX_DEGREES:g} degrees on a side (zoom in)")
    return west, south, east, north


def install(app: FastAPI, districts: Districts) -> None:
    """Serve the map's data; the geocoder is the one geocode.install put on app.state."""
    app.state.map_districts = districts_geojson(districts)
    app.include_router(router)

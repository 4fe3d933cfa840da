"""GET /api/nearby: "already reported?" — open requests of a type near a place, before one is filed.

Public like the tracking page: what it answers is what each request's tracking page shows anyway, and
never a confidential type, a confidential report, a duplicate or anything of who reported it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from civic311_intake.adapters.request_index import nearby_requests
from civic311_intake.domain.nearby import DEFAULT_RADIUS_M, MAX_RADIUS_M, MAX_RESULTS, NearbyRequest
from civic311_intake.entrypoints.api.dependencies import CatalogueDep, Pool

router = APIRouter(prefix="/api", tags=["tracking"])


@router.get(
    "/nearby",
    response_model=list[NearbyRequest],
    responses={400: {"description": "An unknown or confidential service_code, or a bad place"}},
)
async def nearby(
    pool: Pool,
    catalogue: CatalogueDep,
    service_code: Annotated[str, Query(min_length=1, max_length=100)],
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)],
    long: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)],
    radius_m: Annotated[int, Query(ge=1, le=MAX_RADIUS_M)] = DEFAULT_RADIUS_M,
    within_days: Annotated[int, Query(ge=1, le=365, description="Filed at most this long ago")] = 90,
    limit: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 10,
) -> list[NearbyRequest]:
    request_type = catalogue.get(service_code)
    if request_type is None or request_type.confidential:
        raise HTTPException(status_code=400, detail="service_code: not a service this gateway lists")
    return await nearby_requests(
        pool,
        service_code=service_code,
        lat=lat,
        long=long,
        radius_m=radius_m,
        since=datetime.now(UTC) - timedelta(days=within_days),
        limit=limit,
    )

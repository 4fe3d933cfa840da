"""GET /api/requests/{tracking_number}: a request's public timeline, answered from its own stream."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from civic311_backbone.contracts import from_record
from civic311_backbone.contracts.tracking import InvalidTrackingNumber, parse_tracking_number, stream_id_for
from civic311_intake.domain.public_view import PublicRequest, public_view
from civic311_intake.entrypoints.api.dependencies import Store

router = APIRouter(prefix="/api/requests", tags=["tracking"])


@router.get(
    "/{tracking_number}",
    response_model=PublicRequest,
    responses={400: {"description": "Not a tracking number"}, 404: {"description": "No such request"}},
)
async def track(tracking_number: str, store: Store) -> PublicRequest:
    try:
        canonical = parse_tracking_number(tracking_number)
    except InvalidTrackingNumber as error:
        raise HTTPException(status_code=400, detail=f"tracking_number: {error}") from error
    events = [from_record(r) for r in await store.read_stream(stream_id_for(canonical))]
    view = public_view(events)
    if view is None:
        raise HTTPException(status_code=404, detail=f"no request has tracking number {canonical}")
    return view

"""GET /photos/{key}: a kept photo (or its thumbnail, {name}.thumb.jpg), as stored: no metadata in it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from civic311_intake.adapters.photo_store import PhotoStore, is_key
from civic311_intake.domain.photos import CONTENT_TYPE

router = APIRouter(include_in_schema=False)


@router.get("/photos/{key}")
async def photo(key: str, request: Request) -> Response:
    store: PhotoStore | None = getattr(request.app.state, "photos", None)
    data = await store.get(key) if store is not None and is_key(key) else None
    if data is None:
        raise HTTPException(status_code=404, detail="no such photo")
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}
    return Response(data, media_type=CONTENT_TYPE, headers=headers)

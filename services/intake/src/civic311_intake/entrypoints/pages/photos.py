"""GET /photos/{key}: a kept photo (or its thumbnail, {name}.thumb.jpg), as stored: no metadata in it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from civic311_intake.adapters.hidden_photos import is_hidden
from civic311_intake.adapters.photo_store import is_key
from civic311_intake.application.photos import PhotoKeeping
from civic311_intake.domain.photos import CONTENT_TYPE, PhotoRules

router = APIRouter(include_in_schema=False)
PHOTO_ROUTES = ("/report/", "/open311/v2/requests.", "/staff/requests/", "/api/staff/requests/")
"""The paths (by prefix) whose bodies may carry a photo: the report form, Open311 POST, the desk's upload."""


def photo_keeping(request: Request) -> PhotoKeeping | None:
    """The gateway's photo store and limits; None where it keeps no photos."""
    store = getattr(request.app.state, "photos", None)
    if store is None:
        return None
    return PhotoKeeping(store, PhotoRules(max_bytes=request.app.state.settings.max_photo_bytes))


async def photo_response(request: Request, key: str, *, public: bool) -> Response:
    """The photo `key` as stored; 404 for no such photo, or (`public`) one hidden from the public."""
    keeping = photo_keeping(request)
    found = keeping is not None and is_key(key)
    if found and public and await is_hidden(request.app.state.pool, key):
        found = False
    data = await keeping.store.get(key) if found and keeping is not None else None
    if data is None:
        raise HTTPException(status_code=404, detail="no such photo")
    cache = "public, max-age=300" if public else "private, no-store"
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    return Response(data, media_type=CONTENT_TYPE, headers=headers)


@router.get("/photos/{key}")
async def photo(key: str, request: Request) -> Response:
    return await photo_response(request, key, public=True)

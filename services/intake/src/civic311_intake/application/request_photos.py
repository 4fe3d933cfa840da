"""Staff and a request's photos: attach one (kept, then a PhotoChanged on the request's record), or hide
one from the public (a PhotoChanged, and the photo's public link closed, in one transaction).

Both follow the desk's shape: load the request, let the domain decide, append with the version read, so
a request that moved meanwhile is refused (StaleRequest) and nothing is kept.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import asyncpg

from civic311_backbone.contracts import PhotoChanged, new_event, utc_now
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.store import WrongExpectedVersion
from civic311_intake.adapters.hidden_photos import record_hidden
from civic311_intake.adapters.photo_store import is_key
from civic311_intake.application.desk import Desk, StaleRequest, actor_of, load_request, view_request
from civic311_intake.application.photos import PHOTO_PATH, PhotoKeeping, forget_photo, keep_photo, photo_url
from civic311_intake.domain.photos import PhotoRefused
from civic311_intake.domain.staff.commands import BadCommand
from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.domain.staff.photos import check_attach, decide_hide
from civic311_intake.domain.staff.view import StaffRequest


def kept_key(media_url: str) -> str | None:
    """The store key of a photo this gateway keeps, from its link; None for a link to elsewhere."""
    path = urlsplit(media_url).path
    key = path.removeprefix(PHOTO_PATH)
    return key if path.startswith(PHOTO_PATH) and is_key(key) else None


async def attach_photo(
    desk: Desk,
    keeping: PhotoKeeping,
    member: StaffMember,
    tracking_number: str,
    data: bytes,
    *,
    base_url: str,
    expected_version: int | None = None,
) -> StaffRequest:
    """Keep `data` and attach it to the request; BadCommand `photo` (nothing kept) for a bad file."""
    request = await view_request(desk, member, tracking_number)
    check_attach(member, request, confidential=desk.confidential(request))
    _check_version(request, expected_version)
    try:
        key = await keep_photo(keeping.store, data, keeping.rules)
    except PhotoRefused as refused:
        raise BadCommand("photo", str(refused)) from None
    event = new_event(
        PhotoChanged(change="attached", media_url=photo_url(base_url, key)), actor=actor_of(member)
    )
    try:
        await desk.store.append(
            stream_id_for(request.tracking_number), [event], expected_version=request.version
        )
    except BaseException as error:
        await forget_photo(keeping.store, key)
        if isinstance(error, WrongExpectedVersion):
            raise StaleRequest(
                f"{request.tracking_number} changed meanwhile: nothing was kept; try again"
            ) from error
        raise
    return await load_request(desk.store, request.tracking_number)


async def hide_photo(
    desk: Desk,
    pool: asyncpg.Pool,
    member: StaffMember,
    tracking_number: str,
    media_url: str,
    reason: str | None,
    *,
    expected_version: int | None = None,
) -> StaffRequest:
    """Hide one of the request's photos from the public, saying why; the record names who did."""
    request = await load_request(desk.store, tracking_number)
    event = decide_hide(member, request, media_url, reason, confidential=desk.confidential(request))
    _check_version(request, expected_version)
    at = utc_now()
    new = replace(new_event(event, actor=actor_of(member)), occurred_at=at)
    key = kept_key(media_url)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await desk.store.append(
                stream_id_for(request.tracking_number), [new], expected_version=request.version, conn=conn
            )
            if key is not None:
                await record_hidden(conn, key, tracking_number=request.tracking_number, at=at)
    except WrongExpectedVersion as error:
        raise StaleRequest(
            f"{request.tracking_number} changed meanwhile: nothing was hidden; try again"
        ) from error
    desk.store.wake_followers()
    return await load_request(desk.store, request.tracking_number)


def _check_version(request: StaffRequest, expected: int | None) -> None:
    if expected is not None and expected != request.version:
        raise StaleRequest(
            f"{request.tracking_number} changed while you were working on it: reload it and try again"
        )

"""Keeping a photo: made safe (domain.photos) off the event loop, then stored with its thumbnail."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass, field

from civic311_intake.adapters.photo_store import PhotoStore, new_keys, thumbnail_key
from civic311_intake.domain.photos import PhotoRules, prepare

PHOTO_PATH = "/photos/"
"""Where the gateway serves what it keeps: {PHOTO_PATH}{key}."""
_RETRIES = uuid.UUID("0b6f3d52-7a1e-4c8b-9d2f-5e4a3c2b1a09")


@dataclass(frozen=True)
class PhotoKeeping:
    """Where photos are kept and what is accepted: what every route that takes a photo is handed."""

    store: PhotoStore
    rules: PhotoRules = field(default_factory=PhotoRules)


async def keep_photo(
    store: PhotoStore, data: bytes, rules: PhotoRules | None = None, *, retry_of: str | None = None
) -> str:
    """The key of the photo `data` once kept; `PhotoRefused` (nothing stored) if it is not one we keep.

    `retry_of` names the filing a client may send again (its idempotency key, say): the same photo sent
    again under it gets the same key (stored once, and the filing compares equal), another photo another.
    """
    photo = await asyncio.to_thread(
        prepare, data, rules or PhotoRules()
    )  # Pillow lets go of the GIL while it works
    name = None
    if retry_of is not None:
        name = uuid.uuid5(_RETRIES, f"{retry_of}\n{hashlib.sha256(data).hexdigest()}").hex
    image_key, small_key = new_keys(name)
    await store.put(small_key, photo.thumbnail)
    await store.put(image_key, photo.image)
    return image_key


async def forget_photo(store: PhotoStore, image_key: str) -> None:
    """Remove a kept photo nobody refers to (its report was refused after all)."""
    await store.delete(image_key)
    await store.delete(thumbnail_key(image_key))


def photo_url(base_url: str, image_key: str) -> str:
    """The gateway's own URL of a kept photo, as a request's `media_url` names it."""
    return f"{base_url.rstrip('/')}{PHOTO_PATH}{image_key}"

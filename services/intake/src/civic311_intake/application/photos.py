"""Keeping a resident's photo: made safe (domain.photos) off the event loop, then stored with its thumbnail."""

from __future__ import annotations

import asyncio

from civic311_intake.adapters.photo_store import PhotoStore, new_keys
from civic311_intake.domain.photos import PhotoRules, prepare

PHOTO_PATH = "/photos/"
"""Where the gateway serves what it keeps: {PHOTO_PATH}{key}."""


async def keep_photo(store: PhotoStore, data: bytes, rules: PhotoRules | None = None) -> str:
    """The key of the photo `data` once kept; `PhotoRefused` (nothing stored) if it is not one we keep."""
    photo = await asyncio.to_thread(
        prepare, data, rules or PhotoRules()
    )  # Pillow lets go of the GIL while it works
    image_key, thumbnail_key = new_keys()
    await store.put(thumbnail_key, photo.thumbnail)
    await store.put(image_key, photo.image)
    return image_key


async def forget_photo(store: PhotoStore, image_key: str) -> None:
    """Remove a kept photo nobody refers to (its report was refused after all)."""
    await store.delete(image_key)
    await store.delete(image_key.removesuffix(".jpg") + ".thumb.jpg")

"""The photos hidden from the public (table `hidden_photos`), by the name a photo's keys share."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from civic311_intake.adapters.photo_store import is_key, photo_name


async def is_hidden(conn: asyncpg.Connection | asyncpg.Pool, key: str) -> bool:
    """Whether the photo (or thumbnail) `key` is hidden from the public."""
    found = await conn.fetchval("SELECT 1 FROM hidden_photos WHERE photo = $1", photo_name(key))
    return found is not None


async def record_hidden(conn: asyncpg.Connection, key: str, *, tracking_number: str, at: datetime) -> None:
    if not is_key(key):
        raise ValueError("not a photo key")
    await conn.execute(
        "INSERT INTO hidden_photos (photo, tracking_number, hidden_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (photo) DO NOTHING",
        photo_name(key),
        tracking_number,
        at,
    )

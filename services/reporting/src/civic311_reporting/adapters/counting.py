"""How many events a replay up to an instant will fold, counted first so that progress has a total."""

from __future__ import annotations

from datetime import datetime

import asyncpg

_COUNT = "SELECT count(*) FROM events WHERE $1::timestamptz IS NULL OR occurred_at <= $1"


async def count_events(pool: asyncpg.Pool, until: datetime | None) -> int:
    """Events that occurred up to `until` (every event, if None)."""
    return int(await pool.fetchval(_COUNT, until))

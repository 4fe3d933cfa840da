"""Where a follower of the store has got to, kept in the store's own database."""

from __future__ import annotations

import asyncpg


async def load_checkpoint(conn: asyncpg.Connection | asyncpg.Pool, name: str) -> int:
    value = await conn.fetchval("SELECT position FROM checkpoints WHERE name = $1", name)
    return int(value) if value is not None else 0


async def save_checkpoint(conn: asyncpg.Connection | asyncpg.Pool, name: str, position: int) -> None:
    await conn.execute(
        """INSERT INTO checkpoints (name, position) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()""",
        name,
        position,
    )

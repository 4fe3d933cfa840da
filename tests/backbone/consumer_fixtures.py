"""A consumer whose effect is a row in a table, so tests can count how often it happened."""

from __future__ import annotations

from typing import Any

import asyncpg

from civic311_backbone.contracts import Envelope

EFFECTS_DDL = "CREATE TABLE IF NOT EXISTS test_effects (event_id uuid NOT NULL, applied_by text NOT NULL)"


async def record_effect(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
    await conn.execute(EFFECTS_DDL)
    await conn.execute(
        "INSERT INTO test_effects (event_id, applied_by) VALUES ($1, 'handler')", envelope.event_id
    )


async def effect_count(pool: asyncpg.Pool) -> int:
    await pool.execute(EFFECTS_DDL)
    return int(await pool.fetchval("SELECT count(*) FROM test_effects"))

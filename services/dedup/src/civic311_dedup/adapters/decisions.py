"""Dedup's record of each decision (table dedup_decisions)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from civic311_dedup.domain.decision import Decision

_RECORD = """
INSERT INTO dedup_decisions
    (stream_id, tracking_number, outcome, original, score, distance_m, compared, why, cause)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (stream_id) DO NOTHING
"""


async def record_decision(
    conn: asyncpg.Connection, *, stream_id: str, tracking_number: str, decision: Decision, cause: UUID
) -> None:
    candidate = decision.candidate
    await conn.execute(
        _RECORD,
        stream_id,
        tracking_number,
        decision.outcome,
        candidate.original.tracking_number if candidate is not None else None,
        candidate.score if candidate is not None else None,
        candidate.distance_m if candidate is not None else None,
        decision.compared,
        decision.why,
        cause,
    )


async def load_decision(conn: asyncpg.Connection | asyncpg.Pool, stream_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM dedup_decisions WHERE stream_id = $1", stream_id)

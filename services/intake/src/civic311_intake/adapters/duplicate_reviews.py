"""The review queue's rows: written from a fold (only ever forward), read for the desk's queue."""

from __future__ import annotations

import asyncpg

from civic311_intake.domain.staff.duplicates import ReviewRow

_UPSERT = """
INSERT INTO duplicate_reviews (tracking_number, stream_version, original, pending, department,
                               service_code, score, flagged_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (tracking_number) DO UPDATE SET
    stream_version = EXCLUDED.stream_version, original = EXCLUDED.original,
    pending = EXCLUDED.pending, department = EXCLUDED.department,
    service_code = EXCLUDED.service_code, score = EXCLUDED.score, flagged_at = EXCLUDED.flagged_at
WHERE duplicate_reviews.stream_version < EXCLUDED.stream_version
"""

_PENDING = """
SELECT tracking_number FROM duplicate_reviews
WHERE pending AND ($1::text IS NULL OR department = $1)
ORDER BY flagged_at, tracking_number
LIMIT $2
"""


async def write_review_row(conn: asyncpg.Connection, row: ReviewRow) -> None:
    """Write `row`, unless the row there is from a later fold."""
    await conn.execute(
        _UPSERT,
        row.tracking_number,
        row.stream_version,
        row.original,
        row.pending,
        row.department,
        row.service_code,
        row.score,
        row.flagged_at,
    )


async def has_review_row(conn: asyncpg.Connection, tracking_number: str) -> bool:
    found = await conn.fetchval("SELECT 1 FROM duplicate_reviews WHERE tracking_number = $1", tracking_number)
    return found is not None


async def pending_reviews(pool: asyncpg.Pool, *, department: str | None, limit: int) -> list[str]:
    """Tracking numbers of flagged requests awaiting review, longest waiting first."""
    return [row[0] for row in await pool.fetch(_PENDING, department, limit)]

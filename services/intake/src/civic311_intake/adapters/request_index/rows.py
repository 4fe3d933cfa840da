"""Writing a request's row of the index; a row only ever moves forward (its `stream_version` grows)."""

from __future__ import annotations

import asyncpg

from civic311_intake.domain.request_index import IndexEntry

_UPSERT = """
INSERT INTO request_index (tracking_number, stream_version, service_code, status, stage, department,
                           queue, priority, district, due_at, requested_at, updated_at, view,
                           lat, long, listed)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16)
ON CONFLICT (tracking_number) DO UPDATE SET
    stream_version = EXCLUDED.stream_version, service_code = EXCLUDED.service_code,
    status = EXCLUDED.status, stage = EXCLUDED.stage, department = EXCLUDED.department,
    queue = EXCLUDED.queue, priority = EXCLUDED.priority, district = EXCLUDED.district,
    due_at = EXCLUDED.due_at, requested_at = EXCLUDED.requested_at,
    updated_at = EXCLUDED.updated_at, view = EXCLUDED.view,
    lat = EXCLUDED.lat, long = EXCLUDED.long, listed = EXCLUDED.listed
WHERE request_index.stream_version < EXCLUDED.stream_version
"""


async def write_row(conn: asyncpg.Connection, entry: IndexEntry) -> None:
    """Write `entry`'s row, unless the row there is from a later fold."""
    view = entry.view
    await conn.execute(
        _UPSERT,
        view.tracking_number,
        entry.stream_version,
        view.service_code,
        view.status,
        view.stage,
        view.department,
        entry.queue,
        entry.priority,
        entry.district,
        view.due_at,
        view.requested_at,
        view.updated_at,
        view.model_dump_json(),
        view.lat,
        view.long,
        entry.listed,
    )

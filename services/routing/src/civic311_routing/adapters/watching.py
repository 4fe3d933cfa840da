"""Routing's watch over open requests: the SQL of its table, `routing_sla_watch`.

The consumer folds each request's Assigned, Closed and reopening events into the table, each write one
statement that applies only if the row is as it was read (`save_watch`); the breach watcher reads the
rows with a warning due (`due_watches`) and marks each warning given the same way. Every function here is
one statement on its own connection or the pool's: no transaction stays open across a round trip.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import asyncpg

from civic311_routing.domain.breach import Watch

_COLUMNS = "stream_id, version, open, due_at, department, queue, warned, assigned_by, correlation_id"
_PENDING = "open AND due_at IS NOT NULL AND warned IS DISTINCT FROM 'breached'"

_WATCH_FIELDS = dataclasses.fields(Watch)


async def load_watch(conn: asyncpg.Connection, stream_id: str) -> Watch | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM routing_sla_watch WHERE stream_id = $1", stream_id)
    return Watch(*row) if row is not None else None


async def save_watch(conn: asyncpg.Connection, watch: Watch, *, previous: Watch | None) -> bool:
    """Write `watch` in one statement if the row is still as `previous` was read (None: no row yet);
    False if another writer got there first (read it again and fold once more). The consumer moves a
    watch's version, the breach watcher its `warned`: comparing both catches either."""
    status: str
    if previous is None:
        status = await conn.execute(
            f"""INSERT INTO routing_sla_watch ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (stream_id) DO NOTHING""",
            *_values(watch),
        )
    else:
        status = await conn.execute(
            """UPDATE routing_sla_watch SET version = $2, open = $3, due_at = $4, department = $5,
                   queue = $6, warned = $7, assigned_by = $8, correlation_id = $9
               WHERE stream_id = $1 AND version = $10 AND warned IS NOT DISTINCT FROM $11""",
            *_values(watch),
            previous.version,
            previous.warned,
        )
    return status.endswith(" 1")


def _values(watch: Watch) -> tuple[object, ...]:
    """The watch's fields in column order (not `dataclasses.astuple`, which deep-copies each value)."""
    return tuple(getattr(watch, field.name) for field in _WATCH_FIELDS)


async def due_watches(pool: asyncpg.Pool, *, now: datetime, lead: timedelta, limit: int) -> list[Watch]:
    """The open watches with a warning due by `now` (an approaching one `lead` before the due time),
    soonest first, at most `limit`."""
    rows = await pool.fetch(
        f"""SELECT {_COLUMNS} FROM routing_sla_watch
            WHERE {_PENDING} AND due_at <= $1::timestamptz + $2::interval
              AND (warned IS NULL OR due_at <= $1)
            ORDER BY due_at LIMIT $3""",
        now,
        lead,
        limit,
    )
    return [Watch(*row) for row in rows]


async def next_warning_due(pool: asyncpg.Pool, *, lead: timedelta) -> datetime | None:
    """When the soonest warning of any open watch falls due; None if none will."""
    following: datetime | None = await pool.fetchval(
        f"""SELECT min(CASE WHEN warned IS NULL THEN due_at - $1::interval ELSE due_at END)
            FROM routing_sla_watch WHERE {_PENDING}""",
        lead,
    )
    return following

"""Dedup's record of each decision (table dedup_decisions), and the one statement that writes it.

Dedup's consumer keeps no processed-event record and opens no transaction across round trips (an open
write transaction holds back the relay for every service: it publishes only below the oldest one). A
report costs two statements: `prior` reads whether it was decided already (a redelivery, say after a
crash between the write and the ack) or closed before dedup came to it; `write_decision` then writes
the decision's events, on the report's stream and the original's, and its row, all in one statement,
so they are stored together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from civic311_backbone.store import EventIdReused, EventStore, NewEvent
from civic311_dedup.domain.decision import Decision

_PRIOR = """
SELECT EXISTS (SELECT 1 FROM dedup_decisions WHERE stream_id = $1),
       coalesce((SELECT event_type = 'Closed' FROM events
                  WHERE stream_id = $1
                    AND (event_type = 'Closed'
                         OR (event_type = 'StatusUpdated' AND payload->>'status' = 'reopened'))
                  ORDER BY stream_version DESC LIMIT 1), false)
"""
_RECORD = """recorded AS (
    INSERT INTO dedup_decisions
        (stream_id, tracking_number, outcome, original, score, distance_m, compared, why, cause)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (stream_id) DO NOTHING RETURNING 1)"""
_RECORD_ARGS = 9
_APPEND_ARGS = 9
APPEND_ATTEMPTS = 3
"""Tries of one write: an append with no expected version loses only to another writer of the same
stream at the same moment (routing's Assigned on the original, say), and wins at its next try."""

Append = tuple[str, Sequence[NewEvent]]
"""Events to append at the end of one stream, wherever it stands (no expected version)."""


@dataclass(frozen=True, slots=True)
class Prior:
    decided: bool
    """A decision on this report is on record already."""
    closed: bool
    """The report is closed (and not reopened since)."""


@dataclass(frozen=True, slots=True)
class DecisionRow:
    stream_id: str
    tracking_number: str
    decision: Decision
    cause: UUID

    def args(self) -> tuple[object, ...]:
        candidate = self.decision.candidate
        return (
            self.stream_id,
            self.tracking_number,
            self.decision.outcome,
            candidate.original.tracking_number if candidate is not None else None,
            candidate.score if candidate is not None else None,
            candidate.distance_m if candidate is not None else None,
            self.decision.compared,
            self.decision.why,
            self.cause,
        )


async def prior(conn: asyncpg.Connection, stream_id: str) -> Prior:
    row = await conn.fetchrow(_PRIOR, stream_id)
    assert row is not None
    return Prior(decided=row[0], closed=row[1])


def _statement(appends: int, *, recorded: bool) -> str:
    """The appends (the store's `append_events`, one call per stream) and the row, as one statement.
    Each part is read to its end by the final SELECT: a WITH query that is not an INSERT runs only as
    far as something reads it."""
    parts, counts, first = [], [], 1
    if recorded:
        parts.append(_RECORD)
        counts.append("(SELECT count(*) FROM recorded)")
        first += _RECORD_ARGS
    for i in range(appends):
        n = [f"${first + k}" for k in range(_APPEND_ARGS)]
        parts.append(
            f"a{i} AS (SELECT 1 FROM append_events({n[0]}, NULL::integer, {', '.join(n[1:7])},"
            f" {n[7]}::jsonb[], {n[8]}::jsonb[]))"
        )
        counts.append(f"(SELECT count(*) FROM a{i})")
        first += _APPEND_ARGS
    return f"WITH {', '.join(parts)} SELECT {' + '.join(counts)}"


def _append_args(stream_id: str, events: Sequence[NewEvent]) -> tuple[object, ...]:
    return (
        stream_id,
        [e.event_id for e in events],
        [e.event_type for e in events],
        [e.schema_version for e in events],
        [e.occurred_at for e in events],
        [e.correlation_id for e in events],
        [e.causation_id for e in events],
        [e.actor for e in events],
        [e.payload for e in events],
    )


async def write_decision(
    conn: asyncpg.Connection,
    store: EventStore,
    appends: Sequence[Append],
    *,
    row: DecisionRow | None = None,
) -> None:
    """Append each stream's events and record `row`, in one statement (its own transaction). The
    events' ids derive from their cause and the row is written once per report, so writing the same
    decision again stores nothing new."""
    appends = [(stream, events) for stream, events in appends if events]
    if not appends and row is None:
        return
    args: list[object] = list(row.args()) if row is not None else []
    for stream, events in appends:
        args.extend(_append_args(stream, events))
    query = _statement(len(appends), recorded=row is not None)
    for attempt in range(1, APPEND_ATTEMPTS + 1):
        try:
            await conn.fetchval(query, *args)
            break
        except asyncpg.UniqueViolationError as error:
            if "not as this append" in str(error):
                raise EventIdReused(str(error)) from error
            if error.constraint_name != "events_stream_version_unique" or attempt == APPEND_ATTEMPTS:
                raise
    if appends:
        store.wake_followers()


async def load_decision(conn: asyncpg.Connection | asyncpg.Pool, stream_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM dedup_decisions WHERE stream_id = $1", stream_id)

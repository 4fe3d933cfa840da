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

from civic311_backbone.store import EventStore, NewEvent
from civic311_dedup.domain.decision import Decision

_PRIOR = """
SELECT EXISTS (SELECT 1 FROM dedup_decisions WHERE stream_id = $1),
       coalesce((SELECT event_type = 'Closed' FROM events
                  WHERE stream_id = $1
                    AND (event_type = 'Closed'
                         OR (event_type = 'StatusUpdated' AND payload->>'status' = 'reopened'))
                  ORDER BY stream_version DESC LIMIT 1), false)
"""
_RECORD = """INSERT INTO dedup_decisions
        (stream_id, tracking_number, outcome, original, score, distance_m, compared, why, cause)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (stream_id) DO NOTHING RETURNING 1"""

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
    also = (_RECORD, row.args()) if row is not None else None
    await store.append_together(appends, conn=conn, also=also)


async def load_decision(conn: asyncpg.Connection | asyncpg.Pool, stream_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM dedup_decisions WHERE stream_id = $1", stream_id)

"""Keeps `request_index` up to date: on any event of a request, fold its whole stream again.

Refolding the stream (a request has a handful of events) rather than applying the one event makes the
row right whatever order the bus delivers in, after a redelivery or a replay; a row only ever moves
forward (`stream_version` grows), so an older fold never overwrites a newer one.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.contracts import Envelope, SlaWarning, from_record
from civic311_backbone.contracts.registry import PAYLOAD_TYPES
from civic311_backbone.contracts.tracking import STREAM_PREFIX
from civic311_backbone.store import EventStore
from civic311_intake.domain.request_index import IndexEntry, index_entry

INDEX_CONSUMER = "intake-index"
INDEXED_TYPES = frozenset(PAYLOAD_TYPES) - {SlaWarning.event_type}
"""Every event type but the internal warnings, which change nothing anyone may see."""

_UPSERT = """
INSERT INTO request_index (tracking_number, stream_version, service_code, status, stage, department,
                           queue, priority, district, due_at, requested_at, updated_at, view)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
ON CONFLICT (tracking_number) DO UPDATE SET
    stream_version = EXCLUDED.stream_version, service_code = EXCLUDED.service_code,
    status = EXCLUDED.status, stage = EXCLUDED.stage, department = EXCLUDED.department,
    queue = EXCLUDED.queue, priority = EXCLUDED.priority, district = EXCLUDED.district,
    due_at = EXCLUDED.due_at, requested_at = EXCLUDED.requested_at,
    updated_at = EXCLUDED.updated_at, view = EXCLUDED.view
WHERE request_index.stream_version < EXCLUDED.stream_version
"""


async def refresh_entry(conn: asyncpg.Connection, store: EventStore, stream_id: str) -> IndexEntry | None:
    """Fold `stream_id` from the store and write its row; None if it is not a request's stream."""
    records = await store.read_stream(stream_id, conn=conn)
    if not records:
        return None
    return await write_entry(conn, [from_record(r) for r in records])


async def write_entry(conn: asyncpg.Connection, events: list[Envelope[Any]]) -> IndexEntry | None:
    """Fold a request's stream, from its first event, and write its row (unless a newer one is there)."""
    entry = index_entry(events, stream_version=events[-1].stream_version)
    if entry is None:
        return None
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
    )
    return entry


def request_indexer(store: EventStore) -> ConsumerSpec:
    async def handle(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        if not envelope.stream_id.startswith(STREAM_PREFIX):
            return
        if envelope.stream_version == 1:
            # A request's first event is its whole stream so far: nothing to read. Its later events
            # come after it in the same lane, and each folds the stream again.
            await write_entry(conn, [envelope])
        else:
            await refresh_entry(conn, store, envelope.stream_id)

    # A refold only moves a row forward: applying an event twice, or two instances refolding the same
    # request at once, leaves the newest fold. No processed-event record, no transaction needed.
    return ConsumerSpec(name=INDEX_CONSUMER, handler=handle, event_types=INDEXED_TYPES, idempotent=True)

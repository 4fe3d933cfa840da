"""Keeping the request index up to date: on any event of a request, fold its whole stream again.

Refolding the stream (a request has a handful of events) rather than applying the one event makes the
row right whatever order the bus delivers in, after a redelivery or a replay; a row only ever moves
forward (`stream_version` grows), so an older fold never overwrites a newer one.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from civic311_backbone.contracts import Envelope, from_record
from civic311_backbone.store import EventStore
from civic311_intake.adapters.request_index import write_row
from civic311_intake.domain.request_index import IndexEntry, index_entry


async def refresh_entry(conn: asyncpg.Connection, store: EventStore, stream_id: str) -> IndexEntry | None:
    """Fold `stream_id` from the store and write its row; None if it is not a request's stream."""
    records = await store.read_stream(stream_id, conn=conn)
    if not records:
        return None
    return await write_entry(conn, [from_record(r) for r in records])


async def write_entry(conn: asyncpg.Connection, events: list[Envelope[Any]]) -> IndexEntry | None:
    """Fold a request's stream, from its first event, and write its row (unless a newer one is there)."""
    entry = index_entry(events, stream_version=events[-1].stream_version)
    if entry is not None:
        await write_row(conn, entry)
    return entry

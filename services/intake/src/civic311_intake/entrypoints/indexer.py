"""The index's consumer (`intake-index`): every request event the bus delivers refreshes its row."""

from __future__ import annotations

from typing import Any

import asyncpg

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.contracts import Envelope, SlaWarning
from civic311_backbone.contracts.registry import PAYLOAD_TYPES
from civic311_backbone.contracts.tracking import STREAM_PREFIX
from civic311_backbone.store import EventStore
from civic311_intake.application.indexing import refresh_entry, write_entry

INDEX_CONSUMER = "intake-index"
INDEXED_TYPES = frozenset(PAYLOAD_TYPES) - {SlaWarning.event_type}
"""Every event type but the internal warnings, which change nothing anyone may see."""


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

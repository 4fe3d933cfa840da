"""Keep the index live from the bus: a close, a reopen, a later event of a request it holds."""

from __future__ import annotations

from typing import Any

import asyncpg

from civic311_backbone.contracts import Envelope
from civic311_backbone.store import EventStore
from civic311_dedup.domain.fold import fold
from civic311_dedup.domain.index import RequestIndex


async def follow_request(
    envelope: Envelope[Any], conn: asyncpg.Connection, *, index: RequestIndex, store: EventStore
) -> None:
    payload = envelope.payload.model_dump(mode="json")
    if envelope.stream_id not in index and envelope.event_type == "StatusUpdated":
        if payload.get("status") != "reopened":
            return
        # Reopened after the index forgot it (closed longer ago than any reopen window): read it back.
        for event in await store.read_stream(envelope.stream_id, conn=conn):
            fold(
                index,
                stream_id=event.stream_id,
                version=event.stream_version,
                event_type=event.event_type,
                occurred_at=event.occurred_at,
                payload=event.payload,
            )
        return
    fold(
        index,
        stream_id=envelope.stream_id,
        version=envelope.stream_version,
        event_type=envelope.event_type,
        occurred_at=envelope.occurred_at,
        payload=payload,
    )

"""Assign a new request: decide in the domain, append the Assigned."""

from __future__ import annotations

import asyncpg

from civic311_backbone.contracts import Envelope, RequestCreated, new_event
from civic311_backbone.store import EventStore
from civic311_routing.domain.routing import ROUTING, Router, answer_event_id


async def assign_request(
    envelope: Envelope[RequestCreated], conn: asyncpg.Connection, *, router: Router, store: EventStore
) -> None:
    assigned = router.assign(envelope.payload, created_at=envelope.occurred_at)
    event = new_event(assigned, actor=ROUTING, causation=envelope, event_id=answer_event_id(envelope))
    # No expected version: another service (dedup, say) may have appended to the request meanwhile,
    # and the assignment still holds; the fixed event id keeps the append idempotent.
    await store.append(envelope.stream_id, [event], expected_version=None, conn=conn)

"""Route a reopened request again: load it, decide in the domain, append the Assigned."""

from __future__ import annotations

import asyncpg

from civic311_backbone.contracts import Envelope, StatusUpdated, from_record, new_event
from civic311_backbone.store import EventStore
from civic311_routing.domain.reopen import decide_reopen
from civic311_routing.domain.routing import ROUTING, Router, answer_event_id
from civic311_routing.domain.transfer import request_so_far


async def route_reopened(
    envelope: Envelope[StatusUpdated], conn: asyncpg.Connection, *, router: Router, store: EventStore
) -> None:
    """Append the Assigned that routes a reopened request again (its id derived from the reopening, so a
    redelivery stores nothing new; no expected version, as for every answer of routing's)."""
    events = [from_record(record) for record in await store.read_stream(envelope.stream_id, conn=conn)]
    assigned = decide_reopen(router, request_so_far(events), at=envelope.occurred_at)
    if assigned is None:
        return
    event = new_event(assigned, actor=ROUTING, causation=envelope, event_id=answer_event_id(envelope))
    await store.append(envelope.stream_id, [event], expected_version=None, conn=conn)

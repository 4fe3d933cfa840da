"""Act on a transfer staff asked for: load the request, decide in the domain, append the answer."""

from __future__ import annotations

import asyncpg

from civic311_backbone.contracts import Envelope, TransferRequested, from_record, new_event
from civic311_backbone.store import EventStore
from civic311_routing.domain.routing import ROUTING, Router, answer_event_id
from civic311_routing.domain.transfer import decide_transfer, request_so_far


async def transfer_request(
    envelope: Envelope[TransferRequested], conn: asyncpg.Connection, *, router: Router, store: EventStore
) -> None:
    """Append the Assigned that moves the request, or the TransferRefused that says why not.

    The request is read as it stands now, in one statement (no transaction). Both answers take the one
    id derived from the TransferRequested: a redelivery, whatever the request became meanwhile (even
    moved by this very transfer), stores nothing new.
    """
    events = [from_record(record) for record in await store.read_stream(envelope.stream_id, conn=conn)]
    answer = decide_transfer(router, request_so_far(events), envelope.payload, at=envelope.occurred_at)
    event = new_event(answer, actor=ROUTING, causation=envelope, event_id=answer_event_id(envelope))
    # No expected version: whatever else was appended meanwhile, the answer holds; the fixed id keeps
    # the append idempotent.
    await store.append(envelope.stream_id, [event], expected_version=None, conn=conn)

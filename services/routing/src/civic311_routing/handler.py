"""The routing consumer's handler: one Assigned for each RequestCreated; the watch kept for breach warnings.

Every effect is idempotent by itself, so the consumer runs without a transaction or a processed-event
record, and each write commits on its own: the Assigned's id derives from its cause (appending it again
stores nothing), and the watch only ever moves forward by stream version, written only if nobody changed
it since it was read. No transaction stays open across a round trip to this process: an open write
transaction holds back every follower of the store (the relay publishes only below the oldest one), so
keeping them to single statements keeps the relay's latency free of this process's scheduling.

Routing's own Assigned comes back over the bus like any other and is folded into the watch then, from
the event as stored (a redelivered request after a change of the rules gets the Assigned stored the
first time, and the watch follows that one).
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import asyncpg

from civic311_backbone.consuming import Handler
from civic311_backbone.contracts import Envelope, RequestCreated, new_event
from civic311_backbone.store import EventStore
from civic311_routing.domain.breach import concerns_watch, follow
from civic311_routing.domain.routing import Router
from civic311_routing.watching import ROUTING, load_watch, save_watch

WATCHED_TYPES = frozenset({"Assigned", "Closed", "StatusUpdated"})
HANDLED_TYPES = WATCHED_TYPES | {"RequestCreated"}
WATCH_ATTEMPTS = 5
"""Reads and writes of one watch before giving up (and letting the message be delivered again): a write
loses only to another writer of the same watch (the breach watcher marking a warning given)."""


class WatchContended(RuntimeError):
    pass


def assigned_event_id(envelope: Envelope[Any]) -> UUID:
    """The same RequestCreated always yields the same Assigned id, so a redelivery stores nothing new."""
    return uuid5(NAMESPACE_URL, f"{envelope.event_id}/routing")


def routing_handler(router: Router, store: EventStore) -> Handler:
    async def handle(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        request = envelope.payload
        if not isinstance(request, RequestCreated):
            await watch_handler(envelope, conn)
            return
        assigned = router.assign(request, created_at=envelope.occurred_at)
        event = new_event(assigned, actor=ROUTING, causation=envelope, event_id=assigned_event_id(envelope))
        # No expected version: another service (dedup, say) may have appended to the request meanwhile,
        # and the assignment still holds; the fixed event id keeps the append idempotent.
        await store.append(envelope.stream_id, [event], expected_version=None, conn=conn)

    return handle


async def watch_handler(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
    """Fold one of the request's events into its watch."""
    if not concerns_watch(envelope):
        return
    if envelope.actor == ROUTING:
        # Routing's own Assigned is almost always the request's first watched event: write its watch
        # as a new row without reading first; only if a row is there already, read and fold.
        first = follow(None, envelope)
        if first is not None and await save_watch(conn, first, previous=None):
            return
    for _ in range(WATCH_ATTEMPTS):
        watch = await load_watch(conn, envelope.stream_id)
        changed = follow(watch, envelope)
        if changed is None or await save_watch(conn, changed, previous=watch):
            return
    raise WatchContended(f"the watch of {envelope.stream_id} kept changing while it was written")

"""The routing consumer's handler: an Assigned for each RequestCreated, an Assigned or TransferRefused for
each TransferRequested, an Assigned for each reopening, and the watch kept for breach warnings.

Every effect is idempotent by itself, so the consumer runs without a transaction or a processed-event
record, and each write commits on its own: routing's answers take ids derived from their causes
(appending one again stores nothing), and the watch only ever moves forward by stream version, written
only if nobody changed it since it was read. No transaction stays open across a round trip to this
process: an open write transaction holds back every follower of the store (the relay publishes only
below the oldest one), so keeping them to single statements keeps the relay's latency free of this
process's scheduling.

Routing's own Assigned comes back over the bus like any other and is folded into the watch then, from
the event as stored (a redelivered request after a change of the rules gets the Assigned stored the
first time, and the watch follows that one).
"""

from __future__ import annotations

from typing import Any

import asyncpg

from civic311_backbone.consuming import Handler
from civic311_backbone.contracts import Envelope, RequestCreated, StatusUpdated, TransferRequested
from civic311_backbone.store import EventStore
from civic311_routing.application.assign import assign_request
from civic311_routing.application.reopen import route_reopened
from civic311_routing.application.transfer import transfer_request
from civic311_routing.application.watch import fold_into_watch
from civic311_routing.domain.routing import Router

WATCHED_TYPES = frozenset({"Assigned", "Closed", "StatusUpdated"})
HANDLED_TYPES = WATCHED_TYPES | {"RequestCreated", "TransferRequested"}


def routing_handler(router: Router, store: EventStore) -> Handler:
    async def handle(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        match envelope.payload:
            case RequestCreated():
                await assign_request(envelope, conn, router=router, store=store)
            case TransferRequested():
                await transfer_request(envelope, conn, router=router, store=store)
            case StatusUpdated(status="reopened"):
                await route_reopened(envelope, conn, router=router, store=store)
                await fold_into_watch(envelope, conn)
            case _:
                await fold_into_watch(envelope, conn)

    return handle

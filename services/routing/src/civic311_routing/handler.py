"""The routing consumer's handler: one Assigned for each RequestCreated; the watch kept for breach warnings.

Both effects are idempotent: the Assigned's id derives from its cause, and the watch is written in the
consumer's transaction, beside its processed-event record.
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
        stored = await store.append(envelope.stream_id, [event], expected_version=None, conn=conn)
        # The watch follows this assignment in the same transaction, so routing's own Assigned, when
        # the bus brings it back, needs no transaction of its own (`is_own_assignment`). Its envelope
        # is built from values already checked, so without validating them again.
        await watch_handler(
            Envelope[Any].model_construct(
                event_id=event.event_id,
                stream_id=envelope.stream_id,
                stream_version=stored.stream_version,
                event_type=event.event_type,
                schema_version=event.schema_version,
                occurred_at=event.occurred_at,
                correlation_id=event.correlation_id,
                causation_id=event.causation_id,
                actor=ROUTING,
                payload=assigned,
            ),
            conn,
        )

    return handle


def is_own_assignment(envelope: Envelope[Any]) -> bool:
    """An Assigned routing appended itself: its watch was written with it."""
    return envelope.event_type == "Assigned" and envelope.actor == ROUTING


async def watch_handler(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
    """Fold one of the request's events into its watch."""
    if not concerns_watch(envelope):
        return
    changed = follow(await load_watch(conn, envelope.stream_id), envelope)
    if changed is not None:
        await save_watch(conn, changed)

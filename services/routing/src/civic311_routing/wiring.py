"""How the routing service is put together from the backbone's parts."""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog

from civic311_backbone.consuming import ConsumerSpec, EventConsumer
from civic311_backbone.contracts import Envelope
from civic311_backbone.service.runner import Resources, Wiring

log = structlog.get_logger(__name__)


async def observe(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
    # The service's own handling arrives with its issue; until then it consumes and records.
    log.info("event received")


async def wire(resources: Resources) -> Wiring:
    consumer = EventConsumer(
        spec=ConsumerSpec(name="routing", handler=observe, event_types={"RequestCreated"}),
        pool=resources.pool,
        store=resources.store,
        settings=resources.settings,
    )
    return Wiring(consumers=[consumer])

"""How the reporting service is put together from the backbone's parts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import structlog

from civic311_backbone.consuming import ConsumerSpec, EventConsumer
from civic311_backbone.contracts import Envelope
from civic311_backbone.service.runner import Resources, Wiring
from civic311_reporting.live import LiveFact, LiveRequests

log = structlog.get_logger(__name__)


def keep_live(requests: LiveRequests) -> Callable[[Envelope[Any], asyncpg.Connection], Awaitable[None]]:
    """The bus handler: each event into the in-memory projection (a redelivery is skipped there)."""

    async def handle(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        if not requests.apply(LiveFact.of(envelope)):
            log.debug("event already in the projection")

    return handle


async def wire(resources: Resources) -> Wiring:
    requests = LiveRequests()
    replayed = await requests.rebuild(resources.store)
    log.info("projection rebuilt", events=replayed, requests=len(requests.states))
    consumer = EventConsumer(
        spec=ConsumerSpec(name="reporting", handler=keep_live(requests), event_types=None),
        pool=resources.pool,
        store=resources.store,
        settings=resources.settings,
    )
    return Wiring(consumers=[consumer])

"""How events reach the live projection: each from the bus at once, and by following the store."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import structlog

from civic311_backbone.contracts import Envelope
from civic311_backbone.service.pausing import pause
from civic311_backbone.service.runner import BackgroundTask
from civic311_backbone.store import EventStore
from civic311_reporting.application.live import LiveFact, LiveRequests

log = structlog.get_logger(__name__)


def keep_live(requests: LiveRequests) -> Callable[[Envelope[Any], asyncpg.Connection], Awaitable[None]]:
    """The bus handler: each event into the in-memory projection (a redelivery is skipped there)."""

    async def handle(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        if not requests.apply(LiveFact.of(envelope)):
            log.debug("event already in the projection")

    return handle


def follow_the_store(requests: LiveRequests, store: EventStore, every: float) -> BackgroundTask:
    """Read the store after the projection's checkpoint every so often, until told to stop."""

    async def follow(stop: asyncio.Event) -> None:
        while not stop.is_set():
            read = await requests.catch_up(store)
            if read:
                log.info("projection caught up from the store", events=read, position=requests.position)
            await pause(stop, timeout=every)

    return follow

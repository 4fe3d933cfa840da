"""How the reporting service is put together from the backbone's parts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import structlog

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.contracts import Envelope
from civic311_backbone.service.pausing import pause
from civic311_backbone.service.runner import BackgroundTask, Resources, Service, Wiring
from civic311_backbone.store import EventStore
from civic311_city.loading import SAMPLE_DISTRICTS
from civic311_reporting.domain.districts import Outline, outlines_from_geojson
from civic311_reporting.domain.profile import DEFAULT_PROFILE
from civic311_reporting.live import LiveFact, LiveRequests
from civic311_reporting.settings import ReportingSettings
from civic311_reporting.web import Reporting, create_app
from civic311_reporting.web.map import Tiles

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


def load_outlines(path: Path | None) -> tuple[Outline, ...]:
    """The district outlines for the map, read once at start: the city's (DISTRICTS_PATH or the sample)."""
    return outlines_from_geojson(json.loads((path or SAMPLE_DISTRICTS).read_text(encoding="utf-8")))


async def wire(resources: Resources[ReportingSettings]) -> Wiring:
    settings = resources.settings
    requests = LiveRequests()
    replayed = await requests.rebuild(resources.store)
    log.info("projection rebuilt", events=replayed, requests=len(requests.states), position=requests.position)
    consumer = resources.consumer(
        ConsumerSpec(name="reporting", handler=keep_live(requests), event_types=None)
    )
    tiles = Tiles(settings.map_tiles_url, settings.map_tiles_attribution) if settings.map_tiles_url else None
    reporting = Reporting(
        live=requests,
        store=resources.store,
        profile=DEFAULT_PROFILE,
        outlines=load_outlines(settings.districts_path),
        tiles=tiles,
        clock=lambda: datetime.now(UTC),
        admin_token=settings.admin_token.get_secret_value() if settings.admin_token else None,
    )
    every = settings.projection_poll_seconds
    background = [follow_the_store(requests, resources.store, every)] if every else []
    return Wiring(consumers=[consumer], background=background, app=create_app(reporting))


SERVICE = Service(name="reporting", settings=ReportingSettings, wire=wire)

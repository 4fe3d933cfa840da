"""How the dedup service is put together from the backbone's parts."""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.contracts import Envelope
from civic311_backbone.service.runner import Resources, Service, Wiring
from civic311_dedup.settings import DedupSettings

log = structlog.get_logger(__name__)


async def observe(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
    # The service's own handling arrives with its issue; until then it consumes and records.
    log.info("event received")


async def wire(resources: Resources[DedupSettings]) -> Wiring:
    consumer = resources.consumer(ConsumerSpec(name="dedup", handler=observe, event_types={"RequestCreated"}))
    return Wiring(consumers=[consumer])


SERVICE = Service(name="dedup", settings=DedupSettings, wire=wire)

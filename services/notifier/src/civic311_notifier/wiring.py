"""How the notifier service is put together from the backbone's parts."""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.contracts import Envelope
from civic311_backbone.service.runner import Resources, Service, Wiring
from civic311_notifier.settings import NotifierSettings

log = structlog.get_logger(__name__)


async def observe(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
    # The service's own handling arrives with its issue; until then it consumes and records.
    log.info("event received")


async def wire(resources: Resources[NotifierSettings]) -> Wiring:
    consumer = resources.consumer(ConsumerSpec(name="notifier", handler=observe, event_types=None))
    return Wiring(consumers=[consumer])


SERVICE = Service(name="notifier", settings=NotifierSettings, wire=wire)

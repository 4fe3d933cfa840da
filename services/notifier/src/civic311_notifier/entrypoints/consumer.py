"""The bus handler of every request event."""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog

from civic311_backbone.contracts import Envelope

log = structlog.get_logger(__name__)


async def observe(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
    # The service's own handling arrives with its issue; until then it consumes and records.
    log.info("event received")

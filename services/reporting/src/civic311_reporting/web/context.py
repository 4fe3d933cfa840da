"""What the reporting app reads from: the live projection, and how to judge and draw it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import Request

from civic311_backbone.store import EventStore
from civic311_reporting.domain.districts import Outline
from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.live import LiveRequests
from civic311_reporting.web.map import Tiles


@dataclass
class Reporting:
    live: LiveRequests
    store: EventStore
    profile: ReportProfile
    outlines: tuple[Outline, ...]
    tiles: Tiles | None
    clock: Callable[[], datetime]
    admin_token: str | None = None
    """The bearer token of operators' actions (a rebuild); None: those actions are off."""
    rebuild_task: asyncio.Task[int] | None = field(default=None)
    rebuild_error: str | None = None


async def reporting(request: Request) -> Reporting:
    found: Reporting = request.app.state.reporting
    return found

"""What the reporting app reads from: the live projection, and how to judge and draw it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import Request

from civic311_backbone.store import EventStore
from civic311_city import Districts
from civic311_reporting.application.live import LiveRequests
from civic311_reporting.domain.outlines import Outline
from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.entrypoints.web.map import Tiles


@dataclass
class Reporting:
    live: LiveRequests
    store: EventStore
    profile: ReportProfile
    districts: Districts
    """Which district a point is in (the city's, as routing decides it)."""
    outlines: tuple[Outline, ...]
    """The same districts as rings, to draw on the map."""
    type_names: Mapping[str, str]
    """The catalogue's name of each request type, by code, for the page to show."""
    tiles: Tiles | None
    clock: Callable[[], datetime]
    admin_token: str | None = None
    """The bearer token of operators' actions (a rebuild); None: those actions are off."""
    rebuild_task: asyncio.Task[int] | None = field(default=None)
    rebuild_error: str | None = None


async def reporting(request: Request) -> Reporting:
    found: Reporting = request.app.state.reporting
    return found

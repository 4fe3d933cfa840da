"""The gateway's tests: the staff desk most of them drive, and the gateway as residents' browsers see it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from tests.intake.desk_support import RunningDesk, running_desk
from tests.support.processes import gateway_client


@pytest.fixture
async def desk(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, tmp_path: Path
) -> AsyncIterator[RunningDesk]:
    """The gateway as a process on this test's schema and stream (no relay)."""
    async with running_desk(settings, pool, store, tmp_path) as running:
        yield running


@pytest.fixture
async def gateway(
    settings: BackboneSettings, store: EventStore, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client of the running gateway: it keeps cookies, and follows no redirect by itself."""
    async with gateway_client(settings_env(settings), tmp_path) as client:
        yield client

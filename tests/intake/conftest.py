"""The gateway's tests: the staff desk most of them drive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.intake.desk_support import RunningDesk, running_desk


@pytest.fixture
async def desk(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, tmp_path: Path
) -> AsyncIterator[RunningDesk]:
    """The gateway as a process on this test's schema and stream (no relay)."""
    async with running_desk(settings, pool, store, tmp_path) as running:
        yield running

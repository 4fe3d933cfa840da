"""The reporting service as an OS process on this test's own schema and stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.testing.plugin import settings_env
from civic311_city.loading import SAMPLE_DISTRICTS
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

DISTRICTS = SAMPLE_DISTRICTS


async def projection_position(client: httpx.AsyncClient) -> int:
    return int((await client.get("/api/projections")).json()["position"])


async def caught_up(client: httpx.AsyncClient, position: int) -> None:
    """Until the projection has read the store up to the position.

    Not at once after start-up on a busy server: the store holds back events while an older write
    transaction anywhere in the cluster is still open, and the projection reads them a little later.
    """
    await eventually(
        lambda: projection_position(client), until=lambda p: p >= position, what=f"position {position}"
    )


@asynccontextmanager
async def reporting_client(
    settings: BackboneSettings, log_dir: Path, *, seen: int = 0, **env: str
) -> AsyncIterator[httpx.AsyncClient]:
    """Starts the process (which replays the store), waits until it is ready and has read the store
    up to `seen`, and talks to it."""
    variables = settings_env(settings) | {"DISTRICTS_PATH": str(DISTRICTS)} | env
    process = ServiceProcess("civic311_reporting", variables, log_dir).start()
    try:
        await process.wait_ready()
        async with httpx.AsyncClient(base_url=process.url, timeout=30) as client:
            await caught_up(client, seen)
            yield client
    finally:
        process.stop()


def row_of(document: dict, column: str, value: str) -> dict:  # type: ignore[type-arg]
    return next(r for r in document["rows"] if r[column] == value)

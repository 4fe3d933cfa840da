"""What the `civic311` command line calls for reporting: replay to an instant, import, compare.

Each function builds its own pool from the settings and closes it; the command line only parses
arguments and prints what comes back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, create_pool, migrate, notify_channel
from civic311_reporting.comparing import compare_boston_classic
from civic311_reporting.domain.comparison import describe
from civic311_reporting.domain.profile import DEFAULT_PROFILE, ReportProfile
from civic311_reporting.domain.report import sla_report
from civic311_reporting.formats import Format, render
from civic311_reporting.importing.boston import read_cases
from civic311_reporting.importing.loader import ImportResult, import_cases
from civic311_reporting.replay import replay_states


@asynccontextmanager
async def _connected(settings: BackboneSettings) -> AsyncIterator[tuple[asyncpg.Pool, EventStore]]:
    pool = await create_pool(settings, application_name="civic311-reporting-cli")
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        store = EventStore(pool, notify_channel=notify_channel(settings))
        yield pool, store
        await store.drain()
    finally:
        await pool.close()


async def report_async(
    store: EventStore,
    *,
    as_of: datetime | None = None,
    fmt: Format = "table",
    profile: ReportProfile = DEFAULT_PROFILE,
) -> str:
    """The SLA report from a replay of everything that occurred up to `as_of` (default: now)."""
    instant = as_of or datetime.now(UTC)
    states = await replay_states(store, until=instant)
    return render(sla_report(states, as_of=instant, profile=profile), fmt)


def report(
    settings: BackboneSettings,
    *,
    as_of: datetime | None = None,
    fmt: Format = "table",
    profile: ReportProfile = DEFAULT_PROFILE,
) -> str:
    """`civic311 report --as-of ... --format table|csv|json`. A naive `as_of` is read as UTC."""
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)

    async def run() -> str:
        async with _connected(settings) as (_, store):
            return await report_async(store, as_of=as_of, fmt=fmt, profile=profile)

    return asyncio.run(run())


def import_boston(
    settings: BackboneSettings, export: Path, *, progress: Callable[[ImportResult], None] | None = None
) -> ImportResult:
    """`civic311 import boston-classic FILE`: rejected rows are in the result, with reasons."""

    async def run() -> ImportResult:
        async with _connected(settings) as (pool, store):
            return await import_cases(pool, store, read_cases(export), progress=progress)

    return asyncio.run(run())


def compare_boston(settings: BackboneSettings, export: Path, *, differences: int = 20) -> str:
    """`civic311 compare boston-classic FILE`: our verdicts beside the city's, as text."""

    async def run() -> str:
        async with _connected(settings) as (_, store):
            return describe(await compare_boston_classic(store, export), differences=differences)

    return asyncio.run(run())

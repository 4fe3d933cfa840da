"""What the `civic311` command line calls for reporting: replay, import, check, compare, export.

Each function builds its own pool from the settings and closes it; the command line only parses
arguments, draws progress and prints what comes back. Long runs tell an optional `progress` callback
how far they have got, so that the command line can draw a bar and nothing here knows how. Every
command reads its file through one column mapping (adapters/importing/mapping.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, create_pool, migrate, notify_channel
from civic311_reporting.adapters.counting import count_events
from civic311_reporting.adapters.differences import write_differences
from civic311_reporting.adapters.exporting import write_export
from civic311_reporting.adapters.formats import Format, render
from civic311_reporting.adapters.importing import mapped
from civic311_reporting.adapters.importing.cases import ImportedCase, Rejection
from civic311_reporting.adapters.importing.files import ExportFile
from civic311_reporting.adapters.importing.mapping import ColumnMapping
from civic311_reporting.application.checking import CheckResult, check_export
from civic311_reporting.application.comparing import compare_states
from civic311_reporting.application.importing import ImportResult, import_cases
from civic311_reporting.application.replay import replay_states
from civic311_reporting.domain.comparison import Comparison, describe
from civic311_reporting.domain.profile import DEFAULT_PROFILE, ReportProfile
from civic311_reporting.domain.report import sla_report
from civic311_reporting.domain.requests import RequestState


@dataclass(frozen=True, slots=True)
class Step:
    """How far a long run has got: `done` of `total` `unit`s."""

    task: str
    done: int
    total: int
    unit: str


Progress = Callable[[Step], None]


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


async def _replay(
    pool: asyncpg.Pool, store: EventStore, until: datetime | None, progress: Progress | None
) -> dict[str, RequestState]:
    """The replay, telling `progress` how many of the events to fold are folded (counted first)."""
    if progress is None:
        return await replay_states(store, until=until, narrow=True)
    total = await count_events(pool, until)
    tell = progress
    tell(Step("replay", 0, total, "events"))
    return await replay_states(
        store, until=until, narrow=True, progress=lambda n: tell(Step("replay", n, total, "events"))
    )


def report(
    settings: BackboneSettings,
    *,
    as_of: datetime | None = None,
    fmt: Format = "table",
    profile: ReportProfile = DEFAULT_PROFILE,
    progress: Progress | None = None,
) -> str:
    """`civic311 report --as-of ... --format table|csv|json`. `as_of` must carry its zone."""
    if as_of is not None and as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware (the command line reads it in the city's zone)")
    instant = as_of or datetime.now(UTC)

    async def run() -> str:
        async with _connected(settings) as (pool, store):
            states = await _replay(pool, store, instant, progress)
            return render(sla_report(states, as_of=instant, profile=profile), fmt)

    return asyncio.run(run())


def _reading(export: ExportFile, progress: Progress | None, task: str) -> Callable[[], None]:
    def tell() -> None:
        if progress is not None:
            progress(Step(task, export.position, export.size, "bytes"))

    return tell


def _import(
    settings: BackboneSettings,
    export: ExportFile,
    rows: Iterable[ImportedCase | Rejection],
    progress: Progress | None,
) -> ImportResult:
    """Rows of the export into the store; `progress` hears how much of the file has been read."""
    tell = _reading(export, progress, "import")

    async def run() -> ImportResult:
        async with _connected(settings) as (pool, store):
            result = await import_cases(pool, store, rows, progress=lambda _: tell())
        tell()
        return result

    return asyncio.run(run())


def import_mapped(
    settings: BackboneSettings, export: Path, mapping: ColumnMapping, *, progress: Progress | None = None
) -> ImportResult:
    """`civic311 import csv FILE --mapping M` (and `import boston-classic|boston-current FILE`).

    A mapped column missing from the file raises MappingError before anything is written.
    """
    file = ExportFile(export)
    mapping.check_header(file.header(), export.name)
    return _import(settings, file, mapped.read_cases(file, mapping), progress)


def check(export: Path, mapping: ColumnMapping, *, progress: Progress | None = None) -> CheckResult:
    """`civic311 mapping check FILE --mapping M`: the import's counts, nothing written."""
    file = ExportFile(export)
    tell = _reading(file, progress, "check")
    result = check_export(file, mapping, progress=tell)
    tell()
    return result


def comparison(
    settings: BackboneSettings, export: Path, mapping: ColumnMapping, *, progress: Progress | None = None
) -> Comparison:
    """Our verdicts beside the flags of the column the mapping names (columns.on_time_flag)."""
    file = ExportFile(export)
    if mapping.columns.on_time_flag is None:
        mapped.city_cases(file, mapping)  # raises the MappingError naming the key
    mapping.check_header(file.header(), export.name)

    async def run() -> dict[str, RequestState]:
        async with _connected(settings) as (pool, store):
            return await _replay(pool, store, None, progress)

    return compare_states(asyncio.run(run()), file, mapping)


def compare_mapped(
    settings: BackboneSettings,
    export: Path,
    mapping: ColumnMapping,
    *,
    differences: int | None = 20,
    out: Path | None = None,
    progress: Progress | None = None,
) -> str:
    """`civic311 compare csv FILE --mapping M`, as text; every difference into `out` (CSV) if given."""
    found = comparison(settings, export, mapping, progress=progress)
    text = describe(found, differences=differences)
    if out is not None:
        written = write_differences(found, out)
        text += f"\nwrote {written} differences to {out}"
    return text


def export(
    settings: BackboneSettings, out: Path, mapping: ColumnMapping, *, progress: Progress | None = None
) -> str:
    """`civic311 export FILE --mapping M`: every request in the store, one row each, in the mapping's
    layout (gzipped if FILE ends in .gz)."""

    async def run() -> dict[str, RequestState]:
        async with _connected(settings) as (pool, store):
            return await _replay(pool, store, None, progress)

    states = asyncio.run(run())
    written = write_export(sorted(states.values(), key=_by_opening), out, mapping)
    return f"wrote {written} requests to {out} in the layout of mapping {mapping.name}"


def _by_opening(state: RequestState) -> tuple[datetime, str]:
    return (state.created_at or datetime.min.replace(tzinfo=UTC), state.stream_id)

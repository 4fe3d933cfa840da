"""Writes imported cases into the event store: many streams per transaction, several at once.

Each case is a new stream appended with expected_version=0. A stream that already exists was imported
before (its event ids are derived from the row), so it is skipped, not appended again: the same file
imported twice adds nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import asyncpg

from civic311_backbone.store import EventStore, WrongExpectedVersion
from civic311_reporting.adapters.importing.cases import ImportedCase, Rejection

_EXISTING = "SELECT DISTINCT stream_id FROM events WHERE stream_id = ANY($1::text[])"


@dataclass(slots=True)
class ImportResult:
    imported: int = 0
    already_there: int = 0
    events: int = 0
    skewed: int = 0
    """Cases kept with a close a little before their open (set to the open): the mapping's clock skew."""
    rejected: list[Rejection] = field(default_factory=list)


async def _write_batch(
    pool: asyncpg.Pool, store: EventStore, batch: list[ImportedCase], result: ImportResult
) -> None:
    for attempt in range(2):
        try:
            async with pool.acquire() as conn, conn.transaction():
                existing = {r[0] for r in await conn.fetch(_EXISTING, [case.stream_id for case in batch])}
                fresh = [case for case in batch if case.stream_id not in existing]
                for case in fresh:
                    await store.append(case.stream_id, case.events, expected_version=0, conn=conn)
            break
        except WrongExpectedVersion:
            # A concurrent import of the same file wrote one of these streams first: look again.
            if attempt == 1:
                raise
    result.imported += len(fresh)
    result.already_there += len(existing)
    result.events += sum(len(case.events) for case in fresh)


async def import_cases(
    pool: asyncpg.Pool,
    store: EventStore,
    rows: Iterable[ImportedCase | Rejection],
    *,
    batch_size: int = 500,
    writers: int = 4,
    progress: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import every case; refused rows are collected in the result with their reasons."""
    result = ImportResult()
    queue: asyncio.Queue[list[ImportedCase] | None] = asyncio.Queue(maxsize=writers * 2)

    async def writer() -> None:
        while (batch := await queue.get()) is not None:
            await _write_batch(pool, store, batch, result)
            if progress is not None:
                progress(result)

    async def reader() -> None:
        batch: list[ImportedCase] = []
        for row in rows:
            if isinstance(row, Rejection):
                result.rejected.append(row)
                continue
            result.skewed += row.skewed
            batch.append(row)
            if len(batch) >= batch_size:
                await queue.put(batch)
                batch = []
        if batch:
            await queue.put(batch)
        for _ in range(writers):
            await queue.put(None)

    # One task group: a writer that fails cancels the reader and the other writers, and its error
    # propagates (wrapped in an ExceptionGroup), rather than leaving the reader blocked on a full queue.
    async with asyncio.TaskGroup() as group:
        group.create_task(reader())
        for _ in range(writers):
            group.create_task(writer())
    store.wake_followers()
    return result

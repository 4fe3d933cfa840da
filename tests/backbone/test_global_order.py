"""A reader that follows the store by position never skips an event, whatever the commit order."""

from __future__ import annotations

import asyncio
import random

import asyncpg
import pytest

from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import new_stream_id, request_created, status_updated

WRITERS = 8
EVENTS_PER_WRITER = 2000


async def _writer(store: EventStore, pool: asyncpg.Pool, seed: int) -> list[str]:
    """Appends EVENTS_PER_WRITER events; some in transactions held open a moment before commit, so
    transactions commit in a different order from the one in which they took their positions."""
    rng = random.Random(seed)
    written: list[str] = []
    stream, version = new_stream_id(), 0
    while len(written) < EVENTS_PER_WRITER:
        if version >= 50:
            stream, version = new_stream_id(), 0
        event = request_created() if version == 0 else status_updated()
        if rng.random() < 0.1:
            async with pool.acquire() as conn, conn.transaction():
                await store.append(stream, [event], expected_version=version, conn=conn)
                await asyncio.sleep(rng.random() / 200)  # commit late, after others
            store.wake_followers()
        else:
            await store.append(stream, [event], expected_version=version)
        written.append(str(event.event_id))
        version += 1
    return written


@pytest.mark.slow
async def test_tailing_reader_sees_every_event_once_in_position_order(
    store: EventStore, pool: asyncpg.Pool
) -> None:
    seen: list[tuple[int, str]] = []
    writers_done = asyncio.Event()

    async def tail() -> None:
        position = 0
        while True:
            page = await store.read_page(after=position, limit=500)
            seen.extend((e.global_position, str(e.event_id)) for e in page)
            if page:
                position = page[-1].global_position
            elif writers_done.is_set():
                # One more look: everything committed before the writers finished is now visible.
                final = await store.read_page(after=position, limit=100_000)
                seen.extend((e.global_position, str(e.event_id)) for e in final)
                return
            else:
                await asyncio.sleep(0.001)

    reader = asyncio.create_task(tail())
    written = await asyncio.gather(*(_writer(store, pool, seed) for seed in range(WRITERS)))
    writers_done.set()
    await reader

    all_written = {event_id for batch in written for event_id in batch}
    assert len(all_written) == WRITERS * EVENTS_PER_WRITER
    positions = [position for position, _ in seen]
    assert positions == sorted(positions), "the reader saw positions out of order"
    assert len(seen) == len({event_id for _, event_id in seen}), "the reader saw an event twice"
    assert {event_id for _, event_id in seen} == all_written, "the reader missed events"

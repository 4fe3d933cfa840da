"""Appends and read-all replay, each beside plain SQL on an identical table in the same database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from uuid import uuid4

import asyncpg
import orjson

from bench.report import Figure
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import new_stream_id, request_created, status_updated

RAW_TABLE = """
CREATE TABLE raw_events (
    global_position bigserial PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE, stream_id text NOT NULL, stream_version integer NOT NULL,
    event_type text NOT NULL, schema_version integer NOT NULL, occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(), correlation_id uuid NOT NULL,
    causation_id uuid, actor jsonb NOT NULL, payload jsonb NOT NULL,
    UNIQUE (stream_id, stream_version))"""
RAW_INSERT = """INSERT INTO raw_events (event_id, stream_id, stream_version, event_type, schema_version,
    occurred_at, correlation_id, causation_id, actor, payload) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)"""


async def _rate(clients: int, per_client: int, work: Callable[[int], Awaitable[int]]) -> float:
    """Events per second when `clients` coroutines each run work(client) (which returns its count)."""
    started = time.perf_counter()
    counts = await asyncio.gather(*(work(c) for c in range(clients)))
    return sum(counts) / (time.perf_counter() - started)


async def append_figures(store: EventStore, pool: asyncpg.Pool, per_client: int) -> list[Figure]:
    await pool.execute(RAW_TABLE)

    async def raw_inserts(_: int) -> int:
        stream = new_stream_id()
        for version in range(1, per_client + 1):
            e = status_updated()
            await pool.execute(
                RAW_INSERT,
                e.event_id,
                stream,
                version,
                e.event_type,
                e.schema_version,
                e.occurred_at,
                e.correlation_id,
                e.causation_id,
                e.actor,
                e.payload,
            )
        return per_client

    async def appends(_: int, batch: int = 1) -> int:
        stream, version, done = new_stream_id(), 0, 0
        while done < per_client:
            if version >= 50:
                stream, version = new_stream_id(), 0
            events = [
                request_created() if version == 0 and i == 0 else status_updated() for i in range(batch)
            ]
            await store.append(stream, events, expected_version=version)
            version += batch
            done += batch
        return done

    ceiling_8 = await _rate(8, per_client, raw_inserts)
    ceiling_1 = await _rate(1, per_client, raw_inserts)
    one = await _rate(1, per_client, appends)
    eight = await _rate(8, per_client, appends)
    batched = await _rate(8, per_client, lambda c: appends(c, batch=10))
    return [
        Figure("append, 1 client", one, "events/s", "INSERT, 1 client", ceiling_1),
        Figure("append, 8 clients", eight, "events/s", "INSERT, 8 clients", ceiling_8, target_ratio=0.5),
        Figure("append, 8 clients, batches of 10", batched, "events/s", "INSERT, 8 clients", ceiling_8),
    ]


async def fill(pool: asyncpg.Pool, count: int) -> None:
    """Store `count` events of realistic size (~400 bytes of payload) quickly, in SQL."""
    payload = orjson.loads(request_created().payload)
    payload["description"] = "Deep pothole by the bus stop, about a foot across " + "x" * 150
    chunk = 100_000
    tag = uuid4().hex[:8]
    for start in range(0, count, chunk):
        n = min(chunk, count - start)
        for table in ("events", "raw_events"):
            await pool.execute(
                f"""INSERT INTO {table} (event_id, stream_id, stream_version, event_type, schema_version,
                       occurred_at, correlation_id, actor, payload)
                   SELECT gen_random_uuid(), 'bench-' || $4 || '-' || ($1::bigint + i) / 5,
                          (($1::bigint + i) % 5) + 1, 'RequestCreated', 1, now(), gen_random_uuid(),
                          '{{"kind": "resident", "id": "resident-bench"}}', $3::jsonb
                     FROM generate_series(0, $2 - 1) AS i""",
                start,
                n,
                orjson.dumps(payload).decode(),
                tag,
            )
    await pool.execute("VACUUM ANALYZE events")
    await pool.execute("VACUUM ANALYZE raw_events")


async def naive_read(pool: asyncpg.Pool, *, table: str = "events", page: int = 5000) -> int:
    """The naive ceiling: every row of `table` SELECTed in pages and its JSON decoded in Python."""
    seen, position = 0, -1
    while True:
        rows = await pool.fetch(
            f"""SELECT global_position, event_id, stream_id, stream_version, event_type, schema_version,
                       occurred_at, recorded_at, correlation_id, causation_id, actor::text, payload::text
                  FROM {table} WHERE global_position > $1 ORDER BY global_position LIMIT $2""",
            position,
            page,
        )
        for row in rows:
            orjson.loads(row[10])
            orjson.loads(row[11])
        seen += len(rows)
        if len(rows) < page:
            return seen
        position = rows[-1][0]


async def read_figures(store: EventStore, pool: asyncpg.Pool, page: int = 5000) -> tuple[list[Figure], int]:
    async def replay() -> int:
        return sum([1 async for _ in store.read_all(page_size=page)])

    started = time.perf_counter()
    raw_count = await naive_read(pool, table="raw_events", page=page)
    ceiling = raw_count / (time.perf_counter() - started)
    started = time.perf_counter()
    count = await replay()
    rate = count / (time.perf_counter() - started)
    return [
        Figure(
            "read-all replay, decoded",
            rate,
            "events/s",
            "paged SELECT + JSON decode",
            ceiling,
            target_ratio=0.8,
        )
    ], count

"""Relay throughput (store -> JetStream, acked) beside raw JetStream publishes of the same messages."""

from __future__ import annotations

import asyncio
import time

import asyncpg
from nats.aio.client import Client as NatsClient
from nats.js.api import StorageType, StreamConfig

from bench.report import Figure
from civic311_backbone.contracts import event_subject, to_wire
from civic311_backbone.relay.jetstream import ensure_stream
from civic311_backbone.relay.relay import Relay
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore


async def relay_figures(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings, page_size: int = 1000
) -> tuple[list[Figure], int]:
    js = nats_client.jetstream()
    events = [e async for e in store.read_all(page_size=5000)]
    raw_stream = f"{settings.stream_name}_RAW"
    raw_prefix = f"{settings.subject_prefix}raw"
    await js.add_stream(
        StreamConfig(
            name=raw_stream, subjects=[f"{raw_prefix}.>"], storage=StorageType.FILE, duplicate_window=120
        )
    )
    started = time.perf_counter()
    for start in range(0, len(events), page_size):
        futures = [
            await js.publish_async(
                event_subject(raw_prefix, e.event_type), to_wire(e), headers={"Nats-Msg-Id": str(e.event_id)}
            )
            for e in events[start : start + page_size]
        ]
        await asyncio.gather(*futures)
    ceiling = len(events) / (time.perf_counter() - started)
    await js.delete_stream(raw_stream)

    await ensure_stream(js, settings)
    relay = Relay(store=store, js=js, settings=settings, page_size=page_size)
    stop = asyncio.Event()
    conn = await asyncpg.connect(
        str(settings.database_url), server_settings={"search_path": settings.database_schema}
    )
    last = events[-1].global_position
    started = time.perf_counter()
    running = asyncio.create_task(relay.run(conn, stop))
    while relay.status.position < last:
        await asyncio.sleep(0.01)
    rate = len(events) / (time.perf_counter() - started)
    stop.set()
    await running
    await conn.close()
    return [
        Figure(
            "relay store -> JetStream, acked",
            rate,
            "events/s",
            "JetStream async publish",
            ceiling,
            target_absolute=10_000,
        )
    ], len(events)

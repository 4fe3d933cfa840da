"""PostgreSQL goes away under a running relay and consumer: both ride it out in the same process.

While the store is down their readiness says not ready and messages that reach the consumer are
delivered again (more often than `max_attempts`) without being parked; when it is back every event
appended before and after is on the bus once and handled once; SIGTERM during an outage stops both
promptly. The store is an embedded PostgreSQL of the test's own, so that it can be killed."""

from __future__ import annotations

import functools
import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from nats.aio.client import Client as NatsClient

from civic311_backbone.embedded import EmbeddedPostgres, wait_until
from civic311_backbone.relay.jetstream import dead_letter_stream
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, RecordedEvent, create_pool, notify_channel
from civic311_backbone.testing.factories import new_stream_id, request_created
from civic311_backbone.testing.plugin import settings_env
from tests.backbone.consumer_fixtures import EFFECTS_DDL
from tests.backbone.jetstream_reading import stream_count, stream_event_ids
from tests.backbone.test_consumer_runtime import _publish
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

pytestmark = pytest.mark.slow


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(tmp_path / "postgres")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def outage_settings(settings: BackboneSettings, postgres: EmbeddedPostgres) -> BackboneSettings:
    """The test's isolation (schema, stream, subjects) on the embedded server."""
    return settings.model_copy(update={"database_url": postgres.url})


async def _store(settings: BackboneSettings) -> tuple[asyncpg.Pool, EventStore]:
    pool = await create_pool(settings, application_name="outage-test")
    return pool, EventStore(pool, notify_channel=notify_channel(settings))


async def _append(store: EventStore, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        event = request_created()
        await store.append(new_stream_id(), [event], expected_version=0)
        ids.append(str(event.event_id))
    return ids


async def _ready(process: ServiceProcess) -> int:
    async with httpx.AsyncClient(timeout=15) as client:
        return (await client.get(f"{process.url}/health/ready")).status_code


def _kill(postgres: EmbeddedPostgres) -> None:
    """SIGKILL the postmaster (no shutdown: clients see their connections die), then tidy up after it."""
    assert postgres.pid is not None
    os.kill(postgres.pid, signal.SIGKILL)
    wait_until(lambda: not postgres.is_running(), timeout=10, what="postgres exit")
    postgres.stop()


def _alive(process: ServiceProcess) -> bool:
    assert process.process is not None
    return process.process.poll() is None


@pytest.fixture
async def processes(
    outage_settings: BackboneSettings, tmp_path: Path
) -> AsyncIterator[tuple[ServiceProcess, ServiceProcess]]:
    env = {**settings_env(outage_settings), "LOG_FORMAT": "console", "DB_POOL_MIN_SIZE": "1"}
    relay = ServiceProcess("civic311_backbone.relay", env, tmp_path, name="relay").start()
    await relay.wait_ready()  # it has applied the store's migrations
    consumer = ServiceProcess("tests.backbone.outage_consumer", env, tmp_path, name="consumer").start()
    await consumer.wait_ready()
    try:
        yield relay, consumer
    finally:
        relay.stop()
        consumer.stop()


async def test_relay_and_consumer_ride_out_postgres_going_away(
    postgres: EmbeddedPostgres,
    outage_settings: BackboneSettings,
    store: EventStore,
    nats_client: NatsClient,
    processes: tuple[ServiceProcess, ServiceProcess],
) -> None:
    pids = {p.name: _pid(p) for p in processes}
    pool, outage_store = await _store(outage_settings)
    await pool.execute(EFFECTS_DDL)
    appended = await _append(outage_store, 20)
    await outage_store.drain()
    await pool.close()
    await eventually(lambda: _effects(postgres, outage_settings), until=lambda n: n == 20, timeout=60)

    # Three events that will reach the consumer straight from the bus while the store is away (kept in
    # the shared test database's store only to have them as recorded events; never relayed).
    stranded = [await _recorded(store) for _ in range(3)]
    _kill(postgres)
    await _until_ready(processes, 503, timeout=30)
    for event in stranded:
        await _publish(nats_client, outage_settings, event)
    # Delivered more often than max_attempts (5), none parked: an outage is not a poison message.
    await eventually(
        lambda: _deliveries(nats_client, outage_settings),
        until=lambda n: n >= 20 + 3 * 6,
        timeout=60,
        what="the stranded events delivered again and again",
    )
    assert await stream_count(nats_client, dead_letter_stream(outage_settings)) == 0
    assert all(_alive(p) for p in processes), "a process exited on the outage"

    postgres.start()
    await _until_ready(processes, 200, timeout=60)
    pool, outage_store = await _store(outage_settings)
    appended += await _append(outage_store, 20)
    await outage_store.drain()
    await pool.close()

    await eventually(lambda: _effects(postgres, outage_settings), until=lambda n: n == 43, timeout=90)
    on_bus = await eventually(
        lambda: stream_event_ids(nats_client, outage_settings.stream_name),
        until=lambda ids: set(ids) >= set(appended),
        timeout=60,
        what="every appended event on the bus",
    )
    assert sorted(on_bus) == sorted(appended + [str(e.event_id) for e in stranded]), "lost or twice"
    assert await _effects(postgres, outage_settings, distinct=False) == 43, "an event was handled twice"
    assert await stream_count(nats_client, dead_letter_stream(outage_settings)) == 0
    assert {p.name: _pid(p) for p in processes} == pids, "a process was restarted"
    for process in processes:
        log = await eventually(
            functools.partial(_log_of, process),
            until=lambda text: "backbone reachable again" in text,
            timeout=30,
            what="a line saying the backbone is back",
        )
        assert "backbone unreachable" in log
        assert "Traceback" not in log, f"{process.name} printed a traceback:\n{process.log_tail()}"

    # SIGTERM while the store is away: each stops at once (bounded waits), and cleanly.
    _kill(postgres)
    await _until_ready(processes, 503, timeout=30)
    for process in processes:
        assert process.process is not None
        process.process.terminate()
    for process in processes:
        assert process.process is not None
        assert process.process.wait(timeout=10) == 0, process.log_tail()


async def _until_ready(processes: tuple[ServiceProcess, ...], status: int, *, timeout: float) -> None:
    """Until every process's readiness answers `status` (503: not ready; 200: ready)."""

    async def answers() -> list[int]:
        return [await _ready(p) for p in processes]

    await eventually(answers, until=lambda got: set(got) == {status}, timeout=timeout, what=f"ready {status}")


async def _log_of(process: ServiceProcess) -> str:
    return process.log_path.read_text(errors="replace")


def _pid(process: ServiceProcess) -> int:
    assert process.process is not None
    return process.process.pid


async def _recorded(store: EventStore) -> RecordedEvent:
    stream = new_stream_id()
    await store.append(stream, [request_created()], expected_version=0)
    return (await store.read_stream(stream))[0]


async def _effects(postgres: EmbeddedPostgres, settings: BackboneSettings, *, distinct: bool = True) -> int:
    conn = await asyncpg.connect(postgres.url, server_settings={"search_path": settings.database_schema})
    try:
        what = "DISTINCT event_id" if distinct else "*"
        return int(await conn.fetchval(f"SELECT count({what}) FROM test_effects"))
    finally:
        await conn.close()


async def _deliveries(nats_client: NatsClient, settings: BackboneSettings) -> int:
    """Messages delivered to the consumer, redeliveries included."""
    info = await nats_client.jetstream().consumer_info(settings.stream_name, "outage")
    return int(info.delivered.consumer_seq or 0)

"""pytest plugin: servers for the session, and per test its own schema, stream and subjects."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any
from uuid import uuid4

import asyncpg
import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js.errors import NotFoundError

from civic311_backbone.relay.jetstream import dead_letter_stream, ensure_stream
from civic311_backbone.relay.relay import Relay
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, create_pool, migrate, notify_channel
from civic311_backbone.testing.servers import nats_url, postgres_url


@pytest.fixture(scope="session")
def database_server_url() -> Iterator[str]:
    with postgres_url() as url:
        yield url


@pytest.fixture(scope="session")
def nats_server_url() -> Iterator[str]:
    with nats_url() as url:
        yield url


@pytest.fixture(scope="session")
def handed_out() -> Iterator[list[BackboneSettings]]:
    """Every test's isolation, removed when the session ends, whatever the test left behind: a test
    that only starts a service process (which migrates its own schema and makes its stream) has
    nothing else that drops them, and on a shared server they would pile up run after run."""
    handed: list[BackboneSettings] = []
    yield handed
    if handed:
        _in_a_loop_of_its_own(_remove_isolations(handed))


@pytest.fixture
def settings(
    database_server_url: str, nats_server_url: str, handed_out: list[BackboneSettings]
) -> BackboneSettings:
    """Settings that isolate this test: its own schema, JetStream stream and subject prefix."""
    tag = uuid4().hex[:12]
    isolation = BackboneSettings(
        database_url=database_server_url,
        nats_url=nats_server_url,
        database_schema=f"t_{tag}",
        stream_name=f"T_{tag}",
        subject_prefix=f"t{tag}",
    )
    handed_out.append(isolation)
    return isolation


async def _remove_isolations(handed: list[BackboneSettings]) -> None:
    conn = await asyncpg.connect(str(handed[0].database_url))
    try:
        left = await conn.fetch(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])",
            [isolation.database_schema for isolation in handed],
        )
        for row in left:
            await conn.execute(f'DROP SCHEMA "{row["nspname"]}" CASCADE')
    finally:
        await conn.close()
    client = await nats.connect(handed[0].nats_servers)
    try:
        for isolation in handed:
            for stream in (isolation.stream_name, dead_letter_stream(isolation)):
                with contextlib.suppress(NotFoundError):
                    await client.jetstream().delete_stream(stream)
    finally:
        await client.close()


def _in_a_loop_of_its_own(work: Coroutine[Any, Any, None]) -> None:
    """Run `work` to the end on a thread of its own (the session's teardown may run where a test's
    event loop is still set), and raise here what it raised."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(work)
        except BaseException as failure:  # handed to the caller's thread
            failures.append(failure)

    thread = threading.Thread(target=run, name="remove-test-isolations")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def settings_env(settings: BackboneSettings) -> dict[str, str]:
    """The environment a child process needs to work in this test's isolation."""
    return {
        "DATABASE_URL": str(settings.database_url),
        "DATABASE_SCHEMA": settings.database_schema,
        "NATS_URL": settings.nats_url,
        "STREAM_NAME": settings.stream_name,
        "SUBJECT_PREFIX": settings.subject_prefix,
        "LOG_FORMAT": "json",
    }


@pytest.fixture
async def pool(settings: BackboneSettings) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(settings, application_name="civic311-tests")
    async with pool.acquire() as conn:
        await migrate(conn)
    yield pool
    await pool.execute(f'DROP SCHEMA "{settings.database_schema}" CASCADE')
    await pool.close()


@pytest.fixture
async def store(pool: asyncpg.Pool, settings: BackboneSettings) -> AsyncIterator[EventStore]:
    event_store = EventStore(pool, notify_channel=notify_channel(settings))
    yield event_store
    await event_store.drain()


@pytest.fixture
async def nats_client(settings: BackboneSettings) -> AsyncIterator[NatsClient]:
    client = await nats.connect(settings.nats_servers)
    yield client
    for stream in (settings.stream_name, dead_letter_stream(settings)):
        with contextlib.suppress(NotFoundError):
            await client.jetstream().delete_stream(stream)
    await client.close()


@pytest.fixture
async def relay_running(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings
) -> AsyncIterator[None]:
    """The relay, in this process, publishing this test's store to its stream until the test ends."""
    await ensure_stream(nats_client.jetstream(), settings)
    relay = Relay(store=store, js=nats_client.jetstream(), settings=settings, page_size=100)
    conn = await asyncpg.connect(
        str(settings.database_url), server_settings={"search_path": settings.database_schema}
    )
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(conn, stop))
    yield
    stop.set()
    await running
    await conn.close()

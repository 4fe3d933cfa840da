"""The relay puts every stored event on JetStream exactly once, even across a SIGKILL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from nats.aio.client import Client as NatsClient

from civic311_backbone.contracts import event_subject, from_wire
from civic311_backbone.relay.relay import Relay
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import new_stream_id, request_created, status_updated
from civic311_backbone.testing.plugin import settings_env
from tests.backbone.jetstream_reading import stream_count, stream_event_ids
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually


async def _relay_connection(settings: BackboneSettings) -> asyncpg.Connection:
    return await asyncpg.connect(
        str(settings.database_url), server_settings={"search_path": settings.database_schema}
    )


async def test_relay_publishes_each_event_on_its_subject_in_order(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings
) -> None:
    stream = new_stream_id()
    await store.append(stream, [request_created("ABC-1234"), status_updated()], expected_version=0)
    relay = Relay(store=store, js=nats_client.jetstream(), settings=settings, page_size=10)
    stop = asyncio.Event()
    conn = await _relay_connection(settings)
    running = asyncio.create_task(relay.run(conn, stop))

    await eventually(lambda: stream_count(nats_client, settings.stream_name), until=lambda n: n == 2)
    # Woken by NOTIFY for a later append, not only on start.
    await store.append(stream, [status_updated("later")], expected_version=2)
    await eventually(lambda: stream_count(nats_client, settings.stream_name), until=lambda n: n == 3)
    stop.set()
    await running
    await conn.close()

    js = nats_client.jetstream()
    messages = [await js.get_msg(settings.stream_name, seq) for seq in (1, 2, 3)]
    assert [m.subject for m in messages] == [
        event_subject(settings.subject_prefix, "RequestCreated"),
        event_subject(settings.subject_prefix, "StatusUpdated"),
        event_subject(settings.subject_prefix, "StatusUpdated"),
    ]
    assert messages[0].data is not None
    first = from_wire(messages[0].data)
    assert first.payload.tracking_number == "ABC-1234"  # type: ignore[attr-defined]
    stored = await store.read_stream(stream)
    assert [str(e.event_id) for e in stored] == [m.headers["Nats-Msg-Id"] for m in messages]  # type: ignore[index]


async def test_second_relay_stands_by_until_the_first_stops(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings
) -> None:
    js = nats_client.jetstream()
    first = Relay(store=store, js=js, settings=settings, page_size=10)
    second = Relay(store=store, js=js, settings=settings, page_size=10)
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    conn_first, conn_second = await _relay_connection(settings), await _relay_connection(settings)
    running_first = asyncio.create_task(first.run(conn_first, stop_first))
    await eventually(lambda: _value(first.status.active))
    running_second = asyncio.create_task(second.run(conn_second, stop_second))

    await store.append(new_stream_id(), [request_created()], expected_version=0)
    await eventually(lambda: stream_count(nats_client, settings.stream_name), until=lambda n: n == 1)
    assert not second.status.active

    stop_first.set()
    await running_first
    await conn_first.close()
    await eventually(lambda: _value(second.status.active), timeout=10)
    await store.append(new_stream_id(), [request_created()], expected_version=0)
    await eventually(lambda: stream_count(nats_client, settings.stream_name), until=lambda n: n == 2)
    stop_second.set()
    await running_second
    await conn_second.close()
    ids = await stream_event_ids(nats_client, settings.stream_name)
    assert len(ids) == len(set(ids)) == 2


async def _value(value: bool) -> bool:
    return value


@pytest.mark.slow
async def test_relay_killed_mid_stream_and_restarted_publishes_every_event_exactly_once(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings, tmp_path: Path
) -> None:
    env = {**settings_env(settings), "RELAY_PAGE_SIZE": "200"}
    relay = ServiceProcess("civic311_backbone.relay", env, tmp_path).start()
    await relay.wait_ready()
    appended: list[str] = []

    async def keep_appending(count: int) -> None:
        for _ in range(count // 5):
            batch = [request_created()] + [status_updated() for _ in range(4)]
            await store.append(new_stream_id(), batch, expected_version=0)
            appended.extend(str(e.event_id) for e in batch)

    writer = asyncio.create_task(keep_appending(6000))
    await eventually(lambda: stream_count(nats_client, settings.stream_name), until=lambda n: n >= 1000)
    relay.kill()
    killed_at = await stream_count(nats_client, settings.stream_name)
    await writer
    assert killed_at < len(appended), "the relay was killed after it had finished: not mid-stream"

    restarted = ServiceProcess("civic311_backbone.relay", env, tmp_path, name="relay-2").start()
    try:
        await restarted.wait_ready()
        await eventually(
            lambda: stream_count(nats_client, settings.stream_name),
            until=lambda n: n >= len(appended),
            timeout=60,
        )
    finally:
        restarted.stop()

    ids = await stream_event_ids(nats_client, settings.stream_name)
    assert len(ids) == len(set(ids)), "an event was published twice"
    assert set(ids) == set(appended), "an event is missing from JetStream"

"""Consumers on a real JetStream: redelivery on failure, dead letters, exactly-once effects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from faststream.nats import NatsBroker
from nats.aio.client import Client as NatsClient
from prometheus_client import REGISTRY

from civic311_backbone.consuming import ConsumerSpec, EventConsumer
from civic311_backbone.contracts import Envelope, dead_letter_subject, event_subject, to_wire
from civic311_backbone.relay.jetstream import dead_letter_stream, ensure_stream
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, RecordedEvent
from civic311_backbone.testing.factories import new_stream_id, request_created, status_updated
from civic311_backbone.testing.plugin import settings_env
from tests.backbone.consumer_fixtures import effect_count, record_effect
from tests.support.consuming import Consumers
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually


async def _stored_event(store: EventStore) -> RecordedEvent:
    stream = new_stream_id()
    await store.append(stream, [request_created()], expected_version=0)
    return (await store.read_stream(stream))[0]


async def _publish(nats_client: NatsClient, settings: BackboneSettings, event: RecordedEvent) -> None:
    js = nats_client.jetstream()
    await ensure_stream(js, settings)
    await js.publish(
        event_subject(settings.subject_prefix, event.event_type),
        to_wire(event),
        headers={"Nats-Msg-Id": str(event.event_id)},
    )


@pytest.fixture
async def consumers(settings: BackboneSettings, nats_client: NatsClient) -> AsyncIterator[Consumers]:
    await ensure_stream(nats_client.jetstream(), settings)
    running = Consumers(NatsBroker(settings.nats_servers))
    yield running
    await running.close()


async def test_handler_that_raises_gets_the_message_again(
    store: EventStore,
    pool: asyncpg.Pool,
    settings: BackboneSettings,
    nats_client: NatsClient,
    consumers: Consumers,
) -> None:
    calls: list[int] = []

    async def flaky(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        calls.append(1)
        await record_effect(envelope, conn)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")  # the effect above is rolled back

    spec = ConsumerSpec(name="flaky", handler=flaky, backoff_seconds=(0.05,))
    await consumers.start(EventConsumer(spec=spec, pool=pool, store=store, settings=settings))
    await _publish(nats_client, settings, await _stored_event(store))

    await eventually(lambda: effect_count(pool), until=lambda n: n == 1)
    assert len(calls) == 2
    processed = await pool.fetchval("SELECT count(*) FROM processed_events WHERE consumer = 'flaky'")
    assert processed == 1


async def test_an_idempotent_handler_runs_without_a_transaction_or_a_processed_record(
    store: EventStore,
    pool: asyncpg.Pool,
    settings: BackboneSettings,
    nats_client: NatsClient,
    consumers: Consumers,
) -> None:
    in_transaction: list[bool] = []

    async def upsert(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        in_transaction.append(conn.is_in_transaction())
        await record_effect(envelope, conn)

    spec = ConsumerSpec(name="upserting", handler=upsert, idempotent=True)
    assert await effect_count(pool) == 0  # its table made now, not by two connections at once
    await consumers.start(EventConsumer(spec=spec, pool=pool, store=store, settings=settings))
    await _publish(nats_client, settings, await _stored_event(store))

    await eventually(lambda: effect_count(pool), until=lambda n: n == 1)
    assert in_transaction == [False]
    assert await pool.fetchval("SELECT count(*) FROM processed_events WHERE consumer = 'upserting'") == 0
    info = await eventually(
        lambda: nats_client.jetstream().consumer_info(settings.stream_name, "upserting"),
        until=lambda i: i.num_ack_pending == 0,
    )
    assert info.num_pending == 0


async def test_message_that_always_fails_is_parked_on_the_dead_letter_subject(
    store: EventStore,
    pool: asyncpg.Pool,
    settings: BackboneSettings,
    nats_client: NatsClient,
    consumers: Consumers,
) -> None:
    calls: list[int] = []

    async def broken(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        calls.append(1)
        raise ValueError("no department for this service code")

    spec = ConsumerSpec(name="broken", handler=broken, max_attempts=3, backoff_seconds=(0.05,))
    await consumers.start(EventConsumer(spec=spec, pool=pool, store=store, settings=settings))
    event = await _stored_event(store)
    await _publish(nats_client, settings, event)

    js = nats_client.jetstream()
    dlq = dead_letter_stream(settings)
    await eventually(lambda: _messages(nats_client, dlq), until=lambda n: n == 1)
    parked = await js.get_msg(dlq, 1)
    assert parked.subject == dead_letter_subject(settings.subject_prefix, "broken")
    assert parked.headers is not None
    assert "no department for this service code" in parked.headers["Civic311-Error"]
    assert parked.headers["Civic311-Attempts"] == "3"
    assert parked.data == to_wire(event)
    assert len(calls) == 3
    assert await pool.fetchval("SELECT count(*) FROM processed_events") == 0
    assert REGISTRY.get_sample_value("civic311_consumer_parked_events_total", {"consumer": "broken"}) == 1
    assert REGISTRY.get_sample_value("civic311_consumer_retried_events_total", {"consumer": "broken"}) == 2
    # And it is not delivered again once parked.
    info = await js.consumer_info(settings.stream_name, "broken")
    assert info.num_ack_pending == 0 and info.num_pending == 0


async def _messages(nats_client: NatsClient, stream: str) -> int:
    try:
        return int((await nats_client.jetstream().stream_info(stream)).state.messages)
    except Exception:
        return 0


@pytest.mark.slow
async def test_consumer_killed_after_commit_before_ack_does_not_apply_twice(
    store: EventStore,
    pool: asyncpg.Pool,
    settings: BackboneSettings,
    nats_client: NatsClient,
    tmp_path: Path,
) -> None:
    event = await _stored_event(store)
    await _publish(nats_client, settings, event)
    env = {**settings_env(settings), "CRASH_MARKER": str(tmp_path / "crashed")}

    first = ServiceProcess("tests.backbone.crashing_consumer", env, tmp_path, name="first").start()
    assert first.process is not None
    await eventually(lambda: _exited(first), timeout=30, what="consumer killed itself")
    assert first.process.returncode == -9
    assert await effect_count(pool) == 1

    second = ServiceProcess("tests.backbone.crashing_consumer", env, tmp_path, name="second").start()
    try:
        await second.wait_ready()
        js = nats_client.jetstream()

        async def acked() -> bool:
            info = await js.consumer_info(settings.stream_name, "crashing")
            return info.ack_floor is not None and info.ack_floor.stream_seq == 1

        await eventually(acked, timeout=30, what="redelivered message acknowledged")
        info = await js.consumer_info(settings.stream_name, "crashing")
        # The consumer sequence counts deliveries: 2 means the unacked message came again.
        assert info.delivered.consumer_seq >= 2, "the message was never redelivered"
    finally:
        second.stop()
    assert await effect_count(pool) == 1


async def _exited(process: ServiceProcess) -> bool:
    assert process.process is not None
    return process.process.poll() is not None


def test_dead_letter_error_of_a_validation_failure_leaves_out_the_input() -> None:
    from pydantic import BaseModel, ValidationError

    from civic311_backbone.consuming.runtime import describe

    class Contact(BaseModel):
        phone: int

    try:
        Contact.model_validate({"phone": "resident@example.org"})
    except ValidationError as error:
        described = describe(error)
    assert "resident@example.org" not in described
    assert "phone" in described


async def test_requests_are_handled_side_by_side_and_each_ones_events_in_order(
    store: EventStore,
    pool: asyncpg.Pool,
    settings: BackboneSettings,
    nats_client: NatsClient,
    consumers: Consumers,
) -> None:
    seen: list[tuple[str, int]] = []
    in_flight = [0]
    most_at_once = [0]

    async def slow(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        in_flight[0] += 1
        most_at_once[0] = max(most_at_once[0], in_flight[0])
        await asyncio.sleep(0.02)  # a handler's round trips to the database
        seen.append((envelope.stream_id, envelope.stream_version))
        in_flight[0] -= 1

    streams = [new_stream_id() for _ in range(6)]
    for version in range(1, 5):  # interleaved: every stream's 1st event, then every 2nd, ...
        for stream in streams:
            await store.append(stream, [status_updated()], expected_version=version - 1)
            await _publish(nats_client, settings, (await store.read_stream(stream))[-1])
    # Started on the whole backlog, however slowly the machine published it: lanes have work at once.
    spec = ConsumerSpec(name="lanes", handler=slow, lanes=4)
    await consumers.start(EventConsumer(spec=spec, pool=pool, store=store, settings=settings))

    await eventually(lambda: _count(seen), until=lambda n: n == 24)
    for stream in streams:
        assert [v for s, v in seen if s == stream] == [1, 2, 3, 4]
    assert most_at_once[0] > 1


async def _count(items: list[Any]) -> int:
    return len(items)


async def test_a_lanes_waiting_events_share_one_transaction_and_a_failing_one_is_retried_alone(
    store: EventStore,
    pool: asyncpg.Pool,
    settings: BackboneSettings,
    nats_client: NatsClient,
    consumers: Consumers,
) -> None:
    streams = [new_stream_id() for _ in range(2)]
    events: list[RecordedEvent] = []
    for version in range(1, 7):
        for stream in streams:
            await store.append(stream, [status_updated()], expected_version=version - 1)
            events.append((await store.read_stream(stream))[-1])
    for event in events:
        await _publish(nats_client, settings, event)
    # The same event again under another message id (a publisher's retry): handled once all the same.
    js = nats_client.jetstream()
    await js.publish(
        event_subject(settings.subject_prefix, events[0].event_type),
        to_wire(events[0]),
        headers={"Nats-Msg-Id": f"{events[0].event_id}-again"},
    )
    failing = events[5].event_id
    calls: list[tuple[str, int, int]] = []  # stream, version, transaction
    failed: list[object] = []

    async def handler(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        transaction = int(await conn.fetchval("SELECT txid_current()"))
        calls.append((envelope.stream_id, envelope.stream_version, transaction))
        await record_effect(envelope, conn)
        if envelope.event_id == failing and len(failed) < 2:
            # Fails in its batch (rolling the batch back) and again on its own: delivered again later.
            failed.append(envelope.event_id)
            raise RuntimeError("database hiccup")

    assert await effect_count(pool) == 0  # the effects table made before the consumer starts
    spec = ConsumerSpec(name="batched", handler=handler, lanes=1, batch=8, backoff_seconds=(0.05,))
    await consumers.start(EventConsumer(spec=spec, pool=pool, store=store, settings=settings))

    await eventually(lambda: effect_count(pool), until=lambda n: n == len(events))
    rows = await pool.fetch("SELECT event_id FROM test_effects")
    assert sorted(str(r["event_id"]) for r in rows) == sorted(str(e.event_id) for e in events)
    processed = await pool.fetchval("SELECT count(*) FROM processed_events WHERE consumer = 'batched'")
    assert processed == len(events)
    per_transaction: dict[int, int] = {}
    for _, _, transaction in calls:
        per_transaction[transaction] = per_transaction.get(transaction, 0) + 1
    assert max(per_transaction.values()) > 1  # a backlog went in batches, not one commit per event
    failing_key = (events[5].stream_id, events[5].stream_version)
    # Its batch, alone, then delivered again: and every message, the repeated one too, acknowledged.
    assert sum(1 for s, v, _ in calls if (s, v) == failing_key) == 3
    await eventually(
        lambda: js.consumer_info(settings.stream_name, "batched"),
        until=lambda i: i.num_ack_pending == 0 and i.num_pending == 0,
    )

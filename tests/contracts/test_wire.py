"""The subjects and headers the relay and the consumers really use are the documented ones.

(test_schemas checks the message bodies: the exact bytes the relay publishes, from `to_wire`.)
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg
from faststream.nats import NatsBroker
from nats.aio.client import Client as NatsClient

from civic311.contracts_export import asyncapi_document
from civic311_backbone.consuming import ConsumerSpec, EventConsumer
from civic311_backbone.contracts import Envelope
from civic311_backbone.relay.jetstream import dead_letter_stream, ensure_stream
from civic311_backbone.relay.relay import Relay
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import new_stream_id, request_created, status_updated
from tests.backbone.jetstream_reading import stream_count
from tests.contracts.support import assert_headers_match
from tests.support.consuming import consuming
from tests.support.waiting import eventually


async def _relay(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings, *, count: int
) -> None:
    """Run a relay until the stream holds `count` events."""
    relay = Relay(store=store, js=nats_client.jetstream(), settings=settings, page_size=10)
    stop = asyncio.Event()
    conn = await asyncpg.connect(
        str(settings.database_url), server_settings={"search_path": settings.database_schema}
    )
    running = asyncio.create_task(relay.run(conn, stop))
    try:
        await eventually(lambda: stream_count(nats_client, settings.stream_name), until=lambda n: n == count)
    finally:
        stop.set()
        await running
        await conn.close()


async def test_relayed_events_have_the_documented_subjects_and_headers(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings
) -> None:
    await store.append(new_stream_id(), [request_created(), status_updated()], expected_version=0)

    await _relay(store, nats_client, settings, count=2)

    document = asyncapi_document(settings.subject_prefix)
    for sequence in (1, 2):
        msg = await nats_client.jetstream().get_msg(settings.stream_name, sequence)
        assert msg.data is not None
        body = json.loads(msg.data)
        assert msg.subject == document["channels"][body["event_type"]]["address"]
        assert_headers_match(msg.headers, document["components"]["schemas"]["RelayHeaders"])
        assert msg.headers is not None and msg.headers["Nats-Msg-Id"] == body["event_id"]


async def test_a_parked_message_has_the_documented_dead_letter_subject_and_headers(
    store: EventStore,
    pool: asyncpg.Pool,
    nats_client: NatsClient,
    settings: BackboneSettings,
) -> None:
    async def always_fails(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        raise ValueError("no department for this service code")

    await ensure_stream(nats_client.jetstream(), settings)
    broker = NatsBroker(settings.nats_servers)
    spec = ConsumerSpec(name="contracts-test", handler=always_fails, max_attempts=1)
    async with consuming(broker, [EventConsumer(spec=spec, pool=pool, store=store, settings=settings)]):
        await store.append(new_stream_id(), [request_created(), status_updated()], expected_version=0)
        await _relay(store, nats_client, settings, count=2)
        dlq = dead_letter_stream(settings)
        await eventually(lambda: stream_count(nats_client, dlq), until=lambda n: n == 2)

    document = asyncapi_document(settings.subject_prefix)
    channel = document["channels"]["DeadLetter"]
    parked = await nats_client.jetstream().get_msg(dlq, 1)
    assert parked.subject == channel["address"].replace("{consumer}", "contracts-test")
    assert_headers_match(parked.headers, document["components"]["schemas"]["DeadLetterHeaders"])
    assert parked.headers is not None and parked.headers["Civic311-Consumer"] == "contracts-test"

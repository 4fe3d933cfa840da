"""End to end on real PostgreSQL and NATS: a stored RequestCreated comes back as one Assigned, and a
stored TransferRequested as one Assigned that moves the request, or one TransferRefused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from faststream.nats import NatsBroker
from nats.aio.client import Client as NatsClient

from civic311_backbone.consuming import EventConsumer
from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Envelope,
    Location,
    RequestCreated,
    TransferRequested,
    event_subject,
    from_record,
    new_event,
    to_wire,
)
from civic311_backbone.service.runner import Resources, migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, RecordedEvent
from civic311_backbone.testing.factories import RESIDENT, new_stream_id
from civic311_city import load_city
from civic311_city.calendar import due_at
from civic311_city.city import build_calendar
from civic311_routing.adapters.watching import load_watch
from civic311_routing.domain.breach import Watch
from civic311_routing.domain.routing import Router
from civic311_routing.entrypoints.consumer import routing_handler
from civic311_routing.settings import RoutingSettings
from civic311_routing.wiring import SERVICE as ROUTING_SERVICE
from civic311_routing.wiring import build_router, wire
from tests.support.consuming import consuming
from tests.support.waiting import eventually


def _router(settings: RoutingSettings) -> Router:
    return build_router(settings, load_city(settings))


def _routing_settings(settings: BackboneSettings) -> RoutingSettings:
    return RoutingSettings(**settings.model_dump())


def _pothole(**answers: str) -> RequestCreated:
    return RequestCreated(
        tracking_number=uuid4().hex[:8].upper(),
        service_code="POTHOLE",
        description="Deep pothole by the bus stop",
        location=Location(lat=42.37, long=-71.10),  # the sample city's North district
        attributes=answers,
        channel="web",
    )


@pytest.fixture
async def routing_running(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, relay_running: None
) -> AsyncIterator[EventConsumer]:
    """Routing's consumer, running (on this test's stream), to count the events it has handled."""
    broker = NatsBroker(settings.nats_servers)
    resources = Resources(settings=_routing_settings(settings), pool=pool, store=store, broker=broker)
    async with pool.acquire() as conn:
        await migrate_service(conn, ROUTING_SERVICE)
    [consumer] = (await wire(resources)).consumers
    async with consuming(broker, [consumer]):
        yield consumer


async def _assigned(store: EventStore, stream: str) -> list[RecordedEvent]:
    return [e for e in await store.read_stream(stream) if e.event_type == "Assigned"]


async def _stored_pothole(store: EventStore) -> tuple[str, Envelope[Any]]:
    """A pothole report in a stream of its own, and its RequestCreated as the bus would bring it."""
    stream = new_stream_id()
    await store.append(stream, [new_event(_pothole(), actor=RESIDENT)], expected_version=0)
    return stream, from_record((await store.read_stream(stream))[0])


async def _watch(pool: asyncpg.Pool, stream: str) -> Watch | None:
    async with pool.acquire() as conn:
        return await load_watch(conn, stream)


async def test_new_request_is_assigned_with_department_queue_due_time_and_rule(
    store: EventStore, pool: asyncpg.Pool, settings: BackboneSettings, routing_running: EventConsumer
) -> None:
    # Given a large pothole reported in the North district
    stream = new_stream_id()
    await store.append(stream, [new_event(_pothole(SIZE="large"), actor=RESIDENT)], expected_version=0)

    # When routing has seen it, then one Assigned follows in the request's own stream
    assigned = await eventually(lambda: _assigned(store, stream), what="Assigned in the store")
    created = (await store.read_stream(stream))[0]
    assert len(assigned) == 1
    payload = assigned[0].payload
    assert (payload["department"], payload["queue"], payload["district"]) == (
        "Public Works",
        "PWD-Streets-North",
        "North",
    )
    assert (payload["priority"], payload["rule"], payload["reason"]) == ("high", "large-pothole", "routing")
    expected_due = due_at(build_calendar(_routing_settings(settings)), created.occurred_at, "working_days", 2)
    assert from_record(assigned[0]).payload.due_at == expected_due  # type: ignore[attr-defined]
    assert assigned[0].causation_id == created.event_id
    assert assigned[0].correlation_id == created.correlation_id
    assert assigned[0].actor == {"kind": "service", "id": "routing"}
    # and routing's Assigned, coming back over the bus, is in its watch for breach warnings
    watch = await eventually(lambda: _watch(pool, stream), what="the request's watch")
    assert watch is not None
    assert (watch.due_at, watch.queue, watch.assigned_by) == (
        expected_due,
        "PWD-Streets-North",
        assigned[0].event_id,
    )
    # with no processed-event record: each of routing's writes is idempotent by itself
    records = "SELECT count(*) FROM processed_events WHERE consumer = 'routing'"
    assert await pool.fetchval(records) == 0


async def test_handling_the_same_request_twice_stores_one_assigned(
    store: EventStore, pool: asyncpg.Pool, settings: BackboneSettings
) -> None:
    # Given a stored request, when the handler runs for it twice (a redelivery),
    stream, envelope = await _stored_pothole(store)
    handle = routing_handler(_router(_routing_settings(settings)), store)
    for _ in range(2):
        async with pool.acquire() as conn:
            await handle(envelope, conn)

    # then the stream holds one Assigned, with the deterministic id
    assert len(await _assigned(store, stream)) == 1


async def test_a_request_delivered_again_after_the_calendar_changed_keeps_its_first_assignment(
    store: EventStore, pool: asyncpg.Pool, settings: BackboneSettings
) -> None:
    # Given a pothole routing assigned (two working days)
    stream, created = await _stored_pothole(store)
    async with pool.acquire() as conn:
        await migrate_service(conn, ROUTING_SERVICE)
        await routing_handler(_router(_routing_settings(settings)), store)(created, conn)
    first = from_record((await _assigned(store, stream))[0]).payload
    # When it is delivered again to a routing restarted with a fortnight of closures (it would now be
    # due later), and every stored event of the request is then folded, as the bus brings them back
    closures = tuple(created.occurred_at.date() + timedelta(days=d) for d in range(14))
    later = RoutingSettings(**settings.model_dump(), closure_dates=closures)
    handle = routing_handler(_router(later), store)
    async with pool.acquire() as conn:
        for record in [created, *map(from_record, await store.read_stream(stream))]:
            await handle(record, conn)

    # Then the request keeps its one Assigned, and the watch the due time that Assigned gives
    assigned = await _assigned(store, stream)
    assert len(assigned) == 1
    watch = await _watch(pool, stream)
    assert watch is not None and watch.due_at == first.due_at  # type: ignore[attr-defined]
    assert due_at(build_calendar(later), created.occurred_at, "working_days", 2) > watch.due_at


STAFF = Actor(kind="staff", id="supervisor-1")


async def _answers(store: EventStore, stream: str, cause: Envelope[Any]) -> list[RecordedEvent]:
    """Routing's answers to a transfer: the events it caused."""
    return [e for e in await store.read_stream(stream) if e.causation_id == cause.event_id]


async def _handled(consumer: EventConsumer) -> int:
    return consumer.handled


def _assignment(record: RecordedEvent) -> Assigned:
    payload = from_record(record).payload
    assert isinstance(payload, Assigned), record
    return payload


async def _asked(store: EventStore, stream: str, transfer: TransferRequested) -> Envelope[Any]:
    """Staff's TransferRequested, stored on the request's stream, as the bus would bring it."""
    await store.append(stream, [new_event(transfer, actor=STAFF)], expected_version=None)
    return from_record((await store.read_stream(stream))[-1])


async def _delivered_again(nats_client: NatsClient, settings: BackboneSettings, event: RecordedEvent) -> None:
    """The same event published once more under another message id: JetStream keeps it, and routing's
    consumer is handed it a second time, as after a lost acknowledgement."""
    await nats_client.jetstream().publish(
        event_subject(settings.subject_prefix, event.event_type),
        to_wire(event),
        headers={"Nats-Msg-Id": f"{event.event_id}/again"},
    )


async def test_a_transfer_is_answered_by_one_assigned_even_when_delivered_twice(
    store: EventStore,
    pool: asyncpg.Pool,
    settings: BackboneSettings,
    nats_client: NatsClient,
    routing_running: EventConsumer,
) -> None:
    # Given a pothole routing assigned to the North streets crew (its type continues the clock)
    stream, _ = await _stored_pothole(store)
    first = (await eventually(lambda: _assigned(store, stream), what="routing's Assigned"))[0]

    # When staff ask for it to go to Transportation, naming no queue
    transfer = await _asked(store, stream, TransferRequested(department="Transportation", note="A signal"))

    # Then routing appends one Assigned there, the clock continued, caused by the transfer
    answers = await eventually(lambda: _answers(store, stream, transfer), what="routing's answer")
    moved, assignment = answers[0], _assignment(answers[0])
    assert moved.actor == {"kind": "service", "id": "routing"}
    assert (assignment.department, assignment.queue, assignment.district) == (
        "Transportation",
        "BTD-Signals",
        "North",
    )
    assert (assignment.reason, assignment.clock, assignment.rule, assignment.note) == (
        "transfer",
        "continued",
        None,
        "A signal",
    )
    assert assignment.due_at == _assignment(first).due_at
    assert moved.correlation_id == transfer.correlation_id
    # and the breach watch follows the new assignment
    watch = await eventually(
        lambda: _watch(pool, stream), until=lambda w: w is not None and w.queue == "BTD-Signals"
    )
    assert watch is not None and watch.assigned_by == moved.event_id

    # When routing has handled the request's four events (created, assigned, transfer, assigned), and
    # the transfer is then delivered again
    await eventually(lambda: _handled(routing_running), until=lambda count: count == 4)
    await _delivered_again(
        nats_client, settings, (await store.read_stream(stream))[transfer.stream_version - 1]
    )

    # Then once routing has handled it, the transfer still has its one answer
    await eventually(lambda: _handled(routing_running), until=lambda count: count == 5)
    assert [e.event_id for e in await _answers(store, stream, transfer)] == [moved.event_id]


async def test_a_transfer_routing_cannot_accept_is_refused_with_the_reason(
    store: EventStore, routing_running: EventConsumer
) -> None:
    # Given an assigned pothole
    stream, _ = await _stored_pothole(store)
    await eventually(lambda: _assigned(store, stream), what="routing's Assigned")

    # When staff ask for a department the city does not have
    transfer = await _asked(store, stream, TransferRequested(department="Parks", queue="PRK-Maintenance"))

    # Then routing refuses it, once, and the request stays where it was
    answers = await eventually(lambda: _answers(store, stream, transfer), what="routing's answer")
    assert [(e.event_type, e.payload) for e in answers] == [
        (
            "TransferRefused",
            {
                "department": "Parks",
                "queue": "PRK-Maintenance",
                "reason": "not a department of this city: 'Parks'",
            },
        )
    ]
    assert len(await _assigned(store, stream)) == 1


@pytest.mark.parametrize(
    ("transfer", "answer_type"),
    [
        (TransferRequested(department="Public Works", queue="PWD-Graffiti-North"), "Assigned"),
        (TransferRequested(department="Public Works", queue="PWD-Nowhere"), "TransferRefused"),
    ],
)
async def test_handling_the_same_transfer_twice_stores_one_answer(
    store: EventStore,
    pool: asyncpg.Pool,
    settings: BackboneSettings,
    transfer: TransferRequested,
    answer_type: str,
) -> None:
    # Given an assigned pothole and staff's transfer of it
    stream, created = await _stored_pothole(store)
    handle = routing_handler(_router(_routing_settings(settings)), store)
    async with pool.acquire() as conn:
        await handle(created, conn)
    asked = await _asked(store, stream, transfer)

    # When the handler runs for the transfer twice (a redelivery)
    for _ in range(2):
        async with pool.acquire() as conn:
            await handle(asked, conn)

    # Then the stream holds one answer
    assert [e.event_type for e in await _answers(store, stream, asked)] == [answer_type]


async def test_a_transfer_restarts_the_clock_from_when_staff_asked_when_the_type_says_so(
    store: EventStore, pool: asyncpg.Pool, settings: BackboneSettings
) -> None:
    # Given graffiti routing assigned (its type restarts the clock on a transfer: ten working days)
    stream = new_stream_id()
    graffiti = _pothole().model_copy(update={"service_code": "GRAFFITI"})
    await store.append(stream, [new_event(graffiti, actor=RESIDENT)], expected_version=0)
    handle = routing_handler(_router(_routing_settings(settings)), store)
    async with pool.acquire() as conn:
        await handle(from_record((await store.read_stream(stream))[0]), conn)

    # When staff transfer it to Parks and routing handles that
    asked = await _asked(store, stream, TransferRequested(department="Parks and Recreation"))
    async with pool.acquire() as conn:
        await handle(asked, conn)

    # Then the new due time counts ten working days from the transfer
    moved = _assignment((await _answers(store, stream, asked))[0])
    calendar = build_calendar(_routing_settings(settings))
    assert (moved.queue, moved.clock) == ("PRK-Forestry", "restarted")
    assert moved.due_at == due_at(calendar, asked.occurred_at, "working_days", 10)

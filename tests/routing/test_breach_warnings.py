"""Breach warnings on real PostgreSQL (a clock the test sets) and end to end with NATS (the real clock)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from faststream.nats import NatsBroker
from nats.aio.client import Client as NatsClient

from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Closed,
    Location,
    Payload,
    RequestCreated,
    from_record,
    new_event,
    utc_now,
)
from civic311_backbone.relay.jetstream import ensure_stream
from civic311_backbone.relay.relay import Relay
from civic311_backbone.service.runner import Resources, migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import RESIDENT, new_stream_id
from civic311_city import load_city
from civic311_routing.adapters.watching import load_watch, save_watch
from civic311_routing.application.breach_watcher import BreachWatcher
from civic311_routing.domain.routing import Router
from civic311_routing.entrypoints.consumer import routing_handler
from civic311_routing.settings import RoutingSettings
from civic311_routing.wiring import SERVICE as ROUTING_SERVICE
from civic311_routing.wiring import build_router, wire
from tests.support.consuming import consuming
from tests.support.waiting import eventually

STAFF = Actor(kind="staff", id="supervisor-1")
LEAD = timedelta(hours=4)
START = datetime.fromisoformat("2026-01-08T15:00:00+00:00")


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def _router(settings: RoutingSettings) -> Router:
    return build_router(settings, load_city(settings))


def _routing_settings(settings: BackboneSettings, **overrides: Any) -> RoutingSettings:
    return RoutingSettings(**settings.model_dump(), **overrides)


def _request(service_code: str = "NO_SUCH_TYPE") -> RequestCreated:
    """By default a type routing does not know: it goes to triage untimed, so the test sets the clock."""
    return RequestCreated(
        tracking_number=uuid4().hex[:8].upper(),
        service_code=service_code,
        location=Location(lat=42.37, long=-71.10),
        channel="phone",
    )


def _transfer(due_at: datetime, queue: str = "PWD-Streets-North") -> Assigned:
    return Assigned(
        department="Public Works", queue=queue, due_at=due_at, reason="transfer", clock="restarted"
    )


async def _warnings(store: EventStore, stream: str) -> list[tuple[str, str]]:
    return [
        (e.payload["stage"], e.payload["due_at"])
        for e in await store.read_stream(stream)
        if e.event_type == "SlaWarning"
    ]


@pytest.fixture
async def routing_tables(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await migrate_service(conn, ROUTING_SERVICE)


class Desk:
    """Files requests and staff actions in the store, and lets routing's handler see every event of the
    stream, as its consumer would (no transaction: each write commits on its own; seeing an event
    again changes nothing)."""

    def __init__(self, store: EventStore, pool: asyncpg.Pool, settings: BackboneSettings) -> None:
        self.store, self.pool = store, pool
        self.handle = routing_handler(_router(_routing_settings(settings)), store)

    async def file(self, *payloads: Payload) -> str:
        stream = new_stream_id()
        await self.store.append(stream, [new_event(_request(), actor=RESIDENT)], expected_version=0)
        await self.act(stream)  # routing assigns it
        await self.act(stream, *payloads)
        return stream

    async def act(self, stream: str, *payloads: Payload) -> None:
        if payloads:
            events = [new_event(p, actor=STAFF) for p in payloads]
            await self.store.append(stream, events, expected_version=None)
        for record in await self.store.read_stream(stream):
            async with self.pool.acquire() as conn:
                await self.handle(from_record(record), conn)


@pytest.fixture
def desk(store: EventStore, pool: asyncpg.Pool, settings: BackboneSettings, routing_tables: None) -> Desk:
    return Desk(store, pool, settings)


def _watcher(store: EventStore, pool: asyncpg.Pool, clock: FakeClock) -> BreachWatcher:
    return BreachWatcher(pool=pool, store=store, lead=LEAD, clock=clock)


async def test_approaching_then_breached_each_once_however_often_the_watcher_looks(
    desk: Desk, store: EventStore, pool: asyncpg.Pool
) -> None:
    # Given a request transferred with a due time two days ahead
    due = START + timedelta(days=2)
    stream = await desk.file(_transfer(due))
    clock = FakeClock(START)
    watcher = _watcher(store, pool, clock)

    # When the watcher looks before the lead, inside it (twice), and after the due time (twice)
    seen = []
    for now in (due - LEAD - timedelta(minutes=1), due - LEAD, due - timedelta(hours=1), due, due):
        clock.now = now
        await watcher.warn_due()
        seen.append(len(await _warnings(store, stream)))

    # Then the stream holds one approaching warning, then one breach
    assert seen == [0, 1, 1, 2, 2]
    assert await _warnings(store, stream) == [
        ("approaching", due.isoformat().replace("+00:00", "Z")),
        ("breached", due.isoformat().replace("+00:00", "Z")),
    ]
    warning = next(e for e in await store.read_stream(stream) if e.event_type == "SlaWarning")
    assigned = [e for e in await store.read_stream(stream) if e.event_type == "Assigned"][-1]
    assert (warning.causation_id, warning.correlation_id) == (assigned.event_id, assigned.correlation_id)
    assert warning.actor == {"kind": "service", "id": "routing"}


async def test_a_closed_request_gets_no_warning(desk: Desk, store: EventStore, pool: asyncpg.Pool) -> None:
    due = START + timedelta(days=1)
    stream = await desk.file(_transfer(due), Closed(resolution="resolved"))
    watcher = _watcher(store, pool, FakeClock(due + timedelta(days=1)))

    assert await watcher.warn_due() == 0
    assert await _warnings(store, stream) == []


async def test_a_transfer_that_moves_the_due_time_gets_new_warnings(
    desk: Desk, store: EventStore, pool: asyncpg.Pool
) -> None:
    # Given a request that breached its first due time
    first_due = START + timedelta(days=1)
    stream = await desk.file(_transfer(first_due))
    clock = FakeClock(first_due)
    await _watcher(store, pool, clock).warn_due()
    # When staff transfer it with a new due time, and that one passes too
    second_due = first_due + timedelta(days=3)
    await desk.act(stream, _transfer(second_due, queue="PWD-Sidewalks"))
    clock.now = second_due
    await _watcher(store, pool, clock).warn_due()
    # Then each due time had its breach told once
    stages = await _warnings(store, stream)
    assert [stage for stage, _ in stages] == ["breached", "breached"]
    assert len({due for _, due in stages}) == 2


async def test_two_watchers_at_once_warn_once(desk: Desk, store: EventStore, pool: asyncpg.Pool) -> None:
    # Given forty requests past their due time, when two routing instances look at the same moment
    due = START + timedelta(hours=1)
    streams = [await desk.file(_transfer(due)) for _ in range(40)]
    clock = FakeClock(due + timedelta(minutes=5))
    watchers = [BreachWatcher(pool=pool, store=store, lead=LEAD, clock=clock, batch=5) for _ in range(2)]
    counts = await asyncio.gather(*(watcher.warn_due() for watcher in watchers))
    # then every request was told of its breach exactly once, between them
    assert sum(counts) == 40
    told = [[stage for stage, _ in await _warnings(store, stream)] for stream in streams]
    assert told == [["breached"]] * 40


async def test_a_watch_lost_and_rebuilt_stores_no_second_warning(
    desk: Desk, store: EventStore, pool: asyncpg.Pool
) -> None:
    # Given a breach already told, when routing's watch is lost and rebuilt from the stream
    due = START + timedelta(hours=1)
    stream = await desk.file(_transfer(due))
    clock = FakeClock(due)
    await _watcher(store, pool, clock).warn_due()
    await pool.execute("DELETE FROM routing_sla_watch")
    await pool.execute("DELETE FROM processed_events")
    await desk.act(stream)
    await _watcher(store, pool, clock).warn_due()
    # then the warning's fixed id means it is stored once
    assert [stage for stage, _ in await _warnings(store, stream)] == ["breached"]


async def test_a_watch_written_from_a_stale_read_is_refused_and_the_warning_given_meanwhile_kept(
    desk: Desk, store: EventStore, pool: asyncpg.Pool
) -> None:
    # Given a request due in an hour whose watch the consumer has just read (to fold a close into it)
    due = START + timedelta(hours=1)
    stream = await desk.file(_transfer(due))
    async with pool.acquire() as conn:
        read = await load_watch(conn, stream)
    assert read is not None and read.warned is None
    # When the watcher tells the breach before the consumer writes what it folded from that read
    assert await _watcher(store, pool, FakeClock(due)).warn_due() == 1
    async with pool.acquire() as conn:
        written = await save_watch(conn, replace(read, version=read.version + 1, open=False), previous=read)
        current = await load_watch(conn, stream)
    # Then that write is refused, and the watch still says the breach was told
    assert written is False
    assert current is not None and (current.open, current.warned) == (True, "breached")
    # and the close, folded as the consumer folds it (read again, write), keeps that too
    await desk.act(stream, Closed(resolution="resolved"))
    async with pool.acquire() as conn:
        final = await load_watch(conn, stream)
    assert final is not None and (final.open, final.warned) == (False, "breached")


# End to end: relay, routing's consumer and its background watcher, real clock, real NATS.


@pytest.fixture
async def routing_running(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, nats_client: NatsClient
) -> AsyncIterator[None]:
    await ensure_stream(nats_client.jetstream(), settings)
    relay = Relay(store=store, js=nats_client.jetstream(), settings=settings, page_size=100)
    relay_conn = await asyncpg.connect(
        str(settings.database_url), server_settings={"search_path": settings.database_schema}
    )
    stop = asyncio.Event()
    routing = _routing_settings(
        settings, sla_warning_lead=timedelta(seconds=3), sla_warning_idle=timedelta(seconds=1)
    )
    broker = NatsBroker(settings.nats_servers)
    async with pool.acquire() as conn:
        await migrate_service(conn, ROUTING_SERVICE)
    wiring = await wire(Resources(settings=routing, pool=pool, store=store, broker=broker))
    async with consuming(broker, wiring.consumers):
        tasks: list[asyncio.Future[None]] = [asyncio.ensure_future(relay.run(relay_conn, stop))]
        tasks += [asyncio.ensure_future(task(stop)) for task in wiring.background]
        yield
        stop.set()
        await asyncio.gather(*tasks)
    await relay_conn.close()


async def _routed(store: EventStore, stream: str) -> Any:
    return [e for e in await store.read_stream(stream) if e.event_type == "Assigned"]


async def test_supervisors_are_warned_before_and_at_the_breach_and_never_for_a_closed_request(
    store: EventStore, routing_running: None
) -> None:
    # Given two requests that routing has assigned (untimed: a type it does not know)
    late, closed = new_stream_id(), new_stream_id()
    for stream in (late, closed):
        await store.append(stream, [new_event(_request(), actor=RESIDENT)], expected_version=0)
        await eventually(lambda s=stream: _routed(store, s), timeout=40, what=f"{stream} assigned")  # type: ignore[misc]

    # When staff transfer both with due times a few seconds ahead (the warning lead is 3 s), and close
    # one of them at once
    now = utc_now()
    await store.append(
        late, [new_event(_transfer(now + timedelta(seconds=9)), actor=STAFF)], expected_version=2
    )
    await store.append(
        closed,
        [
            new_event(_transfer(now + timedelta(seconds=8)), actor=STAFF),
            new_event(Closed(resolution="resolved"), actor=STAFF),
        ],
        expected_version=2,
    )

    # Then the late one is told "approaching" (3 s ahead), then "breached", once each
    warned = await eventually(
        lambda: _warnings(store, late), until=lambda w: len(w) >= 2, timeout=40, what="both warnings"
    )
    assert [stage for stage, _ in warned] == ["approaching", "breached"]
    # and the closed one, due a second earlier, none: the watcher had passed its due time already
    assert await _warnings(store, closed) == []
    assert [e.event_type for e in await store.read_stream(closed)] == [
        "RequestCreated",
        "Assigned",
        "Assigned",
        "Closed",
    ]

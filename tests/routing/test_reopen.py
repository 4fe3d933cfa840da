"""A reopened request is routed again: routing appends an Assigned (reason reopen) with a fresh clock,
once, even when the reopening is handled twice."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import asyncpg

from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Closed,
    Location,
    RequestCreated,
    StatusUpdated,
    from_record,
    new_event,
)
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import RESIDENT, new_stream_id
from civic311_city import load_city
from civic311_city.loading import load_catalogue, load_districts
from civic311_routing.adapters.rules_file import load_rules
from civic311_routing.domain.reopen import decide_reopen
from civic311_routing.domain.routing import Router
from civic311_routing.domain.transfer import RequestSoFar
from civic311_routing.entrypoints.consumer import routing_handler
from civic311_routing.settings import RoutingSettings
from civic311_routing.wiring import SERVICE as ROUTING_SERVICE
from civic311_routing.wiring import build_router
from tests.city.calendars import city_hall, local

STAFF = Actor(kind="staff", id="supervisor-1")
NORTH = Location(lat=42.37, long=-71.10)


def _pothole() -> RequestCreated:
    return RequestCreated(
        tracking_number=uuid4().hex[:8].upper(), service_code="POTHOLE", location=NORTH, channel="web"
    )


def test_a_reopened_request_goes_where_a_new_one_would_with_a_fresh_clock() -> None:
    router = Router(
        catalogue=load_catalogue(), rules=load_rules(), districts=load_districts(), calendar=city_hall()
    )
    created, reopened_at = local(2026, 1, 8, 10, 0), local(2026, 1, 20, 9, 0)
    request = RequestSoFar(created=_pothole(), created_at=created, assignment=None, closed=False)

    assigned = decide_reopen(router, request, at=reopened_at)

    assert assigned is not None
    as_new = router.assign(_pothole(), created_at=reopened_at)
    assert (assigned.department, assigned.queue, assigned.district) == (
        "Public Works",
        "PWD-Streets-North",
        "North",
    )
    assert (assigned.reason, assigned.clock) == ("reopen", "restarted")
    assert assigned.due_at == as_new.due_at
    assert assigned.due_at is not None and assigned.due_at > reopened_at


def test_a_stream_without_a_request_is_not_routed() -> None:
    router = Router(
        catalogue=load_catalogue(), rules=load_rules(), districts=load_districts(), calendar=city_hall()
    )
    assert decide_reopen(router, RequestSoFar(), at=local(2026, 1, 20, 9, 0)) is None


async def test_reopening_is_routed_once_even_when_handled_twice(
    store: EventStore, pool: asyncpg.Pool, settings: BackboneSettings
) -> None:
    # Given a pothole that routing assigned and staff closed, then reopened
    routing = RoutingSettings(**settings.model_dump())
    async with pool.acquire() as conn:
        await migrate_service(conn, ROUTING_SERVICE)
    handle = routing_handler(build_router(routing, load_city(routing)), store)
    stream = new_stream_id()
    await store.append(stream, [new_event(_pothole(), actor=RESIDENT)], expected_version=0)
    async with pool.acquire() as conn:
        await handle(from_record((await store.read_stream(stream))[0]), conn)
    closed = new_event(Closed(resolution="resolved"), actor=STAFF)
    reopened = new_event(StatusUpdated(status="reopened", public_note="Not fixed"), actor=RESIDENT)
    await store.append(stream, [closed, reopened], expected_version=2)
    reopening = from_record((await store.read_stream(stream))[-1])

    # When routing handles the reopening twice (a redelivery)
    for _ in range(2):
        async with pool.acquire() as conn:
            await handle(reopening, conn)

    # Then the stream holds one new Assigned, caused by the reopening, with a fresh clock
    answers = [e for e in await store.read_stream(stream) if e.causation_id == reopening.event_id]
    assert [e.event_type for e in answers] == ["Assigned"]
    assigned = from_record(answers[0]).payload
    assert isinstance(assigned, Assigned)
    assert (assigned.reason, assigned.clock, assigned.queue) == ("reopen", "restarted", "PWD-Streets-North")
    assert assigned.due_at is not None and assigned.due_at > reopening.occurred_at - timedelta(seconds=1)

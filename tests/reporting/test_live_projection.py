"""The live projection: rebuilt by replaying the store, then kept current by events from the bus."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from civic311_backbone.contracts import Actor, Assigned, Closed, Location, RequestCreated, new_event
from civic311_backbone.contracts.envelope import Payload
from civic311_backbone.contracts.registry import from_record
from civic311_backbone.store import EventFact, EventStore
from civic311_backbone.testing.factories import new_stream_id, request_created, status_updated
from civic311_reporting.application.live import LiveFact, LiveRequests
from tests.support.waiting import eventually

STAFF = Actor(kind="staff", id="staff-test")


async def test_a_rebuild_replays_the_store_and_bus_events_then_apply_once(store: EventStore) -> None:
    first, second = new_stream_id(), new_stream_id()
    await store.append(first, [request_created(), status_updated()], expected_version=0)
    await store.append(second, [request_created()], expected_version=0)
    requests = LiveRequests()

    replayed = await requests.rebuild(store)
    already_seen = from_record((await store.read_stream(first))[-1])
    await store.append(second, [new_event(Closed(resolution="resolved"), actor=STAFF)], expected_version=1)
    close = from_record((await store.read_stream(second))[-1])

    assert replayed == 3
    assert (requests.states[first].status, requests.states[second].is_open) == ("in_progress", True)
    assert requests.apply(LiveFact.of(already_seen)) is False
    assert requests.apply(LiveFact.of(close)) is True
    assert requests.apply(LiveFact.of(close)) is False  # a redelivery
    assert (requests.states[second].status, requests.states[second].resolution) == ("closed", "resolved")


async def test_a_second_rebuild_swaps_in_a_complete_view(store: EventStore) -> None:
    stream = new_stream_id()
    requests = LiveRequests()
    await requests.rebuild(store)
    before = requests.states
    await store.append(stream, [request_created()], expected_version=0)

    await requests.rebuild(store)

    assert stream not in before
    assert requests.states[stream].service_code == "POTHOLE"


class _PagesWithTheBusBetween:
    """A store whose replay is overtaken by the bus: after its first page, a later event arrives live."""

    def __init__(self, pages: list[list[EventFact]], requests: LiveRequests, live: LiveFact) -> None:
        self.pages, self.requests, self.live = pages, requests, live

    async def read_fact_pages(
        self, *, after: int = 0, page_size: int = 5000
    ) -> AsyncIterator[list[EventFact]]:
        for number, page in enumerate(self.pages):
            yield page
            if number == 0:
                self.requests.apply(self.live)


def _fact(position: int, stream: str, version: int, payload: Payload) -> EventFact:
    body = json.loads(payload.model_dump_json())
    return EventFact(position, stream, version, payload.event_type, datetime(2026, 3, 2, tzinfo=UTC), body)


async def test_a_rebuild_folds_what_the_bus_brought_meanwhile_after_the_replay_and_keeps_the_position() -> (
    None
):
    created = RequestCreated(
        tracking_number="T-1",
        service_code="POTHOLE",
        location=Location(lat=42.36, long=-71.06),
        channel="web",
    )
    assigned = Assigned(department="Parks", queue="Parks-queue", district="North")
    other = _fact(10, "other", 1, created)
    first, second = _fact(11, "r", 1, created), _fact(12, "r", 2, assigned)
    closed = _fact(13, "r", 3, Closed(resolution="resolved"))
    requests = LiveRequests()
    # The replay reads the request's first two events on its second page; its close comes from the bus
    # before that page is read. Folded first, the close would make the replay skip the assignment.
    store = _PagesWithTheBusBetween([[other], [first, second]], requests, LiveFact(*closed[1:], closed[0]))

    replayed = await requests.rebuild(store)

    state = requests.states["r"]
    assert replayed == 3
    assert (state.department, state.district, state.status) == ("Parks", "North", "closed")
    # The checkpoint is how far the store was read; the close came from the bus.
    assert (requests.position, requests.events, requests.rebuilding) == (12, 4, False)


async def test_the_projection_follows_the_store_from_its_checkpoint_and_leaves_bus_gaps_to_it(
    store: EventStore,
) -> None:
    stream = new_stream_id()
    await store.append(stream, [request_created()], expected_version=0)
    requests = LiveRequests()
    await requests.rebuild(store)
    checkpoint = requests.position
    # Two events the bus has not brought (a relay lagging behind); then the bus brings only the close.
    await store.append(stream, [status_updated()], expected_version=1)
    result = await store.append(
        stream, [new_event(Closed(resolution="resolved"), actor=STAFF)], expected_version=2
    )
    close = from_record((await store.read_stream(stream))[-1])

    skipped = requests.apply(LiveFact.of(close))

    async def status() -> str | None:
        # In turns: on a busy server the store holds back events while older transactions are open.
        await requests.catch_up(store)
        state = requests.states.get(stream)
        return state.status if state else None

    await eventually(status, until=lambda s: s == "closed", what="the close read from the store")

    assert skipped is False  # applied before the status update, it would fold them out of order
    assert (requests.events, requests.states[stream].assignments) == (3, 0)
    assert checkpoint < requests.position == result.global_position
    assert await requests.catch_up(store) == 0

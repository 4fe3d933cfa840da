"""The live projection: rebuilt by replaying the store, then kept current by events from the bus."""

from __future__ import annotations

from civic311_backbone.contracts import Actor, Closed, new_event
from civic311_backbone.contracts.registry import from_record
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import new_stream_id, request_created, status_updated
from civic311_reporting.live import LiveFact, LiveRequests

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

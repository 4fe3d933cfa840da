"""Dedup's effects happen once however often a message comes: the consumer keeps no processed-event
record, so the handler itself must find what it did before. Each story delivers stored events to the
handler on real PostgreSQL as the consumer would, and again as JetStream does after dedup crashed
between its write and its ack: to a new process, whose index is rebuilt from the store."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from civic311_backbone.consuming import Handler
from civic311_backbone.contracts import (
    Actor,
    DuplicateReviewed,
    Envelope,
    RequestCreated,
    from_record,
    new_event,
)
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.store import EventIdReused, EventStore
from civic311_backbone.testing.factories import RESIDENT
from civic311_city import Catalogue, load_catalogue
from civic311_dedup.adapters.decisions import load_decision
from civic311_dedup.adapters.replay import rebuild
from civic311_dedup.application.decide import decide_new_request
from civic311_dedup.domain.effects import effect_id
from civic311_dedup.domain.index import RequestIndex
from civic311_dedup.entrypoints.consumer import dedup_handler
from civic311_dedup.wiring import SERVICE
from tests.dedup.support import CORNER, moved, report

REVIEWER = Actor(kind="staff", id="reviewer-ana")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
async def migrated(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await migrate_service(conn, SERVICE)


async def _restarted(store: EventStore, catalogue: Catalogue) -> Handler:
    """Dedup as it starts again after a crash: its index rebuilt from the store."""
    index = RequestIndex()
    await rebuild(store, index)
    return dedup_handler(index, catalogue, store)


async def _file(store: EventStore, created: RequestCreated) -> Envelope[Any]:
    created = created.model_copy(update={"tracking_number": new_tracking_number()})
    stream = stream_id_for(created.tracking_number)
    await store.append(stream, [new_event(created, actor=RESIDENT)], expected_version=0)
    [stored] = await store.read_stream(stream)
    return from_record(stored)


async def _deliver(pool: asyncpg.Pool, handler: Handler, envelope: Envelope[Any]) -> None:
    """As the consumer hands it over: a pooled connection, no transaction around the handler."""
    async with pool.acquire() as conn:
        await handler(envelope, conn)


async def _kinds(store: EventStore, stream: str) -> list[str]:
    return [e.event_type for e in await store.read_stream(stream)]


async def test_a_link_delivered_again_after_a_crash_is_not_made_twice(
    store: EventStore, pool: asyncpg.Pool, migrated: None, catalogue: Catalogue
) -> None:
    handler = await _restarted(store, catalogue)
    first = await _file(store, report("Deep pothole in front of the bakery on Main Street"))
    await _deliver(pool, handler, first)
    second = await _file(
        store,
        report("big hole in the road outside the bakery", place=moved(CORNER, east_m=20), email="b@ex.org"),
    )
    await _deliver(pool, handler, second)
    decided = await load_decision(pool, second.stream_id)
    assert decided is not None and decided["outcome"] == "linked"
    assert await _kinds(store, second.stream_id) == ["RequestCreated", "Closed"]
    assert await _kinds(store, first.stream_id) == ["RequestCreated", "FollowerAdded"]

    # The crash came before the acks: both reports are delivered again, to a new process.
    again = await _restarted(store, catalogue)
    await _deliver(pool, again, first)
    await _deliver(pool, again, second)
    assert await _kinds(store, second.stream_id) == ["RequestCreated", "Closed"]
    assert await _kinds(store, first.stream_id) == ["RequestCreated", "FollowerAdded"]
    assert await load_decision(pool, second.stream_id) == decided

    # And to the same process, its index unchanged by the redelivery: a third report still finds
    # the first as its original, not the second (a duplicate is never an original).
    await _deliver(pool, handler, second)
    third = await _file(
        store, report("pothole outside the bakery again", place=moved(CORNER, east_m=10), email="c@ex.org")
    )
    await _deliver(pool, handler, third)
    third_decided = await load_decision(pool, third.stream_id)
    assert third_decided is not None
    assert third_decided["original"] == first.stream_id.removeprefix("request-")


async def _flagged_pair(
    store: EventStore, pool: asyncpg.Pool, handler: Handler
) -> tuple[Envelope[Any], Envelope[Any]]:
    """Two graffiti reports 45 m apart, decided: the first unique, the second flagged against it."""
    first = await _file(store, report("graffiti on the wall of the school", code="GRAFFITI"))
    pair = await _file(
        store, report("tags on the school gate", code="GRAFFITI", place=moved(CORNER, north_m=45))
    )
    for envelope in (first, pair):
        await _deliver(pool, handler, envelope)
    return first, pair


async def test_a_flag_and_a_unique_outcome_delivered_again_are_recorded_once(
    store: EventStore, pool: asyncpg.Pool, migrated: None, catalogue: Catalogue
) -> None:
    handler = await _restarted(store, catalogue)
    first, pair = await _flagged_pair(store, pool, handler)
    recorded = [await load_decision(pool, e.stream_id) for e in (first, pair)]
    assert [r["outcome"] for r in recorded if r is not None] == ["unique", "flagged"]

    again = await _restarted(store, catalogue)
    for envelope in (pair, first, pair):
        await _deliver(pool, again, envelope)
    index = RequestIndex()
    await rebuild(store, index)
    async with pool.acquire() as conn:
        # Found on record: nothing decided again (no log line, no count of a second decision).
        assert await decide_new_request(pair, conn, index=index, catalogue=catalogue, store=store) is None
    assert await _kinds(store, pair.stream_id) == ["RequestCreated", "DuplicateFlagged"]
    assert [await load_decision(pool, e.stream_id) for e in (first, pair)] == recorded
    assert await pool.fetchval("SELECT count(*) FROM dedup_decisions") == 2


async def test_a_decision_is_stored_whole_or_not_at_all(
    store: EventStore, pool: asyncpg.Pool, migrated: None, catalogue: Catalogue
) -> None:
    handler = await _restarted(store, catalogue)
    first = await _file(store, report("Deep pothole in front of the bakery on Main Street"))
    await _deliver(pool, handler, first)
    second = await _file(
        store,
        report("big hole in the road outside the bakery", place=moved(CORNER, east_m=20), email="b@ex.org"),
    )
    # The id the link's FollowerAdded would take is already stored elsewhere: the follower's part of
    # the write fails, and with it the whole decision.
    taken = new_event(
        report().model_copy(update={"tracking_number": new_tracking_number()}),
        actor=RESIDENT,
        event_id=effect_id(second, "follower"),
    )
    await store.append("request-elsewhere", [taken], expected_version=0)
    with pytest.raises(EventIdReused):
        await _deliver(pool, handler, second)
    assert await _kinds(store, second.stream_id) == ["RequestCreated"]
    assert await _kinds(store, first.stream_id) == ["RequestCreated"]
    assert await load_decision(pool, second.stream_id) is None


async def test_a_confirmed_review_delivered_again_links_once(
    store: EventStore, pool: asyncpg.Pool, migrated: None, catalogue: Catalogue
) -> None:
    handler = await _restarted(store, catalogue)
    first, pair = await _flagged_pair(store, pool, handler)
    original = first.stream_id.removeprefix("request-")
    review = new_event(
        DuplicateReviewed(original=original, decision="confirmed", reason="same wall"), actor=REVIEWER
    )
    await store.append(pair.stream_id, [review], expected_version=None)
    reviewed = from_record((await store.read_stream(pair.stream_id))[-1])
    await _deliver(pool, handler, reviewed)
    await _deliver(pool, await _restarted(store, catalogue), reviewed)
    assert await _kinds(store, pair.stream_id) == [
        "RequestCreated",
        "DuplicateFlagged",
        "DuplicateReviewed",
        "Closed",
    ]
    assert await _kinds(store, first.stream_id) == ["RequestCreated", "FollowerAdded"]

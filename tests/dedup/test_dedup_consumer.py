"""Dedup on real PostgreSQL and NATS: stored reports come back linked, flagged or left alone, each with
one recorded outcome; staff reviews are carried out; the index is rebuilt from the store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from faststream.nats import NatsBroker

from civic311_backbone.contracts import Actor, DuplicateReviewed, RequestCreated, new_event
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.service.runner import Resources, migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, RecordedEvent
from civic311_backbone.testing.factories import RESIDENT
from civic311_dedup.adapters.decisions import load_decision
from civic311_dedup.adapters.replay import rebuild
from civic311_dedup.domain.index import RequestIndex
from civic311_dedup.settings import DedupSettings
from civic311_dedup.wiring import SERVICE, wire
from tests.dedup.support import CORNER, moved, report
from tests.support.consuming import consuming
from tests.support.waiting import eventually

REVIEWER = Actor(kind="staff", id="reviewer-ana")


@pytest.fixture
async def dedup_running(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, relay_running: None
) -> AsyncIterator[None]:
    broker = NatsBroker(settings.nats_servers)
    resources = Resources(
        settings=DedupSettings(**settings.model_dump()), pool=pool, store=store, broker=broker
    )
    async with pool.acquire() as conn:
        await migrate_service(conn, SERVICE)
    async with consuming(broker, (await wire(resources)).consumers):
        yield


async def _file(store: EventStore, created: RequestCreated) -> str:
    created = created.model_copy(update={"tracking_number": new_tracking_number()})
    stream = stream_id_for(created.tracking_number)
    await store.append(stream, [new_event(created, actor=RESIDENT)], expected_version=0)
    return stream


def _of(events: list[RecordedEvent], kind: str) -> list[RecordedEvent]:
    return [e for e in events if e.event_type == kind]


async def _decided(pool: asyncpg.Pool, stream: str) -> asyncpg.Record:
    return await eventually(lambda: load_decision(pool, stream), what=f"a decision on {stream}")


async def test_second_report_of_a_pothole_is_linked_and_its_reporter_follows_the_first(
    store: EventStore, pool: asyncpg.Pool, dedup_running: None
) -> None:
    first = await _file(store, report("Deep pothole in front of the bakery on Main Street"))
    await _decided(pool, first)
    second = await _file(
        store,
        report(
            "big hole in the road outside the bakery", place=moved(CORNER, east_m=20), email="b@example.org"
        ),
    )
    decision = await _decided(pool, second)
    first_number = first.removeprefix("request-")
    assert (decision["outcome"], decision["original"]) == ("linked", first_number)
    [closed] = _of(await store.read_stream(second), "Closed")
    assert closed.payload["resolution"] == "duplicate" and closed.payload["duplicate_of"] == first_number
    [follower] = await eventually(lambda: _follower(store, first), what="the follower on the first")
    assert follower.payload["contact"]["email"] == "b@example.org"
    assert follower.payload["via_tracking_number"] == second.removeprefix("request-")


async def _follower(store: EventStore, stream: str) -> list[RecordedEvent]:
    return _of(await store.read_stream(stream), "FollowerAdded")


async def test_bad_input_is_decided_with_a_recorded_outcome(
    store: EventStore, pool: asyncpg.Pool, dedup_running: None
) -> None:
    nowhere = await _file(store, report(place=None))
    unknown = await _file(store, report(code="NOT_A_TYPE"))
    long = await _file(store, report("pothole " * 499))
    assert (await _decided(pool, nowhere))["why"].startswith("no place")
    assert (await _decided(pool, unknown))["why"].startswith("unknown type")
    assert (await _decided(pool, long))["outcome"] in ("unique", "linked", "flagged")


async def test_a_flagged_pair_confirmed_is_linked_rejected_stays_open_unlinked_reopens(
    store: EventStore, pool: asyncpg.Pool, dedup_running: None
) -> None:
    first = await _file(store, report("graffiti on the wall of the school", code="GRAFFITI"))
    await _decided(pool, first)
    # 45 m apart, words half alike: between the thresholds
    pair = await _file(
        store, report("tags on the school gate", code="GRAFFITI", place=moved(CORNER, north_m=45))
    )
    decision = await _decided(pool, pair)
    assert decision["outcome"] == "flagged", dict(decision)
    [flag] = _of(await store.read_stream(pair), "DuplicateFlagged")
    first_number = first.removeprefix("request-")
    assert flag.payload["original"] == first_number

    async def review(stream: str, decision: str) -> None:
        event = new_event(
            DuplicateReviewed(original=first_number, decision=decision, reason="same wall"),
            actor=REVIEWER,
        )
        await store.append(stream, [event], expected_version=None)

    await review(pair, "confirmed")
    [closed] = await eventually(lambda: _closed(store, pair), what="the confirmed pair closed")
    assert closed.payload["duplicate_of"] == first_number and closed.actor["id"] == "reviewer-ana"

    await review(pair, "unlinked")
    reopened = await eventually(lambda: _reopened(store, pair), what="the unlinked duplicate reopened")
    assert len(reopened) == 1

    # Another pair, on the other side of the first (the reopened one is an original again, too far away)
    other = await _file(
        store, report("tags on the school gate", code="GRAFFITI", place=moved(CORNER, north_m=-45))
    )
    assert (await _decided(pool, other))["outcome"] == "flagged"
    await review(other, "rejected")
    await eventually(lambda: _reviewed(store, other), what="the rejection stored")
    assert _of(await store.read_stream(other), "Closed") == []


async def _closed(store: EventStore, stream: str) -> list[RecordedEvent]:
    return _of(await store.read_stream(stream), "Closed")


async def _reopened(store: EventStore, stream: str) -> list[RecordedEvent]:
    return [
        e for e in _of(await store.read_stream(stream), "StatusUpdated") if e.payload["status"] == "reopened"
    ]


async def _reviewed(store: EventStore, stream: str) -> list[RecordedEvent]:
    return _of(await store.read_stream(stream), "DuplicateReviewed")


async def test_the_index_is_rebuilt_from_the_store(store: EventStore) -> None:
    open_one = await _file(store, report())
    closed_one = await _file(store, report(place=moved(CORNER, east_m=300)))
    secret = await _file(store, report("bribes", code="ETHICS_CONCERN", confidential=True))
    from civic311_backbone.contracts import Closed

    await store.append(
        closed_one, [new_event(Closed(resolution="resolved"), actor=REVIEWER)], expected_version=None
    )
    index = RequestIndex()
    rebuilt = await rebuild(store, index)
    assert rebuilt.events == 4
    assert open_one in index and closed_one in index and secret not in index
    known = index.get(closed_one)
    assert known is not None and known.closed_at is not None

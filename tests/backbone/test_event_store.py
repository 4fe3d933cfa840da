"""The event store on a real PostgreSQL: append-only, optimistic, idempotent, readable every way."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from civic311_backbone.contracts import RequestCreated, from_record
from civic311_backbone.store import (
    EventIdReused,
    EventStore,
    PayloadFieldKind,
    WrongExpectedVersion,
    bundled_migrations,
    migrate,
)
from civic311_backbone.testing.factories import new_stream_id, request_created, status_updated


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET event_type = 'Tampered'",
        "DELETE FROM events",
        "TRUNCATE events",
    ],
)
async def test_database_refuses_to_change_stored_events(
    store: EventStore, pool: asyncpg.Pool, statement: str
) -> None:
    stream = new_stream_id()
    await store.append(stream, [request_created()], expected_version=0)

    with pytest.raises(asyncpg.PostgresError, match="append-only"):
        await pool.execute(statement)

    events = await store.read_stream(stream)
    assert [e.event_type for e in events] == ["RequestCreated"]


async def test_stale_expected_version_raises_and_stores_nothing(store: EventStore) -> None:
    stream = new_stream_id()
    await store.append(stream, [request_created()], expected_version=0)
    await store.append(stream, [status_updated("first")], expected_version=1)

    with pytest.raises(WrongExpectedVersion) as raised:
        await store.append(stream, [status_updated("stale")], expected_version=1)

    assert raised.value.actual == 2
    events = await store.read_stream(stream)
    assert [e.payload.get("public_note") for e in events] == [None, "first"]


async def test_new_stream_must_not_exist_yet(store: EventStore) -> None:
    stream = new_stream_id()
    await store.append(stream, [request_created()], expected_version=0)

    with pytest.raises(WrongExpectedVersion):
        await store.append(stream, [request_created()], expected_version=0)
    assert await store.stream_version(stream) == 1


async def test_same_event_appended_twice_is_stored_once(store: EventStore, pool: asyncpg.Pool) -> None:
    stream = new_stream_id()
    created = request_created()
    first = await store.append(stream, [created], expected_version=0)

    again = await store.append(stream, [created], expected_version=0)

    assert again == first
    count = await pool.fetchval("SELECT count(*) FROM events WHERE event_id = $1", created.event_id)
    assert count == 1


async def test_event_id_reused_in_another_append_is_refused(store: EventStore) -> None:
    created = request_created()
    await store.append(new_stream_id(), [created], expected_version=0)

    with pytest.raises(EventIdReused):
        await store.append(new_stream_id(), [created, status_updated()], expected_version=0)


async def test_appends_to_several_streams_and_a_row_of_the_callers_are_stored_together_or_not_at_all(
    store: EventStore, pool: asyncpg.Pool
) -> None:
    await pool.execute("CREATE TABLE decided (stream_id text PRIMARY KEY)")
    first, second = new_stream_id(), new_stream_id()
    await store.append(second, [request_created()], expected_version=0)
    answers = [(first, [request_created()]), (second, [status_updated(), status_updated()])]
    row = ("INSERT INTO decided VALUES ($1) RETURNING 1", [first])

    await store.append_together(answers, also=row)
    await store.append_together(answers)  # the same events again: nothing new

    assert [len(await store.read_stream(s)) for s in (first, second)] == [1, 3]
    # A caller's row that fails takes the appends with it; so does an event id reused for other content.
    with pytest.raises(asyncpg.UniqueViolationError):
        await store.append_together([(second, [status_updated()])], also=row)
    with pytest.raises(EventIdReused):
        await store.append_together([(second, [status_updated()]), (new_stream_id(), answers[0][1])])
    assert len(await store.read_stream(second)) == 3
    assert await pool.fetchval("SELECT count(*) FROM decided") == 1


async def test_batch_append_numbers_stream_and_orders_positions(store: EventStore) -> None:
    stream = new_stream_id()
    result = await store.append(
        stream, [request_created(), status_updated("a"), status_updated("b")], expected_version=0
    )

    assert result.stream_version == 3
    assert list(result.positions) == sorted(result.positions)
    events = await store.read_stream(stream)
    assert [e.stream_version for e in events] == [1, 2, 3]
    assert [e.global_position for e in events] == list(result.positions)


async def test_append_without_expected_version_goes_to_the_end(store: EventStore) -> None:
    stream = new_stream_id()
    await store.append(stream, [request_created()], expected_version=None)
    result = await store.append(stream, [status_updated()], expected_version=None)
    assert result.stream_version == 2


async def test_read_all_pages_through_everything_in_order(store: EventStore) -> None:
    streams = [new_stream_id() for _ in range(7)]
    for stream in streams:
        await store.append(stream, [request_created(), status_updated()], expected_version=0)

    events = [e async for e in store.read_all(page_size=3)]

    assert len(events) == 14
    positions = [e.global_position for e in events]
    assert positions == sorted(positions) and len(set(positions)) == 14
    tail = [e async for e in store.read_all(after=positions[9], page_size=3)]
    assert [e.global_position for e in tail] == positions[10:]


async def test_read_between_selects_by_occurrence_time(store: EventStore) -> None:
    stream = new_stream_id()
    await store.append(stream, [request_created(), status_updated()], expected_version=0)
    events = await store.read_stream(stream)
    first, second = events[0].occurred_at, events[1].occurred_at

    window = [e async for e in store.read_between(first, first + timedelta(microseconds=1))]
    everything = [e async for e in store.read_between(first, second + timedelta(seconds=1), page_size=1)]

    assert [e.event_id for e in window] == [events[0].event_id]
    assert [e.event_id for e in everything] == [e.event_id for e in events]


async def test_stored_event_decodes_to_its_typed_envelope(store: EventStore) -> None:
    stream = new_stream_id()
    created = request_created("7KQ-4MX2")
    await store.append(stream, [created], expected_version=0)

    envelope = from_record((await store.read_stream(stream))[0])

    assert isinstance(envelope.payload, RequestCreated)
    assert envelope.payload.tracking_number == "7KQ-4MX2"
    assert envelope.event_id == created.event_id
    assert envelope.stream_version == 1 and envelope.global_position is not None


async def test_migrations_run_twice_are_harmless(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        assert await migrate(conn) == []
        versions = await conn.fetch("SELECT version FROM schema_migrations")
    assert [r["version"] for r in versions] == [m.version for m in bundled_migrations()]


async def test_fact_pages_carry_what_projections_fold_up_to_an_instant(store: EventStore) -> None:
    stream = new_stream_id()
    await store.append(
        stream, [request_created(), status_updated("a"), status_updated("b")], expected_version=0
    )
    events = await store.read_stream(stream)

    everything = [f async for page in store.read_fact_pages(page_size=2) for f in page]
    until_second = [f async for page in store.read_fact_pages(until=events[1].occurred_at) for f in page]

    assert [(f.stream_id, f.stream_version, f.event_type) for f in everything] == [
        (stream, 1, "RequestCreated"),
        (stream, 2, "StatusUpdated"),
        (stream, 3, "StatusUpdated"),
    ]
    assert everything[2].payload["public_note"] == "b"
    assert [f.stream_version for f in until_second] == [1, 2]


async def test_a_read_up_to_an_instant_takes_events_stored_late_with_early_times_and_stops_there(
    store: EventStore,
) -> None:
    now = datetime.now(UTC)
    at = {"before": now - timedelta(hours=2), "after": now, "imported": now - timedelta(hours=3)}
    streams = {name: new_stream_id() for name in at}
    for name, occurred in at.items():  # stored in this order: the imported one last
        event = replace(request_created(), occurred_at=occurred)
        await store.append(streams[name], [event], expected_version=0)
    for _ in range(3):  # more that occurred after the instant, stored after everything
        await store.append(new_stream_id(), [request_created()], expected_version=0)
    instant = now - timedelta(hours=1)

    for page_size in (1, 2, 5000):
        facts = [f async for p in store.read_fact_pages(until=instant, page_size=page_size) for f in p]
        fields = [
            r async for p in store.read_payload_fields({"service_code": "text"}, until=instant) for r in p
        ]

        assert [f.stream_id for f in facts] == [streams["before"], streams["imported"]]
        assert [r["stream_id"] for r in fields] == [streams["before"], streams["imported"]]
    nothing = [f async for p in store.read_fact_pages(until=now - timedelta(days=1)) for f in p]
    assert nothing == []


async def test_the_same_append_racing_itself_is_stored_once_and_both_succeed(
    store: EventStore, pool: asyncpg.Pool
) -> None:
    for _ in range(20):
        stream, created = new_stream_id(), request_created()
        first, second = await asyncio.gather(
            store.append(stream, [created], expected_version=0),
            store.append(stream, [created], expected_version=0),
        )
        assert first == second
        assert await pool.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", stream) == 1


async def test_payload_fields_are_cut_out_in_the_database_up_to_an_instant(store: EventStore) -> None:
    stream = new_stream_id()
    await store.append(stream, [request_created(), status_updated("on the way")], expected_version=0)
    events = await store.read_stream(stream)
    fields: dict[str, PayloadFieldKind] = {
        "service_code": "text",
        "location": "json",
        "location.lat": "text",
        "location.nowhere": "text",
        "status": "text",
    }

    rows = [r async for page in store.read_payload_fields(fields, page_size=1) for r in page]
    first_only = [
        r async for page in store.read_payload_fields(fields, until=events[0].occurred_at) for r in page
    ]

    assert [(r["event_type"], r["service_code"], r["status"]) for r in rows] == [
        ("RequestCreated", events[0].payload["service_code"], None),
        ("StatusUpdated", None, "in_progress"),
    ]
    assert json.loads(rows[0]["location"]) == events[0].payload["location"]
    assert float(rows[0]["location.lat"]) == events[0].payload["location"]["lat"]
    assert rows[0]["location.nowhere"] is None
    assert datetime.fromisoformat(rows[0]["occurred_at"]) == events[0].occurred_at
    assert (rows[1]["location"], rows[1]["location.lat"]) == (None, None)
    assert len(first_only) == 1
    for bad in ("x; DROP TABLE events", "location.", "location..lat", "Location"):
        with pytest.raises(ValueError, match="payload field"):
            [r async for page in store.read_payload_fields({bad: "text"}) for r in page]


async def test_a_replay_waits_for_events_committed_before_it_began_that_an_open_transaction_hides(
    store: EventStore, pool: asyncpg.Pool
) -> None:
    # Given a transaction elsewhere that took a transaction id and stays open (holding back the
    # horizon), and then three events committed after it began
    async with pool.acquire() as blocker:
        holding = blocker.transaction()
        await holding.start()
        await blocker.fetchval("SELECT pg_current_xact_id()")
        stream = new_stream_id()
        await store.append(
            stream, [request_created(), status_updated(), status_updated()], expected_version=0
        )

        # When a replay starts while it is open
        async def replayed() -> list[int]:
            return [fact.global_position async for page in store.read_fact_pages() for fact in page]

        replay = asyncio.create_task(replayed())
        await asyncio.sleep(0.2)  # the replay has read what it could: nothing yet
        waiting = not replay.done()
        await holding.rollback()

    # Then it waited, and once the transaction ended it read every event committed before it began
    positions = await asyncio.wait_for(replay, timeout=10)
    assert waiting
    assert len(positions) == 3
    assert positions == sorted(positions)


async def test_a_replay_reads_what_the_horizon_let_through_between_its_last_page_and_its_check(
    store: EventStore, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given three events hidden by a transaction elsewhere that ends just after the replay has read
    # its (empty) page and before it asks whether anything still waits above the horizon
    async with pool.acquire() as blocker:
        holding = blocker.transaction()
        await holding.start()
        await blocker.fetchval("SELECT pg_current_xact_id()")
        await store.append(
            new_stream_id(), [request_created(), status_updated(), status_updated()], expected_version=0
        )
        checked, open_ = store._behind_horizon, [True]

        async def check_after_the_transaction_ended(position: int, bound: int) -> bool:
            if open_.pop() if open_ else False:  # the first check: end the transaction first
                await holding.rollback()
            return await checked(position, bound)

        monkeypatch.setattr(store, "_behind_horizon", check_after_the_transaction_ended)

        # When the replay runs
        positions = [fact.global_position async for page in store.read_fact_pages() for fact in page]

    # Then it read every event once the horizon had moved past them, not stopped at the empty page
    assert len(positions) == 3


async def test_a_wake_up_that_meets_an_outage_is_logged_not_left_unretrieved(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a pool whose connection fails as asyncpg's own state machine does mid-outage
    class FailingPool:
        async def execute(self, *args: object) -> None:
            raise asyncpg.exceptions._base.InternalClientError("cannot switch to state 12")

    monkeypatch.setattr(store, "_pool", FailingPool())

    # When followers are woken
    store.wake_followers()
    await store.drain()

    # Then the task ended without an exception of its own (nothing for asyncio to report unretrieved)
    assert store._wake_task is not None and store._wake_task.exception() is None

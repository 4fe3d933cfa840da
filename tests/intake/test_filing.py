"""Filing a request appends its RequestCreated under a tracking number no other request has."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import asyncpg
import pytest

from civic311_backbone.contracts import Location, RequestCreated, from_record
from civic311_backbone.contracts.tracking import new_tracking_number
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import RESIDENT
from civic311_intake.application.filing import NoFreeTrackingNumber, file_request, filing_event_id


def pothole(tracking_number: str) -> RequestCreated:
    return RequestCreated(
        tracking_number=tracking_number,
        service_code="POTHOLE",
        location=Location(lat=42.36, long=-71.06),
        channel="web",
    )


def numbers(*values: str) -> Callable[[], str]:
    supply: Iterator[str] = iter(values)
    return lambda: next(supply)


async def test_filed_request_is_in_its_stream_under_its_number(store: EventStore) -> None:
    filed = await file_request(store, pothole, actor=RESIDENT)

    events = [from_record(r) for r in await store.read_stream(filed.stream_id)]
    assert len(events) == 1
    assert isinstance(events[0].payload, RequestCreated)
    assert events[0].payload.tracking_number == filed.tracking_number


async def test_a_taken_number_is_never_reused(store: EventStore) -> None:
    taken, fresh = new_tracking_number(), new_tracking_number()
    first = await file_request(store, pothole, actor=RESIDENT, new_number=numbers(taken))

    second = await file_request(store, pothole, actor=RESIDENT, new_number=numbers(taken, fresh))

    assert (first.tracking_number, second.tracking_number) == (taken, fresh)
    assert len(await store.read_stream(first.stream_id)) == 1


async def test_running_out_of_numbers_is_a_clear_error(store: EventStore) -> None:
    taken = new_tracking_number()
    await file_request(store, pothole, actor=RESIDENT, new_number=numbers(taken))
    with pytest.raises(NoFreeTrackingNumber):
        await file_request(store, pothole, actor=RESIDENT, new_number=numbers(taken, taken), attempts=2)


async def test_the_same_idempotency_key_files_once_and_answers_with_the_first_number(
    store: EventStore, pool: asyncpg.Pool
) -> None:
    key = filing_event_id("api-key:abc123", "retry-me")
    first = await file_request(store, pothole, actor=RESIDENT, event_id=key)
    again = await file_request(store, pothole, actor=RESIDENT, event_id=key)
    other = await file_request(
        store, pothole, actor=RESIDENT, event_id=filing_event_id("api-key:zzz", "retry-me")
    )

    assert (again.tracking_number, again.repeated) == (first.tracking_number, True)
    assert other.tracking_number != first.tracking_number
    assert await pool.fetchval("SELECT count(*) FROM events WHERE event_type = 'RequestCreated'") == 2


async def test_inside_a_callers_transaction_a_taken_number_undoes_only_that_attempt(
    store: EventStore, pool: asyncpg.Pool
) -> None:
    taken, fresh = new_tracking_number(), new_tracking_number()
    await file_request(store, pothole, actor=RESIDENT, new_number=numbers(taken))

    async with pool.acquire() as conn, conn.transaction():
        filed = await file_request(
            store, pothole, actor=RESIDENT, new_number=numbers(taken, fresh), conn=conn
        )
        await conn.execute("SELECT 1")  # the caller's transaction is still usable

    assert filed.tracking_number == fresh
    assert len(await store.read_stream(filed.stream_id)) == 1

"""`civic311 run` (what `make run` calls), as a person would use it: on the embedded servers, nothing
else installed. The whole system comes up, carries an event from the store to every consumer, stops
on Ctrl-C, and the next run finds the earlier data."""

from __future__ import annotations

import json
import signal
from collections.abc import Mapping
from pathlib import Path

import asyncpg
import nats
import pytest

from civic311_backbone.store import EventStore, NewEvent
from civic311_backbone.testing.factories import new_stream_id, request_created
from tests.backbone.jetstream_reading import stream_event_ids
from tests.embedded.processes import Spawned, wait_all_gone
from tests.support.waiting import eventually

NO_BACKBONE = {"DATABASE_URL": None, "NATS_URL": None, "LOG_FORMAT": "json"}
CONSUMERS = ("intake-index", "routing", "dedup", "notifier", "reporting")


def start_system(
    data: Path, env: Mapping[str, str] | None = None
) -> tuple[Spawned, str, str, tuple[str, str]]:
    """The running system (given `env` too), its servers' URLs, and the demo (api key, staff login) it
    printed."""
    run = Spawned.python("-m", "civic311", "run", "--data-dir", str(data), env={**NO_BACKBONE, **(env or {})})
    run.wait_for("civic311 is running", timeout=120)
    run.wait_for(r"gateway\s+http://127\.0\.0\.1:\d+/")
    run.wait_for(r"Open311 GeoReport v2\s+http://127\.0\.0\.1:\d+/open311/v2$")
    api_key = run.wait_for(r"Open311 api key \(demo\)\s+(\S+)")[1]
    login = run.wait_for(r"staff login \(demo\)\s+(\S+ / \S+)")[1]
    database_url = run.wait_for(r"DATABASE_URL\s+(postgresql://\S+)")[1]
    nats_url = run.wait_for(r"NATS_URL\s+(nats://\S+)")[1]
    return run, database_url, nats_url, (api_key, login)


def stop_system(run: Spawned) -> None:
    everything = run.descendants()
    run.process.send_signal(signal.SIGINT)
    assert run.exit_code() == 0
    wait_all_gone(everything)


async def processed_by(pool: asyncpg.Pool, event: NewEvent) -> set[str]:
    """The consumers that have handled the event: by their processed-event records, and the three whose
    effects are idempotent by themselves (they keep none) by those effects: the gateway's request
    index by the request's row, routing by the request's Assigned (its id derives from the event),
    dedup by its decision's row."""
    rows = await pool.fetch("SELECT consumer FROM processed_events WHERE event_id = $1", event.event_id)
    number = json.loads(event.payload)["tracking_number"]
    indexed = await pool.fetchval("SELECT count(*) FROM request_index WHERE tracking_number = $1", number)
    routed = await pool.fetchval(
        "SELECT count(*) FROM events WHERE event_type = 'Assigned' AND causation_id = $1", event.event_id
    )
    decided = await pool.fetchval("SELECT count(*) FROM dedup_decisions WHERE tracking_number = $1", number)
    return (
        {r["consumer"] for r in rows}
        | ({"intake-index"} if indexed else set())
        | ({"routing"} if routed else set())
        | ({"dedup"} if decided else set())
    )


async def published_ids(nats_url: str) -> list[str]:
    """The event ids JetStream holds, in order (services add their own events: Assigned, ...)."""
    client = await nats.connect(nats_url)
    try:
        return await stream_event_ids(client, "CIVIC311")
    finally:
        await client.close()


@pytest.mark.slow
async def test_whole_system_runs_on_embedded_servers_and_keeps_its_data(tmp_path: Path) -> None:
    run, database_url, nats_url, demo = start_system(tmp_path)
    try:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
        store = EventStore(pool, notify_channel="civic311_events.public")
        created = request_created()
        await store.append(new_stream_id(), [created], expected_version=0)

        await eventually(lambda: processed_by(pool, created), until=lambda s: s == set(CONSUMERS), timeout=30)
        assert (await published_ids(nats_url)).count(str(created.event_id)) == 1
        await store.drain()
        await pool.close()
    finally:
        stop_system(run)

    run, database_url, nats_url, demo_again = start_system(tmp_path)
    try:
        assert demo_again == demo, "the demo credentials are kept in the data folder"
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
        assert await processed_by(pool, created) == set(CONSUMERS)
        assert await pool.fetchval("SELECT count(*) FROM events WHERE event_id = $1", created.event_id) == 1
        # The bus kept its stream; a new event is published once, the old one not again.
        later = request_created()
        await EventStore(pool, notify_channel="civic311_events.public").append(
            new_stream_id(), [later], expected_version=0
        )
        await eventually(lambda: processed_by(pool, later), until=lambda s: s == set(CONSUMERS))
        ids = await published_ids(nats_url)
        assert ids.count(str(later.event_id)) == 1
        assert len(ids) == len(set(ids)), "an event was published again after the restart"
        await pool.close()
    finally:
        stop_system(run)

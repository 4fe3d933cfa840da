"""The running reporting process: kept live from the bus and the store, and rebuilt on demand beside
the live view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from nats.aio.client import Client as NatsClient

from civic311_backbone.contracts import Closed, new_event
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from tests.reporting.city import STAFF, Request, store_requests
from tests.reporting.reporting_process import caught_up, reporting_client, row_of
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

OVERDUE = Request("Public Works", "POTHOLE", created=5, due_after=2)
ON_TIME = Request("Public Works", "POTHOLE", created=10, due_after=2, closed=9)
BUS_ONLY = {"PROJECTION_POLL_SECONDS": "0"}  # the projection does not follow the store by itself
OPERATOR = "an operator's long random token"


async def public_works(client: httpx.AsyncClient) -> dict[str, Any]:
    document = (await client.get("/api/reports/sla-by-department.json")).json()
    return row_of(document, "department", "Public Works")


def close() -> list[Any]:
    return [new_event(Closed(resolution="resolved"), actor=STAFF)]


async def test_a_close_after_start_reaches_the_tables_through_the_relay_and_the_bus(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings, tmp_path: Path
) -> None:
    stored = await store_requests(store, [OVERDUE, ON_TIME])
    relay = ServiceProcess("civic311_backbone.relay", settings_env(settings), tmp_path).start()
    try:
        async with reporting_client(settings, tmp_path, seen=stored.position, **BUS_ONLY) as client:
            before = await public_works(client)
            await store.append(stored.streams[0], close(), expected_version=2)

            after = await eventually(
                lambda: public_works(client), until=lambda r: r["open"] == 0, what="close"
            )
            status = (await client.get("/api/projections")).json()
    finally:
        relay.stop()

    assert (before["open"], before["overdue"], before["on_time"]) == (1, 1, 1)
    assert (after["open"], after["overdue"], after["on_time"], after["judged"]) == (0, 0, 1, 2)
    assert (status["requests"], status["events"], status["rebuilding"]) == (2, 6, False)


async def test_without_the_bus_the_projection_reads_the_store_after_its_checkpoint(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings, tmp_path: Path
) -> None:
    stored = await store_requests(store, [OVERDUE])
    async with reporting_client(settings, tmp_path, seen=stored.position) as client:
        result = await store.append(stored.streams[0], close(), expected_version=2)  # no relay runs

        await caught_up(client, result.global_position)
        after = await public_works(client)

    assert (after["requests"], after["open"], after["overdue"], after["judged"], after["on_time"]) == (
        1,
        0,
        0,
        1,
        0,
    )


async def test_a_rebuild_on_demand_replays_the_store_beside_the_live_view_then_swaps(
    store: EventStore, nats_client: NatsClient, settings: BackboneSettings, tmp_path: Path
) -> None:
    stored = await store_requests(store, [OVERDUE])
    async with reporting_client(
        settings, tmp_path, seen=stored.position, ADMIN_TOKEN=OPERATOR, **BUS_ONLY
    ) as client:
        before = await public_works(client)
        assert (await client.post("/api/projections/rebuild")).status_code == 401
        wrong = {"Authorization": "Bearer not-the-token"}
        assert (await client.post("/api/projections/rebuild", headers=wrong)).status_code == 401
        # Neither the bus (no relay) nor a catch-up brings these: only a replay of the store finds them.
        later = await store_requests(store, [ON_TIME, ON_TIME])
        unchanged = await public_works(client)

        async def rebuilt() -> dict[str, Any]:
            status = (await client.get("/api/projections")).json()
            if not status["rebuilding"] and status["position"] < later.position:
                asked = await client.post(
                    "/api/projections/rebuild", headers={"Authorization": f"Bearer {OPERATOR}"}
                )
                assert asked.status_code in (202, 409), asked.text
            return status  # type: ignore[no-any-return]

        status = await eventually(rebuilt, until=lambda s: s["position"] >= later.position, what="rebuild")
        after = await public_works(client)

    assert before["requests"] == unchanged["requests"] == 1
    assert (after["requests"], after["open"], after["on_time"]) == (3, 1, 2)
    assert status["last_rebuild"]["events"] == status["events"] == 8
    assert status["last_rebuild"]["position"] == status["position"] == later.position
    assert status["last_error"] is None

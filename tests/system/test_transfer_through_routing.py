"""A staff transfer goes through routing: the desk asks (TransferRequested), routing decides and answers.

The gateway, the relay and routing run as their own processes on real PostgreSQL and NATS. A supervisor
transfers over the desk's HTTP API; routing's `Assigned` carries the new department, queue and due time
(the clock restarted or continued as the type says), or routing's `TransferRefused` says why not. A
transfer asked for while routing is stopped waits on the bus and is applied once routing is back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from civic311_backbone.contracts import Assigned, Envelope, TransferRefused, TransferRequested, from_record
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from civic311_city import CitySettings
from civic311_city.calendar import due_at
from civic311_city.city import build_calendar
from civic311_intake.adapters.access import add_staff_account
from civic311_intake.domain.staff.members import Role
from civic311_intake.wiring import SERVICE as INTAKE
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

PASSWORD = "correct horse battery staple"
PUBLIC_WORKS, PARKS = "Public Works", "Parks and Recreation"
NORTH = {"lat": 42.37, "long": -71.10}  # the sample city's North district


@dataclass
class City:
    """The running system, with routing as a process of its own that a test may stop and start."""

    client: httpx.AsyncClient
    store: EventStore
    pool: asyncpg.Pool
    env: dict[str, str]
    log_dir: Path
    routing: ServiceProcess

    async def stop_routing(self) -> None:
        self.routing.stop()

    async def start_routing(self) -> None:
        self.routing = ServiceProcess(
            "civic311_routing", self.env, self.log_dir, name="routing-again"
        ).start()
        await self.routing.wait_ready()

    async def staff(self, role: Role, department: str | None = None) -> dict[str, str]:
        username = f"{role}-{uuid4().hex[:8]}"
        await add_staff_account(
            self.pool,
            username=username,
            password=PASSWORD,
            display_name=username,
            role=role,
            department=department,
        )
        signed_in = await self.client.post(
            "/api/staff/sessions", json={"username": username, "password": PASSWORD}
        )
        assert signed_in.status_code == 201, signed_in.text
        return {"Authorization": f"Bearer {signed_in.json()['token']}"}

    async def events(self, number: str) -> list[Envelope[Any]]:
        return [from_record(r) for r in await self.store.read_stream(stream_id_for(number))]

    async def routed(self, agent: dict[str, str], service_code: str, attributes: dict[str, str]) -> str:
        """A caller's report filed at the desk, once routing has assigned it; its tracking number."""
        report = {"service_code": service_code, "channel": "phone", "attributes": attributes, **NORTH}
        filed = await self.client.post("/api/staff/requests", json=report, headers=agent)
        assert filed.status_code == 201, filed.text
        number: str = filed.json()["tracking_number"]
        await self.answered(number, after=1)
        return number

    async def answered(self, number: str, *, after: int) -> Envelope[Any]:
        """Routing's answer: the first event after the stream's first `after` ones."""

        async def events() -> list[Envelope[Any]]:
            return await self.events(number)

        found = await eventually(events, until=lambda e: len(e) > after, what=f"routing's answer on {number}")
        return found[after]


@pytest.fixture
async def city(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, tmp_path: Path
) -> AsyncIterator[City]:
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    env = settings_env(settings)
    relay, routing, intake = (
        ServiceProcess(module, env, tmp_path).start()
        for module in ("civic311_backbone.relay", "civic311_routing", "civic311_intake")
    )
    running = City(
        client=httpx.AsyncClient(base_url=intake.url, timeout=30),
        store=store,
        pool=pool,
        env=env,
        log_dir=tmp_path,
        routing=routing,
    )
    try:
        for process in (relay, routing, intake):
            await process.wait_ready()
        yield running
    finally:
        await running.client.aclose()
        for process in (relay, running.routing, intake):
            process.stop()


def expected_due(settings: BackboneSettings, at: Any, kind: Any, amount: int) -> Any:
    return due_at(build_calendar(CitySettings(**settings.model_dump())), at, kind, amount)


@pytest.mark.slow
async def test_routing_moves_a_transferred_request_restarting_or_continuing_the_clock(
    city: City, settings: BackboneSettings
) -> None:
    agent = await city.staff("agent")
    supervisor = await city.staff("supervisor", PUBLIC_WORKS)
    graffiti = await city.routed(agent, "GRAFFITI", {})  # transfer_clock = "restart"
    pothole = await city.routed(agent, "POTHOLE", {"SIZE": "small"})  # transfer_clock = "continue"
    pothole_due = (await city.events(pothole))[1].payload.due_at

    restarted = await city.client.post(
        f"/api/staff/requests/{graffiti}/transfer",
        json={"department": PARKS, "queue": "PRK-Maintenance", "note": "on park land"},
        headers=supervisor,
    )
    continued = await city.client.post(
        f"/api/staff/requests/{pothole}/transfer", json={"department": "Water and Sewer"}, headers=supervisor
    )

    assert restarted.status_code == continued.status_code == 202
    assert restarted.json()["pending_transfer"]["department"] == PARKS
    asked = (await city.events(graffiti))[2]
    assert isinstance(asked.payload, TransferRequested)
    moved = await city.answered(graffiti, after=3)
    assert isinstance(moved.payload, Assigned)
    assert moved.causation_id == asked.event_id
    assert (moved.payload.reason, moved.payload.clock) == ("transfer", "restarted")
    assert (moved.payload.department, moved.payload.queue, moved.payload.note) == (
        PARKS,
        "PRK-Maintenance",
        "on park land",
    )
    assert moved.payload.due_at == expected_due(settings, asked.occurred_at, "working_days", 10)

    kept = await city.answered(pothole, after=3)
    assert isinstance(kept.payload, Assigned)
    assert (kept.payload.reason, kept.payload.clock, kept.payload.due_at) == (
        "transfer",
        "continued",
        pothole_due,
    )
    assert (kept.payload.department, kept.payload.queue) == ("Water and Sewer", "WSC-Emergency")

    # With Parks now: the desk shows routing's move, and Public Works' supervisor can no longer touch it.
    admin = await city.staff("admin")
    shown = (await city.client.get(f"/api/staff/requests/{graffiti}", headers=admin)).json()
    assert (shown["department"], shown["queue"], shown["pending_transfer"]) == (
        PARKS,
        "PRK-Maintenance",
        None,
    )
    after = await city.client.post(f"/api/staff/requests/{graffiti}/acknowledge", json={}, headers=supervisor)
    assert after.status_code == 403


@pytest.mark.slow
async def test_a_transfer_routing_cannot_accept_is_refused_on_the_record(city: City) -> None:
    agent = await city.staff("agent")
    supervisor = await city.staff("supervisor", PUBLIC_WORKS)
    number = await city.routed(agent, "GRAFFITI", {})

    asked = await city.client.post(
        f"/api/staff/requests/{number}/transfer",
        json={"department": PARKS, "queue": "PRK-Nowhere"},
        headers=supervisor,
    )

    assert asked.status_code == 202
    refusal = await city.answered(number, after=3)
    assert isinstance(refusal.payload, TransferRefused)
    assert (refusal.payload.department, refusal.payload.queue) == (PARKS, "PRK-Nowhere")
    assert "PRK-Nowhere" in refusal.payload.reason
    shown = (await city.client.get(f"/api/staff/requests/{number}", headers=supervisor)).json()
    assert (shown["department"], shown["pending_transfer"]) == (PUBLIC_WORKS, None)
    assert shown["timeline"][-1]["kind"] == "transfer_refused"
    assert shown["timeline"][-1]["reason"] == refusal.payload.reason


@pytest.mark.slow
async def test_a_transfer_asked_while_routing_is_stopped_is_applied_once_it_is_back(
    city: City, settings: BackboneSettings
) -> None:
    agent = await city.staff("agent")
    supervisor = await city.staff("supervisor", PUBLIC_WORKS)
    number = await city.routed(agent, "GRAFFITI", {})
    await city.stop_routing()

    asked = await city.client.post(
        f"/api/staff/requests/{number}/transfer",
        json={"department": PARKS, "queue": "PRK-Maintenance"},
        headers=supervisor,
    )
    assert asked.status_code == 202
    assert asked.json()["pending_transfer"]["department"] == PARKS
    assert [e.event_type for e in await city.events(number)][-1] == "TransferRequested"

    await city.start_routing()
    moved = await city.answered(number, after=3)
    assert isinstance(moved.payload, Assigned)
    assert (moved.payload.department, moved.payload.queue, moved.payload.clock) == (
        PARKS,
        "PRK-Maintenance",
        "restarted",
    )
    asked_at = (await city.events(number))[2].occurred_at
    assert moved.payload.due_at == expected_due(settings, asked_at, "working_days", 10)
    assert len(await city.events(number)) == 4

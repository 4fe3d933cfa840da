"""A resident's report, filed through the gateway, reaches the right department, queue and due time.

Everything runs as it does for a city: the gateway, the relay and routing as their own processes on
real PostgreSQL and NATS; the report comes in as an Open311 POST and leaves as an `Assigned` in the
request's stream, naming the rule that decided it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from civic311_backbone.contracts import Assigned, Envelope, from_record
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from civic311_city import CitySettings
from civic311_city.calendar import due_at
from civic311_city.city import build_calendar
from civic311_intake.adapters.access import issue_api_key
from civic311_intake.wiring import SERVICE as INTAKE
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually


@pytest.fixture
async def gateway(settings: BackboneSettings, pool: asyncpg.Pool, tmp_path: Path) -> AsyncIterator[str]:
    """The Open311 base URL of a running gateway, with the relay and routing running beside it."""
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    env = settings_env(settings)
    processes = [
        ServiceProcess(module, env, tmp_path).start()
        for module in ("civic311_backbone.relay", "civic311_routing", "civic311_intake")
    ]
    try:
        for process in processes:
            await process.wait_ready()
        yield f"{processes[-1].url}/open311/v2"
    finally:
        for process in processes:
            process.stop()


@pytest.mark.slow
async def test_a_large_pothole_in_the_north_goes_to_the_north_crew_within_two_working_days(
    gateway: str, pool: asyncpg.Pool, store: EventStore, settings: BackboneSettings
) -> None:
    report = {
        "api_key": await issue_api_key(pool, issued_to="e2e"),
        "service_code": "POTHOLE",
        "lat": "42.37",  # the sample city's North district
        "long": "-71.10",
        "attribute[SIZE]": "large",
        "description": "Deep pothole by the bus stop",
    }
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{gateway}/requests.json", data=report)
    assert answer.status_code == 200, answer.text
    number = answer.json()[0]["service_request_id"]

    async def events() -> list[Envelope[Any]]:
        return [from_record(r) for r in await store.read_stream(stream_id_for(number))]

    history = await eventually(events, until=lambda found: len(found) >= 2, what="Assigned in the store")
    created, assigned = history[0], history[1]
    decision = assigned.payload
    assert isinstance(decision, Assigned)
    assert (decision.department, decision.queue, decision.district) == (
        "Public Works",
        "PWD-Streets-North",
        "North",
    )
    assert (decision.priority, decision.rule, decision.reason, decision.clock) == (
        "high",
        "large-pothole",
        "routing",
        "started",
    )
    calendar = build_calendar(CitySettings(**settings.model_dump()))
    assert decision.due_at == due_at(calendar, created.occurred_at, "working_days", 2)

"""An address-only Open311 POST, or an agent's filing for a caller, reaches its district's queue; one that
cannot be placed, triage.

The gateway, the relay and routing run as their own processes, as in tests/system: the POST carries
an address and no coordinates, and the Assigned is read from the request's stream.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from civic311_backbone.contracts import Assigned, Envelope, RequestCreated, from_record
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.store import EventStore
from civic311_city import load_districts
from civic311_city.geocoding.sample import sample_points
from civic311_intake.adapters.access import add_staff_account, issue_api_key
from tests.intake.desk_support import PASSWORD
from tests.support.waiting import eventually

# The gateway, the relay and routing as their own processes: the system test's fixture, not a copy.
from tests.system.test_report_to_assignment import gateway  # noqa: F401


async def _file(base_url: str, api_key: str, address: str) -> str:
    report = {
        "api_key": api_key,
        "service_code": "POTHOLE",
        "address_string": address,
        "attribute[SIZE]": "small",
    }
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{base_url}/requests.json", data=report)
    assert answer.status_code == 200, answer.text
    number: str = answer.json()[0]["service_request_id"]
    return number


async def _routed(store: EventStore, number: str) -> tuple[RequestCreated, Assigned]:
    async def events() -> list[Envelope[Any]]:
        return [from_record(r) for r in await store.read_stream(stream_id_for(number))]

    history = await eventually(events, until=lambda found: len(found) >= 2, what="Assigned in the store")
    created, assigned = history[0].payload, history[1].payload
    assert isinstance(created, RequestCreated) and isinstance(assigned, Assigned)
    return created, assigned


@pytest.mark.slow
async def test_an_address_only_report_goes_to_its_districts_queue_and_an_unplaced_one_to_triage(
    gateway: str,  # noqa: F811  (the fixture imported above)
    pool: asyncpg.Pool,
    store: EventStore,
) -> None:
    districts = load_districts()
    # One house in each district, written as a resident might ("Street" spelt out, lower case).
    houses = {}
    for point in sample_points():
        district = districts.containing(point.lat, point.long)
        if district is not None and district not in houses and int(point.address.split()[0]) > 50:
            houses[district] = point
    assert sorted(houses) == ["East", "North", "South", "West"]
    api_key = await issue_api_key(pool, issued_to="geocoding")
    for district, house in houses.items():
        number = await _file(gateway, api_key, house.address.lower())
        created, assigned = await _routed(store, number)
        assert (created.location.lat, created.location.long) == (house.lat, house.long)
        assert (created.location.geocoded, created.location.address_id) == ("exact", house.address_id)
        assert (assigned.queue, assigned.district, assigned.rule) == (
            f"PWD-Streets-{district}",
            district,
            "default-by-type",
        )

    number = await _file(gateway, api_key, "12 Nowhere Rd")
    created, assigned = await _routed(store, number)
    assert created.location.unplaced == "not_found"
    assert (assigned.queue, assigned.district) == ("CS-Triage", None)
    assert assigned.rule == "default-by-type; address-not-placed: not found"

    # An agent files a caller's address the same way
    district, house = next(iter(houses.items()))
    await add_staff_account(
        pool, username="agent-ana", password=PASSWORD, display_name="Ana", role="agent", department=None
    )
    async with httpx.AsyncClient(base_url=gateway.removesuffix("/open311/v2")) as desk:
        session = await desk.post("/api/staff/sessions", json={"username": "agent-ana", "password": PASSWORD})
        caller = {"service_code": "POTHOLE", "channel": "phone", "address_string": house.address.upper()}
        filed = await desk.post(
            "/api/staff/requests",
            json={**caller, "attributes": {"SIZE": "small"}},
            headers={"Authorization": f"Bearer {session.json()['token']}"},
        )
    assert filed.status_code == 201, filed.text
    created, assigned = await _routed(store, filed.json()["tracking_number"])
    assert (created.location.lat, created.location.long, created.location.geocoded) == (
        house.lat,
        house.long,
        "exact",
    )
    assert (assigned.queue, assigned.district) == (f"PWD-Streets-{district}", district)

"""A resident follows a request by its tracking number, over HTTP, from the running gateway."""

from __future__ import annotations

from pathlib import Path

import httpx

from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Contact,
    Cost,
    Location,
    RequestCreated,
    StatusUpdated,
    new_event,
)
from civic311_backbone.contracts.tracking import new_tracking_number
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import RESIDENT, STAFF
from civic311_backbone.testing.plugin import settings_env
from civic311_intake.application.filing import file_request
from tests.support.processes import ServiceProcess

EMAIL = "maria.lopez@example.org"


def pothole_with_contact(tracking_number: str) -> RequestCreated:
    return RequestCreated(
        tracking_number=tracking_number,
        service_code="POTHOLE",
        description="Deep pothole by the bus stop",
        location=Location(lat=42.36, long=-71.06, address_string="1 City Hall Sq"),
        channel="web",
        contact=Contact(first_name="Maria", email=EMAIL, phone="+1 617 555 0100"),
    )


async def test_tracking_page_shows_the_public_timeline_and_nothing_private(
    store: EventStore, settings: BackboneSettings, tmp_path: Path
) -> None:
    filed = await file_request(store, pothole_with_contact, actor=RESIDENT)
    await store.append(
        filed.stream_id,
        [
            new_event(
                Assigned(department="Public Works", queue="PWD-Streets"),
                actor=Actor(kind="service", id="routing"),
            ),
            new_event(
                StatusUpdated(
                    status="in_progress",
                    public_note="Crew scheduled for Tuesday",
                    internal_note="caller was rude",
                    cost=Cost(labour_hours=2),
                ),
                actor=STAFF,
            ),
        ],
        expected_version=1,
    )
    gateway = ServiceProcess("civic311_intake", settings_env(settings), tmp_path).start()
    try:
        await gateway.wait_ready()
        async with httpx.AsyncClient(base_url=gateway.url) as client:
            typed = filed.tracking_number.lower().replace("-", " ")
            response = await client.get(f"/api/requests/{typed}")
            invalid = await client.get("/api/requests/not-a-number")
            unknown = await client.get(f"/api/requests/{new_tracking_number()}")
    finally:
        gateway.stop()

    assert response.status_code == 200
    body = response.json()
    assert body["tracking_number"] == filed.tracking_number
    assert body["status"] == "open"
    assert body["department"] == "Public Works"
    assert [e["status"] for e in body["timeline"]] == ["received", "assigned", "in_progress"]
    assert body["timeline"][2]["note"] == "Crew scheduled for Tuesday"
    for private in (EMAIL, "Maria", "555 0100", "caller was rude", "labour"):
        assert private not in response.text
    assert invalid.status_code == 400
    assert "tracking_number" in invalid.json()["detail"]
    assert unknown.status_code == 404

"""Staff work requests through the running gateway: each change one event on the request's own stream."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import pytest

from civic311_backbone.contracts import (
    Assigned,
    Location,
    RequestCreated,
    StatusUpdated,
    TransferRequested,
    from_record,
    new_event,
)
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, NewEvent, RecordedEvent, notify_channel
from civic311_backbone.testing.factories import RESIDENT, STAFF
from civic311_city.loading import load_catalogue
from civic311_intake.application.desk import Desk, StaleRequest, change_request
from civic311_intake.domain.staff.commands import Close
from civic311_intake.domain.staff.members import StaffMember
from tests.intake.desk_support import PARKS, PUBLIC_WORKS, RunningDesk

CALLER = {
    "service_code": "POTHOLE",
    "channel": "phone",
    "description": "Caller says the hole is by the bus stop",
    "address_string": "12 Elm St",
    "attributes": {"SIZE": "medium"},
    "contact": {"first_name": "Rosa", "phone": "+1 617 555 0199"},
    "language": "es",
}


async def test_an_agent_files_a_callers_report_and_bad_input_names_the_field(desk: RunningDesk) -> None:
    agent = await desk.staff("agent")
    pw_staff = await desk.staff("department_staff", PUBLIC_WORKS)

    filed = await desk.client.post("/api/staff/requests", json=CALLER, headers=agent)
    no_place = await desk.client.post(
        "/api/staff/requests", json={**CALLER, "address_string": None}, headers=agent
    )
    unknown_type = await desk.client.post(
        "/api/staff/requests", json={**CALLER, "service_code": "UFO"}, headers=agent
    )
    web_channel = await desk.client.post(
        "/api/staff/requests", json={**CALLER, "channel": "web"}, headers=agent
    )
    not_an_agent = await desk.client.post("/api/staff/requests", json=CALLER, headers=pw_staff)
    nul = await desk.client.post(
        "/api/staff/requests", json={**CALLER, "description": "a\x00b"}, headers=agent
    )

    assert filed.status_code == 201
    number = filed.json()["tracking_number"]
    [record] = await desk.store.read_stream(stream_id_for(number))
    event = from_record(record)
    assert isinstance(event.payload, RequestCreated)
    assert (event.payload.channel, event.payload.language, event.payload.attributes) == (
        "phone",
        "es",
        {"SIZE": "medium"},
    )
    assert event.payload.contact is not None and event.payload.contact.phone == "+1 617 555 0199"
    assert event.actor.kind == "staff" and event.actor.id.startswith("staff:agent-")

    assert no_place.status_code == 422
    assert no_place.json()["detail"][0]["loc"] == ["body", "location"]
    assert unknown_type.status_code == 422
    assert unknown_type.json()["detail"][0]["loc"] == ["body", "service_code"]
    assert web_channel.status_code == 422
    assert web_channel.json()["detail"][0]["loc"] == ["body", "channel"]
    assert nul.status_code == 422
    assert nul.json()["detail"][0]["loc"] == ["body", "description"]
    assert not_an_agent.status_code == 403
    assert "agents" in not_an_agent.json()["detail"]
    assert await desk.pool.fetchval("SELECT count(*) FROM events") == 1


async def test_a_request_is_acknowledged_worked_costed_closed_and_reopened(desk: RunningDesk) -> None:
    staff = await desk.staff("department_staff", PUBLIC_WORKS)
    number = await desk.request_with(PUBLIC_WORKS)
    base = f"/api/staff/requests/{number}"

    acknowledged = await desk.client.post(
        f"{base}/acknowledge", json={"public_note": "We have it"}, headers=staff
    )
    again = await desk.client.post(f"{base}/acknowledge", json={}, headers=staff)
    working = await desk.client.post(
        f"{base}/status",
        json={
            "status": "in_progress",
            "public_note": "Crew on Tuesday",
            "internal_note": "needs the big truck",
            "cost": {"labour_hours": "1.5"},
        },
        headers=staff,
    )
    costed = await desk.client.post(
        f"{base}/cost",
        json={"labour_hours": 2, "materials": "84.20", "internal_note": "asphalt"},
        headers=staff,
    )
    bad_status = await desk.client.post(f"{base}/status", json={"status": "done"}, headers=staff)
    negative = await desk.client.post(f"{base}/cost", json={"labour_hours": -1}, headers=staff)
    duplicate_of_nothing = await desk.client.post(
        f"{base}/close", json={"resolution": "duplicate"}, headers=staff
    )
    closed = await desk.client.post(
        f"{base}/close",
        json={"resolution": "resolved", "public_note": "Filled", "internal_note": "2 tons"},
        headers=staff,
    )

    assert acknowledged.status_code == working.status_code == costed.status_code == closed.status_code == 200
    assert again.status_code == 409 and "already acknowledged" in again.json()["detail"]
    assert bad_status.status_code == 422 and bad_status.json()["detail"][0]["loc"] == ["body", "status"]
    assert negative.status_code == 422 and negative.json()["detail"][0]["loc"] == ["body", "labour_hours"]
    assert duplicate_of_nothing.status_code == 422
    assert duplicate_of_nothing.json()["detail"][0]["loc"] == ["body", "duplicate_of"]
    view = closed.json()
    assert (view["status"], view["stage"], view["resolution"], view["version"]) == (
        "closed",
        "resolved",
        "resolved",
        6,
    )
    assert view["costs"] == {"labour_hours": "3.5", "materials": {"USD": "84.20"}}
    assert view["contact"]["email"] == "maria@example.org"
    assert [e["internal_note"] for e in view["timeline"]][3:] == ["needs the big truck", "asphalt", "2 tons"]
    assert {e["actor"] for e in view["timeline"][2:]} == {view["timeline"][2]["actor"]}
    assert view["timeline"][2]["actor"].startswith("staff:department_staff-")

    # A closed request takes no more work, nor a second closing: only a reopening.
    update_closed = await desk.client.post(f"{base}/status", json={"status": "in_progress"}, headers=staff)
    close_twice = await desk.client.post(f"{base}/close", json={"resolution": "resolved"}, headers=staff)
    cost_closed = await desk.client.post(f"{base}/cost", json={"labour_hours": 1}, headers=staff)
    assert update_closed.status_code == close_twice.status_code == cost_closed.status_code == 409
    assert "closed" in close_twice.json()["detail"]
    assert len(await desk.events_of(number)) == 6

    reopened = await desk.client.post(
        f"{base}/status", json={"status": "reopened", "public_note": "It sank again"}, headers=staff
    )
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["stage"]) == ("open", "reopened")

    public = await desk.client.get(f"/api/requests/{number}")
    assert [e["status"] for e in public.json()["timeline"]][-3:] == ["in_progress", "resolved", "reopened"]
    for private in ("needs the big truck", "asphalt", "maria@example.org", "labour"):
        assert private not in public.text


async def test_a_stale_change_is_refused_with_409_and_nothing_appended(desk: RunningDesk) -> None:
    ana = await desk.staff("department_staff", PUBLIC_WORKS)
    ben = await desk.staff("department_staff", PUBLIC_WORKS)
    number = await desk.request_with(PUBLIC_WORKS)
    base = f"/api/staff/requests/{number}"

    seen_by_ana = (await desk.client.get(base, headers=ana)).json()["version"]
    by_ben = await desk.client.post(
        f"{base}/acknowledge", json={"expected_version": seen_by_ana}, headers=ben
    )
    by_ana = await desk.client.post(
        f"{base}/close", json={"resolution": "not_actionable", "expected_version": seen_by_ana}, headers=ana
    )

    assert seen_by_ana == 2
    assert by_ben.status_code == 200
    assert by_ana.status_code == 409
    assert "changed while you were working on it" in by_ana.json()["detail"]
    assert await desk.events_of(number) == ["RequestCreated", "Assigned", "StatusUpdated"]


async def test_a_duplicate_is_closed_onto_its_original_as_the_caller_reads_it(desk: RunningDesk) -> None:
    staff = await desk.staff("department_staff", PUBLIC_WORKS)
    original = await desk.request_with(PUBLIC_WORKS)
    copy = await desk.request_with(PUBLIC_WORKS)
    never_filed = new_tracking_number()

    unknown = await desk.client.post(
        f"/api/staff/requests/{copy}/close",
        json={"resolution": "duplicate", "duplicate_of": never_filed},
        headers=staff,
    )
    as_heard = original.lower().replace("-", " ")
    closed = await desk.client.post(
        f"/api/staff/requests/{copy}/close",
        json={"resolution": "duplicate", "duplicate_of": as_heard, "public_note": "Already reported"},
        headers=staff,
    )

    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "duplicate_of"]
    assert closed.status_code == 200
    assert (closed.json()["resolution"], closed.json()["duplicate_of"]) == ("duplicate", original)
    public = await desk.client.get(f"/api/requests/{copy}")
    assert public.json()["duplicate_of"] == original


async def test_a_transfer_is_asked_of_routing_and_the_request_shows_it_pending(desk: RunningDesk) -> None:
    """Routing alone decides the new due time: tests/system/test_transfer_through_routing.py."""
    supervisor = await desk.staff("supervisor", PUBLIC_WORKS)
    pw_staff = await desk.staff("department_staff", PUBLIC_WORKS)
    first_due = datetime.fromisoformat("2026-11-25T21:30:00+00:00")
    graffiti = await desk.request_with(PUBLIC_WORKS, service_code="GRAFFITI", due_at=first_due)

    by_staff = await desk.client.post(
        f"/api/staff/requests/{graffiti}/transfer", json={"department": PARKS}, headers=pw_staff
    )
    unknown = await desk.client.post(
        f"/api/staff/requests/{graffiti}/transfer",
        json={"department": "Ministry of Magic"},
        headers=supervisor,
    )
    asked = await desk.client.post(
        f"/api/staff/requests/{graffiti}/transfer",
        json={"department": PARKS, "queue": "PRK-Maintenance", "note": "on park land"},
        headers=supervisor,
    )

    assert by_staff.status_code == 403 and "only supervisors" in by_staff.json()["detail"]
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "department"]
    assert asked.status_code == 202, asked.text
    shown = asked.json()
    assert (shown["department"], datetime.fromisoformat(shown["due_at"])) == (PUBLIC_WORKS, first_due)
    assert shown["pending_transfer"]["department"] == PARKS
    assert shown["pending_transfer"]["queue"] == "PRK-Maintenance"
    assert shown["pending_transfer"]["requested_by"].startswith("staff:supervisor-")
    [record] = (await desk.store.read_stream(stream_id_for(graffiti)))[-1:]
    event = from_record(record)
    assert event.payload == TransferRequested(department=PARKS, queue="PRK-Maintenance", note="on park land")
    assert event.actor.id.startswith("staff:supervisor-")
    assert len(await desk.events_of(graffiti)) == 3


class RacingStore(EventStore):
    """A store where another staff member's change lands just after the desk has read the stream."""

    def __init__(self, pool: asyncpg.Pool, settings: BackboneSettings, racer: NewEvent) -> None:
        super().__init__(pool, notify_channel=notify_channel(settings))
        self.racer: NewEvent | None = racer

    async def read_stream(
        self, stream_id: str, *, from_version: int = 1, conn: asyncpg.Connection | None = None
    ) -> list[RecordedEvent]:
        records = await super().read_stream(stream_id, from_version=from_version, conn=conn)
        if self.racer is not None:
            racer, self.racer = self.racer, None
            await self.append(stream_id, [racer], expected_version=None)
        return records


async def test_a_change_racing_another_is_refused_and_nothing_of_it_appended(
    pool: asyncpg.Pool, store: EventStore, settings: BackboneSettings
) -> None:
    number = new_tracking_number()
    created = RequestCreated(
        tracking_number=number,
        service_code="POTHOLE",
        location=Location(address_string="1 Elm St"),
        channel="web",
    )
    await store.append(
        stream_id_for(number),
        [
            new_event(created, actor=RESIDENT),
            new_event(Assigned(department=PUBLIC_WORKS, queue="Q"), actor=STAFF),
        ],
        expected_version=0,
    )
    racing = RacingStore(pool, settings, new_event(StatusUpdated(status="on_hold"), actor=STAFF))
    desk = Desk(store=racing, catalogue=load_catalogue())
    member = StaffMember("ana", "Ana", "department_staff", PUBLIC_WORKS)

    with pytest.raises(StaleRequest, match="you saw 2 events"):
        await change_request(desk, member, number, Close(resolution="resolved"))

    events = [from_record(r) for r in await store.read_stream(stream_id_for(number))]
    assert [e.event_type for e in events] == ["RequestCreated", "Assigned", "StatusUpdated"]
    await racing.drain()

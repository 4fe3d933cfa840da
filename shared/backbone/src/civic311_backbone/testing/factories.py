"""Small builders for test events, so tests say only what matters to them."""

from __future__ import annotations

from uuid import UUID, uuid4

from civic311_backbone.contracts import Actor, Location, RequestCreated, StatusUpdated, new_event
from civic311_backbone.store import NewEvent

RESIDENT = Actor(kind="resident", id="resident-test")
STAFF = Actor(kind="staff", id="staff-test")


def request_created(tracking_number: str | None = None, *, event_id: UUID | None = None) -> NewEvent:
    return new_event(
        RequestCreated(
            tracking_number=tracking_number or uuid4().hex[:8].upper(),
            service_code="POTHOLE",
            description="Deep pothole by the bus stop " + "x" * 250,
            location=Location(lat=42.3601, long=-71.0589),
            channel="web",
        ),
        actor=RESIDENT,
        event_id=event_id,
    )


def status_updated(note: str = "Crew on the way") -> NewEvent:
    return new_event(StatusUpdated(status="in_progress", public_note=note), actor=STAFF)


def new_stream_id() -> str:
    return f"request-{uuid4().hex[:10]}"

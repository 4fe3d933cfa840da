"""Request histories for the notifier's tests, appended to the store as the other services would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Closed,
    Contact,
    FollowerAdded,
    Location,
    Payload,
    RequestCreated,
    SlaWarning,
    StatusUpdated,
    new_event,
    utc_now,
)
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.store import EventStore

STAFF = Actor(kind="staff", id="jdoe")
ROUTING = Actor(kind="service", id="routing")
RESIDENT = Actor(kind="resident", id="resident-test")


def filed(
    email: str | None, *, language: str = "en", service_code: str = "POTHOLE", **more: Any
) -> RequestCreated:
    return RequestCreated(
        tracking_number=new_tracking_number(),
        service_code=service_code,
        description="Deep pothole by the bus stop",
        location=Location(lat=42.37, long=-71.10),
        channel="web",
        language=language,
        contact=Contact(first_name="Ana", email=email) if email else None,
        **more,
    )


def assigned(reason: str = "routing") -> Assigned:
    return Assigned(
        department="Public Works",
        queue="PWD-Streets-North",
        due_at=utc_now() + timedelta(days=2),
        reason=reason,
    )


def updated(status: str, note: str | None) -> StatusUpdated:
    return StatusUpdated(status=status, public_note=note)


def closed(note: str = "Bache reparado.") -> Closed:
    return Closed(resolution="resolved", public_note=note)


def follower(email: str, *, reason: str = "duplicate", language: str = "en") -> FollowerAdded:
    return FollowerAdded(
        contact=Contact(email=email),
        language=language,
        reason=reason,
        via_tracking_number=new_tracking_number() if reason == "duplicate" else None,
    )


def warning(stage: str = "breached") -> SlaWarning:
    return SlaWarning(
        stage=stage,
        due_at=utc_now() - timedelta(minutes=5),
        department="Public Works",
        queue="PWD-Streets-North",
    )


def _actor(payload: Payload) -> Actor:
    if isinstance(payload, Assigned | SlaWarning):
        return ROUTING
    if isinstance(payload, RequestCreated | FollowerAdded):
        return RESIDENT
    return STAFF


async def tell(store: EventStore, stream: str, *payloads: Payload) -> None:
    """Append these facts at the end of the request's stream."""
    await store.append(stream, [new_event(p, actor=_actor(p)) for p in payloads], expected_version=None)


async def new_request(store: EventStore, created: RequestCreated, *more: Payload) -> str:
    stream = stream_id_for(created.tracking_number)
    await store.append(stream, [new_event(p, actor=_actor(p)) for p in (created, *more)], expected_version=0)
    return stream


def unique_address(who: str = "ana") -> str:
    return f"{who}-{uuid4().hex[:8]}@example.org"

"""Builders for fold tests: events as the store hands them back (payloads as decoded JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from civic311_backbone.contracts import Assigned, Closed, Location, RequestCreated, StatusUpdated
from civic311_backbone.contracts.envelope import Payload
from civic311_backbone.contracts.events import Cost

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


@dataclass(frozen=True, slots=True)
class StoredFact:
    stream_id: str
    event_type: str
    occurred_at: datetime
    payload: dict[str, Any]


def fact(stream_id: str, payload: Payload, hours: float) -> StoredFact:
    return StoredFact(stream_id, payload.event_type, at(hours), json.loads(payload.model_dump_json()))


def created(
    code: str = "POTHOLE", channel: str = "web", lat: float = 42.3601, long: float = -71.0589
) -> RequestCreated:
    return RequestCreated(
        tracking_number="T-1",
        service_code=code,
        location=Location(lat=lat, long=long),
        channel=channel,
    )


def assigned(department: str = "Public Works", due_hours: float | None = 48, **extra: Any) -> Assigned:
    due_at = at(due_hours) if due_hours is not None else None
    return Assigned(department=department, queue=f"{department}-queue", due_at=due_at, **extra)


def closed(resolution: str = "resolved", duplicate_of: str | None = None, hours: float = 0) -> Closed:
    cost = Cost(labour_hours=Decimal(hours)) if hours else None
    return Closed(resolution=resolution, duplicate_of=duplicate_of, cost=cost)


def status(value: str, hours: float = 0, materials: float = 0) -> StatusUpdated:
    cost = Cost(labour_hours=Decimal(hours), materials=Decimal(materials)) if hours or materials else None
    return StatusUpdated(status=value, public_note=f"now {value}", cost=cost)

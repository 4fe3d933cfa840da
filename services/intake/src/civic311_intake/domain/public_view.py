"""What anyone may see of a request: its public timeline, folded from its events.

Personal data (the reporter's contact), internal notes and costs never enter this view, so no page
or public API answer built from it can leak them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from civic311_backbone.contracts import Assigned, Closed, Envelope, RequestCreated, StatusUpdated


class TimelineEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime
    kind: Literal["created", "assigned", "status", "closed"]
    status: str
    note: str | None = None
    department: str | None = None


class PublicRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    tracking_number: str
    service_code: str
    description: str | None
    address: str | None
    address_id: str | None = None
    lat: float | None
    long: float | None
    media_url: str | None = None
    channel: str
    status: Literal["open", "closed"]
    stage: str
    """Where the request is now, as the timeline's last entry says: received, assigned, in_progress, …"""
    department: str | None
    due_at: datetime | None
    duplicate_of: str | None
    requested_at: datetime
    updated_at: datetime
    timeline: list[TimelineEntry]


def public_view(events: list[Envelope[Any]]) -> PublicRequest | None:
    """Fold a request's events into its public view; None if the stream holds no request."""
    if not events or not isinstance(events[0].payload, RequestCreated):
        return None
    created: RequestCreated = events[0].payload
    view: dict[str, Any] = {
        "tracking_number": created.tracking_number,
        "service_code": created.service_code,
        "description": created.description,
        "address": created.location.address_string,
        "address_id": created.location.address_id,
        "lat": created.location.lat,
        "long": created.location.long,
        "media_url": created.media_url,
        "channel": created.channel,
        "status": "open",
        "department": None,
        "due_at": None,
        "duplicate_of": None,
        "requested_at": events[0].occurred_at,
    }
    timeline = [TimelineEntry(at=events[0].occurred_at, kind="created", status="received")]
    for event in events[1:]:
        entry = _apply(view, event.payload, event.occurred_at)
        if entry is not None and not _tells_nothing_new(entry, timeline[-1]):
            timeline.append(entry)
    # Events that are not on the public timeline (internal alarms, say) do not make it "updated".
    last = timeline[-1]
    return PublicRequest(**view, stage=last.status, updated_at=last.at, timeline=timeline)


def _tells_nothing_new(entry: TimelineEntry, last: TimelineEntry) -> bool:
    """A status update that repeats the status without a public note (staff recording a cost, say)."""
    return entry.kind == "status" and entry.note is None and entry.status == last.status


def _apply(view: dict[str, Any], payload: object, at: datetime) -> TimelineEntry | None:
    match payload:
        case Assigned(department=department, due_at=due_at):
            view.update(department=department, due_at=due_at)
            return TimelineEntry(at=at, kind="assigned", status="assigned", department=department)
        case StatusUpdated(status=status, public_note=note):
            view["status"] = "open"
            return TimelineEntry(at=at, kind="status", status=status, note=note)
        case Closed(resolution=resolution, public_note=note, duplicate_of=duplicate_of):
            view.update(status="closed", duplicate_of=duplicate_of)
            return TimelineEntry(at=at, kind="closed", status=resolution, note=note)
    return None

"""What anyone may see of a request: its public timeline, derived from the request's one fold.

Personal data (the reporter's contact), internal notes and costs never enter this view, so no page
or public API answer built from it can leak them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from civic311_backbone.contracts import Assigned, Closed, Envelope, StatusUpdated
from civic311_intake.domain.request import Change, RequestState, fold
from civic311_intake.domain.request_photos import shown


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
    """The first photo the public may see (Open311 has one); none when staff hid them all."""
    photos: tuple[str, ...] = ()
    """Every photo the public may see: the resident's and those staff attached, never a hidden one."""
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
    state = fold(events)
    return public_view_of(state) if state is not None else None


def public_view_of(state: RequestState) -> PublicRequest:
    created, assignment = state.created, state.assignment
    timeline = [TimelineEntry(at=state.requested_at, kind="created", status="received")]
    for happening in state.history:
        entry = _entry(happening.change, happening.at)
        if entry is not None and not _tells_nothing_new(entry, timeline[-1]):
            timeline.append(entry)
    # Changes that are not on the public timeline (internal alarms, transfers asked) do not make it "updated".
    last, photos = timeline[-1], shown(state.photos)
    return PublicRequest(
        tracking_number=created.tracking_number,
        service_code=created.service_code,
        description=created.description,
        address=created.location.address_string,
        address_id=created.location.address_id,
        lat=created.location.lat,
        long=created.location.long,
        media_url=photos[0] if photos else None,
        photos=photos,
        channel=created.channel,
        status=state.status,
        stage=last.status,
        department=assignment.department if assignment else None,
        due_at=assignment.due_at if assignment else None,
        duplicate_of=state.duplicate_of,
        requested_at=state.requested_at,
        updated_at=last.at,
        timeline=timeline,
    )


def _tells_nothing_new(entry: TimelineEntry, last: TimelineEntry) -> bool:
    """A status update that repeats the status without a public note (staff recording a cost, say)."""
    return entry.kind == "status" and entry.note is None and entry.status == last.status


def _entry(change: Change, at: datetime) -> TimelineEntry | None:
    """The public line of a change, if it has one: never an internal note, a cost or an SLA alarm."""
    match change:
        case Assigned(department=department):
            return TimelineEntry(at=at, kind="assigned", status="assigned", department=department)
        case StatusUpdated(status=status, public_note=note):
            return TimelineEntry(at=at, kind="status", status=status, note=note)
        case Closed(resolution=resolution, public_note=note):
            return TimelineEntry(at=at, kind="closed", status=resolution, note=note)
    return None

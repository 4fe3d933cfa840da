"""Breach warnings: which open requests routing watches, and when a supervisor is told about one.

Routing keeps a `Watch` per request, folded from the request's Assigned, Closed and reopening events.
A supervisor is told once when the due time is less than `lead` away ("approaching") and once when it has
passed ("breached"); a request whose due time has already passed gets only "breached". A new due time (a
transfer that restarted the clock) is watched afresh; a transfer that continued the clock keeps the
warnings already given, since they were about the same deadline. A closed request gets none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import NAMESPACE_URL, UUID, uuid5

from civic311_backbone.contracts import (
    Assigned,
    Closed,
    Envelope,
    RequestCreated,
    SlaWarning,
    StatusUpdated,
    TransferRequested,
)

Stage = Literal["approaching", "breached"]


@dataclass(frozen=True)
class Watch:
    """What routing knows of one request to warn about it."""

    stream_id: str
    version: int
    """Stream version of the last event folded in: an older event delivered late changes nothing."""
    open: bool
    due_at: datetime | None
    department: str | None = None
    queue: str | None = None
    warned: Stage | None = None
    """The last warning given for this due time."""
    assigned_by: UUID | None = None
    """The Assigned event that set the due time: the warnings' cause."""
    correlation_id: UUID | None = None


def concerns_watch(event: Envelope[Any]) -> bool:
    """Whether the event can change a watch at all (most status updates cannot): if not, no need to
    read the watch."""
    match event.payload:
        case Assigned(reason="import"):
            return False
        case Assigned() | Closed() | StatusUpdated(status="reopened"):
            return True
    return False


def follow(watch: Watch | None, event: Envelope[Any]) -> Watch | None:
    """The watch after one of the request's events, or None when the event changes nothing."""
    if watch is not None and event.stream_version <= watch.version:
        return None
    match event.payload:
        case Assigned(reason="import"):
            return None  # history brought in from another system: nobody is to be warned about it
        case Assigned() as assigned:
            return _assigned(watch, event, assigned)
        case Closed():
            if watch is None:  # kept, so that an Assigned delivered after it cannot re-open the watch
                return Watch(stream_id=event.stream_id, version=event.stream_version, open=False, due_at=None)
            return replace(watch, version=event.stream_version, open=False)
        case StatusUpdated(status="reopened") if watch is not None:
            return replace(watch, version=event.stream_version, open=True)
    return None


def _assigned(watch: Watch | None, event: Envelope[Any], assigned: Assigned) -> Watch:
    due_at = assigned.due_at
    if due_at is None and assigned.clock == "continued" and watch is not None:
        due_at = watch.due_at  # a transfer that says the clock continues, without repeating the time
    same_deadline = watch is not None and watch.due_at == due_at
    return Watch(
        stream_id=event.stream_id,
        version=event.stream_version,
        open=watch.open if watch is not None else True,
        due_at=due_at,
        department=assigned.department,
        queue=assigned.queue,
        warned=watch.warned if watch is not None and same_deadline else None,
        assigned_by=event.event_id,
        correlation_id=event.correlation_id,
    )


def warning_due(watch: Watch, *, now: datetime, lead: timedelta) -> Stage | None:
    """The warning to give now, if any."""
    if not watch.open or watch.due_at is None or watch.warned == "breached":
        return None
    if now >= watch.due_at:
        return "breached"
    if watch.warned is None and now >= watch.due_at - lead:
        return "approaching"
    return None


def next_warning_at(watch: Watch, *, lead: timedelta) -> datetime | None:
    """When the next warning of this watch falls due; None if it will get no more."""
    if not watch.open or watch.due_at is None or watch.warned == "breached":
        return None
    return watch.due_at - lead if watch.warned is None else watch.due_at


def warning_moment(event: Envelope[Any], *, lead: timedelta) -> datetime | None:
    """When the watcher should look after this event: None (at once) when it may bring a warning
    forward; the far future when it can only remove one (a close) or cannot change a watch (a new
    request or a transfer asked for: routing's Assigned of it, when the bus brings that back, names its
    own moment)."""
    match event.payload:
        case Assigned(due_at=due_at) if due_at is not None:
            return due_at - lead
        case StatusUpdated(status="reopened"):
            return None
        case Closed() | StatusUpdated() | RequestCreated() | TransferRequested():
            return datetime.max.replace(tzinfo=UTC)
    return None


def breach_warning(watch: Watch, stage: Stage, *, lead: timedelta) -> SlaWarning:
    if watch.due_at is None or watch.department is None or watch.queue is None:
        raise ValueError(f"{watch.stream_id} has no assignment with a due time to warn about")
    return SlaWarning(
        stage=stage,
        due_at=watch.due_at,
        department=watch.department,
        queue=watch.queue,
        lead=lead if stage == "approaching" else None,
    )


def warning_event_id(stream_id: str, due_at: datetime, stage: Stage) -> UUID:
    """One id per request, due time and stage: a second watcher, or a restart, stores nothing new."""
    return uuid5(NAMESPACE_URL, f"{stream_id}/sla/{due_at.timestamp():.6f}/{stage}")

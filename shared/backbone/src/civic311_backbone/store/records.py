"""What goes into the store and what comes out of it. The store knows no event types: payloads are JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event about to be appended. The store gives it its stream version and global position."""

    event_id: UUID
    event_type: str
    schema_version: int
    occurred_at: datetime
    correlation_id: UUID
    causation_id: UUID | None
    actor: str
    """JSON text of the actor."""
    payload: str
    """JSON text of the payload."""


class RecordedEvent(NamedTuple):
    """An event as the store holds it, with its JSON decoded.

    A NamedTuple rather than a frozen dataclass: replays build millions of these, and a tuple is built
    several times faster than a frozen dataclass, whose every field goes through object.__setattr__.
    """

    global_position: int
    event_id: UUID
    stream_id: str
    stream_version: int
    event_type: str
    schema_version: int
    occurred_at: datetime
    recorded_at: datetime
    correlation_id: UUID
    causation_id: UUID | None
    actor: dict[str, Any]
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AppendResult:
    """Where an append put its events: the stream's new version and the last global position."""

    stream_version: int
    global_position: int
    positions: tuple[int, ...]


class EventFact(NamedTuple):
    """The part of a stored event that projections fold: no ids, no actor, only what happened where.

    Reading only these columns (and decoding only the payload) is what lets a replay keep up with a
    plain read of the table.
    """

    global_position: int
    stream_id: str
    stream_version: int
    event_type: str
    occurred_at: datetime
    payload: dict[str, Any]

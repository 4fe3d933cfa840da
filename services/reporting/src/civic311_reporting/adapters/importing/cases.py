"""What an import makes of one row of a city's export: a case's events, or the reason it was refused."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from civic311_backbone.contracts import Actor, new_event
from civic311_backbone.contracts.envelope import Payload
from civic311_backbone.store import NewEvent


@dataclass(frozen=True, slots=True)
class ImportedCase:
    """One case of the export as the events of its own stream."""

    stream_id: str
    events: tuple[NewEvent, ...]
    skewed: bool = False
    """Closed a little before it opened (the city's clocks disagreeing): kept, closed at its open."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row the import refused, and why: the reason starts with the column at fault."""

    line: int
    case_id: str
    reason: str
    column: str = ""


def event_id(source: str, case_id: str, kind: str) -> UUID:
    """The same row always gives the same event ids, so importing a file twice stores it once."""
    return uuid5(NAMESPACE_URL, f"civic311-import:{source}/{case_id}/{kind}")


def case_events(
    source: str, case_id: str, actor: Actor, facts: list[tuple[Payload, datetime]]
) -> tuple[NewEvent, ...]:
    """Events of one case, dated when each fact happened, all correlated with the case's creation."""
    events: list[NewEvent] = []
    for payload, occurred_at in facts:
        kind = payload.event_type
        event = new_event(payload, actor=actor, event_id=event_id(source, case_id, kind))
        correlation = events[0].event_id if events else event.event_id
        events.append(replace(event, occurred_at=occurred_at, correlation_id=correlation))
    return tuple(events)

"""Current state of every service request: a fold over its events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from civic311_reporting.domain.facts import Fact


@dataclass(slots=True)
class RequestState:
    """What is known of one request now. Built only by `apply`."""

    stream_id: str
    tracking_number: str | None = None
    service_code: str | None = None
    channel: str | None = None
    lat: float | None = None
    long: float | None = None
    created_at: datetime | None = None
    department: str | None = None
    queue: str | None = None
    district: str | None = None
    due_at: datetime | None = None
    status: str = "open"
    closed_at: datetime | None = None
    resolution: str | None = None
    duplicate_of: str | None = None
    assignments: int = 0
    reopened: int = 0
    labour_hours: float = 0.0
    materials: float = 0.0
    external_id: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def transfers(self) -> int:
        return max(self.assignments - 1, 0)


def _instant(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _add_cost(state: RequestState, cost: dict[str, Any] | None) -> None:
    if cost:
        state.labour_hours += float(cost.get("labour_hours") or 0)
        state.materials += float(cost.get("materials") or 0)


def apply(states: dict[str, RequestState], fact: Fact) -> RequestState:
    """Fold one event into the states. Tolerates a stream whose events arrive before its creation."""
    state = states.get(fact.stream_id)
    if state is None:
        state = states[fact.stream_id] = RequestState(fact.stream_id)
    p = fact.payload
    kind = fact.event_type
    if kind == "RequestCreated":
        location = p.get("location") or {}
        state.tracking_number = p.get("tracking_number")
        state.service_code = p.get("service_code")
        state.channel = p.get("channel")
        state.lat, state.long = location.get("lat"), location.get("long")
        state.created_at = fact.occurred_at
        state.external_id = p.get("external_id")
    elif kind == "Assigned":
        due_at = _instant(p.get("due_at"))
        if due_at is None and p.get("clock") == "continued":
            due_at = state.due_at
        state.department, state.queue, state.due_at = p.get("department"), p.get("queue"), due_at
        state.district = p.get("district") or state.district  # a transfer need not repeat it
        state.assignments += 1
    elif kind == "StatusUpdated":
        state.status = p.get("status") or state.status
        if state.status == "reopened":
            state.reopened += 1
            state.closed_at = state.resolution = state.duplicate_of = None
        _add_cost(state, p.get("cost"))
    elif kind == "Closed":
        state.status = "closed"
        state.closed_at = fact.occurred_at
        state.resolution = p.get("resolution")
        state.duplicate_of = p.get("duplicate_of")
        _add_cost(state, p.get("cost"))
    return state


def fold(facts: Iterable[Fact], *, until: datetime | None = None) -> dict[str, RequestState]:
    """Every request's state from events, keeping only those that occurred up to `until`."""
    states: dict[str, RequestState] = {}
    for fact in facts:
        if until is None or fact.occurred_at <= until:
            apply(states, fact)
    return states

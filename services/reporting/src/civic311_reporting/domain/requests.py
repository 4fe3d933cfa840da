"""Current state of every service request: a fold over its events.

Each event type has a step, which takes the request's state, when the event occurred and the payload
values the fold reads of that type, in the order `READS` names them. `apply` takes them out of a whole
payload; a replay can instead have the database cut out just those values (`application/replay.py`)
and call the same steps: one fold, two ways in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from civic311_reporting.domain.facts import Fact


@dataclass(slots=True)
class RequestState:
    """What is known of one request now. Built only by the steps below."""

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


def _created(
    state: RequestState,
    occurred_at: datetime,
    tracking_number: str | None,
    service_code: str | None,
    channel: str | None,
    external_id: str | None,
    lat: float | str | None,
    long: float | str | None,
) -> None:
    state.tracking_number, state.service_code, state.channel = tracking_number, service_code, channel
    state.external_id = external_id
    # A number comes as a JSON number or as its text (a narrow replay's); amounts also as decimal text.
    state.lat = None if lat is None else float(lat)
    state.long = None if long is None else float(long)
    state.created_at = occurred_at


def _assigned(
    state: RequestState,
    occurred_at: datetime | None,
    department: str | None,
    queue: str | None,
    due_at: str | None,
    clock: str | None,
    district: str | None,
) -> None:
    due = datetime.fromisoformat(due_at) if due_at else None
    if due is None and clock == "continued":
        due = state.due_at
    state.department, state.queue, state.due_at = department, queue, due
    state.district = district or state.district  # a transfer need not repeat it
    state.assignments += 1


def _status_updated(
    state: RequestState, occurred_at: datetime | None, status: str | None, hours: Any, materials: Any
) -> None:
    state.status = status or state.status
    if state.status == "reopened":
        state.reopened += 1
        state.closed_at = state.resolution = state.duplicate_of = None
    state.labour_hours += float(hours) if hours else 0.0
    state.materials += float(materials) if materials else 0.0


def _closed(
    state: RequestState,
    occurred_at: datetime,
    resolution: str | None,
    duplicate_of: str | None,
    hours: Any,
    materials: Any,
) -> None:
    state.status = "closed"
    state.closed_at = occurred_at
    state.resolution, state.duplicate_of = resolution, duplicate_of
    state.labour_hours += float(hours) if hours else 0.0
    state.materials += float(materials) if materials else 0.0


class Step(NamedTuple):
    """How one event type is folded: `fold(state, occurred_at, *values)`, with the payload values it
    takes (`reads`: each a path into the payload; a string comes as it is, a number may come as its
    text) and whether it reads when the event occurred (`timed`; if not, it may be None)."""

    fold: Callable[..., None]
    reads: tuple[str, ...]
    timed: bool


STEPS: dict[str, Step] = {
    "RequestCreated": Step(
        _created,
        ("tracking_number", "service_code", "channel", "external_id", "location.lat", "location.long"),
        timed=True,
    ),
    "Assigned": Step(
        _assigned,
        ("department", "queue", "due_at", "clock", "district"),
        timed=False,
    ),
    "StatusUpdated": Step(
        _status_updated,
        ("status", "cost.labour_hours", "cost.materials"),
        timed=False,
    ),
    "Closed": Step(
        _closed,
        (
            "resolution",
            "duplicate_of",
            "cost.labour_hours",
            "cost.materials",
        ),
        timed=True,
    ),
}


def state_of(states: dict[str, RequestState], stream_id: str) -> RequestState:
    """The request's state, begun if this is the first event seen of it (which need not be its creation)."""
    state = states.get(stream_id)
    if state is None:
        state = states[stream_id] = RequestState(stream_id)
    return state


def _value(payload: dict[str, Any], path: str) -> Any:
    value: Any = payload
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


CALL_EVENT = "InformationCallLogged"
"""An information call's one event, on its own stream: not a request's (domain.information_calls)."""


def apply(states: dict[str, RequestState], fact: Fact) -> RequestState | None:
    """Fold one event into the states. Tolerates a stream whose events arrive before its creation.
    An information call is no request: it is left out (None)."""
    if fact.event_type == CALL_EVENT:
        return None
    state = state_of(states, fact.stream_id)
    step = STEPS.get(fact.event_type)
    if step is not None:
        step.fold(state, fact.occurred_at, *(_value(fact.payload, path) for path in step.reads))
    return state


def fold(facts: Iterable[Fact], *, until: datetime | None = None) -> dict[str, RequestState]:
    """Every request's state from events, keeping only those that occurred up to `until`."""
    states: dict[str, RequestState] = {}
    for fact in facts:
        if until is None or fact.occurred_at <= until:
            apply(states, fact)
    return states

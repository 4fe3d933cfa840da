"""The current-state projection held in memory: rebuilt by replay, kept live from the bus.

A rebuild builds a new projection beside the live one and swaps it in when complete, so readers never
see a half-built view; events that arrive meanwhile go to both. Each event is applied once per request
stream: one whose stream version is not beyond the last applied (a redelivery, or an event the replay
already read) is skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from civic311_backbone.contracts import Envelope
from civic311_backbone.store import EventStore
from civic311_reporting.domain.requests import RequestState, apply


class LiveFact(NamedTuple):
    stream_id: str
    stream_version: int
    event_type: str
    occurred_at: datetime
    payload: dict[str, Any]

    @classmethod
    def of(cls, envelope: Envelope[Any]) -> LiveFact:
        payload = envelope.payload.model_dump(mode="json")
        return cls(
            envelope.stream_id, envelope.stream_version, envelope.event_type, envelope.occurred_at, payload
        )


class _View:
    def __init__(self) -> None:
        self.states: dict[str, RequestState] = {}
        self.versions: dict[str, int] = {}

    def apply(self, fact: LiveFact) -> bool:
        if fact.stream_version <= self.versions.get(fact.stream_id, 0):
            return False
        apply(self.states, fact)
        self.versions[fact.stream_id] = fact.stream_version
        return True


class LiveRequests:
    """Every request's current state, for the dashboard and the API."""

    def __init__(self) -> None:
        self._view = _View()
        self._building: _View | None = None

    @property
    def states(self) -> dict[str, RequestState]:
        return self._view.states

    def apply(self, fact: LiveFact) -> bool:
        """Apply one event from the bus; False if it was already applied."""
        if self._building is not None:
            self._building.apply(fact)
        return self._view.apply(fact)

    async def rebuild(self, store: EventStore, *, page_size: int = 5000) -> int:
        """Replay the whole store into a new view, then swap it in. Returns the events replayed."""
        building = self._building = _View()
        replayed = 0
        try:
            async for event in store.read_all(page_size=page_size):
                fact = LiveFact(
                    event.stream_id, event.stream_version, event.event_type, event.occurred_at, event.payload
                )
                building.apply(fact)
                replayed += 1
            self._view = building
        finally:
            self._building = None
        return replayed

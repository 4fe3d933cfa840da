"""The current-state projection held in memory: rebuilt by replay, kept live from the bus and the store.
It holds every request's state and, beside them, the information calls agents logged.

Its durable state is the event store itself. The checkpoint is `position`: how far the projection has
read the store, in global order. On start the process replays the store; then the bus's durable
consumer brings each new event at once, and the projection also follows the store from its position
(`catch_up`, about once a second). The bus is the fast path; the store is what makes it complete: an
event the bus delivered to a previous process, but that the start-up replay could not see yet (a
slower writer's transaction was still open, so the store held it back), is read on a later catch-up.

Each request stream is folded in version order: an event whose version is not beyond the last one
applied (a redelivery, or one read from both sources) is skipped, and one from the bus that would
leave a gap in its stream is left for the store to bring in order.

A rebuild builds a new view beside the live one and swaps it in when complete, so readers never see
a half-built view. Events that arrive from the bus meanwhile go to the live view at once and are kept
for the new one, which folds them after its replay.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from civic311_backbone.contracts import Envelope
from civic311_backbone.store import EventFact
from civic311_reporting.domain.information_calls import InformationCall, call_of
from civic311_reporting.domain.requests import CALL_EVENT, RequestState, apply


class LiveFact(NamedTuple):
    stream_id: str
    stream_version: int
    event_type: str
    occurred_at: datetime
    payload: dict[str, Any]
    global_position: int | None = None

    @classmethod
    def of(cls, envelope: Envelope[Any]) -> LiveFact:
        payload = envelope.payload.model_dump(mode="json")
        return cls(
            envelope.stream_id,
            envelope.stream_version,
            envelope.event_type,
            envelope.occurred_at,
            payload,
            envelope.global_position,
        )


class FactPages(Protocol):
    """Where a rebuild reads from: the event store's pages of facts, in global order."""

    def read_fact_pages(
        self, *, after: int = ..., page_size: int = ...
    ) -> AsyncIterator[list[EventFact]]: ...


class RebuildRunning(RuntimeError):
    """A rebuild was asked for while another one is still replaying."""


@dataclass(frozen=True, slots=True)
class Rebuilt:
    events: int
    requests: int
    position: int
    finished_at: datetime


class _View:
    def __init__(self) -> None:
        self.states: dict[str, RequestState] = {}
        self.calls: dict[str, InformationCall] = {}
        self.versions: dict[str, int] = {}
        self.position = 0
        self.events = 0

    def apply(self, fact: LiveFact | EventFact) -> bool:
        last = self.versions.get(fact.stream_id, 0)
        if fact.stream_version != last + 1:
            return False  # seen already, or a gap that reading the store in order will fill
        if fact.event_type == CALL_EVENT:
            self.calls[fact.stream_id] = call_of(fact.occurred_at, fact.payload)
        else:
            apply(self.states, fact)
        self.versions[fact.stream_id] = fact.stream_version
        self.events += 1
        return True

    def read(self, fact: EventFact) -> None:
        """A fact read from the store in global order: folded if new, and the checkpoint moves on."""
        self.apply(fact)
        self.position = max(self.position, fact.global_position)


class LiveRequests:
    """Every request's current state, for the dashboard and the API."""

    def __init__(self) -> None:
        self._view = _View()
        self._arrived: list[LiveFact] | None = None
        self.last_rebuild: Rebuilt | None = None

    @property
    def states(self) -> dict[str, RequestState]:
        return self._view.states

    @property
    def calls(self) -> dict[str, InformationCall]:
        """The information calls agents logged (answered without a request), by stream."""
        return self._view.calls

    @property
    def position(self) -> int:
        """The checkpoint: the global position up to which the store has been read (0 when empty)."""
        return self._view.position

    @property
    def events(self) -> int:
        """Events folded into the view."""
        return self._view.events

    @property
    def rebuilding(self) -> bool:
        return self._arrived is not None

    def apply(self, fact: LiveFact) -> bool:
        """Apply one event from the bus; False if it was already applied (or is left to the store)."""
        if self._arrived is not None:
            self._arrived.append(fact)
        return self._view.apply(fact)

    async def catch_up(self, store: FactPages, *, page_size: int = 5000) -> int:
        """Read the store after the checkpoint into the live view. Returns the events read."""
        if self._arrived is not None:
            return 0  # the rebuild reads them
        read = 0
        view = self._view
        async for page in store.read_fact_pages(after=view.position, page_size=page_size):
            for fact in page:
                view.read(fact)
            read += len(page)
        return read

    async def rebuild(self, store: FactPages, *, page_size: int = 5000) -> int:
        """Replay the whole store into a new view, then swap it in. Returns the events replayed."""
        if self._arrived is not None:
            raise RebuildRunning("a rebuild is already replaying the store")
        arrived: list[LiveFact] = []
        self._arrived = arrived
        building = _View()
        replayed = 0
        try:
            async for page in store.read_fact_pages(page_size=page_size):
                for fact in page:
                    building.read(fact)
                replayed += len(page)
                gc.freeze()  # long-lived states without cycles: see application.replay.replay_states
            for late in arrived:  # no await from here to the swap: nothing can slip in between
                building.apply(late)
            self._view = building
        finally:
            self._arrived = None
        self.last_rebuild = Rebuilt(replayed, len(building.states), building.position, datetime.now(UTC))
        return replayed

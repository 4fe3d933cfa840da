"""Replays the event store into the projections, from the beginning up to an instant."""

from __future__ import annotations

from datetime import datetime

from civic311_backbone.store import EventStore
from civic311_reporting.domain.requests import RequestState, apply


async def replay_states(
    store: EventStore, *, until: datetime | None = None, page_size: int = 5000
) -> dict[str, RequestState]:
    """Every request's state from the store's events that occurred up to `until` (all, if None)."""
    states: dict[str, RequestState] = {}
    async for event in store.read_all(page_size=page_size):
        if until is None or event.occurred_at <= until:
            apply(states, event)
    return states

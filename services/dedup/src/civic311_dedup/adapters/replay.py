"""Build dedup's index by replaying the store from the start."""

from __future__ import annotations

import time
from dataclasses import dataclass

from civic311_backbone.store import EventStore
from civic311_dedup.domain.fold import fold, forget_closed
from civic311_dedup.domain.index import RequestIndex

FOLDED = frozenset({"RequestCreated", "Closed", "StatusUpdated"})
FORGET_EVERY = 200_000
"""Closed requests past every reopen window are dropped as the replay goes, so a long history does not
hold the whole city's past in memory at once."""


@dataclass(frozen=True)
class Rebuilt:
    events: int
    known: int
    seconds: float
    position: int


async def rebuild(store: EventStore, index: RequestIndex, *, page_size: int = 5000) -> Rebuilt:
    """Fold every stored event into `index`; what was last read, and how long it took."""
    started = time.perf_counter()
    events, position, latest = 0, 0, 0.0
    async for page in store.read_fact_pages(page_size=page_size):
        for fact in page:
            position = fact.global_position
            if fact.event_type not in FOLDED:
                continue
            events += 1
            fold(
                index,
                stream_id=fact.stream_id,
                version=fact.stream_version,
                event_type=fact.event_type,
                occurred_at=fact.occurred_at,
                payload=fact.payload,
            )
            latest = max(latest, fact.occurred_at.timestamp())
            if events % FORGET_EVERY == 0:
                forget_closed(index, now=latest)
    forget_closed(index, now=max(latest, time.time()))
    return Rebuilt(events=events, known=len(index), seconds=time.perf_counter() - started, position=position)

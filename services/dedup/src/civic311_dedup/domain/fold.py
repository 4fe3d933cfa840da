"""What each event on a request's stream changes in dedup's index: one fold, for the replay at start-up
and for the bus alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civic311_dedup.domain.index import RequestIndex
from civic311_dedup.domain.requests import known_from_payload
from civic311_dedup.domain.scoring import DAY

LONGEST_REOPEN_DAYS = 30.0
"""A closed request is forgotten this long after closing, whatever its type says (a reopen after that
reads the request back from the store)."""


def fold(
    index: RequestIndex,
    *,
    stream_id: str,
    version: int,
    event_type: str,
    occurred_at: datetime,
    payload: dict[str, Any],
) -> None:
    """Apply one stored event of a request's stream to the index; an event older than what the index
    holds of that request (a redelivery) changes nothing."""
    if event_type == "RequestCreated":
        if payload.get("confidential") or stream_id in index:
            return
        index.put(known_from_payload(payload, stream_id=stream_id, occurred_at=occurred_at, version=version))
        return
    known = index.get(stream_id)
    if known is None or version <= known.version:
        return
    known.version = version
    if event_type == "Closed":
        known.closed_at = occurred_at.timestamp()
        if payload.get("resolution") == "duplicate":
            # A duplicate is never an original: a later report of the problem matches the original.
            known.duplicate_of = payload.get("duplicate_of") or "?"
    elif event_type == "StatusUpdated" and payload.get("status") == "reopened":
        known.closed_at = None
        known.duplicate_of = None


def forget_closed(index: RequestIndex, *, now: float) -> int:
    """Drop what closed longer ago than any type's reopen window: how many were dropped."""
    horizon = now - LONGEST_REOPEN_DAYS * DAY
    stale = [r.stream_id for r in index.values() if r.closed_at is not None and r.closed_at < horizon]
    for stream_id in stale:
        index.remove(stream_id)
    return len(stale)

"""The review queue's consumer (`intake-duplicate-reviews`): dedup's flags, and whatever settles them."""

from __future__ import annotations

from typing import Any

import asyncpg

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.contracts import DuplicateFlagged, Envelope
from civic311_backbone.contracts.tracking import STREAM_PREFIX
from civic311_backbone.store import EventStore
from civic311_intake.application.duplicate_review import refresh_review

REVIEW_CONSUMER = "intake-duplicate-reviews"
REVIEW_TYPES = frozenset({"DuplicateFlagged", "DuplicateReviewed", "Closed", "StatusUpdated", "Assigned"})
"""A flag; a decision or a close that settles it; a reopening; a new department (the queue's scope)."""


def review_projector(store: EventStore) -> ConsumerSpec:
    async def handle(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        if envelope.stream_id.startswith(STREAM_PREFIX):
            flagged = isinstance(envelope.payload, DuplicateFlagged)
            await refresh_review(conn, store, envelope.stream_id, flagged=flagged)

    # Like the request index: a refold of the stream as it is now only moves a row forward.
    return ConsumerSpec(name=REVIEW_CONSUMER, handler=handle, event_types=REVIEW_TYPES, idempotent=True)

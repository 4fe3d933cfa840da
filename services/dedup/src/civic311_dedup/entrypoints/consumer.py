"""The bus handler: decide on each new report, carry out staff reviews, keep the index live.

Every effect is idempotent by itself, so the consumer runs without a transaction or a processed-event
record: a report's decision is written with its events in one statement and read back before deciding
(a redelivery finds it and does nothing), staff reviews' answers take ids derived from the review, and
the index folds each event only past the stream version it holds. Events that only move the index
(dedup's own Closed coming back from the bus, say) cost no round trip to the database.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from prometheus_client import Counter, Histogram

from civic311_backbone.consuming import Handler
from civic311_backbone.contracts import DuplicateReviewed, Envelope, RequestCreated
from civic311_backbone.store import EventStore
from civic311_city import Catalogue
from civic311_dedup.application.decide import decide_new_request
from civic311_dedup.application.follow import follow_request
from civic311_dedup.application.review import carry_out_review
from civic311_dedup.domain.index import RequestIndex

HANDLED_TYPES = frozenset({"RequestCreated", "Closed", "StatusUpdated", "DuplicateReviewed"})
DECISIONS = Counter("civic311_dedup_decisions", "Decisions on new reports", ["outcome"])
DECIDING = Histogram(
    "civic311_dedup_decision_seconds",
    "Time to decide on a new report, load to record",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)


def dedup_handler(index: RequestIndex, catalogue: Catalogue, store: EventStore) -> Handler:
    async def handle(envelope: Envelope[Any], conn: asyncpg.Connection) -> None:
        match envelope.payload:
            case RequestCreated():
                with DECIDING.time():
                    decision = await decide_new_request(
                        envelope, conn, index=index, catalogue=catalogue, store=store
                    )
                if decision is not None:
                    DECISIONS.labels(decision.outcome).inc()
            case DuplicateReviewed():
                await carry_out_review(envelope, conn, store=store)
            case _:
                await follow_request(envelope, conn, index=index, store=store)

    return handle

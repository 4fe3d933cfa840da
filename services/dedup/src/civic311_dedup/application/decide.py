"""On a new report: load its stream, decide against the index, append the link or the flag, record it."""

from __future__ import annotations

import asyncpg
import structlog

from civic311_backbone.contracts import Envelope, RequestCreated, new_event
from civic311_backbone.store import EventStore
from civic311_city import Catalogue
from civic311_dedup.adapters.decisions import record_decision
from civic311_dedup.domain.decision import Decision, decide
from civic311_dedup.domain.effects import DEDUP, duplicate_closed, effect_id, flagged, follower
from civic311_dedup.domain.index import RequestIndex
from civic311_dedup.domain.requests import known_request
from civic311_dedup.domain.stream import history

log = structlog.get_logger(__name__)


async def decide_new_request(
    envelope: Envelope[RequestCreated],
    conn: asyncpg.Connection,
    *,
    index: RequestIndex,
    catalogue: Catalogue,
    store: EventStore,
) -> Decision:
    created = envelope.payload
    stream = [(e.event_type, e.payload) for e in await store.read_stream(envelope.stream_id, conn=conn)]
    if history(stream).closed or any(kind == "DuplicateFlagged" for kind, _ in stream):
        # Closed before dedup saw it (dedup was down, say), or decided already: nothing to decide.
        decision = Decision("skipped", why="already closed or decided when dedup came to it")
        await _record(conn, envelope, decision)
        return decision
    new = known_request(created, stream_id=envelope.stream_id, occurred_at=envelope.occurred_at)
    # Deciding and entering the report in the index happen with no await between them, so of two
    # reports of one problem handled side by side in two lanes, the second always sees the first.
    decision = decide(new, confidential=created.confidential, catalogue=catalogue, index=index)
    if not created.confidential and envelope.stream_id not in index:
        index.put(new)
    candidate = decision.candidate
    if decision.outcome == "linked" and candidate is not None:
        new.duplicate_of = candidate.original.tracking_number
        new.closed_at = new.created_at
        closing = new_event(
            duplicate_closed(candidate.original.tracking_number),
            actor=DEDUP,
            causation=envelope,
            event_id=effect_id(envelope, "closed"),
        )
        await store.append(envelope.stream_id, [closing], expected_version=None, conn=conn)
        follows = follower(created)
        if follows is not None:
            event = new_event(
                follows, actor=DEDUP, causation=envelope, event_id=effect_id(envelope, "follower")
            )
            await store.append(candidate.original.stream_id, [event], expected_version=None, conn=conn)
    elif decision.outcome == "flagged" and candidate is not None:
        event = new_event(
            flagged(candidate), actor=DEDUP, causation=envelope, event_id=effect_id(envelope, "flag")
        )
        await store.append(envelope.stream_id, [event], expected_version=None, conn=conn)
    await _record(conn, envelope, decision)
    return decision


async def _record(conn: asyncpg.Connection, envelope: Envelope[RequestCreated], decision: Decision) -> None:
    await record_decision(
        conn,
        stream_id=envelope.stream_id,
        tracking_number=envelope.payload.tracking_number,
        decision=decision,
        cause=envelope.event_id,
    )
    log.info(
        "duplicate decision",
        outcome=decision.outcome,
        original=decision.candidate.original.tracking_number if decision.candidate else None,
        score=decision.candidate.score if decision.candidate else None,
        why=decision.why or None,
    )

"""On a new report: see whether it was decided already, decide against the index, write the link or the
flag with the decision's record in one statement."""

from __future__ import annotations

import asyncpg
import structlog

from civic311_backbone.contracts import Envelope, RequestCreated, new_event
from civic311_backbone.store import EventStore
from civic311_city import Catalogue
from civic311_dedup.adapters.decisions import Append, DecisionRow, prior, write_decision
from civic311_dedup.domain.decision import Decision, decide
from civic311_dedup.domain.effects import DEDUP, duplicate_closed, effect_id, flagged, follower
from civic311_dedup.domain.index import RequestIndex
from civic311_dedup.domain.requests import KnownRequest, known_request

log = structlog.get_logger(__name__)


async def decide_new_request(
    envelope: Envelope[RequestCreated],
    conn: asyncpg.Connection,
    *,
    index: RequestIndex,
    catalogue: Catalogue,
    store: EventStore,
) -> Decision | None:
    """The decision on the report, written; None if one was on record already (a redelivery)."""
    created = envelope.payload
    found = await prior(conn, envelope.stream_id)
    if found.decided:
        return None  # decided, and its events stored with the decision, the first time
    if found.closed:
        # Closed before dedup came to it (dedup was down, say): nothing to decide.
        decision = Decision("skipped", why="already closed when dedup came to it")
        await _write(conn, store, envelope, decision, [])
        return decision
    new = known_request(created, stream_id=envelope.stream_id, occurred_at=envelope.occurred_at)
    # Deciding and entering the report in the index happen with no await between them, so of two
    # reports of one problem handled side by side in two lanes, the second always sees the first.
    decision = decide(new, confidential=created.confidential, catalogue=catalogue, index=index)
    if not created.confidential:
        _enter(index, new, decision)
    await _write(conn, store, envelope, decision, _answers(envelope, decision))
    return decision


def _enter(index: RequestIndex, new: KnownRequest, decision: Decision) -> None:
    """Put the report in the index as decided. It replaces what a failed try of this very decision
    (or the start-up replay) entered, keeping the stream version the index had folded."""
    held = index.get(new.stream_id)
    if held is not None:
        new.version = held.version
    if decision.outcome == "linked" and decision.candidate is not None:
        new.duplicate_of = decision.candidate.original.tracking_number
        new.closed_at = new.created_at
    index.put(new)


def _answers(envelope: Envelope[RequestCreated], decision: Decision) -> list[Append]:
    """The events a decision stores, by stream: a link closes the report and makes its reporter a
    follower of the original; a flag asks staff."""
    candidate = decision.candidate
    if candidate is None or decision.outcome not in ("linked", "flagged"):
        return []
    if decision.outcome == "flagged":
        flag = new_event(
            flagged(candidate), actor=DEDUP, causation=envelope, event_id=effect_id(envelope, "flag")
        )
        return [(envelope.stream_id, [flag])]
    closing = new_event(
        duplicate_closed(candidate.original.tracking_number),
        actor=DEDUP,
        causation=envelope,
        event_id=effect_id(envelope, "closed"),
    )
    answers: list[Append] = [(envelope.stream_id, [closing])]
    follows = follower(envelope.payload)
    if follows is not None:
        event = new_event(follows, actor=DEDUP, causation=envelope, event_id=effect_id(envelope, "follower"))
        answers.append((candidate.original.stream_id, [event]))
    return answers


async def _write(
    conn: asyncpg.Connection,
    store: EventStore,
    envelope: Envelope[RequestCreated],
    decision: Decision,
    answers: list[Append],
) -> None:
    row = DecisionRow(
        stream_id=envelope.stream_id,
        tracking_number=envelope.payload.tracking_number,
        decision=decision,
        cause=envelope.event_id,
    )
    await write_decision(conn, store, answers, row=row)
    log.info(
        "duplicate decision",
        outcome=decision.outcome,
        original=decision.candidate.original.tracking_number if decision.candidate else None,
        score=decision.candidate.score if decision.candidate else None,
        why=decision.why or None,
    )

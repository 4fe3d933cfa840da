"""Staff decided about a pair: carry out a link (close the duplicate, its reporter follows the original)
or an unlink (reopen the duplicate; routing routes it again). A rejection needs nothing more: both stay
open, and the review itself is the record.

A link's two events (the duplicate's Closed, the original's FollowerAdded) are written in one statement:
a redelivery finds the duplicate closed and has nothing left to do."""

from __future__ import annotations

import asyncpg

from civic311_backbone.contracts import DuplicateReviewed, Envelope, new_event
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.store import EventStore
from civic311_dedup.adapters.decisions import Append, write_decision
from civic311_dedup.domain.effects import duplicate_closed, effect_id, follower, reopened
from civic311_dedup.domain.stream import history


async def carry_out_review(
    envelope: Envelope[DuplicateReviewed], conn: asyncpg.Connection, *, store: EventStore
) -> None:
    review = envelope.payload
    events = await store.read_stream(envelope.stream_id, conn=conn)
    state = history((e.event_type, e.payload) for e in events)
    # The staff member who decided is the actor of what their decision does.
    actor = envelope.actor
    if review.decision in ("confirmed", "linked"):
        if state.closed:
            return  # closed meanwhile (by hand, or already linked): nothing to link
        closing = new_event(
            duplicate_closed(review.original),
            actor=actor,
            causation=envelope,
            event_id=effect_id(envelope, "closed"),
        )
        answers: list[Append] = [(envelope.stream_id, [closing])]
        follows = follower(state.created) if state.created is not None else None
        original_stream = stream_id_for(review.original)
        if follows is not None and await store.stream_version(original_stream) > 0:
            event = new_event(
                follows, actor=actor, causation=envelope, event_id=effect_id(envelope, "follower")
            )
            answers.append((original_stream, [event]))
        await write_decision(conn, store, answers)
    elif review.decision == "unlinked" and state.duplicate_of is not None:
        event = new_event(
            reopened(state.duplicate_of),
            actor=actor,
            causation=envelope,
            event_id=effect_id(envelope, "reopened"),
        )
        await write_decision(conn, store, [(envelope.stream_id, [event])])

"""The events a decision becomes: pure, so the same cause always yields the same events (and ids)."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from civic311_backbone.contracts import (
    Actor,
    Closed,
    DuplicateFlagged,
    Envelope,
    FollowerAdded,
    RequestCreated,
    StatusUpdated,
)
from civic311_dedup.domain.scoring import Candidate

DEDUP = Actor(kind="service", id="dedup")


def effect_id(cause: Envelope[Any], what: str) -> UUID:
    """The id of one of dedup's answers to `cause`: a redelivery of the cause stores nothing new."""
    return uuid5(NAMESPACE_URL, f"{cause.event_id}/dedup/{what}")


def duplicate_closed(original: str) -> Closed:
    return Closed(
        resolution="duplicate",
        duplicate_of=original,
        public_note=f"Duplicate of {original}: we are working on that report, and you will hear about it.",
    )


def follower(created: RequestCreated) -> FollowerAdded | None:
    """The duplicate's reporter as a follower of the original; None if they left no way to reach them."""
    if created.contact is None or not (created.contact.email or created.contact.phone):
        return None
    return FollowerAdded(
        contact=created.contact,
        language=created.language,
        reason="duplicate",
        via_tracking_number=created.tracking_number,
    )


def flagged(candidate: Candidate) -> DuplicateFlagged:
    return DuplicateFlagged(
        original=candidate.original.tracking_number,
        score=candidate.score,
        distance_m=round(candidate.distance_m, 1) if candidate.distance_m is not None else None,
        reasons=candidate.reasons,
    )


def reopened(original: str) -> StatusUpdated:
    return StatusUpdated(
        status="reopened", public_note=f"This request is no longer treated as a duplicate of {original}."
    )

"""How alike a new report and an earlier request are: one score from place, time, words and type."""

from __future__ import annotations

from dataclasses import dataclass

from civic311_city import DedupPolicy
from civic311_dedup.domain.requests import KnownRequest
from civic311_dedup.domain.text import address_similarity, similarity

DAY = 86_400.0

# What each part weighs. Place dominates: two reports of one pothole a few metres apart are the same
# problem whatever words the residents chose; the words tell apart two problems on one busy corner.
W_PLACE = 0.5
W_TIME = 0.15
W_TEXT = 0.35
W_ADDRESS = 0.15
RELATED_FACTOR = 0.8
"""A report of a related type (flooding beside a clogged drain) is less surely the same problem."""
CLOSED_FACTOR = 0.9
NEUTRAL_TEXT = 0.5
"""A report without a description says nothing for or against."""
ADDRESS_MATCH = 0.85
"""Two address-only reports are compared only if their addresses are at least this alike."""


@dataclass(frozen=True, slots=True)
class Candidate:
    original: KnownRequest
    score: float
    distance_m: float | None
    reasons: tuple[str, ...]


def _ago(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min apart"
    if seconds < 2 * DAY:
        return f"{round(seconds / 3600)} h apart"
    return f"{round(seconds / DAY)} days apart"


def score(
    new: KnownRequest,
    earlier: KnownRequest,
    *,
    policy: DedupPolicy,
    distance_m: float | None,
    related: bool,
) -> Candidate | None:
    """The candidate `earlier` is for `new`, or None when it cannot be the same problem (too old, closed
    too long ago, too far, addresses unalike)."""
    age = new.created_at - earlier.created_at
    if age < 0 or age > policy.window_days * DAY:
        return None
    if earlier.closed_at is not None and new.created_at - earlier.closed_at > policy.reopen_days * DAY:
        return None
    reasons = [f"related type {earlier.service_code}" if related else "same type"]
    addresses = address_similarity(new.address, earlier.address)
    if distance_m is not None:
        place = 1.0 - (distance_m / policy.radius_m) ** 2
        reasons.append(f"{round(distance_m)} m apart")
    else:
        if addresses is None or addresses < ADDRESS_MATCH:
            return None
        place = addresses
        reasons.append(f"addresses {round(addresses * 100)}% alike")
    reasons.append(_ago(age))
    text = similarity(new.description, earlier.description)
    if text is not None:
        reasons.append(f"descriptions {round(text * 100)}% alike")
    value = W_PLACE * place + W_TIME * (1.0 - age / (policy.window_days * DAY))
    value += W_TEXT * (NEUTRAL_TEXT if text is None else text)
    if distance_m is not None and addresses is not None:
        value = value * (1 - W_ADDRESS) + W_ADDRESS * addresses
    if related:
        value *= RELATED_FACTOR
    if earlier.closed_at is not None:
        value *= CLOSED_FACTOR
        reasons.append("original recently closed")
    return Candidate(earlier, round(max(0.0, min(1.0, value)), 4), distance_m, tuple(reasons))

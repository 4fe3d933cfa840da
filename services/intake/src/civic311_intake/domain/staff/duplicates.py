"""Staff deciding about duplicates: a flagged pair confirmed or rejected, two requests linked or unlinked.

Each decision is one `DuplicateReviewed` on the duplicate's stream, with the reviewer as its actor and
their reason; dedup carries it out (a link closes the duplicate and its reporter follows the original;
an unlink reopens it, and routing routes it again). `decide_review` takes both requests as staff see
them now and returns that event, or raises NotAllowed, NotNow or BadCommand like the desk's commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from civic311_backbone.contracts import DuplicateFlagged, DuplicateReviewed
from civic311_intake.domain.request import RequestState
from civic311_intake.domain.staff.commands import BadCommand, NotAllowed, NotNow
from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.domain.staff.view import StaffRequest

Decision = Literal["confirmed", "rejected", "linked", "unlinked"]


@dataclass(frozen=True, kw_only=True)
class Review:
    """What the reviewer asks: `original` only for a link by hand (a flag and a link name their own)."""

    decision: Decision
    reason: str
    original: str | None = None


@dataclass(frozen=True)
class Side:
    """One request of a pair, and whether it is of a confidential type."""

    request: StaffRequest
    confidential: bool


def original_of(request: StaffRequest, review: Review) -> str:
    """The tracking number of the other request the decision is about."""
    match review.decision:
        case "confirmed" | "rejected":
            if request.review is None or request.status != "open":
                raise NotNow(f"{request.tracking_number} has no duplicate flag awaiting review")
            return request.review.original
        case "unlinked":
            if request.resolution != "duplicate" or request.duplicate_of is None:
                raise NotNow(f"{request.tracking_number} is not closed as a duplicate: nothing to unlink")
            return request.duplicate_of
        case "linked":
            if not review.original:
                raise BadCommand("original", "the tracking number of the original")
            return review.original


def decide_review(member: StaffMember, duplicate: Side, original: Side, review: Review) -> DuplicateReviewed:
    request, other = duplicate.request, original.request
    if not member.may_work(request.department, confidential=duplicate.confidential):
        raise NotAllowed(f"{_who(member)} may not decide about {request.tracking_number}")
    if not member.may_view(other.department, confidential=original.confidential):
        raise NotAllowed(f"{_who(member)} may not see {other.tracking_number}")
    reason = review.reason.strip()
    if not reason:
        raise BadCommand("reason", "say why, for whoever reads the record later")
    if review.decision == "linked":
        _check_link(duplicate, original)
    return DuplicateReviewed(original=other.tracking_number, decision=review.decision, reason=reason)


def _check_link(duplicate: Side, original: Side) -> None:
    request, other = duplicate.request, original.request
    if request.tracking_number == other.tracking_number:
        raise BadCommand("original", "a request cannot be a duplicate of itself")
    if duplicate.confidential or original.confidential:
        raise BadCommand("original", "a confidential request is never linked to another")
    if request.status != "open":
        raise NotNow(f"{request.tracking_number} is closed ({request.resolution}): reopen it first")
    if other.duplicate_of is not None:
        raise BadCommand(
            "original", f"{other.tracking_number} is itself a duplicate of {other.duplicate_of}: link to that"
        )


@dataclass(frozen=True)
class ReviewRow:
    """A flagged request's row in the review queue (the gateway's projection of flags)."""

    tracking_number: str
    stream_version: int
    original: str
    pending: bool
    department: str | None
    service_code: str
    score: float
    flagged_at: datetime


def review_row(state: RequestState) -> ReviewRow | None:
    """The request's row: pending while open with a flag no one has decided on; None if never flagged."""
    flags = [h for h in state.history if isinstance(h.change, DuplicateFlagged)]
    if not flags:
        return None
    last = flags[-1]
    assert isinstance(last.change, DuplicateFlagged)
    return ReviewRow(
        tracking_number=state.tracking_number,
        stream_version=state.version,
        original=last.change.original,
        pending=state.review is not None and state.status == "open",
        department=state.assignment.department if state.assignment else None,
        service_code=state.created.service_code,
        score=last.change.score,
        flagged_at=last.at,
    )


def _who(member: StaffMember) -> str:
    where = f" of {member.department}" if member.department else ""
    return f"{member.role.replace('_', ' ')}{where}"

"""What staff see of a request: everything, derived from the request's one fold (domain.request).

Unlike the public view, this one carries the reporter's contact, internal notes, costs, who did what,
and the internal SLA alarms. It is only ever served behind the staff desk's sign-in and scope checks.
`version` is the number of events folded: the expected version of the next append.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from civic311_backbone.contracts import (
    Assigned,
    Closed,
    Contact,
    Cost,
    DuplicateFlagged,
    DuplicateReviewed,
    Envelope,
    FollowerAdded,
    Location,
    PhotoChanged,
    SlaWarning,
    StatusUpdated,
    TransferRefused,
    TransferRequested,
)
from civic311_intake.domain.request import Happening, PendingReview, PendingTransfer, RequestState, fold


class StaffTimelineEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime
    kind: Literal[
        "created",
        "assigned",
        "status",
        "closed",
        "sla_warning",
        "transfer_requested",
        "transfer_refused",
        "duplicate_flagged",
        "duplicate_reviewed",
        "follower_added",
        "photo_attached",
        "photo_hidden",
    ]
    status: str
    actor: str
    """Who: `staff:<username>`, a service's name, or `resident`."""
    public_note: str | None = None
    internal_note: str | None = None
    department: str | None = None
    queue: str | None = None
    due_at: datetime | None = None
    clock: str | None = None
    rule: str | None = None
    cost: Cost | None = None
    reason: str | None = None
    """Why routing refused a transfer; why a reviewer decided as they did."""
    original: str | None = None
    """The other request of a duplicate flag or review; a follower's own request, for a follower."""
    score: float | None = None
    distance_m: float | None = None
    reasons: tuple[str, ...] = ()
    """What dedup's score is made of."""
    media_url: str | None = None
    """The photo attached or hidden."""


class DuplicateReview(BaseModel):
    """A duplicate flag awaiting staff: dedup's score for the pair, and what it is made of."""

    model_config = ConfigDict(frozen=True)

    original: str
    score: float
    distance_m: float | None
    reasons: tuple[str, ...]
    flagged_at: datetime


class CostTotals(BaseModel):
    model_config = ConfigDict(frozen=True)

    labour_hours: Decimal = Decimal(0)
    materials: dict[str, Decimal] = Field(default_factory=dict, description="Materials, by currency.")


class StaffPhoto(BaseModel):
    """One of the request's photos, shown to the public or hidden (who hid it, when and why)."""

    model_config = ConfigDict(frozen=True)

    media_url: str
    added_at: datetime
    added_by: str
    hidden: bool
    hidden_at: datetime | None = None
    hidden_by: str | None = None
    hidden_reason: str | None = None


class StaffRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    tracking_number: str
    version: int
    service_code: str
    description: str | None
    location: Location
    attributes: dict[str, str | list[str]]
    media_url: str | None
    channel: str
    language: str
    contact: Contact | None
    status: Literal["open", "closed"]
    stage: str
    """received, assigned, acknowledged, in_progress, on_hold, reopened, or the closing resolution."""
    department: str | None
    queue: str | None
    priority: str | None
    district: str | None
    due_at: datetime | None
    resolution: str | None
    duplicate_of: str | None
    requested_at: datetime
    updated_at: datetime
    costs: CostTotals
    assignment: Assigned | None
    """The latest Assigned."""
    pending_transfer: PendingTransfer | None = None
    review: DuplicateReview | None = None
    """A duplicate flag awaiting staff's decision."""
    followers: int = 0
    photos: list[StaffPhoto] = Field(default_factory=list)
    timeline: list[StaffTimelineEntry]


def staff_view(events: list[Envelope[Any]]) -> StaffRequest | None:
    """Fold a request's events into the staff view; None if the stream holds no request."""
    state = fold(events)
    return staff_view_of(state) if state is not None else None


def staff_view_of(state: RequestState) -> StaffRequest:
    created, assignment = state.created, state.assignment
    first = StaffTimelineEntry(
        at=state.requested_at, kind="created", status="received", actor=state.requested_by
    )
    timeline = [first, *(_entry(happening) for happening in state.history)]
    labour, materials = Decimal(0), dict[str, Decimal]()
    for cost in (entry.cost for entry in timeline if entry.cost is not None):
        labour += cost.labour_hours
        materials[cost.currency] = materials.get(cost.currency, Decimal(0)) + cost.materials
    return StaffRequest(
        tracking_number=created.tracking_number,
        version=state.version,
        service_code=created.service_code,
        description=created.description,
        location=created.location,
        attributes=created.attributes,
        media_url=created.media_url,
        channel=created.channel,
        language=created.language,
        contact=created.contact,
        status=state.status,
        stage=state.stage,
        department=assignment.department if assignment else None,
        queue=assignment.queue if assignment else None,
        priority=assignment.priority if assignment else None,
        district=assignment.district if assignment else None,
        due_at=assignment.due_at if assignment else None,
        resolution=state.resolution,
        duplicate_of=state.duplicate_of,
        requested_at=state.requested_at,
        updated_at=state.updated_at,
        costs=CostTotals(labour_hours=labour, materials=materials),
        assignment=assignment,
        pending_transfer=state.pending_transfer,
        review=_review(state.review),
        followers=state.followers,
        photos=[StaffPhoto(hidden=p.hidden, **asdict(p)) for p in state.photos],
        timeline=timeline,
    )


def _review(pending: PendingReview | None) -> DuplicateReview | None:
    if pending is None:
        return None
    flag = pending.flag
    return DuplicateReview(
        original=flag.original,
        score=flag.score,
        distance_m=flag.distance_m,
        reasons=flag.reasons,
        flagged_at=pending.flagged_at,
    )


def _entry(happening: Happening) -> StaffTimelineEntry:
    at, who = happening.at, happening.actor
    match happening.change:
        case Assigned() as assigned:
            return StaffTimelineEntry(
                at=at,
                kind="assigned",
                status="assigned",
                actor=who,
                internal_note=assigned.note,
                department=assigned.department,
                queue=assigned.queue,
                due_at=assigned.due_at,
                clock=assigned.clock,
                rule=assigned.rule,
            )
        case StatusUpdated() as update:
            return StaffTimelineEntry(
                at=at,
                kind="status",
                status=update.status,
                actor=who,
                public_note=update.public_note,
                internal_note=update.internal_note,
                cost=update.cost,
            )
        case Closed() as closed:
            return StaffTimelineEntry(
                at=at,
                kind="closed",
                status=closed.resolution,
                actor=who,
                public_note=closed.public_note,
                internal_note=closed.internal_note,
                cost=closed.cost,
            )
        case TransferRequested() as asked:
            return StaffTimelineEntry(
                at=at,
                kind="transfer_requested",
                status="transfer requested",
                actor=who,
                internal_note=asked.note,
                department=asked.department,
                queue=asked.queue,
            )
        case TransferRefused() as refused:
            return StaffTimelineEntry(
                at=at,
                kind="transfer_refused",
                status="transfer refused",
                actor=who,
                department=refused.department,
                queue=refused.queue,
                reason=refused.reason,
            )
        case SlaWarning() as warning:
            return StaffTimelineEntry(
                at=at, kind="sla_warning", status=warning.stage, actor=who, due_at=warning.due_at
            )
        case DuplicateFlagged() as flag:
            return StaffTimelineEntry(
                at=at,
                kind="duplicate_flagged",
                status="flagged as a possible duplicate",
                actor=who,
                original=flag.original,
                score=flag.score,
                distance_m=flag.distance_m,
                reasons=flag.reasons,
            )
        case DuplicateReviewed() as review:
            return StaffTimelineEntry(
                at=at,
                kind="duplicate_reviewed",
                status=f"duplicate {review.decision}",
                actor=who,
                original=review.original,
                reason=review.reason,
            )
        case FollowerAdded() as followed:
            return StaffTimelineEntry(
                at=at,
                kind="follower_added",
                status="follower added",
                actor=who,
                original=followed.via_tracking_number,
            )
        case PhotoChanged() as photo:
            return StaffTimelineEntry(
                at=at,
                kind=f"photo_{photo.change}",
                status=f"photo {photo.change}",
                actor=who,
                reason=photo.reason,
                media_url=photo.media_url,
            )

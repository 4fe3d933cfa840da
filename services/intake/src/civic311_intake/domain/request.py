"""A service request as its events left it: the one fold of a request's stream inside the gateway.

The public view, the staff view and the request index's row are all derived from this state, so the
three never disagree on where a request is (open or closed, its stage, its department, a duplicate).
What each view may show is its own business: the state holds everything, personal data included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from civic311_backbone.contracts import (
    Assigned,
    Closed,
    DuplicateFlagged,
    DuplicateReviewed,
    Envelope,
    FollowerAdded,
    PhotoChanged,
    RequestCreated,
    SlaWarning,
    StatusUpdated,
    TransferRefused,
    TransferRequested,
)
from civic311_intake.domain.request_photos import RequestPhoto, photos_after

Change = (
    Assigned
    | StatusUpdated
    | Closed
    | SlaWarning
    | TransferRequested
    | TransferRefused
    | DuplicateFlagged
    | DuplicateReviewed
    | FollowerAdded
    | PhotoChanged
)
"""What may happen to a request after it was created."""


@dataclass(frozen=True)
class Happening:
    """One change on the request's record: when, by whom (`staff:<username>`, a service, `resident`)."""

    at: datetime
    actor: str
    change: Change


@dataclass(frozen=True)
class PendingTransfer:
    """A transfer staff asked for that routing has not answered yet (with an Assigned or a refusal)."""

    department: str
    queue: str | None
    requested_by: str
    requested_at: datetime


@dataclass(frozen=True)
class PendingReview:
    """Dedup flagged the request as maybe the same problem as `flag.original`; no one has decided yet."""

    flag: DuplicateFlagged
    flagged_at: datetime


@dataclass(frozen=True, kw_only=True)
class RequestState:
    created: RequestCreated
    requested_at: datetime
    requested_by: str
    version: int
    """The number of events folded: the expected version of the next append."""
    status: Literal["open", "closed"] = "open"
    stage: str = "received"
    """received, assigned, acknowledged, in_progress, on_hold, reopened, or the closing resolution."""
    resolution: str | None = None
    duplicate_of: str | None = None
    assignment: Assigned | None = None
    """The latest Assigned: the department, queue and due time the request is with now."""
    pending_transfer: PendingTransfer | None = None
    review: PendingReview | None = None
    """A duplicate flag awaiting staff (internal: never on a public view)."""
    followers: int = 0
    """Residents who follow the request (the reporters of its duplicates, say)."""
    photos: tuple[RequestPhoto, ...] = ()
    """The resident's photo and those staff attached, in order, each shown or hidden."""
    updated_at: datetime
    """The last change of the request's state (an SLA alarm changes nothing)."""
    history: tuple[Happening, ...] = ()

    @property
    def tracking_number(self) -> str:
        return self.created.tracking_number


def fold(events: Iterable[Envelope[Any]]) -> RequestState | None:
    """The request after its events, in stream order; None if the stream holds no request."""
    state: RequestState | None = None
    for event in events:
        who = event.actor.id if event.actor.kind != "resident" else "resident"
        if state is None:
            if not isinstance(event.payload, RequestCreated):
                return None
            at, url = event.occurred_at, event.payload.media_url
            state = RequestState(
                created=event.payload,
                requested_at=at,
                requested_by=who,
                version=1,
                updated_at=at,
                photos=(RequestPhoto(media_url=url, added_at=at, added_by=who),) if url else (),
            )
            continue
        state = replace(state, version=state.version + 1)
        if isinstance(event.payload, Change):
            state = apply(state, Happening(at=event.occurred_at, actor=who, change=event.payload))
    return state


def apply(state: RequestState, happening: Happening) -> RequestState:
    """The request after one change."""
    at, recorded = happening.at, (*state.history, happening)
    match happening.change:
        case Assigned() as assigned:
            pending = None if assigned.reason == "transfer" else state.pending_transfer
            stage = "assigned" if state.status == "open" else state.stage
            return replace(
                state,
                assignment=assigned,
                pending_transfer=pending,
                stage=stage,
                updated_at=at,
                history=recorded,
            )
        case StatusUpdated(status=status):
            return replace(
                state,
                status="open",
                stage=status,
                resolution=None,
                duplicate_of=None,
                updated_at=at,
                history=recorded,
            )
        case Closed(resolution=resolution, duplicate_of=duplicate_of):
            return replace(
                state,
                status="closed",
                stage=resolution,
                resolution=resolution,
                duplicate_of=duplicate_of,
                review=None,  # a closed request is not reviewed; reopened, it is a new case
                updated_at=at,
                history=recorded,
            )
        case TransferRequested(department=department, queue=queue):
            pending = PendingTransfer(department, queue, requested_by=happening.actor, requested_at=at)
            return replace(state, pending_transfer=pending, updated_at=at, history=recorded)
        case TransferRefused():
            return replace(state, pending_transfer=None, updated_at=at, history=recorded)
        case SlaWarning():
            return replace(state, history=recorded)
        # Dedup's flags, staff reviews and followers change nothing a resident sees (not `updated_at`):
        # a review's effect (a Closed, a reopening) comes as its own event.
        case DuplicateFlagged() as flag:
            return replace(state, review=PendingReview(flag, at), history=recorded)
        case DuplicateReviewed():
            return replace(state, review=None, history=recorded)
        case FollowerAdded():
            return replace(state, followers=state.followers + 1, history=recorded)
        # A photo attached or hidden changes no stage, and is not news to the resident (`updated_at`).
        case PhotoChanged() as photo:
            photos = photos_after(state.photos, photo, at=at, actor=happening.actor)
            return replace(state, photos=photos, history=recorded)

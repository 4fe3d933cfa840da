"""The desk's duplicate review: the queue of flagged pairs side by side, and staff's decisions on them.

The queue reads the gateway's projection of flags (kept from the bus, so a flag shows a moment after
dedup stores it), then each pair's two streams, so what is shown is the requests as they are now.
A decision follows the desk's one shape: load both requests, let the domain decide, append the one
`DuplicateReviewed` with the version read (StaleRequest if the request moved meanwhile).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import asyncpg
from pydantic import BaseModel, ConfigDict

from civic311_backbone.contracts import from_record, new_event, utc_now
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.store import EventStore, WrongExpectedVersion
from civic311_intake.adapters.duplicate_reviews import has_review_row, pending_reviews, write_review_row
from civic311_intake.application.desk import (
    Desk,
    NoSuchRequest,
    StaleRequest,
    actor_of,
    load_request,
    tracking_number_of,
)
from civic311_intake.application.queue import queue_department
from civic311_intake.domain.request import fold
from civic311_intake.domain.staff.commands import BadCommand
from civic311_intake.domain.staff.duplicates import Review, Side, decide_review, original_of, review_row
from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.domain.staff.view import StaffRequest

MAX_PAIRS = 200


class PairSide(BaseModel):
    """One request of a pair, as the reviewer compares it: no contact details."""

    model_config = ConfigDict(frozen=True)

    tracking_number: str
    service_code: str
    status: str
    stage: str
    department: str | None
    address: str | None
    lat: float | None
    long: float | None
    description: str | None
    channel: str
    requested_at: datetime
    followers: int


class FlaggedPair(BaseModel):
    model_config = ConfigDict(frozen=True)

    request: PairSide
    """The later report, the one that would be closed as the duplicate."""
    original: PairSide
    score: float
    distance_m: float | None
    reasons: tuple[str, ...]
    flagged_at: datetime
    minutes_apart: float
    """From the original's report to this one's."""
    version: int
    """The flagged request's version: send it back as `expected_version`."""


class ReviewQueue(BaseModel):
    department: str | None
    """None: every department the member may see."""
    pairs: list[FlaggedPair]


async def refresh_review(
    conn: asyncpg.Connection, store: EventStore, stream_id: str, *, flagged: bool
) -> None:
    """Fold the request again into its review row: always after a flag, else only if it has a row."""
    records = await store.read_stream(stream_id, conn=conn)
    state = fold(from_record(r) for r in records)
    if state is None or not (flagged or await has_review_row(conn, state.tracking_number)):
        return
    row = review_row(state)
    if row is not None:
        await write_review_row(conn, row)


async def review_queue(
    desk: Desk, pool: asyncpg.Pool, member: StaffMember, *, department: str | None, limit: int = MAX_PAIRS
) -> ReviewQueue:
    """The flagged pairs in the member's scope (their department's, or `department`), longest waiting first."""
    scope = queue_department(member, department)
    pairs: list[FlaggedPair] = []
    for number in await pending_reviews(pool, department=scope, limit=min(limit, MAX_PAIRS)):
        pair = await _pair(desk, member, number)
        if pair is not None:
            pairs.append(pair)
    return ReviewQueue(department=scope, pairs=pairs)


async def _pair(desk: Desk, member: StaffMember, number: str) -> FlaggedPair | None:
    request = await load_request(desk.store, number)
    if request.review is None or request.status != "open":
        return None  # decided a moment ago: the projection has not caught up
    try:
        original = await load_request(desk.store, request.review.original)
    except NoSuchRequest:
        return None
    for side in (request, original):
        if not member.may_view(side.department, confidential=desk.confidential(side)):
            return None
    review = request.review
    apart = (request.requested_at - original.requested_at).total_seconds() / 60
    return FlaggedPair(
        request=_side(request),
        original=_side(original),
        score=review.score,
        distance_m=review.distance_m,
        reasons=review.reasons,
        flagged_at=review.flagged_at,
        minutes_apart=round(apart, 1),
        version=request.version,
    )


def _side(request: StaffRequest) -> PairSide:
    place = request.location
    return PairSide(
        tracking_number=request.tracking_number,
        service_code=request.service_code,
        status=request.status,
        stage=request.stage,
        department=request.department,
        address=place.address_string,
        lat=place.lat,
        long=place.long,
        description=request.description,
        channel=request.channel,
        requested_at=request.requested_at,
        followers=request.followers,
    )


async def review_duplicate(
    desk: Desk,
    member: StaffMember,
    tracking_number: str,
    review: Review,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> StaffRequest:
    """Record the member's decision about `tracking_number` as a DuplicateReviewed; dedup carries it out."""
    request = await load_request(desk.store, tracking_number)
    if review.original:
        review = replace(review, original=tracking_number_of(review.original, field="original"))
    original = await _load_original(desk, original_of(request, review))
    event = decide_review(
        member,
        Side(request, desk.confidential(request)),
        Side(original, desk.confidential(original)),
        review,
    )
    if expected_version is not None and expected_version != request.version:
        raise StaleRequest(_stale(request.tracking_number, expected_version, request.version))
    new = replace(new_event(event, actor=actor_of(member)), occurred_at=at or utc_now())
    try:
        await desk.store.append(
            stream_id_for(request.tracking_number), [new], expected_version=request.version
        )
    except WrongExpectedVersion as error:
        raise StaleRequest(_stale(request.tracking_number, request.version, error.actual)) from error
    return await load_request(desk.store, request.tracking_number)


async def _load_original(desk: Desk, number: str) -> StaffRequest:
    try:
        return await load_request(desk.store, number)
    except NoSuchRequest as error:
        raise BadCommand("original", str(error)) from error


def _stale(tracking_number: str, seen: int, now: int | None) -> str:
    moved = f" (now {now} events)" if now is not None else ""
    return (
        f"{tracking_number} changed while you were reviewing it: you saw {seen} events{moved}. "
        "Nothing was saved; reload and decide again."
    )

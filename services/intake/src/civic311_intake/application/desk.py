"""The staff desk's application functions: load the request, let the domain decide, append.

Every change follows one shape: read the request's stream, fold it into the staff view, check the
member's scope and the request's state (domain.staff.commands), and append the one new event with the
version that was read as the expected version. If anything was appended in between, the store refuses
(WrongExpectedVersion) and nothing is appended: the caller is told to reload, never silently merged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from civic311_backbone.contracts import Actor, Payload, from_record, new_event, utc_now
from civic311_backbone.contracts.tracking import InvalidTrackingNumber, parse_tracking_number, stream_id_for
from civic311_backbone.store import EventStore, WrongExpectedVersion
from civic311_city.catalogue import Catalogue
from civic311_city.geocoding import Geocoder
from civic311_intake.application.filing import FiledRequest, file_submission
from civic311_intake.domain.staff.commands import (
    BadCommand,
    Change,
    Close,
    NotAllowed,
    Transfer,
    check_view,
    decide,
    decide_transfer,
)
from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.domain.staff.view import StaffRequest, staff_view
from civic311_intake.domain.submission import Submission


class NoSuchRequest(LookupError):
    pass


class StaleRequest(Exception):
    """The request changed after the staff member read it: nothing was appended."""


@dataclass(frozen=True)
class Desk:
    """What the desk's actions work with: the store, the city's catalogue, and its geocoder (None: the
    city has no address points), which places a caller's address given without a point."""

    store: EventStore
    catalogue: Catalogue
    geocoder: Geocoder | None = None

    def confidential(self, request: StaffRequest) -> bool:
        request_type = self.catalogue.get(request.service_code)
        return request_type is not None and request_type.confidential


def actor_of(member: StaffMember) -> Actor:
    return Actor(kind="staff", id=member.actor_id)


def tracking_number_of(text: str, *, field: str = "tracking_number") -> str:
    try:
        return parse_tracking_number(text)
    except InvalidTrackingNumber as error:
        raise BadCommand(field, str(error)) from error


async def load_request(store: EventStore, tracking_number: str) -> StaffRequest:
    number = tracking_number_of(tracking_number)
    view = staff_view([from_record(r) for r in await store.read_stream(stream_id_for(number))])
    if view is None:
        raise NoSuchRequest(f"no request has tracking number {number}")
    return view


async def view_request(desk: Desk, member: StaffMember, tracking_number: str) -> StaffRequest:
    request = await load_request(desk.store, tracking_number)
    check_view(member, request, confidential=desk.confidential(request))
    return request


async def change_request(
    desk: Desk,
    member: StaffMember,
    tracking_number: str,
    change: Change | Transfer,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> StaffRequest:
    """Apply one staff change; `expected_version` is the version the member saw, if they say so."""
    at = at or utc_now()
    if isinstance(change, Close) and change.duplicate_of:  # as typed or heard: its canonical form
        change = replace(change, duplicate_of=tracking_number_of(change.duplicate_of, field="duplicate_of"))
    request = await load_request(desk.store, tracking_number)
    confidential = desk.confidential(request)
    event: Payload
    if isinstance(change, Transfer):
        event = decide_transfer(member, request, change, catalogue=desk.catalogue, confidential=confidential)
    else:
        event = decide(member, request, change, confidential=confidential)
    if expected_version is not None and expected_version != request.version:
        raise StaleRequest(_stale(request.tracking_number, expected_version, request.version))
    if isinstance(change, Close) and change.duplicate_of:
        await _check_original(desk, change.duplicate_of)
    stream_id = stream_id_for(request.tracking_number)
    new = replace(new_event(event, actor=actor_of(member)), occurred_at=at)
    try:
        await desk.store.append(stream_id, [new], expected_version=request.version)
    except WrongExpectedVersion as error:
        raise StaleRequest(_stale(request.tracking_number, request.version, error.actual)) from error
    return await load_request(desk.store, request.tracking_number)


async def _check_original(desk: Desk, duplicate_of: str) -> None:
    if not await desk.store.stream_version(stream_id_for(duplicate_of)):
        raise BadCommand("duplicate_of", f"no request has tracking number {duplicate_of}")


def _stale(tracking_number: str, seen: int, now: int | None) -> str:
    moved = f" (now {now} events)" if now is not None else ""
    return (
        f"{tracking_number} changed while you were working on it: you saw {seen} events{moved}. "
        "Nothing was saved; reload the request and try again."
    )


async def file_for_caller(desk: Desk, member: StaffMember, submission: Submission) -> FiledRequest:
    """An agent files what a caller (phone) or visitor (walk-in) reports; SubmissionRejected lists problems."""
    if not member.may_file:
        raise NotAllowed("only agents, supervisors and admins file requests for callers")
    if submission.channel not in ("phone", "walk_in"):
        raise BadCommand("channel", "phone or walk_in")
    return await file_submission(
        desk.store,
        desk.catalogue,
        submission,
        actor=actor_of(member),
        allow_confidential=True,
        geocoder=desk.geocoder,
    )

"""Filing a new service request: a tracking number, and the RequestCreated in the store, at once.

The caller gets its tracking number only after the event is durably appended. The number's stream
must not exist yet (expected version 0): the store itself guarantees that no two requests share one.

A client that may send the same request twice (a retry after a lost answer, a form submitted twice)
names it with an idempotency key. The key decides the event's id, and the store keeps an event id
once: the second filing finds the first one's event and answers with its tracking number. A key reused
for a different request is refused (`IdempotencyKeyReused`, as the IETF Idempotency-Key draft asks): the
request the key names is stored already, as that event's payload, so the new one is compared with it
field by field (the order of a form's fields does not matter; what they say does).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid5

import asyncpg
import structlog

from civic311_backbone.contracts import Actor, RequestCreated, new_event
from civic311_backbone.contracts.tracking import STREAM_PREFIX, new_tracking_number, stream_id_for
from civic311_backbone.store import AppendResult, EventIdReused, EventStore, NewEvent, WrongExpectedVersion
from civic311_city.catalogue import Catalogue
from civic311_city.geocoding import Answer, Geocoder, Unplaced
from civic311_intake.domain.placing import wants_geocoding
from civic311_intake.domain.submission import FieldProblem, Submission, check_submission, request_created

_log = structlog.get_logger(__name__)
_FILINGS = UUID("6f1c2a8e-3d4b-5c6a-9e7f-0a1b2c3d4e5f")


@dataclass(frozen=True)
class FiledRequest:
    tracking_number: str
    stream_id: str
    global_position: int
    repeated: bool = False
    """True when this was a filing already made under the same idempotency key."""


class NoFreeTrackingNumber(RuntimeError):
    pass


class IdempotencyKeyReused(ValueError):
    """The idempotency key names a request already filed with other content."""

    def __init__(self, tracking_number: str) -> None:
        super().__init__("this Idempotency-Key was already used for a different request")
        self.tracking_number = tracking_number


def filing_event_id(client: str, idempotency_key: str) -> UUID:
    """The RequestCreated's id for `client`'s request named `idempotency_key` (same in, same out)."""
    return uuid5(_FILINGS, f"{client}\n{idempotency_key}")


async def file_request(
    store: EventStore,
    request: Callable[[str], RequestCreated],
    *,
    actor: Actor,
    new_number: Callable[[], str] = new_tracking_number,
    attempts: int = 5,
    event_id: UUID | None = None,
    conn: asyncpg.Connection | None = None,
) -> FiledRequest:
    """Append the RequestCreated that `request(tracking_number)` builds, under a fresh number.

    With an `event_id` that is stored already (see `filing_event_id`), nothing is appended and the
    answer is the earlier filing. With `conn`, the append joins the caller's transaction (the caller
    wakes the store's followers once it has committed).
    """
    for _ in range(attempts):
        number = new_number()
        stream_id = stream_id_for(number)
        event = new_event(request(number), actor=actor, event_id=event_id)
        try:
            result = await _append_new(store, stream_id, event, conn)
        except WrongExpectedVersion:
            continue  # that number is taken: draw another
        except EventIdReused:
            earlier = await store.read_event(event_id) if event_id is not None else None
            if earlier is None:
                raise
            number = earlier.stream_id.removeprefix(STREAM_PREFIX)
            if json.loads(new_event(request(number), actor=actor).payload) != earlier.payload:
                raise IdempotencyKeyReused(number) from None
            return FiledRequest(number, earlier.stream_id, earlier.global_position, repeated=True)
        return FiledRequest(number, stream_id, result.global_position)
    raise NoFreeTrackingNumber(f"{attempts} tracking numbers in a row were taken")


async def _append_new(
    store: EventStore, stream_id: str, event: NewEvent, conn: asyncpg.Connection | None
) -> AppendResult:
    """Append as the stream's first event, alone or inside the caller's transaction."""
    if conn is None:
        return await store.append(stream_id, [event], expected_version=0)
    async with conn.transaction():  # a savepoint: a taken number undoes only this attempt
        return await store.append(stream_id, [event], expected_version=0, conn=conn)


class SubmissionRejected(ValueError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


async def file_submission(
    store: EventStore,
    catalogue: Catalogue,
    submission: Submission,
    *,
    actor: Actor,
    allow_confidential: bool = False,
    event_id: UUID | None = None,
    geocoder: Geocoder | None = None,
) -> FiledRequest:
    """Check the submission and file it; SubmissionRejected (nothing appended) lists what is wrong.

    `event_id`: from `filing_event_id` when the client named its request with an idempotency key.
    `geocoder`: places an address given without a point (see `geocode`).
    """
    problems = check_submission(catalogue, submission, allow_confidential=allow_confidential)
    if problems:
        raise SubmissionRejected(problems)
    placed = geocode(geocoder, submission)
    return await file_request(
        store,
        lambda number: request_created(catalogue, submission, number, placed),
        actor=actor,
        event_id=event_id,
    )


def geocode(geocoder: Geocoder | None, submission: Submission) -> Answer | None:
    """The geocoder's answer for an address without a point; None where there is nothing to place.

    It never stops a filing: a geocoder that fails files the request unplaced, with that reason.
    """
    address = submission.address_string
    if geocoder is None or address is None or not wants_geocoding(submission.lat, submission.long, address):
        return None
    try:
        return geocoder.forward(address)
    except Exception as error:  # any failure of the geocoder: filed unplaced, and said so
        _log.error("geocoding failed; filed unplaced", error=type(error).__name__)
        return Unplaced("geocoder_error", "the geocoder failed")

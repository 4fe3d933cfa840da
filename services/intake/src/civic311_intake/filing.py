"""Filing a new service request: a tracking number, and the RequestCreated in the store, at once.

The caller gets its tracking number only after the event is durably appended. The number's stream
must not exist yet (expected version 0): the store itself guarantees that no two requests share one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from civic311_backbone.contracts import Actor, RequestCreated, new_event
from civic311_backbone.store import EventStore, WrongExpectedVersion
from civic311_intake.domain.submission import FieldProblem, Submission, check_submission, request_created
from civic311_intake.domain.tracking import new_tracking_number, stream_id_for
from civic311_routing.domain.catalogue import Catalogue


@dataclass(frozen=True)
class FiledRequest:
    tracking_number: str
    stream_id: str
    global_position: int


class NoFreeTrackingNumber(RuntimeError):
    pass


async def file_request(
    store: EventStore,
    request: Callable[[str], RequestCreated],
    *,
    actor: Actor,
    new_number: Callable[[], str] = new_tracking_number,
    attempts: int = 5,
) -> FiledRequest:
    """Append the RequestCreated that `request(tracking_number)` builds, under a fresh number."""
    for _ in range(attempts):
        number = new_number()
        stream_id = stream_id_for(number)
        try:
            result = await store.append(
                stream_id, [new_event(request(number), actor=actor)], expected_version=0
            )
        except WrongExpectedVersion:
            continue  # that number is taken: draw another
        return FiledRequest(number, stream_id, result.global_position)
    raise NoFreeTrackingNumber(f"{attempts} tracking numbers in a row were taken")


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
) -> FiledRequest:
    """Check the submission and file it; SubmissionRejected (nothing appended) lists what is wrong."""
    problems = check_submission(catalogue, submission, allow_confidential=allow_confidential)
    if problems:
        raise SubmissionRejected(problems)
    return await file_request(store, lambda number: request_created(submission, number), actor=actor)

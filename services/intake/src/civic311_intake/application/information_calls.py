"""Logging an information call: an agent answered a caller, and no request was filed.

One stream per call, `call-<call id>`, appended as its first and only event (expected version 0), with
an event id derived from the call id. The call id is the client's: the desk's page carries one in its
form, an API client sends its own. So a retried POST finds its call logged already and is answered
with it, and a second POST with other content under the same id is refused: nothing is logged twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

from civic311_backbone.contracts import InformationCallLogged, from_record, new_event
from civic311_backbone.contracts.events import CALL_STREAM_PREFIX
from civic311_backbone.store import EventIdReused, RecordedEvent, WrongExpectedVersion
from civic311_intake.adapters.answers import AnswerBook
from civic311_intake.application.desk import Desk, actor_of
from civic311_intake.domain.staff.commands import BadCommand, NotAllowed
from civic311_intake.domain.staff.members import StaffMember

_CALLS = UUID("3b0e7c52-9f1d-5a4e-8c2b-6d7e8f901a2b")


@dataclass(frozen=True)
class LoggedCall:
    call_id: UUID
    stream_id: str
    logged_at: datetime
    logged_by: str
    call: InformationCallLogged
    repeated: bool = False
    """True when the call was logged already under this call id (a retry)."""


class CallIdReused(ValueError):
    """The call id names a call already logged with other content, or by someone else."""


def call_stream(call_id: UUID) -> str:
    return f"{CALL_STREAM_PREFIX}{call_id}"


async def log_information_call(
    desk: Desk, answers: AnswerBook, member: StaffMember, call: InformationCallLogged, *, call_id: UUID
) -> LoggedCall:
    """Log the call once; its answer must exist and its request type be the catalogue's.

    A call that names an answer but no request type is about the answer's first request type, if it
    has one: so it counts beside the requests of that type filed by phone.
    """
    if not member.may_file:
        raise NotAllowed("only agents, supervisors and admins log the calls they answer")
    call = await _checked(desk, answers, call)
    stream_id = call_stream(call_id)
    earlier = await desk.store.read_stream(stream_id)
    if not earlier:
        event = new_event(call, actor=actor_of(member), event_id=uuid5(_CALLS, str(call_id)))
        try:
            await desk.store.append(stream_id, [event], expected_version=0)
        except (WrongExpectedVersion, EventIdReused):
            pass  # the same call id, logged meanwhile: answered below like any retry
        else:
            earlier = await desk.store.read_stream(stream_id)
            return _logged(call_id, earlier[0])
        earlier = await desk.store.read_stream(stream_id)
    first = _logged(call_id, earlier[0], repeated=True)
    if first.call != call or first.logged_by != member.actor_id:
        raise CallIdReused("this call_id was already used for a different call")
    return first


async def _checked(desk: Desk, answers: AnswerBook, call: InformationCallLogged) -> InformationCallLogged:
    if call.service_code is not None and desk.catalogue.get(call.service_code) is None:
        raise BadCommand("service_code", f"no request type has code {call.service_code!r}")
    if call.answer_slug is None or call.answer_language is None:
        return call
    article = await answers.get(call.answer_slug, call.answer_language)
    if article is None:
        raise BadCommand("answer_slug", f"no answer {call.answer_slug!r} in {call.answer_language!r}")
    if call.service_code is None and article.service_codes:
        return call.model_copy(update={"service_code": article.service_codes[0]})
    return call


def _logged(call_id: UUID, record: RecordedEvent, *, repeated: bool = False) -> LoggedCall:
    envelope = from_record(record)
    assert isinstance(envelope.payload, InformationCallLogged)
    return LoggedCall(
        call_id=call_id,
        stream_id=record.stream_id,
        logged_at=record.occurred_at,
        logged_by=envelope.actor.id,
        call=envelope.payload,
        repeated=repeated,
    )

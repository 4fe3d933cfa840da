"""POST /api/staff/information-calls: an agent logs a call answered without filing a request.

The body names what the call was about (the answer given, a request type, a short topic) and the
channel; nothing of the caller. `call_id` is the client's name for the call: a retry with the same id
is answered `200` with the call as first logged, never logged twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from civic311_backbone.contracts import InformationCallLogged
from civic311_intake.application.information_calls import CallIdReused, LoggedCall, log_information_call
from civic311_intake.domain.answers import AnswerLanguage, Slug
from civic311_intake.entrypoints.desk.answers import Book
from civic311_intake.entrypoints.desk.api import desk_errors
from civic311_intake.entrypoints.desk.auth import ApiSession
from civic311_intake.entrypoints.desk.bodies import ANSWERS, Body
from civic311_intake.entrypoints.desk.dependencies import DeskDep

router = APIRouter(prefix="/api/staff/information-calls", tags=["knowledge base"])
Topic = Annotated[str, Field(min_length=1, max_length=100)]


class InformationCall(Body):
    call_id: UUID = Field(
        default_factory=uuid4,
        description="Your name for this call: send the same one again on a retry and it is logged once.",
    )
    answer_slug: Slug | None = None
    answer_language: AnswerLanguage | None = None
    service_code: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    topic: Topic | None = None
    channel: Literal["phone", "walk_in"] = "phone"

    @model_validator(mode="after")
    def _about_something(self) -> InformationCall:
        if (self.answer_slug is None) != (self.answer_language is None):
            raise ValueError("answer_slug and answer_language go together")
        if self.answer_slug is None and self.service_code is None and self.topic is None:
            raise ValueError("name the answer given (answer_slug, answer_language), service_code or topic")
        return self

    def event(self) -> InformationCallLogged:
        topic = " ".join(self.topic.split()) if self.topic else None
        return InformationCallLogged(
            answer_slug=self.answer_slug,
            answer_language=self.answer_language,
            service_code=self.service_code,
            topic=topic or None,
            channel=self.channel,
        )


class Logged(BaseModel):
    call_id: UUID
    stream_id: str
    logged_at: datetime
    logged_by: str
    answer_slug: str | None
    answer_language: str | None
    service_code: str | None
    topic: str | None
    channel: str

    @classmethod
    def of(cls, logged: LoggedCall) -> Logged:
        return cls(
            call_id=logged.call_id,
            stream_id=logged.stream_id,
            logged_at=logged.logged_at,
            logged_by=logged.logged_by,
            **logged.call.model_dump(),
        )


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": Logged, "description": "Logged already under this call_id (a retry)"},
    401: ANSWERS[401],
    403: ANSWERS[403],
    422: {"description": "A field is wrong, no such answer or request type, or the call_id was used"},
}


@router.post(
    "",
    status_code=201,
    response_model=Logged,
    responses=RESPONSES,
)
async def log_call(
    body: InformationCall,
    session: ApiSession,
    desk: DeskDep,
    book: Book,
) -> JSONResponse:
    """Log a call answered without a request: agents, supervisors and admins; the agent is the actor."""
    with desk_errors():
        try:
            logged = await log_information_call(
                desk, book, session.member, body.event(), call_id=body.call_id
            )
        except CallIdReused as reused:
            problem = [{"loc": ["body", "call_id"], "msg": str(reused), "type": "value_error"}]
            raise HTTPException(422, problem) from reused
    return JSONResponse(
        Logged.of(logged).model_dump(mode="json"), status_code=200 if logged.repeated else 201
    )

"""The answer to "status <number>" by SMS, e-mail or chat: the request's public view, read from its stream.

It files nothing and changes no conversation: a report in progress stays as it was, and the answer ends
with the question that report waits on, so the resident knows how it continues.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from civic311_backbone.contracts import from_record
from civic311_backbone.contracts.events import Language
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.store import EventStore
from civic311_city.catalogue import Catalogue
from civic311_intake.domain.messages.conversation import Conversation, pending_question
from civic311_intake.domain.messages.replies import ask_text
from civic311_intake.domain.messages.status import StatusQuestion
from civic311_intake.domain.messages.status_replies import not_a_number_text, status_text, unknown_text
from civic311_intake.domain.public_view import public_view


async def status_answer(
    store: EventStore,
    catalogue: Catalogue,
    time_zone: ZoneInfo,
    question: StatusQuestion,
    conversation: Conversation | None,
    language: Language,
) -> str:
    """What to answer a status question, in `language`, given the sender's conversation in progress."""
    waiting = pending_question(conversation, catalogue) if conversation is not None else None
    pending = ask_text(waiting, catalogue) if waiting is not None else None
    if question.tracking_number is None:
        return not_a_number_text(question, language, pending=pending)
    records = await store.read_stream(stream_id_for(question.tracking_number))
    view = public_view([from_record(record) for record in records])
    if view is None:
        return unknown_text(question.tracking_number, language, pending=pending)
    request_type = catalogue.get(view.service_code)
    name = catalogue.wording(language).service_name(request_type) if request_type else view.service_code
    return status_text(view, name, language, time_zone, pending=pending)

"""A report by text message or e-mail, as a short conversation: ask for what is missing, then file.

A message that names the problem and the place is ready at once. One that lacks the type or the place
gets a question asking for just that piece; the resident's next message answers it. Then each of the
type's required questions is asked in turn, as the other channels require them. STOP ends the
conversation, HELP explains. The state is a small frozen value the channel keeps between messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from civic311_backbone.contracts.events import Language, Location
from civic311_city.catalogue import Attribute, Catalogue
from civic311_intake.domain.messages.answers import answer_in_report, read_answer
from civic311_intake.domain.messages.parsing import read_message
from civic311_intake.domain.messages.places import place_from_answer

MAX_DESCRIPTION = 4000
Missing = Literal["type", "place", "attribute"]


@dataclass(frozen=True)
class Conversation:
    """What the resident has told us so far."""

    texts: tuple[str, ...] = ()
    language: Language | None = None
    service_code: str | None = None
    location: Location | None = None
    media_url: str | None = None
    attributes: dict[str, str | list[str]] = field(default_factory=dict)
    asking: str | None = None
    """The code of the question we asked last, when it was one of the type's questions."""


@dataclass(frozen=True)
class Report:
    """Everything needed to file the request."""

    service_code: str
    location: Location
    description: str
    language: Language
    media_url: str | None
    attributes: dict[str, str | list[str]]


@dataclass(frozen=True)
class Ask:
    """Keep the conversation and ask for the missing piece."""

    conversation: Conversation
    missing: Missing
    language: Language
    attribute: Attribute | None = None
    again: bool = False
    """The last answer could not be read."""


@dataclass(frozen=True)
class Ready:
    report: Report


@dataclass(frozen=True)
class Answer:
    """A reply that files nothing; `ends` drops the conversation."""

    kind: Literal["help", "stopped", "unsubscribed", "empty", "too_long", "not_taken"]
    language: Language
    ends: bool


Step = Ask | Ready | Answer


def advance(
    conversation: Conversation | None,
    text: str,
    catalogue: Catalogue,
    *,
    now: datetime,
    media_url: str | None = None,
    default_language: Language = "en",
) -> Step:
    """The next step of a conversation (None: a new one) after the resident's message `text`.

    `now` is the current time in the city's time zone (for an answer like "7am"); `default_language`,
    the one to answer in when the words do not tell (the chat page's language).
    """
    current = conversation or Conversation()
    read = read_message(text, catalogue)
    language = current.language or read.language or default_language
    if not read.text:
        return Answer("empty", language, ends=False)
    if len(text.strip()) > MAX_DESCRIPTION:
        return Answer("too_long", language, ends=False)
    if read.command == "stop":
        return Answer("stopped", language, ends=True)
    if read.command == "help":
        return Answer("help", language, ends=False)
    if current.asking is not None and current.service_code is not None:
        return _answered(current, catalogue, current.service_code, current.asking, read.text, now)
    location = read.location
    if location is None and current.service_code is not None and current.location is None:
        location = place_from_answer(read.text)  # the answer to "where is it?"
    updated = replace(
        current,
        texts=(*current.texts, read.text),
        language=language,
        service_code=current.service_code or read.service_code,
        location=current.location or location,
        media_url=current.media_url or media_url,
    )
    if updated.service_code is None:
        return Ask(updated, "type", language)
    if updated.location is None:
        return Ask(updated, "place", language)
    return _next_question_or_ready(updated, catalogue, updated.service_code)


def pending_question(conversation: Conversation, catalogue: Catalogue) -> Ask | None:
    """The question a saved conversation waits on, asked again (after a status question, say)."""
    language = conversation.language or "en"
    if conversation.service_code is None:
        return Ask(conversation, "type", language)
    if conversation.location is None:
        return Ask(conversation, "place", language)
    request_type = catalogue.get(conversation.service_code)
    asked = (
        next((a for a in request_type.attributes if a.code == conversation.asking), None)
        if request_type
        else None
    )
    return Ask(conversation, "attribute", language, asked) if asked is not None else None


def _answered(
    current: Conversation, catalogue: Catalogue, service_code: str, code: str, text: str, now: datetime
) -> Step:
    request_type = catalogue.get(service_code)
    question = next((a for a in request_type.attributes if a.code == code), None) if request_type else None
    if question is None:  # the catalogue changed under the conversation: nothing left to ask
        return _next_question_or_ready(replace(current, asking=None), catalogue, service_code)
    answer = read_answer(question, text, now)
    if answer is None:
        return Ask(current, "attribute", current.language or "en", question, again=True)
    answered = replace(current, attributes={**current.attributes, code: answer}, asking=None)
    return _next_question_or_ready(answered, catalogue, service_code)


def _next_question_or_ready(conversation: Conversation, catalogue: Catalogue, service_code: str) -> Step:
    language = conversation.language or "en"
    request_type = catalogue.get(service_code)
    questions = sorted(request_type.attributes, key=lambda a: a.order) if request_type else []
    report_words = "\n".join(conversation.texts)
    if conversation.location is not None and conversation.location.address_string:
        report_words = report_words.replace(conversation.location.address_string, " ")
    attributes = dict(conversation.attributes)
    for question in questions:
        if question.required and question.code not in attributes:
            answer = answer_in_report(question, report_words)
            if answer is None:
                asked = replace(conversation, attributes=attributes, asking=question.code)
                return Ask(asked, "attribute", language, question)
            attributes[question.code] = answer
    assert conversation.location is not None
    description = "\n".join(conversation.texts)
    if len(description) > MAX_DESCRIPTION:
        description = description[: MAX_DESCRIPTION - 1] + "…"
    return Ready(
        Report(
            service_code,
            conversation.location,
            description,
            language,
            conversation.media_url,
            attributes,
        )
    )

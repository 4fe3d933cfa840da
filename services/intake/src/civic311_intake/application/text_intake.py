"""One text message, e-mail or chat message in, one reply out: the application function every channel calls.

In one transaction: claim the message id, advance the sender's conversation (or answer a status
question, which leaves the conversation as it is), file the request if it is complete, and record the
reply (and, for the chat, the exchange the page shows). A retry of the same message finds the claim and
gets the same reply, so it never files twice; two messages of one sender are taken in turn (row lock).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID, uuid4, uuid5
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from civic311_backbone.contracts import Actor, Contact, Unsubscribed, new_event
from civic311_backbone.contracts.events import Language
from civic311_backbone.store import EventStore
from civic311_city.catalogue import Catalogue
from civic311_city.geocoding import Geocoder
from civic311_intake.adapters import chat_transcript
from civic311_intake.adapters import conversation_store as db
from civic311_intake.adapters.conversation_store import StoredReply
from civic311_intake.application.filing import file_request, geocode
from civic311_intake.application.text_status import status_answer
from civic311_intake.domain.messages.conversation import Answer, Ask, Conversation, Ready, Report, advance
from civic311_intake.domain.messages.replies import answer_text, ask_text, filed_text, subject
from civic311_intake.domain.messages.status import status_question
from civic311_intake.domain.submission import Submission, check_submission, request_created

log = structlog.get_logger(__name__)

ChannelName = Literal["sms", "email", "chat"]

TEXT_RECIPIENT_PREFIX = "sms-recipient-"
"""Streams of a texting resident's own choices (STOP), apart from any request."""
_STOPS = UUID("c7d2e3a4-5b6c-4d7e-8f90-a1b2c3d4e311")


@dataclass(frozen=True)
class InboundMessage:
    channel: ChannelName
    message_id: str
    """The provider's id (MessageSid, Message-ID): a retry carries the same one."""
    sender: str
    """The phone number or e-mail address it came from; for the chat, its session's hash."""
    text: str
    media_url: str | None = None
    language: Language = "en"
    """The language to answer in when the words do not tell (the chat page's)."""


@dataclass(frozen=True)
class TextIntake:
    """What receiving a message needs."""

    pool: asyncpg.Pool
    store: EventStore
    catalogue: Catalogue
    conversation_ttl: timedelta
    time_zone: ZoneInfo
    """The city's: a texted "7am" is read there."""
    geocoder: Geocoder | None = None
    """Places an address without a point, as for the report form."""


async def receive(intake: TextIntake, message: InboundMessage) -> StoredReply:
    """Take one message; the reply to give (the same one again for a retry, marked `repeated`)."""
    await db.prune(intake.pool)
    if message.channel == "chat":
        await chat_transcript.prune(intake.pool)
    async with intake.pool.acquire() as conn, conn.transaction():
        if not await db.claim_message(conn, message.channel, message.message_id):
            return await db.stored_reply(conn, message.channel, message.message_id)
        conversation = await db.load_conversation(conn, message.channel, message.sender)
        question = status_question(message.text)
        if question is not None:
            language = question.language or (conversation and conversation.language) or message.language
            text = await status_answer(
                intake.store, intake.catalogue, intake.time_zone, question, conversation, language
            )
            reply, woke = StoredReply(subject("answer", language), text, None, False), False
        else:
            reply, woke = await _converse(conn, intake, message, conversation)
        await db.record_reply(conn, message.channel, message.message_id, reply)
        if message.channel == "chat":
            await chat_transcript.add_exchange(
                conn, message.sender, message.text, reply.text, reply.tracking_number, intake.conversation_ttl
            )
    if woke:  # appended inside our transaction: wake the relay now it committed
        intake.store.wake_followers()
    log.info("text message taken", channel=message.channel, tracking_number=reply.tracking_number)
    return reply


async def _converse(
    conn: asyncpg.Connection, intake: TextIntake, message: InboundMessage, conversation: Conversation | None
) -> tuple[StoredReply, bool]:
    """Advance the conversation and file when it is complete; the reply, and whether events were appended."""
    now = datetime.now(intake.time_zone)
    step = advance(
        conversation,
        message.text,
        intake.catalogue,
        now=now,
        media_url=message.media_url,
        default_language=message.language,
    )
    submission = _submission(step.report, message) if isinstance(step, Ready) else None
    if submission is not None and check_submission(intake.catalogue, submission):
        step = Answer("not_taken", submission.language, ends=True)
    stopped_texts = False
    if message.channel == "sms" and isinstance(step, Answer) and step.kind == "stopped":
        await _unsubscribe(conn, intake.store, message)
        step, stopped_texts = Answer("unsubscribed", step.language, ends=True), True
    match step:
        case Ready(report=report):
            assert submission is not None
            number = await _file(conn, intake, submission)
            await db.end_conversation(conn, message.channel, message.sender)
            name = _type_name(intake.catalogue, report.service_code, report.language)
            text = filed_text(report, name, number)
            return StoredReply(subject("filed", report.language, number), text, number, False), True
        case Ask(conversation=updated):
            await db.save_conversation(
                conn, message.channel, message.sender, updated, intake.conversation_ttl
            )
            return StoredReply(
                subject("ask", step.language), ask_text(step, intake.catalogue), None, False
            ), False
        case Answer(ends=ends):
            if ends:
                await db.end_conversation(conn, message.channel, message.sender)
            reply = StoredReply(subject("answer", step.language), answer_text(step), None, False)
            return reply, stopped_texts


async def _unsubscribe(conn: asyncpg.Connection, store: EventStore, message: InboundMessage) -> None:
    """STOP by text: every request's texts to this phone stop. The choice is recorded on the phone's own
    stream (not a request's: it holds for all of them), once per provider message."""
    ref = hashlib.sha256(message.sender.strip().encode()).hexdigest()[:24]
    event = new_event(
        Unsubscribed(recipient=message.sender.strip(), channel="sms", scope="all"),
        actor=Actor(kind="resident", id=f"resident-sms-{ref[:12]}"),
        event_id=uuid5(_STOPS, f"{message.channel}/{message.message_id}"),
    )
    await store.append(f"{TEXT_RECIPIENT_PREFIX}{ref}", [event], expected_version=None, conn=conn)


def _submission(report: Report, message: InboundMessage) -> Submission:
    """The report as every channel hands a request in, so that it passes the same checks. A chat is the
    resident site's (channel web), and anonymous: the resident follows it by its tracking number."""
    contact = None
    if message.channel == "sms":
        contact = Contact(phone=message.sender)
    elif message.channel == "email":
        contact = Contact(email=message.sender)
    return Submission(
        service_code=report.service_code,
        channel="web" if message.channel == "chat" else message.channel,
        description=report.description,
        lat=report.location.lat,
        long=report.location.long,
        address_string=report.location.address_string,
        attributes=report.attributes,
        media_url=report.media_url,
        contact=contact,
        language=report.language,
    )


async def _file(conn: asyncpg.Connection, intake: TextIntake, submission: Submission) -> str:
    """Append the RequestCreated under a fresh tracking number, in the caller's transaction; an address
    without a point is placed as the report form places it."""
    actor = Actor(kind="resident", id=f"resident-{submission.channel}-{uuid4().hex[:12]}")
    placed = geocode(intake.geocoder, submission)
    filed = await file_request(
        intake.store,
        lambda number: request_created(intake.catalogue, submission, number, placed),
        actor=actor,
        conn=conn,
    )
    return filed.tracking_number


def _type_name(catalogue: Catalogue, service_code: str, language: Language) -> str:
    request_type = catalogue.get(service_code)
    return catalogue.wording(language).service_name(request_type) if request_type else service_code

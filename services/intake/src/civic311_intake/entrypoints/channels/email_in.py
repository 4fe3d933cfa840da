"""E-mail in: an SMTP listener in the gateway process, for the city's 311 address(es).

The city's mail server forwards mail for, say, 311@city.example.org to this listener. Each message is
read like a text message (subject and body), then answered by e-mail through the outgoing SMTP server.
The listener says "250" only once the request is stored and the answer sent; otherwise "451", so the
sending server tries again later, and the Message-ID makes that retry harmless.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

import structlog
from aiosmtpd.smtp import SMTP, Envelope, Session

from civic311_intake.adapters import conversation_store as db
from civic311_intake.adapters.mail_out import OutgoingMail, reply_to, send
from civic311_intake.application.text_intake import InboundMessage, TextIntake, receive
from civic311_intake.entrypoints.channels.mail_text import message_text

log = structlog.get_logger(__name__)

MAX_MESSAGE_BYTES = 10 * 1024 * 1024
_ROBOTS = ("mailer-daemon", "postmaster", "noreply", "no-reply")


@dataclass(frozen=True)
class MailIn:
    host: str
    port: int
    addresses: frozenset[str]
    """The addresses taken, lower case; mail for any other is refused."""
    outgoing: OutgoingMail
    intake: TextIntake


class IntakeMailHandler:
    """aiosmtpd's handler hooks: accept our addresses, take each message, answer it."""

    def __init__(self, mail_in: MailIn) -> None:
        self.mail_in = mail_in

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() not in self.mail_in.addresses:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        sender = _reply_address(message)
        if sender is None or _is_automatic(message, envelope):
            log.info("e-mail not answered: automatic or without a sender")
            return "250 OK"
        message_id = str(message.get("Message-ID") or "").strip() or hashlib.sha256(raw).hexdigest()
        inbound = InboundMessage("email", message_id[:200], sender, message_text(message))
        reply = await receive(self.mail_in.intake, inbound)
        if not reply.replied:
            ours = envelope.rcpt_tos[0]
            await send(
                self.mail_in.outgoing,
                reply_to(message, sender=ours, to=sender, subject=reply.subject, text=reply.text),
            )
            await db.mark_replied(self.mail_in.intake.pool, "email", inbound.message_id)
        return "250 OK"

    async def handle_exception(self, error: Exception) -> str:
        # The store, the database or the outgoing server failed: a temporary failure makes the
        # sending server retry, where aiosmtpd's default "500" would bounce the resident's mail.
        log.error("e-mail could not be taken", exc_info=error)
        return "451 4.3.0 Temporary failure, please try again later"


class SmtpListener:
    """The listener as a background task of the gateway, with a readiness check."""

    def __init__(self, mail_in: MailIn) -> None:
        self.mail_in = mail_in
        self._server: asyncio.Server | None = None

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        handler = IntakeMailHandler(self.mail_in)
        hostname = sorted(self.mail_in.addresses)[0].rpartition("@")[2] or "localhost"
        self._server = await loop.create_server(
            lambda: SMTP(
                handler,
                hostname=hostname,
                data_size_limit=MAX_MESSAGE_BYTES,
                enable_SMTPUTF8=True,
                loop=loop,
            ),
            host=self.mail_in.host,
            port=self.mail_in.port,
        )
        log.info("smtp listener started", host=self.mail_in.host, port=self.mail_in.port)
        try:
            await stop.wait()
        finally:
            self._server.close()
            await self._server.wait_closed()

    async def ready(self) -> bool:
        return self._server is not None and self._server.is_serving()


def _reply_address(message: EmailMessage) -> str | None:
    _, address = parseaddr(str(message.get("Reply-To") or message.get("From") or ""))
    if "@" not in address or len(address) > 254:
        return None
    return address.lower()


def _is_automatic(message: EmailMessage, envelope: Envelope) -> bool:
    """Bounces, auto-replies and list mail: answering them could start a mail loop."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    local_part = (_reply_address(message) or "").partition("@")[0]
    return (
        auto != "no"
        or precedence in ("bulk", "junk", "list")
        or not envelope.mail_from
        or envelope.mail_from == "<>"
        or local_part in _ROBOTS
    )

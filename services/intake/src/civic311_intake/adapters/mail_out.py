"""Answering an e-mail: the reply, sent through the city's outgoing SMTP server."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from pydantic import SecretStr


@dataclass(frozen=True)
class OutgoingMail:
    """The outgoing SMTP server (SMTP_HOST, SMTP_PORT, optional login and STARTTLS)."""

    host: str
    port: int
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    timeout: float = 30.0


def reply_to(original: EmailMessage, *, sender: str, to: str, subject: str, text: str) -> EmailMessage:
    """Our answer to `original`, threaded under it, marked as automatic so that no robot answers back."""
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = to
    reply["Subject"] = subject
    reply["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    reply["Auto-Submitted"] = "auto-replied"
    if original_id := original.get("Message-ID"):
        reply["In-Reply-To"] = str(original_id)
        reply["References"] = f"{original.get('References', '')} {original_id}".strip()
    reply.set_content(text)
    return reply


async def send(server: OutgoingMail, message: EmailMessage) -> None:
    """Hand the message to the outgoing server; raises (OSError, SMTPException) if it is refused."""
    await asyncio.to_thread(_send, server, message)


def _send(server: OutgoingMail, message: EmailMessage) -> None:
    with smtplib.SMTP(server.host, server.port, timeout=server.timeout) as smtp:
        if server.starttls:
            smtp.starttls()
        if server.username and server.password:
            smtp.login(server.username, server.password.get_secret_value())
        smtp.send_message(message)

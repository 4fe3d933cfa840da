"""What the text channels' tests share: texting the gateway as the SMS provider would, mailing it as a
mail server would (with a real SMTP server catching its answers), the resident site's chat as a browser
without JavaScript uses it, reading tracking numbers and what was filed."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import re
import smtplib
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from uuid import uuid4
from xml.etree import ElementTree

import httpx
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.store import EventStore, RecordedEvent
from tests.intake.open311_support import Open311Gateway, open311_gateway

TRACKING_NUMBER = re.compile(r"\b[2-9B-DF-HJ-NP-TV-X]{3}-[2-9B-DF-HJ-NP-TV-X]{5}\b")


async def requests_filed(store: EventStore, *, by: Collection[str] | None = None) -> list[RecordedEvent]:
    """Every RequestCreated in the store, or only those of residents with these phone numbers or e-mail
    addresses (in a store that a module's tests share)."""
    start, end = datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC) + timedelta(days=1)

    def theirs(payload: dict[str, Any]) -> bool:
        contact = payload.get("contact") or {}
        return by is None or contact.get("phone") in by or contact.get("email") in by

    return [
        e
        async for e in store.read_between(start, end)
        if e.event_type == "RequestCreated" and theirs(e.payload)
    ]


async def filed(store: EventStore, tracking_number: str) -> dict[str, Any]:
    """The RequestCreated payload of the request with this tracking number."""
    [created] = await store.read_stream(stream_id_for(tracking_number))
    assert created.event_type == "RequestCreated"
    return created.payload


CITY_NUMBER = "+16175550311"


def sign_like_twilio(token: str, url: str, params: dict[str, str]) -> str:
    """The stand-in for the SMS provider: X-Twilio-Signature as Twilio computes it (its documented
    algorithm: base64 of HMAC-SHA1 with the auth token over the URL and the sorted name+value pairs)."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


@dataclass
class SmsProvider:
    """Posts to the gateway's webhook as the provider would, for one resident's phone."""

    client: httpx.AsyncClient
    url: str
    token: str
    phone: str

    async def text(self, body: str, *, sid: str | None = None, token: str | None = None) -> httpx.Response:
        params = {
            "MessageSid": sid or f"SM{uuid4().hex}",
            "AccountSid": "AC" + "0" * 32,
            "From": self.phone,
            "To": CITY_NUMBER,
            "Body": body,
            "NumMedia": "0",
        }
        signature = sign_like_twilio(token or self.token, self.url, params)
        return await self.client.post(self.url, data=params, headers={"X-Twilio-Signature": signature})


def reply_of(response: httpx.Response) -> str:
    """The text the provider would send back to the resident."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Response"
    return root.findtext("Message") or ""


CITY = "311@city.example.org"
RESIDENT = "maria.lopez@example.org"


class MailSink:
    """A real SMTP server standing as the outgoing relay: it keeps every message it is handed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[EmailMessage] = []
        self._controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or b"")
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """What was sent to this address, in order (a sink that a module's tests share)."""
        return [m for m in self.received if address in str(m["To"])]

    def start(self) -> MailSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop(no_assert=True)


async def deliver(smtp_port: int, message: EmailMessage) -> None:
    """Hand `message` to the gateway's listener as a mail server would; raises if it is refused."""

    def send() -> None:
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as smtp:
            smtp.send_message(message)

    await asyncio.to_thread(send)


def resident_mail(subject: str, body: str, *, sender: str = RESIDENT, to: str = CITY) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Maria Lopez <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(body)
    return message


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert isinstance(body, EmailMessage)
    content = body.get_content()
    assert isinstance(content, str)
    return content


READY = 120.0
"""Seconds the gateway may take to start: beside other test runs on two cores it can take over a minute."""

_HIDDEN = re.compile(r'<input type="hidden" name="(csrf_token|message_id)" value="([^"]+)">')
_SAID = re.compile(r'<span class="chat__said">(.*?)</span>', re.DOTALL)


@asynccontextmanager
async def chat_gateway(
    database_server_url: str, nats_server_url: str, log_dir: Path
) -> AsyncIterator[Open311Gateway]:
    async with open311_gateway(
        database_server_url, nats_server_url, log_dir, relay=False, ready_timeout=READY
    ) as gateway:
        yield gateway


@dataclass
class ChatPage:
    """One resident's browser without JavaScript: it keeps its cookies and reads the page's form."""

    client: httpx.AsyncClient
    fields: dict[str, str] = field(default_factory=dict)

    async def open(self, query: str = "") -> httpx.Response:
        page = await self.client.get(f"/chat{query}")
        assert page.status_code == 200, page.text
        self.read_form(page)
        return page

    def read_form(self, page: httpx.Response) -> None:
        self.fields = dict(_HIDDEN.findall(page.text))

    async def post(self, message: str, **overrides: str) -> httpx.Response:
        """Post the form as the page has it, with `message` (and any field overridden)."""
        return await self.client.post("/chat", data={**self.fields, "message": message, **overrides})

    async def say(self, message: str) -> list[str]:
        """Send a message as the form does, and come back to the page: the conversation's lines."""
        sent = await self.post(message)
        assert sent.status_code == 303, sent.text
        assert sent.headers["location"] == "/chat#latest"
        return lines_of(await self.open())


def lines_of(page: httpx.Response) -> list[str]:
    """What the chat page shows as said, in order (the greeting first)."""
    return [html.unescape(" ".join(said.split())) for said in _SAID.findall(page.text)]


async def created(gateway: Open311Gateway, tracking_number: str) -> dict[str, Any]:
    [event] = await gateway.store.read_stream(stream_id_for(tracking_number))
    assert event.event_type == "RequestCreated"
    return event.payload

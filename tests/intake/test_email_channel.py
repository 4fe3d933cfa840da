"""A resident e-mails the city's 311 address: a real SMTP conversation with the gateway's listener, and
its answer caught by a real SMTP server standing as the city's outgoing relay."""

from __future__ import annotations

import smtplib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from uuid import uuid4

import httpx
import pytest

from civic311_backbone.embedded.ports import free_port
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from tests.intake.open311_support import open311_gateway
from tests.intake.text_channel_support import (
    CITY,
    TRACKING_NUMBER,
    MailSink,
    deliver,
    filed,
    requests_filed,
    resident_mail,
    text_of,
)
from tests.support.processes import ServiceProcess


@dataclass
class Gateway:
    smtp_port: int
    client: httpx.AsyncClient
    store: EventStore

    async def mail(self, message: EmailMessage) -> None:
        await deliver(self.smtp_port, message)


@pytest.fixture(scope="module")
def sink() -> Iterator[MailSink]:
    relay = MailSink(free_port()).start()
    yield relay
    relay.stop()


def gateway_env(smtp_in_port: int, relay_port: int) -> dict[str, str]:
    return {
        "SMTP_IN_PORT": str(smtp_in_port),
        "SMTP_IN_ADDRESSES": f"{CITY}, help@city.example.org",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(relay_port),
    }


@pytest.fixture(scope="module")
async def gateway(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory, sink: MailSink
) -> AsyncIterator[Gateway]:
    """One gateway for the module: each test writes from an address of its own and reads only its mail."""
    smtp_in_port, log_dir = free_port(), tmp_path_factory.mktemp("email-channel")
    env = gateway_env(smtp_in_port, sink.port)
    async with (
        open311_gateway(database_server_url, nats_server_url, log_dir, relay=False, env=env) as running,
        httpx.AsyncClient(base_url=running.url) as client,
    ):
        yield Gateway(smtp_in_port, client, running.store)


@pytest.fixture
def resident() -> str:
    """This test's resident's address."""
    return f"resident-{uuid4().hex[:10]}@example.org"


async def test_an_email_is_filed_and_answered_by_email_with_its_tracking_number(
    gateway: Gateway, sink: MailSink, resident: str
) -> None:
    store = gateway.store
    mail = resident_mail(
        "Large pothole", "There is a deep pothole outside 12 Main St.\n\n-- \nMaria", sender=resident
    )

    await gateway.mail(mail)

    [answer] = sink.to(resident)  # answered before the listener said 250
    [number] = TRACKING_NUMBER.findall(text_of(answer))
    assert answer["To"] == resident
    assert answer["From"] == CITY
    assert answer["In-Reply-To"] == mail["Message-ID"]
    assert number in answer["Subject"]
    request = await filed(store, number)
    assert request["channel"] == "email"
    assert request["contact"]["email"] == resident
    assert request["service_code"] == "POTHOLE"
    assert request["location"]["address_string"] == "12 Main St"
    assert request["description"] == "Large pothole\nThere is a deep pothole outside 12 Main St."
    assert request["attributes"] == {"SIZE": "large"}
    tracked = await gateway.client.get(f"/api/requests/{number}")
    assert tracked.status_code == 200
    assert tracked.json()["tracking_number"] == number
    assert resident not in tracked.text


async def test_an_email_without_the_place_is_asked_and_the_replies_file_it(
    gateway: Gateway, sink: MailSink, resident: str
) -> None:
    store = gateway.store
    farola = "La farola de mi calle está apagada desde hace una semana."
    await gateway.mail(resident_mail("Farola", farola, sender=resident))
    [where] = sink.to(resident)
    assert "¿Dónde está?" in text_of(where)
    assert await requests_filed(store, by=[resident]) == []

    await gateway.mail(reply_to(where, "Calle Sol 14"))
    [_, pattern] = sink.to(resident)
    assert "¿Qué hace la luz? Responda con un número: 1 = Está apagada" in text_of(pattern)
    await gateway.mail(reply_to(pattern, "1"))

    [number] = TRACKING_NUMBER.findall(text_of(sink.to(resident)[2]))
    request = await filed(store, number)
    assert (request["service_code"], request["language"]) == ("STREET_LIGHT_OUT", "es")
    assert request["location"]["address_string"] == "Calle Sol 14"
    assert request["attributes"] == {"PATTERN": "out"}
    assert request["contact"]["email"] == resident


def reply_to(question: EmailMessage, answer: str) -> EmailMessage:
    """The resident's answer, as a mail client writes it: "Re:" subject, the question quoted below."""
    quoted = "\n".join(f"> {line}" for line in text_of(question).splitlines())
    body = f"{answer}\n\nOn Monday, 311 wrote:\n{quoted}"
    reply = resident_mail(f"Re: {question['Subject']}", body, sender=str(question["To"]))
    reply["In-Reply-To"] = question["Message-ID"]
    return reply


async def test_a_redelivered_email_files_once_and_is_answered_once(
    gateway: Gateway, sink: MailSink, resident: str
) -> None:
    store = gateway.store
    mail = resident_mail("Graffiti", "Graffiti all over the wall at 3 Elm St", sender=resident)

    await gateway.mail(mail)
    await gateway.mail(mail)  # the same Message-ID: a mail server's retry

    [answer] = sink.to(resident)
    [created] = await requests_filed(store, by=[resident])
    assert TRACKING_NUMBER.findall(text_of(answer)) == [created.payload["tracking_number"]]


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [("", "", "Your message was empty"), ("Pothole at 12 Main St", "pothole " * 600, "too long")],
)
async def test_an_empty_or_overlong_email_is_answered_and_nothing_is_filed(
    gateway: Gateway, sink: MailSink, resident: str, subject: str, body: str, expected: str
) -> None:
    store = gateway.store
    await gateway.mail(resident_mail(subject, body, sender=resident))

    [answer] = sink.to(resident)
    assert expected in text_of(answer)
    assert await requests_filed(store, by=[resident]) == []


async def test_mail_for_another_address_is_refused(gateway: Gateway, sink: MailSink, resident: str) -> None:
    store = gateway.store
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        await gateway.mail(
            resident_mail(
                "Pothole", "pothole outside 12 Main St", sender=resident, to="mayor@city.example.org"
            )
        )

    assert sink.to(resident) == []
    assert await requests_filed(store, by=[resident]) == []


async def test_an_automatic_reply_is_not_answered(gateway: Gateway, sink: MailSink, resident: str) -> None:
    store = gateway.store
    out_of_office = resident_mail("Out of office", "I am away. Pothole outside 12 Main St", sender=resident)
    out_of_office["Auto-Submitted"] = "auto-replied"

    await gateway.mail(out_of_office)

    assert sink.to(resident) == []
    assert await requests_filed(store, by=[resident]) == []


async def test_while_the_outgoing_server_is_down_the_mail_is_deferred_and_its_retry_answered(
    settings: BackboneSettings, tmp_path: Path, store: EventStore
) -> None:
    relay_port, smtp_in_port = free_port(), free_port()
    env = {**settings_env(settings), **gateway_env(smtp_in_port, relay_port)}
    process = ServiceProcess("civic311_intake", env, tmp_path)
    process.start()
    relay = MailSink(relay_port)
    try:
        await process.wait_ready()
        mail = resident_mail("Dead animal", "A dead raccoon at 8 Oak St")

        with pytest.raises(smtplib.SMTPDataError) as deferred:
            await deliver(smtp_in_port, mail)
        relay.start()
        await deliver(smtp_in_port, mail)
    finally:
        process.stop()
        relay.stop()

    assert deferred.value.smtp_code == 451
    [answer] = relay.received
    [created] = await requests_filed(store)
    assert TRACKING_NUMBER.findall(text_of(answer)) == [created.payload["tracking_number"]]
    assert created.payload["service_code"] == "DEAD_ANIMAL"

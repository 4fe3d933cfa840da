"""A resident texts (or mails) a tracking number: the gateway answers the request's status and next step.

Through the gateway's SMS webhook, signed as the provider signs it (the provider is the one thing stood
in for), and through its SMTP listener with a real SMTP server catching the answer. One gateway for the
module; each test makes its own requests and phone numbers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from uuid import uuid4

import httpx
import pytest

from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Closed,
    Contact,
    Location,
    RequestCreated,
    StatusUpdated,
    new_event,
)
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.embedded.ports import free_port
from civic311_intake.domain.messages.status import StatusQuestion, status_question
from tests.intake.open311_support import Open311Gateway, open311_gateway
from tests.intake.text_channel_support import (
    CITY,
    READY,
    MailSink,
    SmsProvider,
    deliver,
    reply_of,
    resident_mail,
    text_of,
)

TOKEN = uuid4().hex
ROUTING = Actor(kind="service", id="routing")
STAFF = Actor(kind="staff", id="staff-7")
CONTACT = Contact(
    first_name="Maria", last_name="Lopez", email="maria.lopez@example.org", phone="+16175550123"
)
DUE = datetime(2031, 11, 24, 14, 30, tzinfo=UTC)  # Mon, Nov 24, 9:30 AM in Boston


@pytest.fixture(scope="module")
def sink() -> Iterator[MailSink]:
    relay = MailSink(free_port()).start()
    yield relay
    relay.stop()


@pytest.fixture(scope="module")
def smtp_in_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
async def gateway(
    database_server_url: str,
    nats_server_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    sink: MailSink,
    smtp_in_port: int,
) -> AsyncIterator[Open311Gateway]:
    env = {
        "SMS_WEBHOOK_TOKEN": TOKEN,
        "SMTP_IN_PORT": str(smtp_in_port),
        "SMTP_IN_ADDRESSES": CITY,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(sink.port),
    }
    log_dir = tmp_path_factory.mktemp("status-by-text")
    async with open311_gateway(
        database_server_url, nats_server_url, log_dir, relay=False, env=env, ready_timeout=READY
    ) as running:
        yield running


@pytest.fixture
async def resident(gateway: Open311Gateway) -> AsyncIterator[SmsProvider]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield SmsProvider(client, f"{gateway.url}/channels/sms", TOKEN, f"+1617555{uuid4().int % 10_000:04d}")


async def _record(gateway: Open311Gateway, *changes: Assigned | StatusUpdated | Closed) -> str:
    """A pothole at 12 Main St reported by Maria (her contact on the record), then `changes`."""
    number = new_tracking_number()
    created = RequestCreated(
        tracking_number=number,
        service_code="POTHOLE",
        description="Deep pothole",
        location=Location(lat=42.3601, long=-71.0589, address_string="12 Main St"),
        attributes={"SIZE": "large"},
        channel="web",
        contact=CONTACT,
    )
    events = [new_event(created, actor=Actor(kind="resident", id="resident-web-1"))]
    events += [
        new_event(change, actor=ROUTING if isinstance(change, Assigned) else STAFF) for change in changes
    ]
    await gateway.store.append(stream_id_for(number), events, expected_version=0)
    return number


def _assigned() -> Assigned:
    return Assigned(department="Public Works", queue="PWD-Streets", due_at=DUE)


def _no_personal_data(answer: str) -> None:
    for personal in ("Maria", "Lopez", "maria.lopez@example.org", "6175550123", "+16175550123"):
        assert personal not in answer


async def _events(gateway: Open311Gateway) -> int:
    count: int = await gateway.pool.fetchval("SELECT count(*) FROM events")
    return count


def _asked(text: str) -> StatusQuestion:
    question = status_question(text)
    assert question is not None, text
    return question


def test_a_status_question_is_told_from_a_report() -> None:
    number = new_tracking_number()

    assert _asked(f"status {number}").tracking_number == number
    assert _asked(f"Estado de {number.lower().replace('-', ' ')}?").language == "es"
    assert _asked(number.replace("-", "")).tracking_number == number
    assert _asked("status CDG-GRXNN").tracking_number == "CDG-GRXNN"  # a number may have no digit
    assert _asked("status 12345").problem == "wrong_length"
    for report in ("potholes", "estado de la calle terrible", "status of the street light on Main St"):
        assert status_question(report) is None, report


async def test_status_by_sms_answers_the_status_department_due_date_and_latest_public_note(
    gateway: Open311Gateway, resident: SmsProvider
) -> None:
    number = await _record(
        gateway,
        _assigned(),
        StatusUpdated(status="in_progress", public_note="Crew booked for Monday", internal_note="Call Maria"),
    )
    before = await _events(gateway)

    answer = reply_of(await resident.text(f"status {number}"))

    assert answer == (
        f"{number} (Pothole, 12 Main St): work in progress (Public Works). Expected by Mon, Nov 24, "
        '9:30 AM. Latest note: "Crew booked for Monday"'
    )
    _no_personal_data(answer)
    assert "Call" not in answer  # the internal note stays internal
    assert await _events(gateway) == before  # a question files nothing


async def test_estado_answers_in_spanish_and_a_bare_number_is_a_status_question(
    gateway: Open311Gateway, resident: SmsProvider
) -> None:
    number = await _record(gateway, _assigned())

    spanish = reply_of(await resident.text(f"estado {number.lower()}"))
    bare = reply_of(await resident.text(number))

    assert spanish == f"{number} (Bache, 12 Main St): enviado a Public Works. Previsto para lun 24 nov, 9:30."
    assert bare.startswith(f"{number} (Pothole, 12 Main St): sent to Public Works.")


async def test_a_closed_request_says_how_and_a_duplicate_names_the_original(
    gateway: Open311Gateway, resident: SmsProvider
) -> None:
    original = await _record(gateway, _assigned())
    fixed = await _record(gateway, _assigned(), Closed(resolution="resolved", public_note="Filled today"))
    duplicate = await _record(gateway, Closed(resolution="duplicate", duplicate_of=original))

    fixed_answer = reply_of(await resident.text(f"STATUS {fixed}"))
    duplicate_answer = reply_of(await resident.text(f"status {duplicate}"))

    assert fixed_answer.startswith(f"{fixed} (Pothole, 12 Main St): closed: fixed (")
    assert fixed_answer.endswith('Latest note: "Filled today"')
    assert "Expected" not in fixed_answer
    assert duplicate_answer == (
        f"{duplicate} (Pothole, 12 Main St): closed: already reported as {original}. "
        f"Send STATUS {original} to follow that one."
    )


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("status", "Send STATUS and your tracking number, e.g. STATUS 7KQ-4MX28."),
        ("status 4GH-DP6T", '"4GH-DP6T" is not a tracking number: ours have 8 letters and numbers'),
        ("status 0OI-11111", '"0OI-11111" is not a tracking number: ours never use 01IO.'),
        ("estado 4GH-DP6TB", '"4GH-DP6TB" no es un número de seguimiento nuestro.'),
    ],
)
async def test_a_malformed_number_gets_a_clear_answer(
    gateway: Open311Gateway, resident: SmsProvider, asked: str, expected: str
) -> None:
    answer = reply_of(await resident.text(asked))

    assert answer.startswith(expected)


async def test_an_unknown_number_is_said_to_be_unknown(
    gateway: Open311Gateway, resident: SmsProvider
) -> None:
    never_given = new_tracking_number()  # well-formed, but no request has it

    answer = reply_of(await resident.text(f"status {never_given}"))

    assert answer.startswith(f"We have no request {never_given}.")


async def test_a_status_question_mid_report_leaves_the_report_as_it_was_and_says_how_it_continues(
    gateway: Open311Gateway, resident: SmsProvider
) -> None:
    number = await _record(gateway, _assigned())

    where = reply_of(await resident.text("graffiti all over the bus shelter"))
    status = reply_of(await resident.text(f"status {number}"))
    filed = reply_of(await resident.text("12 Main St"))

    assert "Where is it?" in where
    assert status.startswith(f"{number} (Pothole, 12 Main St): sent to Public Works.")
    assert status.endswith("Your report in progress continues: " + where)
    assert filed.startswith("Thank you: we have your report (Graffiti removal, 12 Main St).")


async def test_a_redelivered_status_question_is_answered_once_with_the_same_answer(
    gateway: Open311Gateway, resident: SmsProvider
) -> None:
    number = await _record(gateway, _assigned())
    sid = f"SM{uuid4().hex}"

    first = reply_of(await resident.text(f"status {number}", sid=sid))
    await gateway.store.append(
        stream_id_for(number),
        [new_event(StatusUpdated(status="in_progress"), actor=STAFF)],
        expected_version=2,
    )
    again = reply_of(await resident.text(f"status {number}", sid=sid))
    fresh = reply_of(await resident.text(f"status {number}"))

    assert again == first  # the provider's retry gets the answer it was given, not a second one
    assert "sent to Public Works" in first
    assert "work in progress" in fresh
    answered = await gateway.pool.fetchval(
        "SELECT count(*) FROM inbound_messages WHERE channel = 'sms' AND message_id = $1", sid
    )
    assert answered == 1


async def test_a_forged_status_question_is_refused(gateway: Open311Gateway, resident: SmsProvider) -> None:
    number = await _record(gateway, _assigned())

    forged = await resident.text(f"status {number}", token="not-the-token")

    assert forged.status_code == 403
    assert number not in forged.text


async def test_status_by_email_is_answered_by_email(
    gateway: Open311Gateway, sink: MailSink, smtp_in_port: int
) -> None:
    number = await _record(gateway, _assigned())
    sender = f"resident-{uuid4().hex[:8]}@example.org"
    mail = resident_mail(f"Estado {number}", "", sender=sender)

    await deliver(smtp_in_port, mail)

    [answer] = [m for m in sink.received if m["To"] == sender]  # answered before the listener said 250
    assert answer["Subject"] == "Su mensaje al 311"
    assert text_of(answer).strip().startswith(f"{number} (Bache, 12 Main St): enviado a Public Works.")
    _no_personal_data(text_of(answer))

"""A resident texts the city: the gateway's SMS webhook files the request or asks for the missing piece.

The SMS provider is the one thing stood in for: the tests post to the running gateway exactly as Twilio
would, form-encoded and signed with the account's auth token (`sign_like_twilio`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from civic311_city.loading import load_catalogue
from civic311_intake.application.text_intake import InboundMessage, TextIntake, receive
from civic311_intake.wiring import SERVICE as INTAKE
from tests.intake.open311_support import open311_gateway
from tests.intake.text_channel_support import (
    TRACKING_NUMBER,
    SmsProvider,
    filed,
    reply_of,
    requests_filed,
)
from tests.support.processes import ServiceProcess


@dataclass
class Gateway:
    url: str
    client: httpx.AsyncClient
    store: EventStore

    def resident(self, token: str, phone: str | None = None) -> SmsProvider:
        phone = phone or f"+1617555{uuid4().int % 10_000:04d}"
        return SmsProvider(self.client, f"{self.url}/channels/sms", token, phone)


@pytest.fixture(scope="module")
def token() -> str:
    return uuid4().hex


@pytest.fixture(scope="module")
async def gateway(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory, token: str
) -> AsyncIterator[Gateway]:
    """One gateway for the module: its tests tell their requests apart by their residents' numbers."""
    log_dir = tmp_path_factory.mktemp("sms-channel")
    env = {"SMS_WEBHOOK_TOKEN": token}
    async with (
        open311_gateway(database_server_url, nats_server_url, log_dir, relay=False, env=env) as running,
        httpx.AsyncClient(base_url=running.url) as client,
    ):
        yield Gateway(running.url, client, running.store)


async def test_a_text_naming_the_problem_and_the_place_is_filed_and_answered_with_its_number(
    gateway: Gateway, token: str
) -> None:
    store = gateway.store
    resident = gateway.resident(token)

    answer = reply_of(await resident.text("Graffiti all over the wall at 12 Main St"))

    [number] = TRACKING_NUMBER.findall(answer)
    assert answer.startswith("Thank you")
    request = await filed(store, number)
    assert request["channel"] == "sms"
    assert request["service_code"] == "GRAFFITI"
    assert request["location"]["address_string"] == "12 Main St"
    assert request["contact"]["phone"] == resident.phone
    assert request["language"] == "en"
    assert request["description"] == "Graffiti all over the wall at 12 Main St"
    tracked = await gateway.client.get(f"/api/requests/{number}")
    assert tracked.status_code == 200
    assert resident.phone not in tracked.text


async def test_the_types_required_question_is_asked_before_filing(gateway: Gateway, token: str) -> None:
    store = gateway.store
    resident = gateway.resident(token)

    question = reply_of(await resident.text("pothole outside 12 Main St"))
    again = reply_of(await resident.text("huge"))
    answer = reply_of(await resident.text("3"))

    assert question.startswith("How big is the pothole?")
    assert "3 = Larger than a car tyre" in question
    assert again.startswith("Sorry, we could not read that.")
    [number] = TRACKING_NUMBER.findall(answer)
    request = await filed(store, number)
    assert (request["service_code"], request["attributes"]) == ("POTHOLE", {"SIZE": "large"})
    assert request["description"] == "pothole outside 12 Main St"


async def test_a_text_without_the_place_in_spanish_gets_questions_in_spanish_and_is_filed(
    gateway: Gateway, token: str
) -> None:
    store = gateway.store
    resident = gateway.resident(token)

    where = reply_of(await resident.text("Hay un bache enorme"))
    assert "¿Dónde está?" in where
    assert await requests_filed(store, by=[resident.phone]) == []
    size = reply_of(await resident.text("frente al 45 de la calle Mayor"))
    assert "Responda con un número" in size
    answer = reply_of(await resident.text("2"))

    [number] = TRACKING_NUMBER.findall(answer)
    assert "número de seguimiento" in answer
    request = await filed(store, number)
    assert request["service_code"] == "POTHOLE"
    assert request["location"]["address_string"] == "45 de la calle Mayor"
    assert request["attributes"] == {"SIZE": "medium"}
    assert request["language"] == "es"
    assert request["contact"]["phone"] == resident.phone
    assert request["description"] == "Hay un bache enorme\nfrente al 45 de la calle Mayor"


async def test_a_text_without_a_known_problem_gets_asked_what_it_is(gateway: Gateway, token: str) -> None:
    store = gateway.store
    resident = gateway.resident(token)
    someone_else = gateway.resident(token)

    question = reply_of(await resident.text("Something is wrong at 12 Main St"))
    other = reply_of(await someone_else.text("graffiti"))  # another conversation, not this one
    answer = reply_of(await resident.text("graffiti on my fence"))

    assert "What is the problem?" in question
    assert "Where is it?" in other
    [number] = TRACKING_NUMBER.findall(answer)
    request = await filed(store, number)
    assert (request["service_code"], request["location"]["address_string"]) == ("GRAFFITI", "12 Main St")
    assert len(await requests_filed(store, by=[resident.phone, someone_else.phone])) == 1


async def test_a_bad_or_missing_signature_is_refused_and_nothing_is_filed(
    gateway: Gateway, token: str
) -> None:
    store = gateway.store
    resident = gateway.resident(token)

    forged = await resident.text("pothole outside 12 Main St", token="not-the-token")
    unsigned = await gateway.client.post(
        "/channels/sms",
        data={"MessageSid": "SM1", "From": resident.phone, "Body": "pothole outside 12 Main St"},
    )

    assert forged.status_code == 403
    assert unsigned.status_code == 403
    assert "X-Twilio-Signature" in forged.text
    assert await requests_filed(store, by=[resident.phone]) == []


async def test_a_provider_retry_of_the_same_message_files_once(gateway: Gateway, token: str) -> None:
    store = gateway.store
    resident = gateway.resident(token)
    sid = f"SM{uuid4().hex}"

    first = reply_of(await resident.text("graffiti on Park St", sid=sid))
    again = reply_of(await resident.text("graffiti on Park St", sid=sid))
    concurrent_sid = f"SM{uuid4().hex}"
    neighbour = gateway.resident(token)
    both = await asyncio.gather(
        *(neighbour.text("dead animal at 3 Elm St", sid=concurrent_sid) for _ in range(2))
    )

    assert again == first
    assert reply_of(both[0]) == reply_of(both[1])
    numbers = {TRACKING_NUMBER.findall(first)[0], TRACKING_NUMBER.findall(reply_of(both[0]))[0]}
    filed_by_them = await requests_filed(store, by=[resident.phone, neighbour.phone])
    assert {e.payload["tracking_number"] for e in filed_by_them} == numbers


@pytest.mark.parametrize(
    ("body", "expected"),
    [("", "Your message was empty"), ("   ", "Your message was empty"), ("pothole " * 600, "too long")],
)
async def test_an_empty_or_overlong_text_is_answered_and_nothing_is_filed(
    gateway: Gateway, token: str, body: str, expected: str
) -> None:
    store = gateway.store
    resident = gateway.resident(token)
    answer = reply_of(await resident.text(body + " at 12 Main St" if body.strip() else body))

    assert expected in answer
    assert await requests_filed(store, by=[resident.phone]) == []


async def test_help_explains_and_stop_ends_the_conversation(gateway: Gateway, token: str) -> None:
    store = gateway.store
    resident = gateway.resident(token)

    help_text = reply_of(await resident.text("HELP"))
    reply_of(await resident.text("graffiti"))
    stopped = reply_of(await resident.text("STOP"))
    after = reply_of(await resident.text("12 Main St"))

    assert "tracking number" in help_text
    assert "we stopped" in stopped
    assert "What is the problem?" in after  # the graffiti was forgotten with the conversation
    assert await requests_filed(store, by=[resident.phone]) == []


async def test_the_sms_channel_is_off_without_a_token(settings: BackboneSettings, tmp_path: Path) -> None:
    process = ServiceProcess("civic311_intake", settings_env(settings), tmp_path).start()
    try:
        await process.wait_ready()
        async with httpx.AsyncClient(base_url=process.url) as client:
            response = await client.post("/channels/sms", data={"From": "+16175550100", "Body": "pothole"})
    finally:
        process.stop()

    assert response.status_code == 404
    assert "SMS_WEBHOOK_TOKEN" in response.text


async def test_a_conversation_left_longer_than_its_time_is_forgotten(
    pool: asyncpg.Pool, store: EventStore
) -> None:
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    intake = TextIntake(
        pool, store, load_catalogue(), conversation_ttl=timedelta(0), time_zone=ZoneInfo("America/New_York")
    )

    def text(body: str) -> InboundMessage:
        return InboundMessage("sms", f"SM{uuid4().hex}", "+16175550142", body)

    asked_place = await receive(intake, text("graffiti"))
    asked_type = await receive(intake, text("12 Main St"))

    assert "Where is it?" in asked_place.text
    assert "What is the problem?" in asked_type.text
    assert await requests_filed(store) == []

"""The chat on the resident site without JavaScript: a form that posts one message and comes back to the
conversation so far, answered by the same engine as SMS and e-mail. One gateway for the module; each test
is its own browser (its own cookies, so its own chat)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from civic311_backbone.contracts import Actor, Location, RequestCreated, new_event
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from tests.intake.open311_support import Open311Gateway, event_count
from tests.intake.text_channel_support import TRACKING_NUMBER, ChatPage, chat_gateway, created, lines_of

GREETING = "Hello! What is the problem, and where?"


@pytest.fixture(scope="module")
async def gateway(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    async with chat_gateway(database_server_url, nats_server_url, tmp_path_factory.mktemp("chat")) as running:
        yield running


@pytest.fixture
async def chat(gateway: Open311Gateway) -> AsyncIterator[ChatPage]:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
        yield ChatPage(client)


async def _lines(gateway: Open311Gateway) -> int:
    count: int = await gateway.pool.fetchval("SELECT count(*) FROM chat_lines")
    return count


async def test_the_home_page_links_the_chat(chat: ChatPage) -> None:
    home = await chat.client.get("/")

    assert 'href="/chat"' in home.text
    assert "Chat with us" in home.text


async def test_a_resident_files_through_the_chat_form_one_question_at_a_time(
    gateway: Open311Gateway, chat: ChatPage
) -> None:
    page = await chat.open()
    assert lines_of(page)[0].startswith(GREETING)
    session = chat.client.cookies["civic311_chat"]

    asked = await chat.say("There is a pothole outside 12 Main St")
    answered = await chat.say("3")

    assert asked[1:] == [
        "There is a pothole outside 12 Main St",
        "How big is the pothole? Reply with a number: 1 = Smaller than a dinner plate, 2 = Up to a car "
        "tyre, 3 = Larger than a car tyre.",
    ]
    [number] = TRACKING_NUMBER.findall(answered[-1])
    assert answered[-1] == (
        f"Thank you: we have your report (Pothole, 12 Main St). Your tracking number is {number}."
    )
    page = await chat.client.get("/chat")
    assert f'href="/track/{number}"' in page.text
    request = await created(gateway, number)
    assert (request["service_code"], request["location"]["address_string"]) == ("POTHOLE", "12 Main St")
    assert request["attributes"] == {"SIZE": "large"}
    assert (request["channel"], request["language"], request["contact"]) == ("web", "en", None)
    assert request["description"] == "There is a pothole outside 12 Main St"
    stored = await gateway.pool.fetchval("SELECT count(*) FROM chat_lines WHERE session = $1", session)
    assert stored == 0  # the database keys a chat by its cookie's hash, never by the cookie


async def test_a_status_question_in_the_chat_answers_the_status(
    gateway: Open311Gateway, chat: ChatPage
) -> None:
    number = new_tracking_number()
    report = RequestCreated(
        tracking_number=number,
        service_code="GRAFFITI",
        location=Location(lat=42.36, long=-71.06, address_string="3 Elm St"),
        channel="web",
    )
    await gateway.store.append(
        stream_id_for(number), [new_event(report, actor=Actor(kind="resident", id="r"))], expected_version=0
    )
    await chat.open("?lang=es")

    lines = await chat.say(f"estado {number}")

    assert lines[-1] == (
        f"{number} (Eliminación de grafitis, 3 Elm St): recibido; lo estamos pasando al departamento que se ocupa de él."
    )


async def test_a_message_posted_again_is_refused_and_changes_nothing(
    gateway: Open311Gateway, chat: ChatPage
) -> None:
    await chat.open()
    first = await chat.post("graffiti on the bus shelter")
    assert first.status_code == 303
    lines_before, events_before = await _lines(gateway), await event_count(gateway.pool)

    replayed = await chat.post("graffiti on the bus shelter")  # the same form again: back button, reload

    assert replayed.status_code == 409
    assert "This message was sent already" in replayed.text
    assert (await _lines(gateway), await event_count(gateway.pool)) == (lines_before, events_before)
    chat.read_form(replayed)  # the page that says so has a fresh form
    conversation = await chat.say("12 Main St")  # the conversation goes on where it was
    assert conversation[1:3] == [
        "graffiti on the bus shelter",
        "Thanks. Where is it? Reply with the street address or the nearest corner, e.g. 12 Main St.",
    ]
    assert conversation[-1].startswith("Thank you: we have your report (Graffiti removal, 12 Main St).")


@pytest.mark.parametrize(
    ("message", "overrides", "why"),
    [
        ("pothole at 12 Main St " + "x" * 4000, {}, "A message can be at most 4,000 characters long"),
        ("pothole\x00 at 12 Main St\x1b[2J", {}, "The message has characters we cannot read"),
        ("   ", {}, "Write a message before sending"),
        ("pothole at 12 Main St", {"message_id": "x"}, "This form is incomplete"),
    ],
)
async def test_bad_input_is_refused_at_the_message_and_changes_nothing(
    gateway: Open311Gateway, chat: ChatPage, message: str, overrides: dict[str, str], why: str
) -> None:
    await chat.open()
    lines_before, events_before = await _lines(gateway), await event_count(gateway.pool)

    refused = await chat.post(message, **overrides)

    assert refused.status_code == 400
    assert why in refused.text
    assert 'aria-invalid="true"' in refused.text  # at the message box, and in the error summary
    assert (await _lines(gateway), await event_count(gateway.pool)) == (lines_before, events_before)


async def test_bytes_that_are_not_utf8_are_refused(gateway: Open311Gateway, chat: ChatPage) -> None:
    await chat.open()
    events_before = await event_count(gateway.pool)
    body = (
        "&".join(f"{name}={value}" for name, value in chat.fields.items())
        + "&message=pot%FFhole+at+12+Main+St"
    )

    refused = await chat.client.post(
        "/chat", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )

    assert refused.status_code == 400
    assert "message" in refused.text
    assert await event_count(gateway.pool) == events_before


async def test_a_post_without_the_forms_token_is_refused(gateway: Open311Gateway, chat: ChatPage) -> None:
    await chat.open()
    lines_before = await _lines(gateway)

    forged = await chat.post("pothole outside 12 Main St", csrf_token="not-the-token-" + "x" * 40)

    assert forged.status_code == 403
    assert await _lines(gateway) == lines_before


async def test_the_script_gets_json_from_the_same_endpoint(chat: ChatPage) -> None:
    await chat.open()

    answer = await chat.client.post(
        "/chat", data={**chat.fields, "message": "graffiti"}, headers={"Accept": "application/json"}
    )
    again = await chat.client.post(
        "/chat", data={**chat.fields, "message": "graffiti"}, headers={"Accept": "application/json"}
    )

    assert answer.status_code == 200
    body = answer.json()
    assert [line["speaker"] for line in body["lines"]] == ["resident", "city"]
    assert body["lines"][1]["said"].startswith("Thanks. Where is it?")
    assert body["message_id"] != chat.fields["message_id"]  # the next message gets a fresh id
    assert again.status_code == 409
    assert again.json()["field"] == "message"


async def test_each_browser_has_its_own_chat(gateway: Open311Gateway, chat: ChatPage) -> None:
    await chat.open()
    await chat.say("graffiti on the library wall")

    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as other_client:
        other = ChatPage(other_client)
        elsewhere = lines_of(await other.open())
    made_up = {"civic311_chat": "A" * 43}  # a well-formed session nobody was given finds no chat
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30, cookies=made_up) as guessing_client:
        guessed = await guessing_client.get("/chat")

    assert len(elsewhere) == 1 and elsewhere[0].startswith(GREETING)
    assert "library wall" not in guessed.text


async def test_the_chat_is_rate_limited_like_the_other_public_forms(
    gateway: Open311Gateway, chat: ChatPage
) -> None:
    """Last in the module: it spends this client's POSTs for a minute."""
    await chat.open()
    statuses = [(await chat.client.post("/chat", data={"message": "x"})).status_code for _ in range(130)]
    events_before = await event_count(gateway.pool)

    limited = await chat.post("pothole outside 12 Main St")

    assert 429 in statuses
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    assert await event_count(gateway.pool) == events_before

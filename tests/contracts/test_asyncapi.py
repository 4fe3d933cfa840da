"""The AsyncAPI document: a channel per event subject, the relayed headers, the dead letters."""

from __future__ import annotations

import re
from typing import Any

import pytest

from civic311.contracts_export import asyncapi_document, event_json_schema, is_internal_event
from civic311_backbone.contracts import CORE_EVENTS, Payload, dead_letter_subject, event_subject
from tests.contracts.support import inline_refs

EVENT_TYPES = [pytest.param(cls, id=cls.event_type) for cls in CORE_EVENTS]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return asyncapi_document()


def test_it_is_asyncapi_3_on_nats(document: dict[str, Any]) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert document["servers"]["nats"]["protocol"] == "nats"
    assert document["info"]["title"] and document["info"]["version"]


def test_one_channel_per_core_event_and_the_dead_letters(document: dict[str, Any]) -> None:
    addresses = {channel["address"] for channel in document["channels"].values()}

    assert addresses == {event_subject("civic311", cls.event_type) for cls in CORE_EVENTS} | {
        dead_letter_subject("civic311", "{consumer}")
    }
    assert "civic311.request.created" in addresses
    assert "civic311.dlq.{consumer}" in addresses


def test_every_reference_in_the_document_resolves(document: dict[str, Any]) -> None:
    inline_refs(document, document)


@pytest.mark.parametrize("payload_type", EVENT_TYPES)
def test_each_event_channel_carries_that_events_envelope_and_the_relay_headers(
    document: dict[str, Any], payload_type: type[Payload]
) -> None:
    name = payload_type.event_type
    channel = inline_refs(document["channels"][name], document)
    (message,) = channel["messages"].values()
    file_schema = event_json_schema(payload_type)
    del file_schema["$schema"]

    assert channel["address"] == event_subject("civic311", name)
    assert message["payload"] == inline_refs(file_schema, file_schema)
    assert message["headers"]["required"] == ["Nats-Msg-Id", "Civic311-Global-Position", "correlation_id"]
    assert message["correlationId"]["location"] == "$message.header#/correlation_id"


def test_every_operation_sends_a_message_of_its_own_channel(document: dict[str, Any]) -> None:
    for operation in document["operations"].values():
        channel_ref = operation["channel"]["$ref"]
        assert operation["action"] == "send"
        for message in operation["messages"]:
            assert message["$ref"].startswith(f"{channel_ref}/messages/")
    assert len(document["operations"]) == len(document["channels"])


def test_the_dead_letter_channel_says_who_gave_up_and_why(document: dict[str, Any]) -> None:
    channel = inline_refs(document["channels"]["DeadLetter"], document)
    message = channel["messages"]["DeadLetter"]

    assert set(re.findall(r"{(\w+)}", channel["address"])) == set(channel["parameters"]) == {"consumer"}
    assert {
        "Civic311-Error",
        "Civic311-Consumer",
        "Civic311-Attempts",
        "Civic311-Original-Subject",
    } <= set(message["headers"]["required"])
    assert len(message["payload"]["oneOf"]) == len(CORE_EVENTS)


def test_it_warns_that_personal_data_must_never_be_public(document: dict[str, Any]) -> None:
    description = document["info"]["description"]

    assert "`x-personal-data: true`" in description
    assert "RequestCreated.contact" in description
    assert "never be exposed publicly" in description


def test_it_names_the_internal_fields_and_marks_the_internal_events(document: dict[str, Any]) -> None:
    description = document["info"]["description"]
    internal = {cls.event_type for cls in CORE_EVENTS if is_internal_event(cls)}

    assert "`x-internal: true`" in description
    assert "StatusUpdated.internal_note" in description and "Closed.cost" in description
    assert internal == {"SlaWarning"}
    for cls in CORE_EVENTS:
        name = cls.event_type
        marked = name in internal
        assert document["channels"][name].get("x-internal", False) is marked, name
        assert document["components"]["messages"][name].get("x-internal", False) is marked, name


def test_another_prefix_moves_every_address() -> None:
    document = asyncapi_document("city")

    assert all(channel["address"].startswith("city.") for channel in document["channels"].values())
